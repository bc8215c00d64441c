/* Fuzz harness: the page walker (core/paging.h) over arbitrary bytes.
 *
 * Input: the address space of fuzz_space.h (mode, flags, MAXPHYADDR, CR3,
 * runs, image) with, as parameters, four virtual addresses and a read
 * length (u16, below 16 KiB).
 *
 * Contracts checked (paging.h): the returned status equals out->status and
 * is a known status; nlevels fits the mode; a successful translation has a
 * known page size and keeps the page offset; a translated byte in the image
 * reads back the same through vtop_read_virtual; vtop_read_virtual and
 * vtop_read_physical report done counts consistent with their status; the
 * translation cache (core/cache.h) answers exactly what the walk answers,
 * on misses, on hits, and after a range invalidation; and every
 * translation agrees with the independent reference walker of
 * tests/unit/ref_walk.h (status, and on success address, size, rights).
 */
#include <string.h>

#include "core/batch.h"
#include "core/cache.h"
#include "core/paging.h"
#include "core/physmem.h"
#include "core/status.h"
#include "fuzz_common.h"
#include "fuzz_space.h"
#include "tests/unit/ref_walk.h"

#define MAX_READ 0x4000u

static void check_translation(const vtop_space *space, uint64_t va,
                              const vtop_translation *t, vtop_status st)
{
    FUZZ_CHECK(st == t->status, "returned %d, record %d", st, t->status);
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "status %d", st);
    FUZZ_CHECK(vtop_status_name(st) != NULL, "no name for %d", st);
    FUZZ_CHECK(t->nlevels <= VTOP_MAX_LEVELS, "nlevels %u", t->nlevels);
    if (space->desc != NULL) {
        FUZZ_CHECK(t->nlevels <= space->desc->levels, "nlevels %u > %u",
                   t->nlevels, space->desc->levels);
    }
    if (st != VTOP_OK) {
        return;
    }
    uint64_t sz = t->page_size;
    FUZZ_CHECK(sz == 0x1000u || sz == 0x200000u || sz == 0x400000u ||
               sz == 0x40000000u, "page size %llx", (unsigned long long)sz);
    FUZZ_CHECK(((t->pa ^ va) & (sz - 1)) == 0, "va %llx pa %llx size %llx",
               (unsigned long long)va, (unsigned long long)t->pa,
               (unsigned long long)sz);
    const uint8_t *byte = vtop_physmem_span(&space->mem, t->pa, 1);
    if (byte != NULL) {
        uint8_t got = 0;
        size_t done = 7;
        vtop_status rs = vtop_read_virtual(space, va, &got, 1, &done);
        FUZZ_CHECK(rs == VTOP_OK && done == 1 && got == *byte,
                   "read_virtual %d done %zu", rs, done);
    }
}

static bool mem_read(void *ctx, uint64_t pa, unsigned size, uint64_t *v)
{
    const uint8_t *p = vtop_physmem_span(ctx, pa, size);
    if (!p)
        return false;
    uint64_t x = 0;
    for (unsigned i = size; i-- > 0;)
        x = x << 8 | p[i];
    *v = x;
    return true;
}

/* The reference walker's verdict on va must be the walker's. */
static void check_reference(const vtop_space *space, uint64_t va,
                            const vtop_translation *t)
{
    static const int kinds[VTOP_MODE_COUNT] = {
        [VTOP_MODE_NONE] = -1, [VTOP_MODE_32BIT] = REF_32,
        [VTOP_MODE_32BIT_PSE] = REF_32_PSE, [VTOP_MODE_PAE] = REF_PAE,
        [VTOP_MODE_4LEVEL] = REF_4LEVEL, [VTOP_MODE_5LEVEL] = REF_5LEVEL,
        [VTOP_MODE_AARCH64] = -1, /* fuzz_a64.c: its own reference */
    };
    const vtop_space_config *cfg = &space->cfg;
    if (kinds[cfg->mode] < 0)
        return;
    ref_cfg rc = {(ref_kind)kinds[cfg->mode], cfg->cr3, cfg->maxphyaddr, cfg->nxe,
                  cfg->pa_extra_mask, cfg->windows_pte, mem_read,
                  (void *)&space->mem};
    ref_result want = ref_walk(&rc, va);
    FUZZ_CHECK(t->status == want.st, "va %llx: walker %d, reference %d",
               (unsigned long long)va, t->status, want.st);
    if (want.st != VTOP_OK)
        return;
    unsigned rights = (want.w ? VTOP_RIGHT_WRITE : 0u) |
                      (want.u ? VTOP_RIGHT_USER : 0u) | (want.x ? VTOP_RIGHT_EXEC : 0u);
    FUZZ_CHECK(t->pa == want.pa && t->page_size == want.size && t->rights == rights,
               "va %llx: walker pa %llx size %llx rights %x, reference %llx %llx %x",
               (unsigned long long)va, (unsigned long long)t->pa,
               (unsigned long long)t->page_size, t->rights,
               (unsigned long long)want.pa, (unsigned long long)want.size, rights);
}

static void check_read(vtop_status st, size_t len, size_t done)
{
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "status %d", st);
    FUZZ_CHECK(done <= len, "done %zu > len %zu", done, len);
    if (len == 0) {
        return;
    }
    if (st == VTOP_OK) {
        FUZZ_CHECK(done == len, "OK with done %zu of %zu", done, len);
    } else if (st == VTOP_PARTIAL_READ) {
        FUZZ_CHECK(done > 0 && done < len, "partial with done %zu of %zu",
                   done, len);
    } else {
        FUZZ_CHECK(done == 0, "failure %d with done %zu", st, done);
    }
}

static void same_record(const vtop_translation *a, const vtop_translation *b)
{
    FUZZ_CHECK(a->status == b->status, "cached status %d, walk %d", a->status, b->status);
    if (a->status != VTOP_OK) {
        return;
    }
    FUZZ_CHECK(a->pa == b->pa && a->page_size == b->page_size &&
               a->nlevels == b->nlevels && a->rights == b->rights &&
               a->leaf_flags == b->leaf_flags,
               "cached va %llx pa %llx size %llx, walk pa %llx size %llx",
               (unsigned long long)a->va, (unsigned long long)a->pa,
               (unsigned long long)a->page_size, (unsigned long long)b->pa,
               (unsigned long long)b->page_size);
    for (unsigned i = 0; i < a->nlevels && i < VTOP_MAX_LEVELS; i++) {
        FUZZ_CHECK(a->levels[i].entry_pa == b->levels[i].entry_pa &&
                   a->levels[i].entry == b->levels[i].entry,
                   "cached level %u differs", i);
    }
}

/* Every VA twice through a 2-entry cache (misses, fills, hits, evictions),
 * with a range invalidation between the rounds. */
static void check_cache(const vtop_space *space, const uint64_t *va, int n)
{
    _Alignas(64) vtop_cache_tag tags[2];
    vtop_translation records[2];
    vtop_cache cache;
    FUZZ_CHECK(vtop_cache_init(&cache, tags, records, 2) == VTOP_OK, "cache init");
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < n; i++) {
            vtop_translation walk, cached;
            vtop_translate(space, va[i], &walk);
            vtop_status st = vtop_translate_cached(space, &cache, va[i], &cached);
            FUZZ_CHECK(st == cached.status, "cached returned %d, record %d", st,
                       cached.status);
            same_record(&cached, &walk);
        }
        vtop_cache_invalidate_range(&cache, space->root, va[0], va[0] | 0xfff);
    }
}

/* The batch (core/batch.h) against one by one: the same record for
 * every VA (its fast path and its hand-over to the walker), and the
 * pa-only batch the same status and address as vtop_translate_pa. */
static void check_batch(const vtop_space *space, const uint64_t *va, int n)
{
    vtop_translation one[4], many[4];
    uint64_t pa[4];
    vtop_status st[4];
    vtop_translate_batch(space, va, (size_t)n, many);
    vtop_translate_batch_pa(space, va, (size_t)n, pa, st);
    for (int i = 0; i < n; i++) {
        vtop_translate(space, va[i], &one[i]);
        FUZZ_CHECK(many[i].status == one[i].status, "batch %d: status %d, walk %d", i,
                   many[i].status, one[i].status);
        same_record(&many[i], &one[i]);
        FUZZ_CHECK(many[i].fault_level == one[i].fault_level &&
                   many[i].nlevels == one[i].nlevels &&
                   many[i].reserved_bits == one[i].reserved_bits &&
                   many[i].swpte == one[i].swpte && many[i].va == one[i].va,
                   "batch %d: fault level %d/%d, nlevels %u/%u", i, many[i].fault_level,
                   one[i].fault_level, many[i].nlevels, one[i].nlevels);
        uint64_t want = 0;
        vtop_status s1 = vtop_translate_pa(space, va[i], &want, NULL);
        FUZZ_CHECK(st[i] == s1 && pa[i] == (s1 == VTOP_OK ? want : 0),
                   "batch_pa %d: status %d pa %llx, walk %d %llx", i, st[i],
                   (unsigned long long)pa[i], s1, (unsigned long long)want);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    /* Parameters: four virtual addresses, a read length. */
    uint8_t p[4 * 8 + 2];
    static fuzz_space fs;
    if (!fuzz_space_build(&c, &fs, p, sizeof p)) {
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        uint64_t va = fuzz_le64(p + 8 * i);
        vtop_translation t;
        vtop_status st = vtop_translate(&fs.space, va, &t);
        check_translation(&fs.space, va, &t, st);
        check_reference(&fs.space, va, &t);
    }
    uint64_t vas[4];
    for (int i = 0; i < 4; i++) {
        vas[i] = fuzz_le64(p + 8 * i);
    }
    check_cache(&fs.space, vas, 4);
    check_batch(&fs.space, vas, 4);
    size_t rlen = (size_t)(p[32] | (unsigned)p[33] << 8) % MAX_READ;
    static uint8_t buf[MAX_READ];
    size_t done = 0;
    vtop_status st = vtop_read_virtual(&fs.space, fuzz_le64(p), buf, rlen, &done);
    check_read(st, rlen, done);
    done = 0;
    st = vtop_read_physical(&fs.space, fuzz_le64(p + 8), buf, rlen, &done);
    check_read(st, rlen, done);
    return 0;
}
