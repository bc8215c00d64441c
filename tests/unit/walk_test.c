/* Tests for core/walk.c: vtop_translate in every mode and page size, every
 * reason, every record field. Expected values are hand-written from the SDM
 * Vol. 3A layouts (tables 4-4 .. 4-20), not computed by the code under test.
 * Seeded random tables are checked against ref_walk below, a tiny
 * independent walker for 4/5-level paging. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "core/status.h"
#include "pt_fixture.h"

#define XL(hi) (1ull << (hi))

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

static vtop_space sp(fx_cfg c)
{
    vtop_space s;
    assert_int_equal(fx_space(&s, c), VTOP_OK);
    return s;
}

/* ---- 4-level -------------------------------------------------------- */

/* VA 0x0000008040201123: indices 1/1/1/1, offset 0x123.
 * PML4 @0x1000, PDPT @0x2000, PD @0x3000, PT @0x4000, page @0x5000. */
#define VA4 0x0000008040201123ull
static void build_4level_4k(void)
{
    fx_put64(0x1008, 0x2000 | 0x7); /* P RW US */
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, 0x4000 | 0x7);
    fx_put64(0x4008, 0x5000 | 0x163); /* P RW A D G */
}

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
    vtop_physmem cutmem = {&cut, 1};
    vtop_space_config cfg = {VTOP_MODE_4LEVEL, 0x1000, true, 0, 0, false};
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

/* ---- 5-level -------------------------------------------------------- */

/* VA 0x0001008040201123: indices 1/1/1/1/1. Tables 0x1000..0x5000,
 * page 0x6000. */
#define VA5 0x0001008040201123ull
static void build_5level(void)
{
    fx_put64(0x1008, 0x2000 | 0x7);
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, 0x4000 | 0x7);
    fx_put64(0x4008, 0x5000 | 0x7);
    fx_put64(0x5008, 0x6000 | 0x27); /* A */
}

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

/* ---- PAE ------------------------------------------------------------ */

/* VA 0x40201123: PDPTE 1, PDE 1, PTE 1. PDPT at 0x1020 (32-byte aligned),
 * PD @0x2000, PT @0x3000, page @0x4000. */
#define VAP 0x40201123ull
static void build_pae(void)
{
    fx_put64(0x1028, 0x2000 | 0x1);
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, PTE_NX | 0x4000 | 0x5); /* user, read-only, NX */
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

/* ---- 32-bit --------------------------------------------------------- */

/* VA 0x00401123: PDE 1 @0x1004, PTE 1 @0x2004, page @0x3000. */
#define VA32 0x00401123ull
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

/* ---- seeded random tables vs an independent reference walker -------- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t rd64(uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | fx_mem[pa + i];
    return v;
}

/* Long-mode reference (SDM 4.5) with NXE=1, M=52, no masks: returns the
 * status and fills *pa, *size. Written apart from core/ on purpose. */
static vtop_status ref_walk(int levels, uint64_t cr3, uint64_t va, uint64_t *pa,
                            uint64_t *size)
{
    int top_shift = levels == 5 ? 56 : 47;
    int64_t sv = (int64_t)va;
    if ((sv >> top_shift) != 0 && (sv >> top_shift) != -1)
        return VTOP_NON_CANONICAL;
    uint64_t table = cr3 & 0x000ffffffffff000ull;
    for (int l = levels - 1; l >= 0; l--) { /* l = 0 is the PTE level */
        int shift = 12 + 9 * l;
        uint64_t epa = table + ((va >> shift) & 511) * 8;
        if (epa + 8 > FX_MEM_SIZE)
            return VTOP_TABLE_NOT_IN_IMAGE;
        uint64_t e = rd64(epa);
        if (!(e & 1))
            return VTOP_NOT_PRESENT;
        int ps = (e >> 7) & 1;
        if (l >= 3 && ps)
            return VTOP_RESERVED_BIT;
        if ((l == 1 || l == 2) && ps) {
            uint64_t align = (1ull << shift) - 1;
            if (e & align & ~0x1fffull)
                return VTOP_RESERVED_BIT;
            *size = 1ull << shift;
            *pa = (e & 0x000ffffffffff000ull & ~align) | (va & align);
            return VTOP_OK;
        }
        if (l == 0) {
            *size = 4096;
            *pa = (e & 0x000ffffffffff000ull) | (va & 0xfff);
            return VTOP_OK;
        }
        table = e & 0x000ffffffffff000ull;
    }
    return VTOP_BAD_SPACE;
}

/* A random entry: mostly present, pointing at one of the first 64 pages
 * (so walks go deep), sometimes PS, high garbage, or outside the image. */
static uint64_t random_entry(void)
{
    uint64_t r = rnd();
    uint64_t e = ((rnd() % 64) << 12) | (r & 0x1ff) | 1;
    if ((r >> 9) % 8 == 0)
        e &= ~1ull;
    if ((r >> 25) % 4)
        e &= ~0x80ull; /* PS in one entry of four */
    if ((r >> 12) % 16 == 0)
        e |= (rnd() & 0x3ull) << 13; /* alignment bits of a large page */
    if ((r >> 16) % 32 == 0)
        e |= 0x40000000ull; /* 1 GiB: outside the image */
    if ((r >> 21) % 32 == 0)
        e |= rnd() & 0x7ff0000000000000ull; /* ignored high bits */
    return e;
}

static void test_random_tables_match_reference(void **state)
{
    (void)state;
    int agree = 0;
    for (int seed = 1; seed <= 8; seed++) {
        rng_state = 0x9E3779B97F4A7C15ull * (uint64_t)seed;
        fx_reset();
        for (uint64_t pa = 0; pa < 64 * 4096; pa += 8)
            fx_put64(pa, random_entry());
        int levels = seed % 2 ? 4 : 5;
        vtop_space s = sp((fx_cfg){levels == 4 ? VTOP_MODE_4LEVEL : VTOP_MODE_5LEVEL,
                                   0x3000, 1, 0, 0, 0});
        for (int i = 0; i < 4000; i++) {
            uint64_t va = rnd();
            if (i % 2)
                va = (uint64_t)((int64_t)(va << 16) >> 16); /* canonical 48 */
            uint64_t pa = 0, size = 0;
            vtop_status want = ref_walk(levels, 0x3000, va, &pa, &size);
            vtop_translation t;
            vtop_status got = vtop_translate(&s, va, &t);
            assert_int_equal(got, want);
            uint64_t pa2 = 0, size2 = 0;
            assert_int_equal(vtop_translate_pa(&s, va, &pa2, &size2), want);
            if (want == VTOP_OK) {
                assert_int_equal(pa2, pa);
                assert_int_equal(size2, size);
            }
            if (want == VTOP_OK) {
                assert_int_equal(t.pa, pa);
                assert_int_equal(t.page_size, size);
                agree++;
            }
        }
    }
    print_message("# random: %d translations agreed on a mapped page\n", agree);
    assert_true(agree > 1000); /* the tables really were walked */
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

static uint32_t rd32(uint64_t pa)
{
    return (uint32_t)fx_mem[pa] | (uint32_t)fx_mem[pa + 1] << 8 |
           (uint32_t)fx_mem[pa + 2] << 16 | (uint32_t)fx_mem[pa + 3] << 24;
}

/* 32-bit paging with CR4.PSE, M >= 40 (SDM 4.3, tables 4-4..4-6). */
static vtop_status ref_walk_32(uint64_t cr3, uint64_t va, uint64_t *pa, uint64_t *size)
{
    uint64_t epa = (cr3 & 0xfffff000) + ((va >> 22) & 0x3ff) * 4;
    if (epa + 4 > FX_MEM_SIZE)
        return VTOP_TABLE_NOT_IN_IMAGE;
    uint32_t pde = rd32(epa);
    if (!(pde & 1))
        return VTOP_NOT_PRESENT;
    if (pde & 0x80) {
        if (pde & 0x200000)
            return VTOP_RESERVED_BIT;
        *size = 0x400000;
        *pa = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32) | (va & 0x3fffff);
        return VTOP_OK;
    }
    epa = (pde & 0xfffff000u) + ((va >> 12) & 0x3ff) * 4;
    if (epa + 4 > FX_MEM_SIZE)
        return VTOP_TABLE_NOT_IN_IMAGE;
    uint32_t pte = rd32(epa);
    if (!(pte & 1))
        return VTOP_NOT_PRESENT;
    *size = 0x1000;
    *pa = (pte & 0xfffff000u) | (va & 0xfff);
    return VTOP_OK;
}

/* PAE with NXE, M = 52 (SDM 4.4, tables 4-8..4-11; PDPTE bits 5..8
 * accepted as QEMU does). */
static vtop_status ref_walk_pae(uint64_t cr3, uint64_t va, uint64_t *pa, uint64_t *size)
{
    const uint64_t addr = 0x000ffffffffff000ull, high = 0x7ff0000000000000ull;
    uint64_t epa = (cr3 & 0xffffffe0) + ((va >> 30) & 3) * 8;
    if (epa + 8 > FX_MEM_SIZE)
        return VTOP_TABLE_NOT_IN_IMAGE;
    uint64_t e = rd64(epa);
    if (!(e & 1))
        return VTOP_NOT_PRESENT;
    if (e & (0x6 | high | PTE_NX))
        return VTOP_RESERVED_BIT;
    for (int shift = 21; shift >= 12; shift -= 9) {
        epa = (e & addr) + ((va >> shift) & 0x1ff) * 8;
        if (epa + 8 > FX_MEM_SIZE)
            return VTOP_TABLE_NOT_IN_IMAGE;
        e = rd64(epa);
        if (!(e & 1))
            return VTOP_NOT_PRESENT;
        if (e & high)
            return VTOP_RESERVED_BIT;
        if (shift == 21 && (e & 0x80)) {
            if (e & 0x1fe000)
                return VTOP_RESERVED_BIT;
            *size = 0x200000;
            *pa = (e & addr & ~0x1fffffull) | (va & 0x1fffff);
            return VTOP_OK;
        }
    }
    *size = 0x1000;
    *pa = (e & addr) | (va & 0xfff);
    return VTOP_OK;
}

static void test_random_32bit_and_pae_match_reference(void **state)
{
    (void)state;
    int agree[2] = {0, 0};
    for (int seed = 1; seed <= 8; seed++) {
        rng_state = 0xD1B54A32D192ED03ull * (uint64_t)seed;
        fx_reset();
        int pae = seed % 2;
        for (uint64_t pa = 0; pa < 64 * 4096; pa += 8) {
            uint64_t e = random_entry();
            if (pae && (rnd() % 4 == 0))
                e |= PTE_NX;
            if (pae)
                fx_put64(pa, e & ~(rnd() % 8 ? 0x6ull : 0)); /* some PDPTE-legal */
            else
                fx_put64(pa, e | (rnd() & 0x1fe000ull) << (rnd() % 2 ? 0 : 32));
        }
        vtop_space s = sp((fx_cfg){pae ? VTOP_MODE_PAE : VTOP_MODE_32BIT_PSE,
                                   0x3000, 1, 0, 0, 0});
        for (int i = 0; i < 4000; i++) {
            uint64_t va = rnd() & 0xffffffffull, pa = 0, size = 0;
            vtop_status want = pae ? ref_walk_pae(0x3000, va, &pa, &size)
                                   : ref_walk_32(0x3000, va, &pa, &size);
            vtop_translation t;
            assert_int_equal(vtop_translate(&s, va, &t), want);
            uint64_t pa2 = 0, size2 = 0;
            assert_int_equal(vtop_translate_pa(&s, va, &pa2, &size2), want);
            if (want == VTOP_OK) {
                assert_int_equal(pa2, pa);
                assert_int_equal(size2, size);
                assert_int_equal(t.pa, pa);
                assert_int_equal(t.page_size, size);
                agree[pae]++;
            }
        }
    }
    print_message("# random: %d 32-bit and %d PAE translations agreed on a mapped page\n",
                  agree[0], agree[1]);
    assert_true(agree[0] > 500 && agree[1] > 500);
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
        cmocka_unit_test_setup(test_5level_4k_2m_1g, reset),
        cmocka_unit_test_setup(test_5level_canonical_and_ps, reset),
        cmocka_unit_test_setup(test_pae_4k_2m, reset),
        cmocka_unit_test_setup(test_pae_pdpte_reserved, reset),
        cmocka_unit_test_setup(test_pae_nx_and_high_bits, reset),
        cmocka_unit_test_setup(test_32bit_4k_and_ps_ignored, reset),
        cmocka_unit_test_setup(test_32bit_pse_4m_and_pse36, reset),
        cmocka_unit_test_setup(test_identity_and_bad_arguments, reset),
        cmocka_unit_test_setup(test_windows_software_ptes, reset),
        cmocka_unit_test_setup(test_windows_32bit_pagefile, reset),
        cmocka_unit_test_setup(test_translate_pa, reset),
        cmocka_unit_test(test_random_tables_match_reference),
        cmocka_unit_test(test_random_32bit_and_pae_match_reference),
    };
    return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
