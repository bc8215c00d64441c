/* Fuzz harness: the AArch64 decoder and walker (core/paging_a64.c, the
 * WALK_A64 walk, core/entry.h's AArch64 tests) over arbitrary registers and
 * bytes.
 *
 * Input (little-endian, short inputs read as zeros): TCR (8), TTBR0 (8),
 * TTBR1 (8), regime (1, mod 3), maxphyaddr (1: 32 + b % 21), four virtual
 * addresses (32), then the image, physical memory from 0.
 *
 * Contracts checked (paging.h): vtop_space_init accepts exactly the
 * configurations vtop_a64_decode accepts for both halves; every
 * translation's returned status is its record's and agrees, record and
 * all, with the independent reference walker of tests/unit/ref_walk_a64.h;
 * vtop_translate_pa and vtop_translate_batch give the same answers; every
 * leaf vtop_enumerate reports translates to its frame at both ends with the
 * same rights and flags; audit and ptov finish with a documented status.
 */
#include <string.h>

#include "core/audit.h"
#include "core/batch.h"
#include "core/enum.h"
#include "core/paging.h"
#include "core/physmem.h"
#include "core/ptov.h"
#include "core/status.h"
#include "fuzz_common.h"
#include "tests/unit/ref_walk_a64.h"

static bool mem_read(void *ctx, uint64_t pa, uint64_t *v)
{
    const uint8_t *p = vtop_physmem_span(ctx, pa, 8);
    if (!p)
        return false;
    uint64_t x = 0;
    for (unsigned i = 8; i-- > 0;)
        x = x << 8 | p[i];
    *v = x;
    return true;
}

static void check_va(const vtop_space *s, const ref_a64 *ref, uint64_t va,
                     vtop_translation *t)
{
    vtop_status st = vtop_translate(s, va, t);
    FUZZ_CHECK(st == t->status, "returned %d, record %d", st, t->status);
    ref_a64_out o = ref_a64_walk(ref, va);
    FUZZ_CHECK(t->status == o.status && t->fault_level == o.fault_level &&
                   t->nlevels == o.n && t->reserved_bits == o.reserved_bits,
               "va %llx: walker %s level %d n %u bits %llx, reference %s %d %u %llx",
               (unsigned long long)va, vtop_status_name(t->status), t->fault_level,
               t->nlevels, (unsigned long long)t->reserved_bits,
               vtop_status_name(o.status), o.fault_level, o.n,
               (unsigned long long)o.reserved_bits);
    for (unsigned i = 0; i < o.n; i++)
        FUZZ_CHECK(t->levels[i].entry == o.entry[i] && t->levels[i].entry_pa == o.entry_pa[i],
                   "va %llx level %u differs", (unsigned long long)va, i);
    uint64_t pa = 0, size = 0;
    FUZZ_CHECK(vtop_translate_pa(s, va, &pa, &size) == o.status, "translate_pa status");
    if (o.status != VTOP_OK)
        return;
    FUZZ_CHECK(t->pa == o.pa && t->page_size == o.size && t->rights == o.rights &&
                   t->leaf_flags == o.flags && pa == o.pa && size == o.size,
               "va %llx: walker pa %llx size %llx rights %x flags %x, reference "
               "%llx %llx %x %x", (unsigned long long)va, (unsigned long long)t->pa,
               (unsigned long long)t->page_size, t->rights, t->leaf_flags,
               (unsigned long long)o.pa, (unsigned long long)o.size, o.rights, o.flags);
}

typedef struct leaf_ctx {
    const vtop_space *s;
    unsigned n;
} leaf_ctx;

static int on_leaf(void *ctx, const vtop_leaf *l)
{
    leaf_ctx *c = ctx;
    vtop_translation a, b;
    vtop_translate(c->s, l->va, &a);
    vtop_translate(c->s, l->va + (l->size - 1), &b);
    FUZZ_CHECK(a.status == VTOP_OK && b.status == VTOP_OK && a.pa == l->pa &&
                   b.pa == l->pa + (l->size - 1) && a.rights == l->rights &&
                   a.leaf_flags == l->leaf_flags && a.page_size == l->size,
               "leaf va %llx pa %llx: translate %s pa %llx",
               (unsigned long long)l->va, (unsigned long long)l->pa,
               vtop_status_name(a.status), (unsigned long long)a.pa);
    return ++c->n >= 256;
}

static int on_finding(void *ctx, const vtop_finding *f)
{
    (void)ctx;
    FUZZ_CHECK((unsigned)f->kind < VTOP_FINDING_COUNT && f->va_start <= f->va_end,
               "finding %d", f->kind);
    return 0;
}

static void check_whole(const vtop_space *s)
{
    leaf_ctx c = {s, 0};
    vtop_enum_options opt = {.max_tables = 64};
    vtop_status st = vtop_enumerate(s, 0, ~0ull, &opt, on_leaf, &c);
    FUZZ_CHECK(st == VTOP_OK || st == VTOP_LIMIT_REACHED, "enumerate %d", st);
    vtop_audit_options ao = {.max_tables = 64};
    st = vtop_audit(s, &ao, on_finding, NULL, NULL);
    FUZZ_CHECK(st == VTOP_OK || st == VTOP_LIMIT_REACHED, "audit %d", st);
    vtop_ptov_hit hits[4];
    vtop_ptov_hits h = {.hit = hits, .cap = 4};
    opt.max_tables = 32;
    st = vtop_ptov(s, 0, 0xffffff, &opt, &h);
    FUZZ_CHECK(st == VTOP_OK || st == VTOP_LIMIT_REACHED || st == VTOP_BUFFER_TOO_SMALL,
               "ptov %d", st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    vtop_space_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.mode = VTOP_MODE_AARCH64;
    cfg.tcr = fuzz_take(&c, 8);
    cfg.ttbr0 = fuzz_take(&c, 8);
    cfg.ttbr1 = fuzz_take(&c, 8);
    cfg.a64_regime = (uint8_t)(fuzz_take(&c, 1) % 3);
    cfg.maxphyaddr = (uint8_t)(32 + fuzz_take(&c, 1) % 21);
    uint64_t va[4];
    for (int i = 0; i < 4; i++)
        va[i] = fuzz_take(&c, 8);
    static vtop_run run;
    run = (vtop_run){0, c.n, 0, c.p};
    vtop_physmem mem = {&run, c.n ? 1u : 0u, NULL};
    static vtop_space s;
    vtop_status init = vtop_space_init(&s, &cfg, &mem);
    vtop_a64_half h0, h1;
    vtop_status d0 = vtop_a64_decode(cfg.tcr, cfg.ttbr0, (vtop_a64_regime)cfg.a64_regime,
                                     0, cfg.maxphyaddr, &h0);
    vtop_status d1 = vtop_a64_decode(cfg.tcr, cfg.ttbr1, (vtop_a64_regime)cfg.a64_regime,
                                     1, cfg.maxphyaddr, &h1);
    bool tables = (d0 == VTOP_OK && h0.levels) || (d1 == VTOP_OK && h1.levels);
    FUZZ_CHECK((init == VTOP_OK) == (d0 == VTOP_OK && d1 == VTOP_OK && tables),
               "init %d, decode %d %d", init, d0, d1);
    if (init != VTOP_OK)
        return 0;
    ref_a64 ref = {cfg.tcr, cfg.ttbr0, cfg.ttbr1, cfg.a64_regime, cfg.maxphyaddr,
                   mem_read, &s.mem};
    vtop_translation t[4], b[4];
    for (int i = 0; i < 4; i++)
        check_va(&s, &ref, va[i], &t[i]);
    vtop_translate_batch(&s, va, 4, b);
    for (int i = 0; i < 4; i++)
        FUZZ_CHECK(b[i].status == t[i].status && b[i].pa == t[i].pa, "batch %d", i);
    check_whole(&s);
    return 0;
}
