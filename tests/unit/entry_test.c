/* Tests for core/entry.h: the per-entry helpers every walk-like module
 * (enumeration, ptov, audit) decodes entries with. Expected values are
 * hand-written from the SDM Vol. 3A layouts (tables 4-4 .. 4-20). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/entry.h"
#include "pt_fixture.h"

static vtop_space sp(fx_cfg c)
{
    vtop_space s;
    assert_int_equal(fx_space(&s, c), VTOP_OK);
    return s;
}

static void test_geometry_and_reads(void **state)
{
    (void)state;
    fx_reset();
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    /* VA 0x0000008040201123: indices 1/1/1/1. */
    assert_int_equal(vtop_entry_index(&s, 0, 0x0000008040201123ull), 1);
    assert_int_equal(vtop_entry_index(&s, 3, 0x0000008040201123ull), 1);
    assert_int_equal(vtop_entry_index(&s, 0, 0xffff800000000000ull), 256);
    assert_int_equal(vtop_entry_count(&s, 0), 512);
    assert_int_equal(vtop_entry_span(&s, 1), 0x40000000);
    assert_int_equal(vtop_entry_page_size(&s, 2), 0x200000);
    assert_int_equal(vtop_entry_addr(&s, 0x1000, 3), 0x1018);
    fx_put64(0x1018, 0x1122334455667788ull);
    uint64_t e = 0;
    assert_int_equal(vtop_entry_read(&s, 0x1000, 3, &e), VTOP_OK);
    assert_int_equal(e, 0x1122334455667788ull);
    assert_int_equal(vtop_entry_read(&s, FX_MEM_SIZE, 0, &e), VTOP_TABLE_NOT_IN_IMAGE);
    const vtop_run *hint = NULL;
    assert_ptr_equal(vtop_entry_table_bytes(&s, &hint, 0, 0x1000), fx_mem + 0x1000);
    assert_ptr_equal(hint, &fx_run);
    assert_null(vtop_entry_table_bytes(&s, &hint, 0, FX_MEM_SIZE - 0x800));
    vtop_space p = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 1, 0, 0, 0});
    assert_int_equal(vtop_entry_count(&p, 0), 4);
    assert_int_equal(vtop_entry_index(&p, 0, 0xc0000000ull), 3);
    vtop_space t = sp((fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 0, 0, 0});
    fx_put32(0x1ffc, 0xdeadbeef);
    assert_int_equal(vtop_entry_read(&t, 0x1000, 1023, &e), VTOP_OK);
    assert_int_equal(e, 0xdeadbeef);
}

static void test_decode(void **state)
{
    (void)state;
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 46, 0, 0});
    uint64_t big = 0x0000000040000000ull | 0x1000 | 0x87; /* 1G leaf, PAT */
    assert_true(vtop_entry_present(big));
    assert_true(vtop_entry_is_leaf(&s, 1, big));
    assert_true(vtop_entry_is_large(&s, 1, big));
    assert_false(vtop_entry_is_leaf(&s, 0, big)); /* PS in a PML4E: not a leaf */
    assert_int_equal(vtop_entry_reserved(&s, 0, big), 0x80);
    assert_int_equal(vtop_entry_reserved(&s, 1, big | 0x2000), 0x2000);
    assert_int_equal(vtop_entry_reserved(&s, 1, big | (1ull << 50)), 1ull << 50);
    assert_int_equal(vtop_entry_leaf_base(&s, 1, big), 0x40000000);
    assert_int_equal(vtop_entry_leaf_flags(&s, 1, big), VTOP_LEAF_PAT);
    assert_int_equal(vtop_entry_rights(&s, 1, big), VTOP_RIGHTS_ALL);
    assert_int_equal(vtop_entry_rights(&s, 1, PTE_NX | 0x1), 0);
    assert_int_equal(vtop_entry_table(&s, 0x8000000000003067ull), 0x3000);
    assert_true(vtop_entry_is_leaf(&s, 3, 0x5001)); /* the PTE level always */
    assert_false(vtop_entry_is_large(&s, 3, 0x5081));
    assert_int_equal(vtop_entry_leaf_flags(&s, 3, 0x5179),
                     VTOP_LEAF_G | VTOP_LEAF_D | VTOP_LEAF_A | VTOP_LEAF_PCD |
                         VTOP_LEAF_PWT);
    assert_int_equal(vtop_entry_leaf_flags(&s, 3, 0x5081), VTOP_LEAF_PAT);
    /* PSE-36 4M leaf: PDE bits 13..20 = PA bits 32..39. */
    vtop_space p = sp((fx_cfg){VTOP_MODE_32BIT_PSE, 0x1000, 0, 0, 0, 0});
    assert_int_equal(vtop_entry_leaf_base(&p, 0, 0xffc00000ull | (0x81u << 13) | 0x1083),
                     0x00000081ffc00000ull);
    assert_int_equal(vtop_entry_reserved(&p, 0, 0x00600083), 0x200000);
    vtop_space n = sp((fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 0, 0, 0});
    assert_false(vtop_entry_is_leaf(&n, 0, 0x00400083)); /* PS ignored */
    /* PAE PDPTE: no R/W, U/S of its own. */
    vtop_space a = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 1, 0, 0, 0});
    assert_int_equal(vtop_entry_rights(&a, 0, 0x2001), VTOP_RIGHTS_ALL);
    assert_int_equal(vtop_entry_rights(&a, 1, 0x2001), VTOP_RIGHT_EXEC);
}

static void test_windows_kinds(void **state)
{
    (void)state;
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 1});
    assert_int_equal(vtop_entry_swpte(&s, 0), VTOP_SWPTE_DEMAND_ZERO);
    assert_int_equal(vtop_entry_swpte(&s, 0x80), VTOP_SWPTE_DEMAND_ZERO);
    assert_int_equal(vtop_entry_swpte(&s, 0x0000000500000080ull), VTOP_SWPTE_PAGEFILE);
    assert_int_equal(vtop_entry_swpte(&s, 0x400), VTOP_SWPTE_PROTOTYPE);
    assert_int_equal(vtop_entry_swpte(&s, 0xc00), VTOP_SWPTE_PROTOTYPE);
    assert_int_equal(vtop_entry_swpte(&s, 0x800), VTOP_SWPTE_TRANSITION);
    /* PFN bits 12..44: bit 45 and above are Windows flags. */
    assert_int_equal(vtop_entry_transition_base(&s, 0xfffffffffffff800ull),
                     0x00001ffffffff000ull);
    vtop_space t = sp((fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 0, 0, 1});
    assert_int_equal(vtop_entry_swpte(&t, 0x5080), VTOP_SWPTE_PAGEFILE);
    assert_int_equal(vtop_entry_transition_base(&t, 0xfffff800ull), 0xfffff000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry_and_reads),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_windows_kinds),
    };
    return cmocka_run_group_tests_name("entry", tests, NULL, NULL);
}
