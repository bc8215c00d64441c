/* Fuzz harness: whole-space walks over arbitrary bytes: leaf enumeration
 * (core/enum.h, both policies, small table budgets), reverse lookup and the
 * whole ptov map (core/ptov.h), QEMU's `info mem` walk.
 *
 * Input: the address space of fuzz_space.h with, as parameters:
 *   [0] policy (bit0: QEMU) and budget (bits1-4: 1..16 tables),
 *   [1] ptov capacity (0..63), [2..9] va_start, [10..17] va_end,
 *   [18..25] pa_start, [26..33] pa length (mod 2^24).
 *
 * Contracts checked (enum.h, ptov.h): leaves come in strictly increasing,
 * non-overlapping VA order with a known size, a level and nlevels that fit
 * the mode, and overlap the requested range; in the strict policy every
 * leaf is what vtop_translate answers for its VA (address, size, rights)
 * and every ptov hit translates back to its PA; work stays within the budget
 * (tables <= max_tables, entries <= 1024 per table); ptov stores at most cap
 * hits, only inside the PA range, and says BUFFER_TOO_SMALL exactly when
 * total > cap; the ptov map comes sorted by (pa, va).
 */
#include <string.h>

#include "core/audit.h"
#include "core/enum.h"
#include "core/paging.h"
#include "core/ptov.h"
#include "core/status.h"
#include "fuzz_common.h"
#include "fuzz_space.h"

#define MAX_HITS 64

typedef struct leaf_ctx {
    const vtop_space *space;
    vtop_enum_policy policy;
    uint64_t start, end;
    bool have_prev;
    uint64_t prev_end;      /* last byte of the previous leaf */
    uint64_t leaves;
} leaf_ctx;

static bool known_size(uint64_t sz)
{
    return sz == 0x1000u || sz == 0x200000u || sz == 0x400000u ||
           sz == 0x40000000u;
}

static int on_leaf(void *vctx, const vtop_leaf *l)
{
    leaf_ctx *c = vctx;
    const vtop_mode_desc *d = c->space->desc;
    FUZZ_CHECK(known_size(l->size), "leaf size %llx", (unsigned long long)l->size);
    FUZZ_CHECK((l->va & (l->size - 1)) == 0, "leaf va %llx unaligned",
               (unsigned long long)l->va);
    FUZZ_CHECK(l->level < d->levels && l->nlevels == l->level + 1,
               "level %u nlevels %u", l->level, l->nlevels);
    uint64_t last = l->va + (l->size - 1);
    FUZZ_CHECK(last >= c->start && l->va <= c->end, "leaf %llx outside range",
               (unsigned long long)l->va);
    FUZZ_CHECK(!c->have_prev || l->va > c->prev_end,
               "leaf %llx not after %llx", (unsigned long long)l->va,
               (unsigned long long)c->prev_end);
    c->have_prev = true;
    c->prev_end = last;
    if (c->policy == VTOP_ENUM_STRICT) { /* every leaf, not a sample */
        vtop_translation t;
        vtop_status st = vtop_translate(c->space, l->va, &t);
        FUZZ_CHECK(st == VTOP_OK && t.pa == l->pa && t.page_size == l->size &&
                       t.rights == l->rights,
                   "leaf va %llx pa %llx size %llx; translate %d pa %llx size %llx",
                   (unsigned long long)l->va, (unsigned long long)l->pa,
                   (unsigned long long)l->size, st, (unsigned long long)t.pa,
                   (unsigned long long)t.page_size);
    }
    c->leaves++;
    return 0;
}

static void check_enum(const vtop_space *space, const vtop_enum_options *opt,
                       uint64_t start, uint64_t end)
{
    leaf_ctx lc = {space, opt->policy, start, end, false, 0, 0};
    vtop_enum_stats stats;
    memset(&stats, 0, sizeof stats);
    vtop_enum_options o = *opt;
    o.stats = &stats;
    vtop_status st = vtop_enumerate(space, start, end, &o, on_leaf, &lc);
    FUZZ_CHECK(st == VTOP_OK || st == VTOP_LIMIT_REACHED ||
               st == VTOP_BAD_ARGUMENT || st == VTOP_BAD_SPACE, "enumerate %d", st);
    FUZZ_CHECK(st != VTOP_BAD_ARGUMENT || start > end, "bad argument for %llx..%llx",
               (unsigned long long)start, (unsigned long long)end);
    FUZZ_CHECK(stats.tables <= opt->max_tables, "%llu tables > budget %llu",
               (unsigned long long)stats.tables, (unsigned long long)opt->max_tables);
    FUZZ_CHECK(stats.entries <= stats.tables * 1024u, "%llu entries in %llu tables",
               (unsigned long long)stats.entries, (unsigned long long)stats.tables);
    FUZZ_CHECK(stats.leaves == lc.leaves, "stats %llu leaves, saw %llu",
               (unsigned long long)stats.leaves, (unsigned long long)lc.leaves);
}

static void check_ptov(const vtop_space *space, const vtop_enum_options *opt,
                       uint64_t pa0, uint64_t pa1, size_t cap)
{
    static vtop_ptov_hit hits[MAX_HITS];
    vtop_ptov_hits r = {cap ? hits : NULL, cap, 99999, 0};
    vtop_status st = vtop_ptov(space, pa0, pa1, opt, &r);
    size_t stored = r.stored;
    uint64_t total = r.total;
    if (st != VTOP_OK && st != VTOP_BUFFER_TOO_SMALL && st != VTOP_LIMIT_REACHED) {
        FUZZ_CHECK(st == VTOP_BAD_ARGUMENT || st == VTOP_BAD_SPACE, "ptov %d", st);
        return;
    }
    FUZZ_CHECK(stored <= cap && stored <= total, "stored %zu cap %zu total %llu",
               stored, cap, (unsigned long long)total);
    FUZZ_CHECK(st != VTOP_OK || stored == total, "OK but %zu of %llu", stored,
               (unsigned long long)total);
    FUZZ_CHECK(st != VTOP_BUFFER_TOO_SMALL || total > cap, "too small, total %llu",
               (unsigned long long)total);
    for (size_t i = 0; i < stored; i++) {
        const vtop_ptov_hit *h = &hits[i];
        FUZZ_CHECK(h->len > 0 && h->pa >= pa0 && h->pa - pa0 + (h->len - 1) <= pa1 - pa0,
                   "hit %zu pa %llx len %llx outside", i, (unsigned long long)h->pa,
                   (unsigned long long)h->len);
        FUZZ_CHECK(i == 0 || h->va > hits[i - 1].va, "hit %zu out of VA order", i);
        if (opt->policy != VTOP_ENUM_STRICT)
            continue;
        uint64_t pa = 0;
        vtop_status ts = vtop_translate_pa(space, h->va, &pa, NULL);
        FUZZ_CHECK(ts == VTOP_OK && pa == h->pa, "hit %zu va %llx: translate %d pa %llx, hit pa %llx",
                   i, (unsigned long long)h->va, ts, (unsigned long long)pa,
                   (unsigned long long)h->pa);
    }
}

static void check_map(const vtop_space *space, const vtop_enum_options *opt, size_t cap)
{
    static vtop_ptov_pair pairs[MAX_HITS];
    size_t count = 0;
    vtop_status st = vtop_ptov_map(space, opt, pairs, cap, &count);
    if (st != VTOP_OK) {
        return;
    }
    FUZZ_CHECK(count <= cap, "map count %zu > cap %zu", count, cap);
    for (size_t i = 1; i < count; i++) {
        const vtop_ptov_pair *a = &pairs[i - 1], *b = &pairs[i];
        FUZZ_CHECK(a->pa < b->pa || (a->pa == b->pa && a->va < b->va),
                   "map pair %zu out of order", i);
    }
}

static int on_unit(void *ctx, uint64_t raw_end, unsigned prot)
{
    (void)raw_end;
    (void)prot;
    (*(uint64_t *)ctx)++;
    return 0;
}

typedef struct finding_ctx {
    uint64_t per_kind[VTOP_FINDING_COUNT];
} finding_ctx;

static int on_finding(void *vctx, const vtop_finding *f)
{
    finding_ctx *c = vctx;
    FUZZ_CHECK((unsigned)f->kind < VTOP_FINDING_COUNT, "finding kind %d", f->kind);
    FUZZ_CHECK(f->va_start <= f->va_end, "finding %s range %llx..%llx",
               vtop_finding_name(f->kind), (unsigned long long)f->va_start,
               (unsigned long long)f->va_end);
    FUZZ_CHECK(vtop_finding_name(f->kind) != NULL, "no name");
    c->per_kind[f->kind]++;
    return 0;
}

static void check_audit(const vtop_space *space, uint64_t budget)
{
    static vtop_table_ref refs[64];
    vtop_audit_options opt = {budget, refs, 64};
    vtop_audit_stats stats;
    memset(&stats, 0, sizeof stats);
    finding_ctx fc;
    memset(&fc, 0, sizeof fc);
    vtop_status st = vtop_audit(space, &opt, on_finding, &fc, &stats);
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "audit %d", st);
    if (st != VTOP_OK && st != VTOP_LIMIT_REACHED) {
        return;
    }
    FUZZ_CHECK(stats.tables <= budget, "audit %llu tables > %llu",
               (unsigned long long)stats.tables, (unsigned long long)budget);
    for (unsigned k = 0; k < VTOP_FINDING_COUNT; k++) {
        FUZZ_CHECK(stats.findings[k] == fc.per_kind[k], "kind %u: stats %llu, reported %llu",
                   k, (unsigned long long)stats.findings[k],
                   (unsigned long long)fc.per_kind[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    uint8_t p[34];
    static fuzz_space fs;
    if (!fuzz_space_build(&c, &fs, p, sizeof p)) {
        return 0;
    }
    vtop_enum_options opt;
    memset(&opt, 0, sizeof opt);
    opt.policy = (p[0] & 1u) ? VTOP_ENUM_QEMU : VTOP_ENUM_STRICT;
    opt.max_tables = 1u + ((p[0] >> 1) & 15u);
    size_t cap = p[1] % MAX_HITS;
    check_enum(&fs.space, &opt, fuzz_le64(p + 2), fuzz_le64(p + 10));
    uint64_t pa0 = fuzz_le64(p + 18);
    uint64_t pa1 = pa0 + fuzz_le64(p + 26) % (1u << 24);
    if (pa1 >= pa0) {
        check_ptov(&fs.space, &opt, pa0, pa1, cap);
    }
    check_map(&fs.space, &opt, cap);
    check_audit(&fs.space, opt.max_tables);
    uint64_t units = 0;
    vtop_status st = vtop_qemu_mem_walk(&fs.space, opt.max_tables, on_unit, &units);
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "qemu_mem_walk %d", st);
    return 0;
}
