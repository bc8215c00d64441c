/* Tests for the AArch64 candidate tests of core/roots_table.c: a
 * Linux-like TTBR1 table (swapper_pg_dir: a linear map of 2M blocks and a
 * kernel image below L0[256], table descriptors with UXNTable as Linux
 * writes them) ranks above a process's TTBR0 table and a table of wrong
 * descriptors; scans without a mode stay x86-only. Layouts from the Arm
 * ARM D8.3 descriptor formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/roots.h"
#include "a64_fixture.h"

#define SWAPPER 0x10000ull
#define USER_PGD 0x40000ull
#define JUNK 0x50000ull

static void build(void)
{
    fx_reset();
    /* swapper_pg_dir: L0[0] -> L1 (linear map) -> L2 of 2M blocks */
    fx_put64(SWAPPER, 0x11000 | D_TABLE | D_UXNT);
    fx_put64(0x11000, 0x12000 | D_TABLE | D_UXNT);
    for (uint64_t i = 0; i < 512; i++)
        fx_put64(0x12000 + 8 * i, (i << 21) | D_BLOCK | D_AF | D_SH(3) | D_PXN | D_UXN);
    /* L0[256] -> kernel image: L1 -> L2 -> L3 pages */
    fx_put64(SWAPPER + 256 * 8, 0x13000 | D_TABLE | D_UXNT);
    fx_put64(0x13000, 0x14000 | D_TABLE);
    fx_put64(0x14000 + 4 * 8, 0x15000 | D_TABLE);
    for (uint64_t i = 0; i < 64; i++)
        fx_put64(0x15000 + 8 * i, (0x200000 + (i << 12)) | D_PAGE | D_AF | D_UXN);
    /* a process's TTBR0 table: text low, stack at L0[511] */
    fx_put64(USER_PGD, 0x41000 | D_TABLE);
    fx_put64(0x41000, 0x42000 | D_TABLE);
    fx_put64(0x42000 + 8 * 2, 0x43000 | D_TABLE);
    fx_put64(0x43000, 0x300000 | D_PAGE | D_AF | D_AP1 | D_AP2 | D_NG);
    fx_put64(USER_PGD + 511 * 8, 0x44000 | D_TABLE);
    fx_put64(0x44000 + 511 * 8, 0x45000 | D_TABLE);
    fx_put64(0x45000 + 511 * 8, 0x46000 | D_TABLE);
    fx_put64(0x46000 + 511 * 8, 0x301000 | D_PAGE | D_AF | D_AP1 | D_NG | D_PXN);
    /* blocks at L0 (no such thing with 4K and no DS), junk bits */
    for (uint64_t i = 256; i < 266; i++)
        fx_put64(JUNK + 8 * i, (i << 39) | D_BLOCK | D_AF);
}

static void test_swapper_first(void **state)
{
    (void)state;
    build();
    vtop_root_candidate c[16];
    vtop_roots_result res;
    vtop_roots_options o = {.mode = VTOP_MODE_AARCH64};
    assert_int_equal(vtop_roots_scan(&fx_phys, &o, c, 16, &res), VTOP_OK);
    assert_true(res.count >= 2);
    assert_int_equal(c[0].root, SWAPPER);
    assert_int_equal(c[0].mode, VTOP_MODE_AARCH64);
    assert_true(c[0].evidence & VTOP_ROOT_EV_KERNEL_HALF);
    assert_true(c[0].evidence & VTOP_ROOT_EV_LINEAR_LEAVES);
    assert_false(c[0].evidence & VTOP_ROOT_EV_USER_HALF);
    assert_false(c[0].evidence & VTOP_ROOT_EV_PROCESS);
    assert_int_equal(c[0].bad, 0);
    assert_int_equal(c[0].present, 2);
    for (size_t i = 0; i < res.count; i++)
        assert_true(c[i].root != JUNK);
    bool user = false;
    for (size_t i = 0; i < res.count; i++)
        user = user || c[i].root == USER_PGD;
    assert_true(user);
}

static void test_default_scan_is_x86(void **state)
{
    (void)state;
    build();
    vtop_root_candidate c[64];
    vtop_roots_result res;
    vtop_status st = vtop_roots_scan(&fx_phys, NULL, c, 64, &res);
    assert_true(st == VTOP_OK || st == VTOP_NO_ROOT);
    for (size_t i = 0; i < res.count; i++)
        assert_int_not_equal(c[i].mode, VTOP_MODE_AARCH64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swapper_first),
        cmocka_unit_test(test_default_scan_is_x86),
    };
    return cmocka_run_group_tests_name("a64_roots", tests, NULL, NULL);
}
