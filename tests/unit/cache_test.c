/* Tests for core/cache.c: hits and misses per page size, statistics,
 * invalidation (all, by root, by range), and the property that 100k random
 * queries give identical records with and without the cache, including
 * after table changes followed by invalidation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/cache.h"
#include "enum_fixture.h"
#include "record_check.h"

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

static void build(vtop_space *s)
{
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x4000, 0x5007);
    fx_put64(0x4008, 0x8000000000200183ull);  /* 2M at 0x200000 */
    fx_put64(0x5010, 0x8067);                 /* 4K at 0x2000 */
    fx_space(s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
}

static void test_hits_misses_sizes(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    _Alignas(64) vtop_cache_tag e[16];
    vtop_translation e_rec[16];
    vtop_cache c;
    assert_int_equal(vtop_cache_init(&c, e, e_rec, 0), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_cache_init(&c, NULL, e_rec, 16), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_cache_init(&c, e, e_rec, 16), VTOP_OK);
    vtop_translation t;
    assert_int_equal(vtop_translate_cached(&s, &c, 0x2123, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x8123);
    assert_int_equal(vtop_translate_cached(&s, &c, 0x2fff, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x8fff);
    assert_int_equal(t.va, 0x2fff);
    assert_int_equal(c.stats.misses, 1);
    assert_int_equal(c.stats.hits, 1);
    /* one 2M entry serves the whole large page */
    vtop_translate_cached(&s, &c, 0x200010, &t);
    vtop_translate_cached(&s, &c, 0x3ffff0, &t);
    assert_int_equal(t.pa, 0x3ffff0);
    assert_int_equal(t.page_size, 0x200000);
    assert_int_equal(c.stats.misses, 2);
    assert_int_equal(c.stats.hits, 2);
    assert_int_equal(c.stats.fills, 2);
    /* failures are not cached: two misses */
    assert_int_equal(vtop_translate_cached(&s, &c, 0x4000, &t), VTOP_NOT_PRESENT);
    assert_int_equal(vtop_translate_cached(&s, &c, 0x4000, &t), VTOP_NOT_PRESENT);
    assert_int_equal(c.stats.misses, 4);
    /* non-canonical goes straight to translate */
    assert_int_equal(vtop_translate_cached(&s, &c, 0x0000800000000000ull, &t),
                     VTOP_NON_CANONICAL);
    /* NULL cache: plain translate */
    assert_int_equal(vtop_translate_cached(&s, NULL, 0x2123, &t), VTOP_OK);
}

static void test_invalidation(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    _Alignas(64) vtop_cache_tag e[16];
    vtop_translation e_rec[16];
    vtop_cache c;
    vtop_cache_init(&c, e, e_rec, 16);
    vtop_translation t;
    vtop_translate_cached(&s, &c, 0x2000, &t);
    vtop_translate_cached(&s, &c, 0x200000, &t);
    /* the table changes: the cache keeps the old answer until invalidated,
     * as a hardware TLB does (SDM Vol. 3A 4.10.4) */
    fx_put64(0x5010, 0x9067);
    vtop_translate_cached(&s, &c, 0x2000, &t);
    assert_int_equal(t.pa, 0x8000);
    assert_int_equal(vtop_cache_invalidate_range(&c, s.root, 0x1000, 0x1fff), 0);
    assert_int_equal(vtop_cache_invalidate_range(&c, s.root + 0x1000, 0, ~0ull), 0);
    assert_int_equal(vtop_cache_invalidate_range(&c, s.root, 0x2fff, 0x2fff), 1);
    vtop_translate_cached(&s, &c, 0x2000, &t);
    assert_int_equal(t.pa, 0x9000);
    /* a range touching the 2M page drops it */
    assert_int_equal(vtop_cache_invalidate_range(&c, s.root, 0x3fffff, 0x400000), 1);
    assert_int_equal(vtop_cache_invalidate_root(&c, s.root + 0x1000), 0);
    assert_int_equal(vtop_cache_invalidate_root(&c, s.root), 1);
    vtop_translate_cached(&s, &c, 0x2000, &t);
    assert_int_equal(vtop_cache_invalidate_all(&c), 1);
    assert_int_equal(c.stats.invalidations, 4);
}

/* 100k queries per mode with a small cache (evictions), invalidations of
 * every kind, and table edits followed by a range invalidation. */
static void property(vtop_mode mode, uint64_t seed)
{
    vtop_space s;
    gen_space(&s, mode, seed, 40, 80, 150);
    collect l = collect_new();
    vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &l);
    assert_true(l.n > 0);
    static _Alignas(64) vtop_cache_tag e[61];
    static vtop_translation e_rec[61];
    vtop_cache c;
    vtop_cache_init(&c, e, e_rec, 61);
    static _Alignas(64) vtop_cache_tag pa_tags[61];
    vtop_cache cp; /* tags only, through the record-free path */
    vtop_cache_init(&cp, pa_tags, NULL, 61);
    uint64_t last_base = 0, last_size = 0;
    for (int q = 0; q < 100000; q++) {
        uint64_t va;
        if (last_size && rx_below(2) == 0) {
            va = last_base + rx_below(last_size);   /* locality: same page */
        } else if (rx_below(4) == 0) {
            va = vtop_canonical(s.desc, rx_next());
        } else {
            const vtop_leaf *lf = &l.v[rx_below(l.n < l.cap ? l.n : l.cap)];
            va = lf->va + rx_below(lf->size);
        }
        vtop_translation a, b;
        memset(&a, 0xAA, sizeof a);
        memset(&b, 0x55, sizeof b);
        vtop_status sa = vtop_translate(&s, va, &a);
        vtop_status sb = vtop_translate_cached(&s, &c, va, &b);
        assert_int_equal(sa, sb);
        same_record(&a, &b);
        uint64_t pa = 0, size = 0;
        unsigned rights = 0;
        assert_int_equal(vtop_cache_translate_pa(&s, &cp, va, &pa, &size, &rights), sa);
        if (sa == VTOP_OK) {
            assert_int_equal(pa, a.pa);
            assert_int_equal(size, a.page_size);
            assert_int_equal(rights, a.rights);
        }
        last_size = a.status == VTOP_OK ? a.page_size : 0;
        last_base = va & ~(last_size - 1);
        if (q % 5000 == 4999) {
            vtop_cache_invalidate_all(&c);
            vtop_cache_invalidate_all(&cp);
        } else if (q % 3001 == 3000) {
            vtop_cache_invalidate_root(&c, s.root);
            vtop_cache_invalidate_root(&cp, s.root);
        } else if (q % 997 == 996 && a.status == VTOP_OK) {
            /* move the leaf's frame, then invalidate just that page */
            const vtop_level_read *r = &a.levels[a.nlevels - 1];
            uint64_t moved = r->entry ^ (a.page_size << 1);
            fx_put(&s, r->entry_pa, moved);
            vtop_cache_invalidate_range(&c, s.root, va, va);
            vtop_cache_invalidate_range(&cp, s.root, va, va);
            for (size_t i = 0; i < l.n && i < l.cap; i++)
                if (l.v[i].levels[l.v[i].nlevels - 1].entry_pa == r->entry_pa)
                    l.v[i].entry = moved;
        }
    }
    assert_true(c.stats.hits > 10000);
    assert_true(c.stats.evictions > 0);
    assert_true(cp.stats.hits > 10000);
    assert_true(c.stats.invalidations > 0 && cp.stats.invalidations > 0);
    free(l.v);
}

static void test_property_100k(void **state)
{
    (void)state;
    property(VTOP_MODE_4LEVEL, 11);
    property(VTOP_MODE_5LEVEL, 12);
    property(VTOP_MODE_PAE, 13);
    property(VTOP_MODE_32BIT_PSE, 14);
    property(VTOP_MODE_32BIT, 15);
}

/* More roots than the cache numbers (VTOP_CACHE_ROOTS): the oldest root's
 * entries are evicted, every answer stays the walk's. */
static void test_many_roots(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    _Alignas(64) vtop_cache_tag e[64];
    vtop_translation e_rec[64];
    vtop_cache c;
    vtop_cache_init(&c, e, e_rec, 64);
    enum { ROOTS = VTOP_CACHE_ROOTS + 1 };
    vtop_space sp[ROOTS];
    for (unsigned i = 0; i < ROOTS; i++) {
        uint64_t root = 0x10000 + 0x1000ull * i;
        fx_put64(root, 0x2007); /* every root shares the PDPT at 0x2000 */
        fx_space(&sp[i], (fx_cfg){VTOP_MODE_4LEVEL, root, 1, 40, 0, 0});
    }
    vtop_translation t;
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < ROOTS; i++) {
            assert_int_equal(vtop_translate_cached(&sp[i], &c, 0x2123, &t), VTOP_OK);
            assert_int_equal(t.pa, 0x8123);
        }
    /* round-robin root eviction: every query of both passes missed */
    assert_int_equal(c.stats.hits, 0);
    assert_int_equal(c.stats.misses, 2 * ROOTS);
    assert_int_equal(c.stats.evictions, 2 * ROOTS - VTOP_CACHE_ROOTS);
    /* the last VTOP_CACHE_ROOTS roots hit, in any order */
    for (unsigned i = ROOTS; i-- > 1;)
        assert_int_equal(vtop_translate_cached(&sp[i], &c, 0x2fff, &t), VTOP_OK);
    assert_int_equal(c.stats.hits, VTOP_CACHE_ROOTS);
    assert_int_equal(vtop_cache_invalidate_root(&c, sp[0].root), 0); /* evicted */
    assert_int_equal(vtop_cache_invalidate_root(&c, sp[1].root), 1);
    assert_int_equal(vtop_cache_invalidate_root(&c, sp[1].root), 0);
}

/* The record-free hit path: same answers, statistics and fills as
 * vtop_translate_cached, sharing its entries. */
static void test_translate_pa(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    _Alignas(64) vtop_cache_tag e[16];
    vtop_translation e_rec[16];
    vtop_cache c;
    vtop_cache_init(&c, e, e_rec, 16);
    uint64_t pa = 0, size = 0;
    unsigned rights = 0;
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x2123, &pa, &size, &rights),
                     VTOP_OK);
    assert_int_equal(pa, 0x8123);
    assert_int_equal(size, 0x1000);
    assert_int_equal(rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC);
    assert_int_equal(c.stats.misses, 1);
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x2fff, &pa, &size, &rights),
                     VTOP_OK);
    assert_int_equal(pa, 0x8fff);
    assert_int_equal(c.stats.hits, 1);
    /* the 2M page: supervisor, NX (PML4E..PDE grant U, the PDE does not) */
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x200010, &pa, &size, &rights),
                     VTOP_OK);
    assert_int_equal(pa, 0x200010);
    assert_int_equal(size, 0x200000);
    assert_int_equal(rights, VTOP_RIGHT_WRITE);
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x3ffff0, &pa, NULL, NULL), VTOP_OK);
    assert_int_equal(pa, 0x3ffff0);
    assert_int_equal(c.stats.hits, 2);
    assert_int_equal(c.stats.fills, 2);
    /* a fill by one call is a hit for the other */
    vtop_translation t;
    assert_int_equal(vtop_translate_cached(&s, &c, 0x2008, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x8008);
    assert_int_equal(c.stats.hits, 3);
    /* failures: status returned, outputs untouched, nothing cached */
    pa = 0x1234;
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x4000, &pa, &size, &rights),
                     VTOP_NOT_PRESENT);
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x4000, &pa, &size, &rights),
                     VTOP_NOT_PRESENT);
    assert_int_equal(pa, 0x1234);
    assert_int_equal(c.stats.misses, 4);
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x0000800000000000ull, &pa, NULL,
                                             NULL), VTOP_NON_CANONICAL);
    assert_int_equal(c.stats.misses, 4);
    assert_int_equal(vtop_cache_translate_pa(&s, NULL, 0x2123, &pa, NULL, NULL), VTOP_OK);
    assert_int_equal(pa, 0x8123);
    assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x2123, NULL, NULL, NULL), VTOP_OK);
}

/* A page whose tag value would be all zero but for VTOP_CACHE_VAL_VALID:
 * frame 0, read-only, supervisor, NX. The inline hit ORs the matching
 * ways' values, so this hit must still be found, with pa 0 and no rights. */
static void test_frame_zero_no_rights(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    fx_put64(0x5018, 0x8000000000000001ull); /* 4K at 0x3000 -> frame 0 */
    _Alignas(64) vtop_cache_tag e[16];
    vtop_cache c;
    vtop_cache_init(&c, e, NULL, 16);
    uint64_t pa = 1, size = 0;
    unsigned rights = 7;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(vtop_cache_translate_pa(&s, &c, 0x3abc, &pa, &size, &rights),
                         VTOP_OK);
        assert_int_equal(pa, 0xabc);
        assert_int_equal(size, 0x1000);
        assert_int_equal(rights, 0);
    }
    assert_int_equal(c.stats.misses, 1);
    assert_int_equal(c.stats.hits, 1);
    /* the tag that hit is the valid, non-derived 4K leaf */
    size_t valid = 0;
    for (size_t i = 0; i < 16; i++)
        valid += e[i].key && e[i].val == VTOP_CACHE_VAL_VALID;
    assert_int_equal(valid, 1);
}

/* A large leaf's 4K pieces: the inline path serves them (size and rights
 * of the leaf), they are not counted as fills or invalidations, and an
 * invalidation anywhere in the leaf drops them with it. */
typedef struct cache_fixture {
    vtop_space s;
    _Alignas(64) vtop_cache_tag tags[64];
    vtop_translation records[64];
    vtop_cache c;
} cache_fixture;

static size_t count_pieces(const cache_fixture *f)
{
    size_t n = 0;
    for (size_t i = 0; i < 64; i++)
        n += f->tags[i].key && (f->tags[i].val & VTOP_CACHE_VAL_DERIVED);
    return n;
}

static void test_large_pieces(void **state)
{
    (void)state;
    static cache_fixture f;
    build(&f.s);
    vtop_cache_init(&f.c, f.tags, f.records, 64);
    uint64_t pa = 0, size = 0;
    unsigned rights = 0;
    assert_int_equal(vtop_cache_translate_pa(&f.s, &f.c, 0x3ff010, &pa, &size, &rights),
                     VTOP_OK);
    assert_int_equal(f.c.stats.fills, 1);
    assert_int_equal(count_pieces(&f), 1);
    /* the piece: one probe, the leaf's size, rights and address */
    assert_int_equal(vtop_cache_translate_pa(&f.s, &f.c, 0x3ff7f8, &pa, &size, &rights),
                     VTOP_OK);
    assert_int_equal(pa, 0x3ff7f8);
    assert_int_equal(size, 0x200000);
    assert_int_equal(rights, VTOP_RIGHT_WRITE);
    vtop_translation t;
    assert_int_equal(vtop_translate_cached(&f.s, &f.c, 0x3ff008, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x3ff008);
    assert_int_equal(t.va, 0x3ff008);
    assert_int_equal(t.page_size, 0x200000);
    assert_int_equal(f.c.stats.hits, 2);
    assert_int_equal(f.c.stats.misses, 1);
    /* another piece of the same leaf, through the large lookup */
    assert_int_equal(vtop_cache_translate_pa(&f.s, &f.c, 0x200000, &pa, NULL, NULL), VTOP_OK);
    assert_int_equal(f.c.stats.hits, 3);
    assert_int_equal(f.c.stats.fills, 1);
    assert_int_equal(count_pieces(&f), 2);
    /* invalidating a byte of the leaf far from the pieces drops all */
    assert_int_equal(vtop_cache_invalidate_range(&f.c, f.s.root, 0x300000, 0x300000), 1);
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(f.tags[i].key, 0);
    assert_int_equal(vtop_cache_translate_pa(&f.s, &f.c, 0x3ff7f8, &pa, NULL, NULL), VTOP_OK);
    assert_int_equal(f.c.stats.misses, 2);
    assert_int_equal(f.c.stats.invalidations, 1);
}

/* A working set of 512 consecutive 4K pages in a 4096-entry cache: the
 * second pass hits every time (the direct-mapped cache this replaced
 * missed 5.7% of such a set on collisions). */
static void test_working_set_no_collisions(void **state)
{
    (void)state;
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x4000, 0x5007);
    for (uint64_t i = 0; i < 512; i++)
        fx_put64(0x5000 + 8 * i, (0x100000 + i * 0x1000) | 0x67);
    vtop_space s;
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    static _Alignas(64) vtop_cache_tag e[4096];
    static vtop_translation e_rec[4096];
    vtop_cache c;
    assert_int_equal(vtop_cache_init(&c, e, e_rec, 4096), VTOP_OK);
    uint64_t pa = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t i = 0; i < 512; i++) {
            assert_int_equal(vtop_cache_translate_pa(&s, &c, i * 0x1000 + 0x10, &pa,
                                                     NULL, NULL), VTOP_OK);
            assert_int_equal(pa, 0x100000 + i * 0x1000 + 0x10);
        }
    assert_int_equal(c.stats.misses, 512);
    assert_int_equal(c.stats.hits, 512);
    assert_int_equal(c.stats.evictions, 0);
}

/* Capacities that are not a multiple of a set: 1 and 3 entries still
 * cache, evict and invalidate. */
static void test_small_capacities(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    _Alignas(64) vtop_cache_tag e[3];
    vtop_translation e_rec[3];
    vtop_cache c;
    vtop_translation t;
    for (size_t cap = 1; cap <= 3; cap += 2) {
        assert_int_equal(vtop_cache_init(&c, e, e_rec, cap), VTOP_OK);
        vtop_translate_cached(&s, &c, 0x2000, &t);
        vtop_translate_cached(&s, &c, 0x2000, &t);
        assert_int_equal(c.stats.hits, 1);
        vtop_translate_cached(&s, &c, 0x200000, &t);
        vtop_translate_cached(&s, &c, 0x200000, &t);
        assert_int_equal(c.stats.hits, 2);
        assert_int_equal(t.pa, 0x200000);
        assert_int_equal(c.stats.evictions, cap == 1 ? 1 : 0);
        assert_int_equal(vtop_cache_invalidate_all(&c), cap == 1 ? 1 : 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hits_misses_sizes, reset),
        cmocka_unit_test_setup(test_invalidation, reset),
        cmocka_unit_test_setup(test_property_100k, reset),
        cmocka_unit_test_setup(test_translate_pa, reset),
        cmocka_unit_test_setup(test_frame_zero_no_rights, reset),
        cmocka_unit_test_setup(test_large_pieces, reset),
        cmocka_unit_test_setup(test_working_set_no_collisions, reset),
        cmocka_unit_test_setup(test_small_capacities, reset),
        cmocka_unit_test_setup(test_many_roots, reset),
    };
    return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
