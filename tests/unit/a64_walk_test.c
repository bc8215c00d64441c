/* Tests for the AArch64 walk (core/walk.c with core/walk_step.h's WALK_A64
 * instantiation, core/entry.h's AArch64 decoder): every granule and start
 * level, block sizes, 52-bit output forms, TBI, EPD, both halves, every
 * fault with its level, hierarchical rights with and without HPD, AF with
 * HA, the EL2 layout. Expected values are hand-written from the Arm ARM
 * (DDI 0487) D8.2 walk, D8.3 descriptor formats and D8.4 permissions.
 * Seeded random tables against a reference walker: a64_random_test.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/batch.h"
#include "core/paging.h"
#include "core/status.h"
#include "a64_fixture.h"

#define EL1_48_4K (T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(5))
#define PAGE_RW (D_PAGE | D_AF) /* AP 00: EL1 read/write, executable */

static vtop_space sp(a64_cfg c)
{
    vtop_space s;
    assert_int_equal(a64_space(&s, c), VTOP_OK);
    return s;
}

/* 4K, 48-bit TTBR0: L0 0x1000 -> L1 0x2000 -> L2 0x3000 -> L3 0x4000. */
static void build_4k(void)
{
    fx_reset();
    fx_put64(0x1000, 0x2000 | D_TABLE);
    fx_put64(0x2000, 0x3000 | D_TABLE);
    fx_put64(0x3000, 0x4000 | D_TABLE);
    fx_put64(0x4000 + 5 * 8, 0x123000 | PAGE_RW | D_ATTR(4) | D_SH(3) | D_NG);
}

static void test_4k_page_record(void **state)
{
    (void)state;
    build_4k();
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x123abc);
    assert_int_equal(t.page_size, 0x1000);
    assert_int_equal(t.nlevels, 4);
    assert_int_equal(t.fault_level, -1);
    assert_int_equal(t.levels[0].entry_pa, 0x1000);
    assert_int_equal(t.levels[3].entry_pa, 0x4028);
    assert_int_equal(t.levels[3].level, 3);
    const vtop_mode_desc *d = vtop_space_desc_of(&s, 0x5abc);
    assert_string_equal(d->level[0].name, "L0");
    assert_string_equal(d->level[3].name, "L3");
    assert_string_equal(d->name, "aarch64");
    /* AP 00: EL1 read/write; PXN/UXN clear: both may execute. */
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC | VTOP_RIGHT_UEXEC);
    assert_int_equal(t.leaf_flags, VTOP_LEAF_AF | VTOP_LEAF_NG |
                                       (3u << VTOP_LEAF_SH_SHIFT) |
                                       (4u << VTOP_LEAF_ATTR_SHIFT));
    assert_int_equal(vtop_leaf_sh(t.leaf_flags), 3);
    assert_int_equal(vtop_leaf_attr_index(t.leaf_flags), 4);
    uint64_t pa = 0, size = 0;
    assert_int_equal(vtop_translate_pa(&s, 0x5abc, &pa, &size), VTOP_OK);
    assert_int_equal(pa, 0x123abc);
    assert_int_equal(size, 0x1000);
}

/* 4K blocks: 2M at L2, 1G at L1; a block at L0 needs DS. */
static void test_4k_blocks(void **state)
{
    (void)state;
    build_4k();
    fx_put64(0x3000 + 8, 0x40200000ull | D_BLOCK | D_AF | D_CONT | D_DBM);
    fx_put64(0x2000 + 8, 0x80000000ull | D_BLOCK | D_AF | D_AP2);
    fx_put64(0x1000 + 8, 0x8000000000ull | D_BLOCK | D_AF);
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x200000 + 0x12345, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x40212345);
    assert_int_equal(t.page_size, 2u << 20);
    assert_int_equal(t.nlevels, 3);
    assert_int_equal(t.leaf_flags & (VTOP_LEAF_CONT | VTOP_LEAF_DBM),
                     VTOP_LEAF_CONT | VTOP_LEAF_DBM);
    assert_int_equal(vtop_translate(&s, 0x40000000ull + 0x1234567, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x81234567ull);
    assert_int_equal(t.page_size, 1u << 30);
    assert_int_equal(t.nlevels, 2);
    assert_int_equal(t.rights, VTOP_RIGHT_EXEC | VTOP_RIGHT_UEXEC); /* AP[2]: read-only */
    assert_int_equal(vtop_translate(&s, 0x8000000000ull, &t), VTOP_TRANSLATION_FAULT);
    assert_int_equal(t.fault_level, 0);
    assert_int_equal(t.nlevels, 1);
    /* An L3 entry with bits 01 is reserved: translation fault at L3. */
    fx_put64(0x4000 + 6 * 8, 0x124000 | D_BLOCK | D_AF);
    assert_int_equal(vtop_translate(&s, 0x6000, &t), VTOP_TRANSLATION_FAULT);
    assert_int_equal(t.fault_level, 3);
}

static void test_faults_each_level(void **state)
{
    (void)state;
    static const uint64_t at[4] = {0x1000, 0x2000, 0x3000, 0x4028};
    for (int l = 0; l < 4; l++) {
        build_4k();
        fx_put64(at[l], 0x7000 | 2); /* bit 0 clear: invalid */
        vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
        vtop_translation t;
        assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_TRANSLATION_FAULT);
        assert_int_equal(t.fault_level, l);
        assert_int_equal(t.nlevels, l + 1);
        assert_int_equal(t.levels[l].entry, 0x7002);
        assert_int_equal(vtop_translate_pa(&s, 0x5abc, NULL, NULL), VTOP_TRANSLATION_FAULT);
        assert_int_equal(vtop_hresult(t.status), VTOP_E_NO_PAGEFILE);
    }
}

/* Output size 40 bits (IPS 010): a table or output address bit 40..47 set
 * is an address-size fault at that level; so is a TTBR0 beyond it. */
static void test_address_size(void **state)
{
    (void)state;
    uint64_t tcr = T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(2);
    build_4k();
    fx_put64(0x2000, 0x3000 | (1ull << 44) | D_TABLE);
    vtop_space s = sp((a64_cfg){tcr, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_ADDRESS_SIZE_FAULT);
    assert_int_equal(t.fault_level, 1);
    assert_int_equal(t.reserved_bits, 1ull << 44);
    build_4k();
    fx_put64(0x4028, 0x123000 | (1ull << 40) | PAGE_RW);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_ADDRESS_SIZE_FAULT);
    assert_int_equal(t.fault_level, 3);
    /* Bits 49:48 are RES0 outside LPA2, not address bits: ignored. */
    fx_put64(0x4028, 0x123000 | (3ull << 48) | PAGE_RW);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x123abc);
    /* maxphyaddr caps IPS: 48-bit IPS on a 36-bit implementation. */
    fx_put64(0x4028, 0x123000 | (1ull << 37) | PAGE_RW);
    s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 36, 0});
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_ADDRESS_SIZE_FAULT);
    s = sp((a64_cfg){tcr, 0x1000 | (1ull << 41), 0, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_ADDRESS_SIZE_FAULT);
    assert_int_equal(t.fault_level, 0);
    assert_int_equal(t.nlevels, 0);
}

static void test_access_flag(void **state)
{
    (void)state;
    build_4k();
    fx_put64(0x4028, 0x123000 | D_PAGE);
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_ACCESS_FLAG_FAULT);
    assert_int_equal(t.fault_level, 3);
    assert_int_equal(t.reserved_bits, D_AF);
    assert_int_equal(vtop_translate_pa(&s, 0x5abc, NULL, NULL), VTOP_ACCESS_FLAG_FAULT);
    s = sp((a64_cfg){EL1_48_4K | HA, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.leaf_flags & VTOP_LEAF_AF, 0);
}

/* TTBR1, 39-bit (T1SZ 25): start level L1, names L1..L3. */
static void test_upper_half_39bit(void **state)
{
    (void)state;
    fx_reset();
    uint64_t tcr = T0SZ(25) | TG0_4K | T1SZ(25) | TG1_4K | IPS(5);
    uint64_t va = 0xffffff8000000000ull + (3ull << 30) + (2ull << 21) + (7ull << 12) + 0x10;
    fx_put64(0x10000 + 3 * 8, 0x11000 | D_TABLE);
    fx_put64(0x11000 + 2 * 8, 0x12000 | D_TABLE);
    fx_put64(0x12000 + 7 * 8, 0x777000 | PAGE_RW | D_AP1 | D_UXN);
    vtop_space s = sp((a64_cfg){tcr, 0x1000, 0x10000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_space_half_of(&s, va), 1);
    assert_int_equal(vtop_translate(&s, va, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x777010);
    assert_int_equal(t.nlevels, 3);
    assert_int_equal(t.levels[0].entry_pa, 0x10018);
    const vtop_mode_desc *d = vtop_space_desc_of(&s, va);
    assert_int_equal(d->levels, 3);
    assert_true(d->a64_upper);
    assert_string_equal(d->level[0].name, "L1");
    assert_int_equal(s.half[1].a64.start_level, 1);
    /* AP 01: EL0 read/write, so never privileged-executable; UXN. */
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_USER);
    /* Bits 63:39 must all be ones in TTBR1's range. */
    assert_int_equal(vtop_translate(&s, 0xffff008000000000ull, &t), VTOP_NON_CANONICAL);
    assert_int_equal(t.fault_level, -1);
    assert_int_equal(vtop_translate(&s, 0x0000008000000000ull, &t), VTOP_NON_CANONICAL);
    assert_int_equal(vtop_hresult(VTOP_NON_CANONICAL), VTOP_E_INVALIDARG);
    assert_int_equal(vtop_translate_pa(&s, 0xffff008000000000ull, NULL, NULL),
                     VTOP_NON_CANONICAL);
}

/* TBI: bits 63:56 are ignored in the range check, bit 55 still selects. */
static void test_tbi(void **state)
{
    (void)state;
    build_4k();
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    uint64_t tagged = 0x5a00000000005abcull;
    assert_int_equal(vtop_translate(&s, tagged, &t), VTOP_NON_CANONICAL);
    s = sp((a64_cfg){EL1_48_4K | TBI0, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, tagged, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x123abc);
    assert_int_equal(t.va, tagged);
    /* Bit 55 set selects TTBR1 even with a zero top byte; TBI1 unset. */
    assert_int_equal(vtop_translate(&s, 0x0080000000005abcull, &t), VTOP_NON_CANONICAL);
}

static void test_epd(void **state)
{
    (void)state;
    build_4k();
    vtop_space s = sp((a64_cfg){EL1_48_4K | EPD1, 0x1000, 0x1000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0xffff000000005abcull, &t), VTOP_TRANSLATION_FAULT);
    assert_int_equal(t.fault_level, 0);
    assert_int_equal(t.nlevels, 0);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    vtop_space v;
    assert_int_equal(vtop_space_half_view(&s, 1, &v), VTOP_BAD_SPACE);
    /* A disabled half's TnSZ may be anything. */
    s = sp((a64_cfg){T0SZ(16) | TG0_4K | T1SZ(0) | EPD1 | IPS(5), 0x1000, 0,
                     VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, 0xffff000000005abcull, &t), VTOP_TRANSLATION_FAULT);
    /* EPD0 with a bad T0SZ: the space reads as its TTBR1 half. */
    s = sp((a64_cfg){T0SZ(0) | EPD0 | T1SZ(16) | TG1_4K | IPS(5), 0, 0x1000,
                     VTOP_A64_EL1, 0, 0});
    assert_true(s.desc->a64_upper);
    assert_int_equal(vtop_translate(&s, 0xffff000000005abcull, &t), VTOP_OK);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_TRANSLATION_FAULT);
}

/* 16K: 47 bits start at L1 (11 bits), 32M blocks at L2; 48 bits start at
 * L0 with a 1-bit index (D8.2.x). */
static void test_16k(void **state)
{
    (void)state;
    fx_reset();
    uint64_t tcr = T0SZ(17) | TG0_16K | T1SZ(16) | TG1_16K | IPS(5);
    uint64_t va = (5ull << 36) + (3ull << 25) + (9ull << 14) + 0x123;
    fx_put64(0x10000 + 5 * 8, 0x14000 | D_TABLE);
    fx_put64(0x14000 + 3 * 8, 0x18000 | D_TABLE);
    fx_put64(0x18000 + 9 * 8, 0x2a4000 | PAGE_RW);
    fx_put64(0x14000 + 4 * 8, 0x6000000 | D_BLOCK | D_AF);
    vtop_space s = sp((a64_cfg){tcr, 0x10000, 0x20000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, va, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x2a4123);
    assert_int_equal(t.page_size, 16384);
    assert_int_equal(t.nlevels, 3);
    assert_string_equal(vtop_space_desc_of(&s, va)->level[0].name, "L1");
    assert_int_equal(vtop_translate(&s, (5ull << 36) + (4ull << 25) + 0x1234567, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x7234567);
    assert_int_equal(t.page_size, 32u << 20);
    /* No L1 block without DS. */
    fx_put64(0x10000 + 6 * 8, 0x1000000000ull | D_BLOCK | D_AF);
    assert_int_equal(vtop_translate(&s, 6ull << 36, &t), VTOP_TRANSLATION_FAULT);
    assert_int_equal(t.fault_level, 0);
    /* TTBR1, 48 bits: L0 has 2 entries (bit 47). */
    uint64_t uva = 0xffff800000000000ull + (1ull << 36) + (2ull << 25) + (3ull << 14);
    fx_put64(0x20000 + 8, 0x24000 | D_TABLE);
    fx_put64(0x24000 + 8, 0x28000 | D_TABLE);
    fx_put64(0x28000 + 2 * 8, 0x2c000 | D_TABLE);
    fx_put64(0x2c000 + 3 * 8, 0x30000 | PAGE_RW);
    assert_int_equal(vtop_translate(&s, uva, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x30000);
    assert_int_equal(t.nlevels, 4);
    assert_int_equal(t.levels[0].entry_pa, 0x20008);
    assert_string_equal(vtop_space_desc_of(&s, uva)->level[0].name, "L0");
}

/* 64K: 42 bits start at L2 (13 bits), 512M blocks; 48 bits start at L1 (6
 * bits); with 52-bit PAs, bits 15:12 are OA[51:48] and L1 holds 4T blocks. */
static void test_64k(void **state)
{
    (void)state;
    fx_reset();
    uint64_t tcr = T0SZ(22) | TG0_64K | T1SZ(16) | TG1_64K | IPS(6);
    uint64_t va = (3ull << 29) + (5ull << 16) + 0x4321;
    fx_put64(0x10000 + 3 * 8, 0x20000 | D_TABLE);
    fx_put64(0x20000 + 5 * 8, 0x350000 | PAGE_RW | (1ull << 12));
    fx_put64(0x10000 + 4 * 8, 0x20000000 | D_BLOCK | D_AF);
    vtop_space s = sp((a64_cfg){tcr, 0x10000, 0x30000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, va, &t), VTOP_OK);
    assert_int_equal(t.pa, (1ull << 48) | 0x354321);
    assert_int_equal(t.page_size, 65536);
    assert_int_equal(t.nlevels, 2);
    assert_string_equal(vtop_space_desc_of(&s, va)->level[0].name, "L2");
    assert_int_equal(vtop_translate(&s, (4ull << 29) + 0x1234567, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x21234567);
    assert_int_equal(t.page_size, 512u << 20);
    /* TTBR1 48 bits: L1 has 64 entries; a 4T block at L1 (52-bit PAs). */
    uint64_t uva = 0xffff000000000000ull + (2ull << 42) + 0x89;
    fx_put64(0x30000 + 2 * 8, 0x40000000000ull | D_BLOCK | D_AF | (2ull << 12));
    assert_int_equal(vtop_translate(&s, uva, &t), VTOP_OK);
    assert_int_equal(t.pa, (2ull << 48) | 0x40000000000ull | 0x89);
    assert_int_equal(t.page_size, 1ull << 42);
    assert_string_equal(vtop_space_desc_of(&s, uva)->level[0].name, "L1");
    /* The same block on a 48-bit implementation: no L1 blocks. */
    s = sp((a64_cfg){tcr, 0x10000, 0x30000, VTOP_A64_EL1, 48, 0});
    assert_int_equal(vtop_translate(&s, uva, &t), VTOP_TRANSLATION_FAULT);
    /* IPS 48: bits 15:12 are OA[51:48], too wide. */
    tcr = T0SZ(22) | TG0_64K | T1SZ(16) | TG1_64K | IPS(5);
    s = sp((a64_cfg){tcr, 0x10000, 0x30000, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, va, &t), VTOP_ADDRESS_SIZE_FAULT);
    assert_int_equal(t.reserved_bits, 1ull << 12);
    assert_int_equal(t.fault_level, 1);
}

/* 64K with 52-bit PAs: TTBR BADDR[51:48] in bits 5:2 (AArch64.TTBaseAddress). */
static void test_64k_ttbr_52(void **state)
{
    (void)state;
    uint64_t tcr = T0SZ(16) | TG0_64K | T1SZ(16) | TG1_64K | IPS(6);
    vtop_a64_half h;
    assert_int_equal(vtop_a64_decode(tcr, 0x0001000000010000ull | (0x3 << 2) | 1,
                                     VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_int_equal(h.root, (3ull << 48) | 0x10000);
    assert_int_equal(h.oa_bits, 52);
    assert_int_equal(h.start_level, 1);
    assert_int_equal(h.granule, 16);
    assert_false(h.root_fault);
    /* IPS 48: the 47:1 form (bits 5:2 are address bits 5:2, aligned away). */
    tcr = T0SZ(16) | TG0_64K | IPS(5);
    assert_int_equal(vtop_a64_decode(tcr, 0x10000 | (0x3 << 2), VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_int_equal(h.root, 0x10000 & ~0x1ffull);
}

/* LPA2 (TCR.DS) with 4K: 52 bits start at L-1 (4-bit index), bits 9:8 are
 * OA[51:50], bits 49:48 OA[49:48], SH comes from TCR.SH0, L0 blocks (512G). */
static void test_lpa2_4k(void **state)
{
    (void)state;
    fx_reset();
    uint64_t tcr = T0SZ(12) | TG0_4K | SH0(2) | T1SZ(16) | TG1_4K | IPS(6) | DS;
    uint64_t va = (1ull << 48) + (2ull << 39) + (3ull << 30) + (4ull << 21) + (5ull << 12) + 6;
    fx_put64(0x10000 + 1 * 8, 0x11000 | D_TABLE);
    fx_put64(0x11000 + 2 * 8, 0x12000 | D_TABLE);
    fx_put64(0x12000 + 3 * 8, 0x13000 | D_TABLE);
    fx_put64(0x13000 + 4 * 8, 0x14000 | D_TABLE);
    fx_put64(0x14000 + 5 * 8, 0x15000 | PAGE_RW | (1ull << 49) | (1ull << 9));
    fx_put64(0x11000 + 3 * 8, 0x8000000000ull | D_BLOCK | D_AF);
    vtop_space s = sp((a64_cfg){tcr, 0x10000, 0x10000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, va, &t), VTOP_OK);
    assert_int_equal(t.pa, (1ull << 51) | (1ull << 49) | 0x15006);
    assert_int_equal(t.nlevels, 5);
    assert_string_equal(vtop_space_desc_of(&s, va)->level[0].name, "L-1");
    assert_int_equal(s.half[0].a64.start_level, -1);
    assert_int_equal(vtop_leaf_sh(t.leaf_flags), 2);
    uint64_t bva = (1ull << 48) + (3ull << 39) + 0x123;
    assert_int_equal(vtop_translate(&s, bva, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x8000000123ull);
    assert_int_equal(t.page_size, 1ull << 39);
    /* 52-bit input needs DS with 4K. */
    vtop_space bad;
    assert_int_equal(a64_space(&bad, (a64_cfg){tcr & ~DS, 0x10000, 0, VTOP_A64_EL1, 0, 0}),
                     VTOP_BAD_SPACE);
    /* DS with IPS 48: the leaf's OA[51:48] bits are address-size faults. */
    s = sp((a64_cfg){(tcr & ~IPS(7)) | IPS(5), 0x10000, 0x10000, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, va, &t), VTOP_ADDRESS_SIZE_FAULT);
    assert_int_equal(t.fault_level, 4);
    assert_int_equal(t.reserved_bits, (1ull << 49) | (1ull << 9));
}

/* 16K with DS: L1 blocks of 64G. */
static void test_lpa2_16k_block(void **state)
{
    (void)state;
    fx_reset();
    uint64_t tcr = T0SZ(16) | TG0_16K | IPS(6) | DS | T1SZ(16) | TG1_16K;
    fx_put64(0x10000, 0x14000 | D_TABLE);
    fx_put64(0x14000 + 8, 0x1000000000ull | D_BLOCK | D_AF | (1ull << 8));
    vtop_space s = sp((a64_cfg){tcr, 0x10000, 0x10000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, (1ull << 36) + 0x55, &t), VTOP_OK);
    assert_int_equal(t.pa, (1ull << 50) | 0x1000000055ull);
    assert_int_equal(t.page_size, 1ull << 36);
}

/* Hierarchical permissions (D8.4.2): APTable[1] no write, APTable[0] no
 * EL0, PXNTable / UXNTable, all ignored with HPD. */
static void test_hierarchical(void **state)
{
    (void)state;
    build_4k();
    fx_put64(0x4028, 0x123000 | PAGE_RW | D_AP1); /* EL0 RW at the leaf */
    fx_put64(0x2000, 0x3000 | D_TABLE | D_APT1);
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    /* read-only now, so not EL0-writable: privileged execution allowed */
    assert_int_equal(t.rights, VTOP_RIGHT_USER | VTOP_RIGHT_EXEC | VTOP_RIGHT_UEXEC);
    fx_put64(0x2000, 0x3000 | D_TABLE | D_APT0 | D_UXNT);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC);
    fx_put64(0x1000, 0x2000 | D_TABLE | D_PXNT);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE);
    s = sp((a64_cfg){EL1_48_4K | HPD0, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_UEXEC);
    /* HPD1 does not apply to TTBR0. */
    s = sp((a64_cfg){EL1_48_4K | HPD1, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE);
    /* Leaf PXN / UXN, AP 11 (read-only at EL0 and EL1). */
    fx_put64(0x1000, 0x2000 | D_TABLE);
    fx_put64(0x2000, 0x3000 | D_TABLE);
    fx_put64(0x4028, 0x123000 | PAGE_RW | D_AP1 | D_AP2 | D_PXN);
    s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_USER | VTOP_RIGHT_UEXEC);
}

/* EL2 without E2H: TCR_EL2's own layout, TTBR0_EL2 only, no EL0: AP[1]
 * ignored, bit 54 is XN and bit 60 XNTable. */
static void test_el2(void **state)
{
    (void)state;
    build_4k();
    fx_put64(0x4028, 0x123000 | PAGE_RW | D_AP1);
    uint64_t tcr = T0SZ(16) | TG0_4K | EL2_PS(5);
    vtop_space s = sp((a64_cfg){tcr, 0x1000, 0x1000, VTOP_A64_EL2, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC);
    assert_false(s.half[1].a64.present);
    assert_int_equal(vtop_translate(&s, 0xffff000000005abcull, &t), VTOP_NON_CANONICAL);
    vtop_space v;
    assert_int_equal(vtop_space_half_view(&s, 1, &v), VTOP_BAD_SPACE);
    fx_put64(0x4028, 0x123000 | PAGE_RW | D_UXN);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE);
    fx_put64(0x4028, 0x123000 | PAGE_RW);
    fx_put64(0x2000, 0x3000 | D_TABLE | D_UXNT | D_APT1);
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_OK);
    assert_int_equal(t.rights, 0);
    /* TBI (bit 20) and HPD (bit 24) at their EL2 places; PS 40 bits. */
    tcr = T0SZ(16) | TG0_4K | EL2_PS(2) | EL2_TBI | EL2_HPD | EL2_HA;
    s = sp((a64_cfg){tcr, 0x1000, 0, VTOP_A64_EL2, 0, 0});
    assert_int_equal(vtop_translate(&s, 0x7700000000005abcull, &t), VTOP_OK);
    assert_int_equal(t.rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC);
    assert_int_equal(s.half[0].a64.oa_bits, 40);
    assert_true(s.half[0].a64.ha);
    /* EL2&0 (E2H): the EL1 layout and both halves. */
    s = sp((a64_cfg){EL1_48_4K, 0x1000, 0x1000, VTOP_A64_EL2_E2H, 0, 0});
    assert_int_equal(vtop_translate(&s, 0xffff000000005abcull, &t), VTOP_OK);
}

/* A page not in the image: the record says where. */
static void test_table_not_in_image(void **state)
{
    (void)state;
    build_4k();
    fx_put64(0x3000, 0x40000000ull | D_TABLE);
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x5abc, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 3);
    assert_int_equal(t.levels[3].entry_pa, 0x40000028ull);
}

/* Start level L3 (input size 16 with 4K: one level of 16 entries). */
static void test_one_level(void **state)
{
    (void)state;
    fx_reset();
    fx_put64(0x1000 + 9 * 8, 0x99000 | PAGE_RW);
    vtop_space s = sp((a64_cfg){T0SZ(48) | TG0_4K | T1SZ(48) | TG1_4K | IPS(5),
                                0x1000, 0x1000, VTOP_A64_EL1, 0, 0});
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x9fff, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x99fff);
    assert_int_equal(t.nlevels, 1);
    assert_string_equal(vtop_space_desc_of(&s, 0)->level[0].name, "L3");
    assert_int_equal(vtop_translate(&s, 0x10000, &t), VTOP_NON_CANONICAL);
    assert_int_equal(vtop_translate(&s, 0xffffffffffff9000ull, &t), VTOP_OK);
    assert_int_equal(t.pa, 0x99000);
}

/* The batch gives vtop_translate's records for AArch64 too. */
static void test_batch(void **state)
{
    (void)state;
    build_4k();
    vtop_space s = sp((a64_cfg){EL1_48_4K, 0x1000, 0x1000, VTOP_A64_EL1, 0, 0});
    uint64_t va[3] = {0x5abc, 0xffff000000005abcull, 0x6000};
    vtop_translation t[3], one;
    assert_int_equal(vtop_translate_batch(&s, va, 3, t), VTOP_TRANSLATION_FAULT);
    for (int i = 0; i < 3; i++) {
        vtop_translate(&s, va[i], &one);
        assert_int_equal(t[i].status, one.status);
        assert_int_equal(t[i].pa, one.pa);
    }
    assert_int_equal(t[1].pa, 0x123abc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_4k_page_record),
        cmocka_unit_test(test_4k_blocks),
        cmocka_unit_test(test_faults_each_level),
        cmocka_unit_test(test_address_size),
        cmocka_unit_test(test_access_flag),
        cmocka_unit_test(test_upper_half_39bit),
        cmocka_unit_test(test_tbi),
        cmocka_unit_test(test_epd),
        cmocka_unit_test(test_16k),
        cmocka_unit_test(test_64k),
        cmocka_unit_test(test_64k_ttbr_52),
        cmocka_unit_test(test_lpa2_4k),
        cmocka_unit_test(test_lpa2_16k_block),
        cmocka_unit_test(test_hierarchical),
        cmocka_unit_test(test_el2),
        cmocka_unit_test(test_table_not_in_image),
        cmocka_unit_test(test_one_level),
        cmocka_unit_test(test_batch),
    };
    return cmocka_run_group_tests_name("a64_walk", tests, NULL, NULL);
}
