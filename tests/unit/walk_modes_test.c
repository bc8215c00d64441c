/* Tests for core/walk.c, continued: 5-level, PAE, 32-bit (PSE, PSE-36),
 * Windows software PTEs and vtop_translate_pa, as named scenarios with
 * hand-written expected values from the SDM Vol. 3A layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "core/status.h"
#include "walk_scenarios.h"

static void test_5level_4k_2m_1g(void **state)
{
    (void)state;
    vtop_translation t;
    build_5level();
    vtop_space s = sp((fx_cfg){VTOP_MODE_5LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA5, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x6123);
    assert_int_equal(t.nlevels, 5);
    assert_int_equal(t.levels[0].entry_pa, 0x1008);
    assert_int_equal(t.levels[4].entry_pa, 0x5008);
    assert_string_equal(s.desc->level[0].name, "PML5E");
    assert_int_equal(t.rights, (VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC));
    assert_int_equal(t.leaf_flags, VTOP_LEAF_A);
    fx_put64(0x4008, 0x00800000 | 0x1000 | 0x83);
    assert_int_equal(vtop_translate(&s, VA5, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x00801123);
    assert_int_equal(t.page_size, 0x200000);
    assert_int_equal(t.nlevels, 4);
    fx_put64(0x3008, 0xc0000000 | 0x83);
    assert_int_equal(vtop_translate(&s, VA5, &t), VTOP_OK);
    assert_int_equal(t.pa, 0xc0201123);
    assert_int_equal(t.page_size, 0x40000000);
    assert_int_equal(t.nlevels, 3);
}

static void test_5level_canonical_and_ps(void **state)
{
    (void)state;
    vtop_translation t;
    build_5level();
    vtop_space s = sp((fx_cfg){VTOP_MODE_5LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x0100000000000000ull, &t), VTOP_NON_CANONICAL);
    assert_int_equal(vtop_translate(&s, 0xfeffffffffffffffull, &t), VTOP_NON_CANONICAL);
    /* Canonical in 5-level, not in 4-level: PML5 index 255 (0x17f8). */
    assert_int_equal(vtop_translate(&s, 0x00ff800000000000ull, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.levels[0].entry_pa, 0x17f8);
    assert_int_equal(vtop_translate(&s, 0xff00000000000000ull, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.levels[0].entry_pa, 0x1800);
    fx_put64(0x1008, 0x2000 | 0x87); /* PS in a PML5E */
    assert_int_equal(vtop_translate(&s, VA5, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x80);
    assert_int_equal(t.fault_level, 0);
    fx_put64(0x1008, 0x2000 | 0x7);
    fx_put64(0x2008, 0x3000 | 0x87); /* PS in a PML4E */
    assert_int_equal(vtop_translate(&s, VA5, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.fault_level, 1);
}

static void test_pae_4k_2m(void **state)
{
    (void)state;
    vtop_translation t;
    build_pae();
    vtop_space s = sp((fx_cfg){VTOP_MODE_PAE, 0x1038, 1, 0, 0, 0});
    assert_int_equal(s.root, 0x1020);
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x4123);
    assert_int_equal(t.nlevels, 3);
    assert_int_equal(t.levels[0].entry_pa, 0x1028);
    assert_int_equal(t.levels[1].entry_pa, 0x2008);
    assert_int_equal(t.levels[2].entry_pa, 0x3008);
    assert_int_equal(t.levels[2].entry, PTE_NX | 0x4005);
    assert_string_equal(s.desc->level[0].name, "PDPTE");
    assert_int_equal(t.rights, VTOP_RIGHT_USER); /* PDPTE has no RW/US */
    fx_put64(0x2008, 0x00600000 | 0x1000 | 0x87);
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x00601123);
    assert_int_equal(t.page_size, 0x200000);
    assert_int_equal(t.nlevels, 2);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_PAT);
    assert_int_equal(t.rights, (VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC));
    fx_put64(0x2008, 0x00600000 | 0x100000 | 0x87); /* bit 20 reserved */
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x100000);
}

static void test_pae_pdpte_reserved(void **state)
{
    (void)state;
    static const uint64_t bad[] = {0x2, 0x4, PTE_NX, XL(62), XL(52)};
    build_pae();
    vtop_space s = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 1, 0, 0, 0});
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vtop_translation t;
        fx_put64(0x1028, 0x2000 | 0x1 | bad[i]);
        assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_RESERVED_BIT);
        assert_int_equal(t.reserved_bits, bad[i]);
        assert_int_equal(t.fault_level, 0);
    }
    vtop_translation t;
    fx_put64(0x1028, XL(40) | 0x2000 | 0x1);
    vtop_space s36 = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 1, 36, 0, 0});
    assert_int_equal(vtop_translate(&s36, VAP, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, XL(40));
    /* Bits 9..11 of a PDPTE are ignored; bits 5..8 are accepted as QEMU
     * does (its TCG walker sets A, bit 5: tests/truth finding F1). */
    fx_put64(0x1028, 0xe00 | 0x2000 | 0x1);
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_OK);
    fx_put64(0x1028, 0x1e0 | 0x2000 | 0x1);
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x4123);
}

static void test_pae_nx_and_high_bits(void **state)
{
    (void)state;
    vtop_translation t;
    build_pae();
    vtop_space nonx = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 0, 0, 0, 0});
    assert_int_equal(vtop_translate(&nonx, VAP, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, PTE_NX);
    assert_int_equal(t.fault_level, 2);
    /* PAE: bits 62:M are reserved (not ignored as in long mode). */
    fx_put64(0x3008, XL(60) | 0x4000 | 0x5);
    vtop_space s = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 1, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, XL(60));
    /* A page above 4 GiB is fine with PAE (M=52). */
    fx_put64(0x3008, 0x0000001234567000ull | 0x1);
    assert_int_equal(vtop_translate(&s, VAP, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x0000001234567123ull);
    assert_int_equal(vtop_translate(&s, 0x100000000ull, &t), VTOP_ADDRESS_WIDTH);
    assert_int_equal(vtop_hresult(t.status), 0x80070057u);
}

static void test_32bit_4k_and_ps_ignored(void **state)
{
    (void)state;
    vtop_translation t;
    fx_put32(0x1004, 0x2000 | 0x87); /* PS is ignored without CR4.PSE */
    fx_put32(0x2004, 0x3000 | 0x1a1); /* P A PAT(bit 7) G, read-only */
    vtop_space s = sp((fx_cfg){VTOP_MODE_32BIT, 0x1018, 0, 0, 0, 0});
    assert_int_equal(s.root, 0x1000);
    assert_int_equal(vtop_translate(&s, VA32, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x3123);
    assert_int_equal(t.page_size, 0x1000);
    assert_int_equal(t.nlevels, 2);
    assert_int_equal(t.levels[0].entry_pa, 0x1004);
    assert_int_equal(t.levels[0].entry, 0x2087);
    assert_int_equal(t.levels[1].entry_pa, 0x2004);
    assert_int_equal(t.levels[1].entry, 0x31a1);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_G | VTOP_LEAF_A | VTOP_LEAF_PAT);
    assert_int_equal(t.rights, VTOP_RIGHT_EXEC); /* no NX in 32-bit paging */
    assert_string_equal(s.desc->level[0].name, "PDE");
    assert_int_equal(vtop_translate(&s, 0x100000000ull, &t), VTOP_ADDRESS_WIDTH);
    assert_int_equal(vtop_translate(&s, 0xfffff000ull, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.levels[0].entry_pa, 0x1ffc);
}

static void test_32bit_pse_4m_and_pse36(void **state)
{
    (void)state;
    vtop_translation t;
    fx_put32(0x1004, 0x00400000 | 0x83);
    vtop_space s = sp((fx_cfg){VTOP_MODE_32BIT_PSE, 0x1000, 0, 0, 0, 0});
    assert_int_equal(vtop_translate(&s, VA32, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x00401123);
    assert_int_equal(t.page_size, 0x400000);
    assert_int_equal(t.nlevels, 1);
    /* PSE-36: bits 13..15 = 5 -> PA bits 32..34; PAT bit 12 masked. */
    fx_put32(0x1004, 0x00400000 | (0x5 << 13) | 0x1000 | 0x83);
    assert_int_equal(vtop_translate(&s, VA32, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x0000000500401123ull);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_PAT);
    /* All 8 PSE-36 bits (M >= 40): PA bits 32..39 = 0xff. */
    fx_put32(0x1004, 0xffc00000u | (0xffu << 13) | 0x83);
    assert_int_equal(vtop_translate(&s, 0xffc01123ull, &t), VTOP_NOT_PRESENT);
    fx_put32(0x1ffc, 0xffc00000u | (0xffu << 13) | 0x83);
    assert_int_equal(vtop_translate(&s, 0xffc01123ull, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x000000ffffc01123ull);
    /* Bit 21 is always reserved; with M=36 bits 17..20 too. */
    fx_put32(0x1004, 0x00400000 | 0x200000 | 0x83);
    assert_int_equal(vtop_translate(&s, VA32, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x200000);
    fx_put32(0x1004, 0x00400000 | 0x20000 | 0x83);
    vtop_space s36 = sp((fx_cfg){VTOP_MODE_32BIT_PSE, 0x1000, 0, 36, 0, 0});
    assert_int_equal(vtop_translate(&s36, VA32, &t), VTOP_RESERVED_BIT);
    assert_int_equal(t.reserved_bits, 0x20000);
    fx_put32(0x1004, 0x00400000 | 0x10000 | 0x83); /* bit 16 -> PA bit 35 */
    assert_int_equal(vtop_translate(&s36, VA32, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x0000000800401123ull);
    /* A PDE without PS still points to a page table. */
    fx_put32(0x1004, 0x2000 | 0x7);
    fx_put32(0x2004, 0x3000 | 0x7);
    assert_int_equal(vtop_translate(&s, VA32, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x3123);
    assert_int_equal(t.rights, (VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC));
}

/* ---- Windows software PTEs ------------------------------------------ */

static void test_windows_software_ptes(void **state)
{
    (void)state;
    vtop_translation t;
    build_4level_4k();
    vtop_space w = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 1});
    vtop_space plain = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    /* Transition: bit 11, PFN bits 12..44 (bits 46 and 41/43 of 0x4a..). */
    fx_put64(0x4008, 0x00004a0000abc802ull);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_OK);
    assert_int_equal(t.swpte, VTOP_SWPTE_TRANSITION);
    assert_int_equal(t.pa, 0x00000a0000abc123ull);
    assert_int_equal(t.page_size, 0x1000);
    assert_int_equal(t.rights, (VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC));
    assert_int_equal(vtop_translate(&plain, VA4, &t), VTOP_NOT_PRESENT);
    assert_int_equal(t.swpte, VTOP_SWPTE_NONE);
    /* A read-only transition page. */
    fx_put64(0x4008, 0x0000000000abc880ull);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_USER | VTOP_RIGHT_EXEC);
    /* Prototype. */
    fx_put64(0x4008, 0xffffffff00000400ull);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_SOFTWARE_PTE);
    assert_int_equal(t.swpte, VTOP_SWPTE_PROTOTYPE);
    assert_int_equal(t.fault_level, 3);
    assert_int_equal(vtop_hresult(t.status), 0xD0000147u);
    /* Page file: offset in bits 32..63. */
    fx_put64(0x4008, 0x0000000500000080ull);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_SOFTWARE_PTE);
    assert_int_equal(t.swpte, VTOP_SWPTE_PAGEFILE);
    /* Demand zero: protection only, or all zero. */
    fx_put64(0x4008, 0x80);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_SOFTWARE_PTE);
    assert_int_equal(t.swpte, VTOP_SWPTE_DEMAND_ZERO);
    fx_put64(0x4008, 0);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_SOFTWARE_PTE);
    assert_int_equal(t.swpte, VTOP_SWPTE_DEMAND_ZERO);
    /* A transition page table (PDE): the walk goes on through it. */
    fx_put64(0x4008, 0x5000 | 0x3);
    fx_put64(0x3008, 0x4000 | 0x800);
    assert_int_equal(vtop_translate(&w, VA4, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x5123);
    assert_int_equal(t.nlevels, 4);
    assert_int_equal(t.swpte, VTOP_SWPTE_TRANSITION);
}

static void test_windows_32bit_pagefile(void **state)
{
    (void)state;
    vtop_translation t;
    fx_put32(0x1004, 0x2000 | 0x7);
    fx_put32(0x2004, 0x00005080); /* x86 page-file offset in bits 12..31 */
    vtop_space w = sp((fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 0, 0, 1});
    assert_int_equal(vtop_translate(&w, VA32, &t), VTOP_SOFTWARE_PTE);
    assert_int_equal(t.swpte, VTOP_SWPTE_PAGEFILE);
    fx_put32(0x2004, 0x00000080);
    assert_int_equal(vtop_translate(&w, VA32, &t), VTOP_SOFTWARE_PTE);
    assert_int_equal(t.swpte, VTOP_SWPTE_DEMAND_ZERO);
    fx_put32(0x2004, 0x00003800); /* transition, PFN 3 */
    assert_int_equal(vtop_translate(&w, VA32, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x3123);
}

/* vtop_translate_pa: same statuses and addresses as vtop_translate on the
 * hand-built scenarios above, without the record. */
static void test_translate_pa(void **state)
{
    (void)state;
    uint64_t pa = 0, size = 0;
    build_4level_4k();
    vtop_space s = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate_pa(&s, VA4, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x5123);
    assert_int_equal(size, 0x1000);
    assert_int_equal(vtop_translate_pa(&s, VA4, NULL, NULL), VTOP_OK);
    fx_put64(0x3008, 0x00600000 | 0x2000 | 0x83); /* 2M leaf, bit 13 */
    assert_int_equal(vtop_translate_pa(&s, VA4, &pa, &size), VTOP_RESERVED_BIT);
    fx_put64(0x3008, 0x00600000 | 0x1000 | 0x83); /* 2M leaf with PAT */
    assert_int_equal(vtop_translate_pa(&s, VA4, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x00601123);
    assert_int_equal(size, 0x200000);
    fx_put64(0x2008, 0x3000 | 0x87); /* 1G leaf with bit 13 set: reserved */
    assert_int_equal(vtop_translate_pa(&s, VA4, &pa, &size), VTOP_RESERVED_BIT);
    fx_put64(0x1008, 0x2000 | 0x87); /* PS in a PML4E */
    assert_int_equal(vtop_translate_pa(&s, VA4, &pa, &size), VTOP_RESERVED_BIT);
    assert_int_equal(vtop_translate_pa(&s, 0x0000800000000000ull, &pa, &size),
                     VTOP_NON_CANONICAL);
    assert_int_equal(vtop_translate_pa(NULL, 0, &pa, &size), VTOP_BAD_ARGUMENT);
    vtop_space r = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x40000000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate_pa(&r, VA4, &pa, &size), VTOP_TABLE_NOT_IN_IMAGE);
    /* Windows transition page and table. */
    fx_reset();
    build_4level_4k();
    vtop_space w = sp((fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 1});
    fx_put64(0x4008, 0x0000000000abc800ull);
    assert_int_equal(vtop_translate_pa(&w, VA4, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0xabc123);
    fx_put64(0x4008, 0x5000 | 0x3);
    fx_put64(0x3008, 0x4000 | 0x800);
    assert_int_equal(vtop_translate_pa(&w, VA4, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x5123);
    fx_put64(0x4008, 0x400);
    assert_int_equal(vtop_translate_pa(&w, VA4, &pa, &size), VTOP_SOFTWARE_PTE);
    /* Other modes. */
    fx_reset();
    build_pae();
    vtop_space p = sp((fx_cfg){VTOP_MODE_PAE, 0x1020, 1, 0, 0, 0});
    assert_int_equal(vtop_translate_pa(&p, VAP, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x4123);
    fx_put32(0x1004, 0x00400000 | (0x5 << 13) | 0x83);
    vtop_space pse = sp((fx_cfg){VTOP_MODE_32BIT_PSE, 0x1000, 0, 0, 0, 0});
    assert_int_equal(vtop_translate_pa(&pse, VA32, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x0000000500401123ull);
    assert_int_equal(size, 0x400000);
    vtop_space id = sp((fx_cfg){VTOP_MODE_NONE, 0, 0, 0, 0, 0});
    assert_int_equal(vtop_translate_pa(&id, 0x1234, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x1234);
    fx_reset();
    build_5level();
    vtop_space s5 = sp((fx_cfg){VTOP_MODE_5LEVEL, 0x1000, 1, 0, 0, 0});
    assert_int_equal(vtop_translate_pa(&s5, VA5, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x6123);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_5level_4k_2m_1g, reset),
        cmocka_unit_test_setup(test_5level_canonical_and_ps, reset),
        cmocka_unit_test_setup(test_pae_4k_2m, reset),
        cmocka_unit_test_setup(test_pae_pdpte_reserved, reset),
        cmocka_unit_test_setup(test_pae_nx_and_high_bits, reset),
        cmocka_unit_test_setup(test_32bit_4k_and_ps_ignored, reset),
        cmocka_unit_test_setup(test_32bit_pse_4m_and_pse36, reset),
        cmocka_unit_test_setup(test_windows_software_ptes, reset),
        cmocka_unit_test_setup(test_windows_32bit_pagefile, reset),
        cmocka_unit_test_setup(test_translate_pa, reset),
    };
    return cmocka_run_group_tests_name("walk_modes", tests, NULL, NULL);
}
