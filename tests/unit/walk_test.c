/* Tests for core/walk.c: vtop_translate in every mode and page size, every
 * reason, every record field. Expected values are hand-written from the SDM
 * Vol. 3A layouts (tables 4-4 .. 4-20), not computed by the code under test.
 * Seeded random tables against independent reference walkers:
 * walk_random_test.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "core/status.h"
#include "walk_scenarios.h"

static void test_4level_4k_record(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.status, VTOP_OK);
    assert_int_equal(t.va, VA4);
    assert_int_equal(t.pa, 0x5123);
    assert_int_equal(t.page_size, 0x1000);
    assert_int_equal(t.nlevels, 4);
    assert_int_equal(t.fault_level, -1);
    assert_int_equal(t.reserved_bits, 0);
    assert_int_equal(t.levels[0].entry_pa, 0x1008);
    assert_int_equal(t.levels[0].entry, 0x2007);
    assert_int_equal(t.levels[0].level, 0);
    assert_int_equal(t.levels[1].entry_pa, 0x2008);
    assert_int_equal(t.levels[1].entry, 0x3007);
    assert_int_equal(t.levels[2].entry_pa, 0x3008);
    assert_int_equal(t.levels[2].entry, 0x4007);
    assert_int_equal(t.levels[3].entry_pa, 0x4008);
    assert_int_equal(t.levels[3].entry, 0x5163);
    assert_int_equal(t.levels[3].level, 3);
    assert_string_equal(s.desc->level[t.levels[0].level].name, "PML4E");
    assert_string_equal(s.desc->level[t.levels[3].level].name, "PTE");
    /* U/S clear at the leaf: supervisor only. */
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_G | VTOP_LEAF_D | VTOP_LEAF_A);
    assert_int_equal(t.swpte, VTOP_SWPTE_NONE);
    assert_int_equal(vtop_hresult(t.status), 0);
}

static void test_4level_not_present_each_level(void **state)
{
    (void)state;
    static const uint64_t at[4] = {0x1008, 0x2008, 0x3008, 0x4008};
    for (int l = 0; l < 4; l++) {
        vtop_translation t;
        fx_reset();
        build_4level_4k();
        fx_put64(at[l], 0x5006); /* RW US but P=0 */
        vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
        assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_NOT_PRESENT);
        assert_int_equal(t.fault_level, l);
        assert_int_equal(t.nlevels, l + 1);
        assert_int_equal(t.levels[l].entry, 0x5006);
        assert_int_equal(t.levels[l].entry_pa, at[l]);
        assert_int_equal(t.swpte, VTOP_SWPTE_NONE);
        assert_int_equal(vtop_hresult(t.status), 0xD0000147u);
    }
}

static void test_4level_2m_and_1g_pat_masked(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    /* 2M leaf at 0x00600000 with PAT (bit 12), PCD, PWT, D, A. */
    fx_put64(0x3008, 0x00600000 | 0x1000 | 0xf9 | 0x6);
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x00601123);
    assert_int_equal(t.page_size, 0x200000);
    assert_int_equal(t.nlevels, 3);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_PAT | VTOP_LEAF_PCD | VTOP_LEAF_PWT |
                                       VTOP_LEAF_D | VTOP_LEAF_A);
    assert_int_equal(t.rights, (VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC));
    /* 1G leaf at 0x40000000 with PAT: PA 0x40000000 + 0x00201123. */
    fx_put64(0x2008, 0x40000000 | 0x1000 | 0x83);
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x40201123);
    assert_int_equal(t.page_size, 0x40000000);
    assert_int_equal(t.nlevels, 2);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_PAT);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC); /* US=0 */
}

static void test_4level_large_alignment_reserved(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    fx_put64(0x3008, 0x00600000 | 0x2000 | 0x83); /* 2M leaf, bit 13 */
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x2000);
    assert_int_equal(t.fault_level, 2);
    fx_put64(0x3008, 0x00700000 | 0x83); /* bit 20 in a 2M leaf */
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x100000);
    fx_put64(0x2008, 0x40000000 | 0x20000000 | 0x83); /* bit 29 in a 1G leaf */
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x20000000);
    assert_int_equal(t.fault_level, 1);
    assert_int_equal(vtop_hresult(t.status), 0xD0000147u);
    /* The same bits in a table-pointing PDPTE are address bits: no fault. */
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, 0x4000 | 0x7);
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
}

static void test_4level_ps_in_pml4e_reserved(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    fx_put64(0x1008, 0x2000 | 0x87);
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x80);
    assert_int_equal(t.fault_level, 0);
    assert_int_equal(t.nlevels, 1);
}

static void test_4level_maxphyaddr_reserved(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    fx_put64(0x2008, XL(45) | 0x3000 | 0x7);
    vtop_space s40 = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_int_equal(vtop_translate(&s40, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, XL(45));
    assert_int_equal(t.fault_level, 1);
    /* Bits 51:M at M=52: none reserved; bit 45 is an address bit and the
     * table at 2^45 + 0x3000 is outside the image. */
    vtop_space s52 = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s52, VA4, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 2);
    assert_int_equal(t.levels[2].entry_pa, XL(45) + 0x3008);
    assert_int_equal(t.nlevels, 2);
    /* Bits 62:52 are ignored (SDM table 4-15..4-19), never reserved. */
    fx_put64(0x2008, 0x7ff0000000000000ull | 0x3000 | 0x7);
    assert_int_equal(vtop_translate(&s40, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x5123);
}

static void test_4level_nx_with_and_without_nxe(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    fx_put64(0x2008, PTE_NX | 0x3000 | 0x7);
    vtop_space nxe = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&nxe, VA4, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE); /* no exec, leaf not user */
    vtop_space nonx = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 0, 0, 0, 0});
    assert_int_equal(vtop_translate(&nonx, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, PTE_NX);
    assert_int_equal(t.fault_level, 1);
}

static void test_4level_rights_and_across_levels(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    fx_put64(0x1008, 0x2000 | 0x5);          /* read-only at PML4E */
    fx_put64(0x4008, 0x5000 | 0x7);          /* user at every level */
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_USER | VTOP_RIGHT_EXEC);
    assert_int_equal(t.leaf_flags, 0);
    /* PAT of a 4K PTE is bit 7. */
    fx_put64(0x4008, 0x5000 | 0x87);
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_PAT);
    assert_int_equal(t.pa, 0x5123);
}

static void test_4level_cr3_flags_and_pcid_masked(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    /* PCID 0x5, PWT|PCD, bit 63 (no-flush), LAM bits 61/62. */
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL,
                               0xe000000000001000ull | 0x18 | 0x5, 1, 0, 0, 0});
    assert_int_equal(s.root, 0x1000);
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x5123);
}

static void test_4level_sev_mask(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    /* C-bit 51 set in every entry and in CR3: stripped from the addresses. */
    fx_put64(0x1008, XL(51) | 0x2000 | 0x7);
    fx_put64(0x2008, XL(51) | 0x3000 | 0x7);
    fx_put64(0x3008, XL(51) | 0x4000 | 0x7);
    fx_put64(0x4008, XL(51) | 0x5000 | 0x3);
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, XL(51) | 0x1000, 1, 0, XL(51), 0});
    assert_int_equal(s.root, 0x1000);
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x5123);
    /* With M=48 bit 51 would be reserved, but it is the C-bit. */
    vtop_space s48 = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 48, XL(51), 0});
    assert_int_equal(vtop_translate(&s48, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x5123);
    /* Without the mask: the table is at 2^51 + 0x2000, not in the image. */
    vtop_space plain = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&plain, VA4, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 1);
    assert_int_equal(t.levels[1].entry_pa, XL(51) + 0x2008);
}

static void test_4level_canonical_boundaries(void **state)
{
    (void)state;
    vtop_translation t;
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x0000800000000000ull, &t), VTOP_NON_CANONICAL);
    assert_int_equal(t.nlevels, 0);
    assert_int_equal(t.fault_level, -1);
    assert_int_equal(vtop_hresult(t.status), 0x80070057u);
    assert_int_equal(vtop_translate(&s, 0xffff7fffffffffffull, &t), VTOP_NON_CANONICAL);
    assert_int_equal(vtop_translate(&s, 0x00ff800000000000ull, &t), VTOP_NON_CANONICAL);
    /* Top of the lower half: PML4 index 255 -> entry 0x1000 + 255*8. */
    assert_int_equal(vtop_translate(&s, 0x00007fffffffffffull, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.levels[0].entry_pa, 0x17f8);
    /* Bottom of the upper half: PML4 index 256 -> 0x1800. */
    assert_int_equal(vtop_translate(&s, 0xffff800000000000ull, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.levels[0].entry_pa, 0x1800);
}

static void test_4level_top_and_bottom_of_space(void **state)
{
    (void)state;
    vtop_translation t;
    /* 0xffffffffffffffff: every index 511, offset 0xfff. */
    fx_put64(0x1ff8, 0x2000 | 0x3);
    fx_put64(0x2ff8, 0x3000 | 0x3);
    fx_put64(0x3ff8, 0x4000 | 0x3);
    fx_put64(0x4ff8, 0x7000 | 0x3);
    /* 0: every index 0. */
    fx_put64(0x1000, 0x8000 | 0x3);
    fx_put64(0x8000, 0x9000 | 0x3);
    fx_put64(0x9000, 0xa000 | 0x3);
    fx_put64(0xa000, 0xb000 | 0x3);
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, ~0ull, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x7fff);
    assert_int_equal(t.levels[3].entry_pa, 0x4ff8);
    assert_int_equal(vtop_translate(&s, 0, &t), VTOP_OK);
    assert_int_equal(t.pa, 0xb000);
}

static void test_tables_outside_image(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    fx_put64(0x3008, 0x10000000 | 0x7); /* PT at 256 MiB: not in the image */
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 3);
    assert_int_equal(t.nlevels, 3);
    assert_int_equal(t.levels[3].entry_pa, 0x10000008);
    assert_int_equal(vtop_hresult(t.status), 0xD0000147u);
    /* Root outside the image. */
    vtop_space r = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x40000000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&r, VA4, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 0);
    assert_int_equal(t.nlevels, 0);
    assert_int_equal(t.levels[0].entry_pa, 0x40000008);
    /* An image that ends 4 bytes into the PT at 0x4000: entry 0 straddles
     * the end, entry 1 (0x4008) lies past it. */
    fx_put64(0x3008, 0x4000 | 0x7);
    vtop_run cut = {0, 0x4004, 0, fx_mem};
    vtop_physmem cutmem = {&cut, 1, NULL};
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    vtop_space c;
    assert_int_equal(vtop_space_init(&c, &cfg, &cutmem), VTOP_OK);
    assert_int_equal(vtop_translate(&c, VA4, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 3);
    assert_int_equal(t.levels[3].entry_pa, 0x4008);
    assert_int_equal(vtop_translate(&c, VA4 - 0x1000, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.levels[3].entry_pa, 0x4000);
}

static void test_all_ones_entries(void **state)
{
    (void)state;
    vtop_translation t;
    fx_put64(0x1008, ~0ull);
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x80);
    vtop_space n = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 0, 40, 0, 0});
    assert_int_equal(vtop_translate(&n, VA4, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x800fff0000000080ull);
}

/* ---- paging disabled, bad arguments --------------------------------- */

static void test_identity_and_bad_arguments(void **state)
{
    (void)state;
    vtop_translation t;
    vtop_space s = sp((fx_cfg){VTOP_MODE_NONE, 0, 0, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x12345678, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x12345678);
    assert_int_equal(t.nlevels, 0);
    assert_int_equal(t.page_size, 0x1000);
    assert_int_equal(vtop_translate(&s, 0x100000000ull, &t), VTOP_ADDRESS_WIDTH);
    assert_int_equal(vtop_translate(&s, 0, NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_translate(NULL, 0, &t), VTOP_BAD_ARGUMENT);
    assert_int_equal(t.status, VTOP_BAD_ARGUMENT);
    memset(&s, 0, sizeof s);
    assert_int_equal(vtop_translate(&s, 0, &t), VTOP_BAD_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_4level_4k_record, reset),
        cmocka_unit_test_setup(test_4level_not_present_each_level, reset),
        cmocka_unit_test_setup(test_4level_2m_and_1g_pat_masked, reset),
        cmocka_unit_test_setup(test_4level_large_alignment_reserved, reset),
        cmocka_unit_test_setup(test_4level_ps_in_pml4e_reserved, reset),
        cmocka_unit_test_setup(test_4level_maxphyaddr_reserved, reset),
        cmocka_unit_test_setup(test_4level_nx_with_and_without_nxe, reset),
        cmocka_unit_test_setup(test_4level_rights_and_across_levels, reset),
        cmocka_unit_test_setup(test_4level_cr3_flags_and_pcid_masked, reset),
        cmocka_unit_test_setup(test_4level_sev_mask, reset),
        cmocka_unit_test_setup(test_4level_canonical_boundaries, reset),
        cmocka_unit_test_setup(test_4level_top_and_bottom_of_space, reset),
        cmocka_unit_test_setup(test_tables_outside_image, reset),
        cmocka_unit_test_setup(test_all_ones_entries, reset),
        cmocka_unit_test_setup(test_identity_and_bad_arguments, reset),
    };
    return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
