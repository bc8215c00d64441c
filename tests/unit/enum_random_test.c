/* Tests for core/enum.c, second tier: seeded random tables in every mode
 * checked against vtop_translate (every leaf's record; the page after a
 * leaf; random VAs in and between leaves), and a large regular space whose
 * leaf and entry counts are known. Speed is `make bench`'s, not asserted
 * here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/enum.h"
#include "enum_fixture.h"

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

/* Random tables in every mode: every enumerated leaf translates to the same
 * record; VAs between leaves do not translate; order is strictly
 * increasing. */
static void check_against_translate(vtop_mode mode, uint64_t seed)
{
    vtop_space s;
    gen_space(&s, mode, seed, 60, 60, 200);
    collect c = collect_new();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
    assert_true(c.n > 0 && c.n <= c.cap);
    for (size_t i = 0; i < c.n; i++) {
        const vtop_leaf *l = &c.v[i];
        if (i > 0)
            assert_true(c.v[i - 1].va + c.v[i - 1].size - 1 < l->va);
        uint64_t off = rx_below(l->size);
        vtop_translation t;
        assert_int_equal(vtop_translate(&s, l->va + off, &t), VTOP_OK);
        assert_int_equal(t.pa, l->pa + off);
        assert_int_equal(t.page_size, l->size);
        assert_int_equal(t.rights, l->rights);
        assert_int_equal(t.leaf_flags, l->leaf_flags);
        assert_int_equal(t.nlevels, l->nlevels);
        for (unsigned k = 0; k < t.nlevels; k++) {
            assert_int_equal(t.levels[k].entry_pa, l->levels[k].entry_pa);
            assert_int_equal(t.levels[k].entry, l->levels[k].entry);
        }
        /* the page just after this leaf, when it is not the next leaf */
        uint64_t after = vtop_canonical(s.desc, l->va + l->size);
        bool next_is_leaf = i + 1 < c.n && c.v[i + 1].va == after;
        if (!next_is_leaf && after != 0 && vtop_canonical(s.desc, after) == after)
            assert_int_not_equal(vtop_translate(&s, after, &t), VTOP_OK);
    }
    free(c.v);
}

static void test_random_tables_agree_with_translate(void **state)
{
    (void)state;
    const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE, VTOP_MODE_PAE,
                               VTOP_MODE_4LEVEL, VTOP_MODE_5LEVEL};
    for (unsigned m = 0; m < 5; m++)
        for (uint64_t seed = 1; seed <= 4; seed++)
            check_against_translate(modes[m], seed * 31 + m);
}

/* ~75,000 4K leaves: PML4 -> PDPT -> PD -> 147 full PTs; every leaf seen
 * once and every entry of the 150 tables read once. */
static void test_many_leaves_counted(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    for (uint64_t i = 0; i < 147; i++) {
        uint64_t pt = 0x10000 + i * 0x1000;
        fx_put64(0x3000 + i * 8, pt | 7);
        for (uint64_t j = 0; j < 512; j++)
            fx_put64(pt + j * 8, ((i * 512 + j) << 12) | 0x63);
    }
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    uint64_t n = 0;
    vtop_enum_stats st;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st},
                                    count_leaf, &n), VTOP_OK);
    assert_int_equal(n, 147 * 512);
    assert_int_equal(st.leaves, 147 * 512);
    assert_int_equal(st.tables, 150);
    assert_int_equal(st.entries, 150 * 512);
}

/* Random VAs (not derived from leaves): translate succeeds exactly when the
 * VA lies in an enumerated leaf, with the same physical address. */
static void random_vas(vtop_mode mode, uint64_t seed)
{
    vtop_space s;
    gen_space(&s, mode, seed, 30, 300, 300);
    collect c = collect_new();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
    assert_true(c.n <= c.cap);
    uint64_t hits = 0;
    for (int q = 0; q < 20000; q++) {
        uint64_t va = rx_next();
        if (q & 1 && c.n) {   /* near a random leaf: up to 4 sizes either side */
            const vtop_leaf *l = &c.v[rx_below(c.n)];
            va = l->va + rx_below(9 * l->size) - 4 * l->size;
        }
        va = vtop_canonical(s.desc, va);
        if (!s.desc->sign_extended)
            va &= 0xffffffffull;
        size_t lo = 0, hi = c.n;            /* last leaf with va >= leaf.va */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (c.v[mid].va <= va)
                lo = mid;
            else
                hi = mid;
        }
        bool in = c.n && c.v[lo].va <= va && va - c.v[lo].va < c.v[lo].size;
        vtop_translation t;
        vtop_status st = vtop_translate(&s, va, &t);
        assert_int_equal(st == VTOP_OK, in);
        if (in) {
            assert_int_equal(t.pa, c.v[lo].pa + (va - c.v[lo].va));
            hits++;
        }
    }
    assert_true(hits > 0);
    free(c.v);
}

static void test_random_vas_agree_with_enumeration(void **state)
{
    (void)state;
    random_vas(VTOP_MODE_32BIT, 3);
    random_vas(VTOP_MODE_32BIT_PSE, 4);
    random_vas(VTOP_MODE_PAE, 5);
    random_vas(VTOP_MODE_4LEVEL, 6);
    random_vas(VTOP_MODE_5LEVEL, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_random_tables_agree_with_translate, reset),
        cmocka_unit_test_setup(test_many_leaves_counted, reset),
        cmocka_unit_test_setup(test_random_vas_agree_with_enumeration, reset),
    };
    return cmocka_run_group_tests_name("enum_random", tests, NULL, NULL);
}
