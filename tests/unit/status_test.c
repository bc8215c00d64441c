/* Tests for core/status.c: the dbgeng HRESULT of each status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/status.h"

static void test_hresult_values_from_winerror(void **state)
{
    (void)state;
    assert_int_equal(vtop_hresult(VTOP_OK), 0x00000000u);
    /* HRESULT_FROM_NT(STATUS_NO_PAGEFILE) = 0xC0000147 | 0x10000000 */
    assert_int_equal(vtop_hresult(VTOP_NOT_PRESENT), 0xD0000147u);
    assert_int_equal(vtop_hresult(VTOP_SOFTWARE_PTE), 0xD0000147u);
    assert_int_equal(vtop_hresult(VTOP_TABLE_NOT_IN_IMAGE), 0xD0000147u);
    assert_int_equal(vtop_hresult(VTOP_NON_CANONICAL), 0x80070057u);
    assert_int_equal(vtop_hresult(VTOP_PARTIAL_READ), 0x8007012Bu);
    assert_int_equal(vtop_hresult(VTOP_FORMAT_CORRUPT), 0x80004005u);
}

static void test_every_status_has_a_name(void **state)
{
    (void)state;
    for (int s = 0; s < VTOP_STATUS_COUNT; s++)
        assert_string_not_equal(vtop_status_name((vtop_status)s), "unknown-status");
    assert_string_equal(vtop_status_name(VTOP_STATUS_COUNT), "unknown-status");
    assert_string_equal(vtop_status_name(VTOP_NOT_PRESENT), "not-present");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hresult_values_from_winerror),
        cmocka_unit_test(test_every_status_has_a_name),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
