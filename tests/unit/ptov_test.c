/* Tests for core/ptov.c: aliasing, the Linux-style direct map, a Windows
 * self-map, caller limits with the total count, loops of tables (bounded),
 * the sorted whole map, and the property "ptov of every leaf's frame
 * contains that leaf's VA" over random tables of every mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/ptov.h"
#include "enum_fixture.h"

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

/* VA 0x1000 and 0x2000 both map PA 0x7000; PML4[273] (the Linux direct map
 * base 0xffff888000000000) maps PA [0, 2M) with one 2M page; PML4[0x1ed]
 * is a self-map. */
static void build(vtop_space *s)
{
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x4008, 0x7003);
    fx_put64(0x4010, 0x7005);
    fx_put64(0x4018, 0x8003);
    fx_put64(0x1000 + 273 * 8, 0x5003);
    fx_put64(0x5000, 0x6003);
    fx_put64(0x6000, 0x0083);                 /* 2M page at PA 0 */
    fx_put64(0x1000 + 0x1ed * 8, 0x1003);
    fx_space(s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
}

/* r reset to the buffer h of cap hits. */
static vtop_ptov_hits *hits(vtop_ptov_hits *r, vtop_ptov_hit *h, size_t cap)
{
    *r = (vtop_ptov_hits){h, cap, 0, 0};
    return r;
}

static void test_aliases_and_direct_map(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    vtop_ptov_hit h[8];
    vtop_ptov_hits r;
    assert_int_equal(vtop_ptov(&s, 0x7010, 0x7010, NULL, hits(&r, h, 8)), VTOP_OK);
    assert_int_equal(r.stored, 3);
    assert_int_equal(r.total, 3);
    assert_int_equal(h[0].va, 0x1010);
    assert_int_equal(h[1].va, 0x2010);
    assert_int_equal(h[1].rights, VTOP_RIGHT_USER | VTOP_RIGHT_EXEC);
    assert_int_equal(h[2].va, 0xffff888000007010ull);
    assert_int_equal(h[2].leaf_va, 0xffff888000000000ull);
    assert_int_equal(h[2].leaf_size, 0x200000);
    assert_int_equal(h[2].level, 2);
    assert_int_equal(h[2].pa, 0x7010);
    assert_int_equal(h[2].len, 1);
    /* a range over two frames: [0x7800, 0x8fff] */
    assert_int_equal(vtop_ptov(&s, 0x7800, 0x8fff, NULL, hits(&r, h, 8)), VTOP_OK);
    assert_int_equal(r.total, 4);
    assert_int_equal(h[0].va, 0x1800);
    assert_int_equal(h[0].len, 0x800);
    assert_int_equal(h[2].va, 0x3000);
    assert_int_equal(h[2].pa, 0x8000);
    assert_int_equal(h[2].len, 0x1000);
    assert_int_equal(h[3].va, 0xffff888000007800ull);
    assert_int_equal(h[3].len, 0x1800);
}

static void test_limit_reports_total(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    vtop_ptov_hit h[2];
    vtop_ptov_hits r;
    assert_int_equal(vtop_ptov(&s, 0x7000, 0x7fff, NULL, hits(&r, h, 2)),
                     VTOP_BUFFER_TOO_SMALL);
    assert_int_equal(r.stored, 2);
    assert_int_equal(r.total, 3);
    assert_int_equal(vtop_ptov(&s, 0x7000, 0x7fff, NULL, hits(&r, NULL, 0)),
                     VTOP_BUFFER_TOO_SMALL);
    assert_int_equal(r.total, 3);
    assert_int_equal(vtop_ptov(&s, 2, 1, NULL, hits(&r, h, 2)), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_ptov(&s, 1, 2, NULL, hits(&r, NULL, 2)), VTOP_BAD_ARGUMENT);
}

/* The self-map makes every table a page: ptov of the PML4's frame finds
 * the direct map, and the self-map's own VA for the PML4. */
static void test_self_map(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    vtop_ptov_hit h[8];
    vtop_ptov_hits r;
    assert_int_equal(vtop_ptov(&s, 0x1000, 0x1fff, NULL, hits(&r, h, 8)), VTOP_OK);
    assert_int_equal(r.total, 2);
    assert_int_equal(h[0].va, 0xffff888000001000ull);
    assert_int_equal(h[1].va, 0xFFFFF6FB7DBED000ull);
}

static void test_loop_bounded(void **state)
{
    (void)state;
    vtop_space s;
    for (int i = 0; i < 512; i++)
        fx_put64(0x1000 + i * 8, 0x1007);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    vtop_ptov_hit h[4];
    vtop_ptov_hits r;
    vtop_enum_options o = {VTOP_ENUM_STRICT, 2000, NULL, NULL, NULL};
    assert_int_equal(vtop_ptov(&s, 0x1000, 0x1fff, &o, hits(&r, h, 4)),
                     VTOP_LIMIT_REACHED);
    assert_int_equal(r.stored, 4);
    assert_true(r.total > 4 && r.total <= 2000ull * 512);
}

static void test_whole_map_sorted(void **state)
{
    (void)state;
    vtop_space s;
    build(&s);
    vtop_ptov_pair p[16];
    size_t n;
    assert_int_equal(vtop_ptov_map(&s, NULL, p, 2, &n), VTOP_BUFFER_TOO_SMALL);
    /* leaves: VAs 0x1000, 0x2000, 0x3000, the direct map, and seven pages
     * seen through the self-map: every table of both branches (the PD
     * 0x6000's 2M entry, read as a PTE one level down, maps PA 0 as 4K) */
    assert_int_equal(n, 11);
    assert_int_equal(vtop_ptov_map(&s, NULL, p, 16, &n), VTOP_OK);
    assert_int_equal(n, 11);
    const uint64_t want_pa[11] = {0, 0, 0x1000, 0x2000, 0x3000, 0x4000,
                                  0x5000, 0x6000, 0x7000, 0x7000, 0x8000};
    const uint64_t want_va[11] = {0xffff888000000000ull, 0xFFFFF6C440000000ull,
                                  0xFFFFF6FB7DBED000ull, 0xFFFFF6FB7DA00000ull,
                                  0xFFFFF6FB40000000ull, 0xFFFFF68000000000ull,
                                  0xFFFFF6FB7DB11000ull, 0xFFFFF6FB62200000ull,
                                  0x1000, 0x2000, 0x3000};
    assert_int_equal(p[0].size, 0x200000);
    assert_int_equal(p[1].size, 0x1000);
    for (int i = 0; i < 11; i++) {
        assert_int_equal(p[i].pa, want_pa[i]);
        assert_int_equal(p[i].va, want_va[i]);
    }
}

static void check_random(vtop_mode mode, uint64_t seed)
{
    vtop_space s;
    gen_space(&s, mode, seed, 20, 40, 200);
    collect c = collect_new();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
    static vtop_ptov_hit h[4096];
    for (size_t i = 0; i < c.n; i += 1 + c.n / 150) {
        const vtop_leaf *l = &c.v[i];
        uint64_t off = rx_below(l->size);
        vtop_ptov_hits r;
        assert_int_equal(vtop_ptov(&s, l->pa + off, l->pa + off, NULL, hits(&r, h, 4096)),
                         VTOP_OK);
        bool found = false;
        assert_true(r.stored > 0);
        for (size_t k = 0; k < r.stored; k++)
            found = found || h[k].va == l->va + off;
        assert_true(found);
    }
    free(c.v);
}

static void test_random_ptov_contains_leaf(void **state)
{
    (void)state;
    const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE, VTOP_MODE_PAE,
                               VTOP_MODE_4LEVEL, VTOP_MODE_5LEVEL};
    for (unsigned m = 0; m < 5; m++)
        for (uint64_t seed = 1; seed <= 2; seed++)
            check_random(modes[m], seed * 7 + m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_aliases_and_direct_map, reset),
        cmocka_unit_test_setup(test_limit_reports_total, reset),
        cmocka_unit_test_setup(test_self_map, reset),
        cmocka_unit_test_setup(test_loop_bounded, reset),
        cmocka_unit_test_setup(test_whole_map_sorted, reset),
        cmocka_unit_test_setup(test_random_ptov_contains_leaf, reset),
    };
    return cmocka_run_group_tests_name("ptov", tests, NULL, NULL);
}
