/* Tests for core/enum.c: every walk over self-maps and loops of tables
 * ends within its table budget (the default one follows the image size),
 * with the leaves a hand-worked self-map has (SDM Vol. 3A 4.5). */
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

/* Windows-style self-map: PML4[0x1ed] points at the PML4 itself. */
static void test_self_map_bounded(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x4000, 0x5003);
    fx_put64(0x1000 + 0x1ed * 8, 0x1003);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    collect c = collect_new();
    vtop_enum_stats st;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, collect_leaf, &c), VTOP_OK);
    const want w[] = {
        {0, 0x5000, 0x1000, 3, RW | EX, 0},
        {0xFFFFF68000000000ull, 0x4000, 0x1000, 3, RW | EX, 0}, /* the PT */
        {0xFFFFF6FB40000000ull, 0x3000, 0x1000, 3, RW | EX, 0}, /* the PD */
        {0xFFFFF6FB7DA00000ull, 0x2000, 0x1000, 3, RW | EX, 0}, /* the PDPT */
        {0xFFFFF6FB7DBED000ull, 0x1000, 0x1000, 3, RW | EX, 0}, /* the PML4 */
    };
    check_leaves(&c, w, 5);
    assert_true(st.tables <= 10);
    free(c.v);
}

/* Every PML4 entry points back at the PML4: 512^4 leaves if unbounded. The
 * table budget ends it; the test asserts the bound. */
static void test_table_loop_budget(void **state)
{
    (void)state;
    vtop_space s;
    for (int i = 0; i < 512; i++)
        fx_put64(0x1000 + i * 8, 0x1007);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    uint64_t n = 0;
    vtop_enum_stats st;
    vtop_enum_options o = {VTOP_ENUM_STRICT, 1000, NULL, NULL, &st};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, count_leaf, &n),
                     VTOP_LIMIT_REACHED);
    assert_int_equal(st.tables, 1000);
    assert_true(st.entries <= 1000 * 512);
    assert_true(n > 0 && n <= 1000 * 512);
    /* a PDPT entry looping back to the PML4, default budget: finishes */
    fx_reset();
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2008, 0x1007);
    n = 0;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, count_leaf, &n), VTOP_OK);
    /* PDPT[1] -> PML4 as PD: PML4[0] -> PDPT as PT: PDPT[1] is a 4K leaf */
    assert_int_equal(n, 1);
}

/* Fuzz finding E1: a one-page image whose 512 entries all point at itself.
 * The default budget follows the image size: 4 levels * 1 page + 64. */
static void test_default_budget_follows_image_size(void **state)
{
    (void)state;
    static uint8_t page[4096];
    for (int i = 0; i < 512; i++)
        page[i * 8] = 0x07;
    vtop_run run = {0, 4096, 0, page};
    vtop_physmem pm = {&run, 1, NULL};
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0, .nxe = true, .maxphyaddr = 52, .pa_extra_mask = 0, .windows_pte = false};
    vtop_space s;
    assert_int_equal(vtop_space_init(&s, &cfg, &pm), VTOP_OK);
    assert_int_equal(vtop_enum_default_budget(&s), 68);
    uint64_t n = 0;
    vtop_enum_stats st;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, count_leaf, &n),
                     VTOP_LIMIT_REACHED);
    assert_int_equal(st.tables, 68);
    assert_true(n <= 68 * 512);
    /* the 8 MiB fixture: 2048 pages * 4 + 64 */
    vtop_space big;
    fx_space(&big, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_int_equal(vtop_enum_default_budget(&big), 2048 * 4 + 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_self_map_bounded, reset),
        cmocka_unit_test_setup(test_table_loop_budget, reset),
        cmocka_unit_test_setup(test_default_budget_follows_image_size, reset),
    };
    return cmocka_run_group_tests_name("enum_bounds", tests, NULL, NULL);
}
