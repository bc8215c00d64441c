/* Tests for core/paging_a64.c: the AArch64 descriptors (start levels and
 * names per granule and input size, D8.2.x), vtop_a64_decode (TCR_EL1 and
 * TCR_EL2 field positions, D19.2; output sizes; TTBR base address forms),
 * the space's halves, views, vtop_space_set_root and the mode's name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/entry.h"
#include "core/paging.h"
#include "core/status.h"
#include "a64_fixture.h"

static void test_mode_name(void **state)
{
    (void)state;
    vtop_mode m = VTOP_MODE_NONE;
    assert_int_equal(vtop_mode_parse("aarch64", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_AARCH64);
    m = VTOP_MODE_NONE;
    assert_int_equal(vtop_mode_parse("arm64", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_AARCH64);
    const vtop_mode_desc *d = vtop_mode_describe(VTOP_MODE_AARCH64);
    assert_non_null(d);
    assert_true(vtop_mode_is_a64(d));
    assert_false(vtop_mode_is_a64(vtop_mode_describe(VTOP_MODE_4LEVEL)));
    assert_false(vtop_mode_is_a64(NULL));
    assert_string_equal(d->name, "aarch64");
    assert_int_equal(d->levels, 4);
    assert_int_equal(d->va_bits, 48);
    assert_int_equal(d->entry_size, 8);
    assert_string_equal(d->level[0].name, "L0");
    assert_int_equal(d->level[0].shift, 39);
    assert_string_equal(d->level[3].name, "L3");
    assert_int_equal(d->level[3].shift, 12);
    assert_string_equal(vtop_mode_reason(VTOP_MODE_AARCH64),
                        "AArch64 stage 1: TCR and TTBR0/TTBR1");
    assert_int_equal(vtop_mode_root(VTOP_MODE_AARCH64, 0xffff000012345679ull, 0),
                     0x12345678);
}

/* Start level and index width of every granule and input size: the
 * levels cover input bits granule..va_bits-1, b = granule - 3 at a time. */
static void test_descriptor_geometry(void **state)
{
    (void)state;
    static const struct {
        unsigned g, va, levels, top_shift, top_bits;
        const char *top_name;
        bool top_blocks; /* possible in some configuration (4K L0: DS) */
    } rows[] = {
        {12, 48, 4, 39, 9, "L0", true}, {12, 39, 3, 30, 9, "L1", true},
        {12, 52, 5, 48, 4, "L-1", false}, {12, 40, 4, 39, 1, "L0", true},
        {12, 30, 2, 21, 9, "L2", true}, {12, 21, 1, 12, 9, "L3", false},
        {12, 16, 1, 12, 4, "L3", false}, {14, 47, 3, 36, 11, "L1", true},
        {14, 48, 4, 47, 1, "L0", false}, {14, 52, 4, 47, 5, "L0", false},
        {14, 36, 2, 25, 11, "L2", true}, {16, 42, 2, 29, 13, "L2", true},
        {16, 48, 3, 42, 6, "L1", true}, {16, 52, 3, 42, 10, "L1", true},
        {16, 29, 1, 16, 13, "L3", false}, {16, 17, 1, 16, 1, "L3", false},
    };
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (unsigned half = 0; half < 2; half++) {
            vtop_a64_half h;
            unsigned tsz = 64 - rows[i].va;
            uint64_t tg = rows[i].g == 12 ? (half ? TG1_4K : TG0_4K)
                        : rows[i].g == 14 ? (half ? TG1_16K : TG0_16K)
                                          : (half ? TG1_64K : TG0_64K);
            uint64_t tcr = (half ? T1SZ(tsz) : T0SZ(tsz)) | tg | IPS(6) | DS;
            assert_int_equal(vtop_a64_decode(tcr, 0, VTOP_A64_EL1, half, 0, &h), VTOP_OK);
            assert_int_equal(h.levels, rows[i].levels);
            assert_int_equal(h.start_level, 4 - (int)rows[i].levels);
            assert_int_equal(h.va_bits, rows[i].va);
            assert_int_equal(h.granule, rows[i].g);
            vtop_space s;
            assert_int_equal(a64_space(&s, (a64_cfg){tcr | (half ? EPD0 : EPD1), 0, 0,
                                                     VTOP_A64_EL1, 0, 0}), VTOP_OK);
            const vtop_mode_desc *d = s.half[half].desc;
            assert_non_null(d);
            assert_int_equal(d->levels, rows[i].levels);
            assert_int_equal(d->va_bits, rows[i].va);
            assert_int_equal(d->a64_upper, half == 1);
            assert_int_equal(d->level[0].shift, rows[i].top_shift);
            assert_int_equal(d->level[0].index_bits, rows[i].top_bits);
            assert_string_equal(d->level[0].name, rows[i].top_name);
            assert_int_equal(d->level[0].leaf_allowed, rows[i].top_blocks);
            assert_string_equal(d->level[d->levels - 1].name, "L3");
            assert_int_equal(d->level[d->levels - 1].shift, rows[i].g);
            if (d->levels < 5)
                assert_null(d->level[d->levels].name);
            /* the entry helpers read the view's geometry */
            vtop_space v;
            assert_int_equal(vtop_space_half_view(&s, half, &v), VTOP_OK);
            assert_int_equal(vtop_entry_count(&v, 0), 1ull << rows[i].top_bits);
            assert_int_equal(vtop_entry_span(&v, 0), 1ull << rows[i].top_shift);
        }
    }
}

static void test_decode_fields(void **state)
{
    (void)state;
    vtop_a64_half h;
    uint64_t tcr = T0SZ(25) | TG0_16K | SH0(3) | T1SZ(20) | TG1_64K | SH1(2) |
                   IPS(2) | TBI1 | HA | HD | HPD1 | EPD0;
    assert_int_equal(vtop_a64_decode(tcr, 0x4000, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_true(h.present);
    assert_false(h.enabled);
    assert_int_equal(h.granule, 14);
    assert_int_equal(h.tsz, 25);
    assert_int_equal(h.oa_bits, 40);
    assert_false(h.tbi);
    assert_false(h.hpd);
    assert_true(h.ha);
    assert_true(h.hd);
    assert_int_equal(h.sh, 3);
    assert_int_equal(vtop_a64_decode(tcr, 0x30000, VTOP_A64_EL1, 1, 0, &h), VTOP_OK);
    assert_true(h.enabled);
    assert_int_equal(h.granule, 16);
    assert_int_equal(h.va_bits, 44);
    assert_true(h.tbi);
    assert_true(h.hpd);
    assert_int_equal(h.sh, 2);
    assert_int_equal(h.root, 0x30000);
    /* Output sizes 32..52; 52 needs 64K or DS; maxphyaddr caps. */
    static const unsigned oa[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    for (unsigned ips = 0; ips < 8; ips++) {
        assert_int_equal(vtop_a64_decode(T0SZ(16) | IPS(ips), 0, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
        assert_int_equal(h.oa_bits, oa[ips]);
    }
    assert_int_equal(vtop_a64_decode(T0SZ(16) | TG0_64K | IPS(7), 0, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_int_equal(h.oa_bits, 52);
    assert_int_equal(vtop_a64_decode(T0SZ(16) | IPS(6) | DS, 0, VTOP_A64_EL1, 0, 40, &h), VTOP_OK);
    assert_int_equal(h.oa_bits, 40);
    assert_true(h.ds);
    /* DS is for 4K/16K only. */
    assert_int_equal(vtop_a64_decode(T0SZ(16) | TG0_64K | DS, 0, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_false(h.ds);
}

static void test_decode_errors(void **state)
{
    (void)state;
    vtop_a64_half h;
    assert_int_equal(vtop_a64_decode(0, 0, VTOP_A64_EL1, 0, 0, NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_a64_decode(0, 0, VTOP_A64_EL1, 2, 0, &h), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_a64_decode(0, 0, (vtop_a64_regime)3, 0, 0, &h), VTOP_BAD_ARGUMENT);
    /* TG0 11 and TG1 00 are reserved. */
    assert_int_equal(vtop_a64_decode(T0SZ(16) | (3ull << 14), 0, VTOP_A64_EL1, 0, 0, &h),
                     VTOP_BAD_SPACE);
    assert_int_equal(vtop_a64_decode(T1SZ(16), 0, VTOP_A64_EL1, 1, 0, &h), VTOP_BAD_SPACE);
    assert_false(h.present);
    /* TnSZ beyond 48, below 12, below 16 without LPA2 (4K/16K). */
    assert_int_equal(vtop_a64_decode(T0SZ(49), 0, VTOP_A64_EL1, 0, 0, &h), VTOP_BAD_SPACE);
    assert_int_equal(vtop_a64_decode(T0SZ(11) | DS, 0, VTOP_A64_EL1, 0, 0, &h), VTOP_BAD_SPACE);
    assert_int_equal(vtop_a64_decode(T0SZ(15) | TG0_16K, 0, VTOP_A64_EL1, 0, 0, &h), VTOP_BAD_SPACE);
    assert_int_equal(vtop_a64_decode(T0SZ(12) | TG0_64K, 0, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    /* 64K with 16 bits: no level holds an index. */
    assert_int_equal(vtop_a64_decode(T0SZ(48) | TG0_64K, 0, VTOP_A64_EL1, 0, 0, &h), VTOP_BAD_SPACE);
    /* ... unless the half is disabled anyway. */
    assert_int_equal(vtop_a64_decode(T0SZ(48) | TG0_64K | EPD0, 0, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_true(h.present);
    assert_false(h.enabled);
    assert_int_equal(vtop_a64_decode(T0SZ(16), 0, VTOP_A64_EL2, 1, 0, &h), VTOP_OK);
    assert_false(h.present);
    /* Spaces: a bad regime, a bad half, no half with tables, maxphyaddr. */
    vtop_space s;
    assert_int_equal(a64_space(&s, (a64_cfg){T0SZ(16) | T1SZ(16) | TG1_4K, 0, 0,
                                             (vtop_a64_regime)7, 0, 0}), VTOP_BAD_SPACE);
    assert_int_equal(a64_space(&s, (a64_cfg){T0SZ(16), 0, 0, VTOP_A64_EL1, 0, 0}),
                     VTOP_BAD_SPACE); /* TG1 00 */
    assert_int_equal(a64_space(&s, (a64_cfg){T0SZ(0) | EPD0 | T1SZ(0) | EPD1, 0, 0,
                                             VTOP_A64_EL1, 0, 0}), VTOP_BAD_SPACE);
    assert_int_equal(a64_space(&s, (a64_cfg){T0SZ(16) | T1SZ(16) | TG1_4K, 0, 0,
                                             VTOP_A64_EL1, 31, 0}), VTOP_BAD_SPACE);
}

/* TTBR base (AArch64.TTBaseAddress): CnP and ASID dropped, aligned to the
 * start table's size; the 52-bit form with BADDR[51:48] in bits 5:2. */
static void test_ttbr_base(void **state)
{
    (void)state;
    vtop_a64_half h;
    uint64_t ttbr = (0x1234ull << 48) | 0x87654321ull;
    assert_int_equal(vtop_a64_decode(T0SZ(16), ttbr, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_int_equal(h.root, 0x87654000ull);
    /* 4K 40 bits: L0 with 2 entries, a 16-byte table. */
    assert_int_equal(vtop_a64_decode(T0SZ(24), ttbr, VTOP_A64_EL1, 0, 0, &h), VTOP_OK);
    assert_int_equal(h.root, 0x87654320ull);
    /* LPA2: at least 64 bytes, bits 5:2 are BADDR[51:48]. */
    assert_int_equal(vtop_a64_decode(T0SZ(24) | DS | IPS(6), 0x87654304ull, VTOP_A64_EL1,
                                     0, 0, &h), VTOP_OK);
    assert_int_equal(h.root, (1ull << 48) | 0x87654300ull);
    assert_false(h.root_fault);
    assert_int_equal(vtop_a64_decode(T0SZ(24) | DS | IPS(5), 0x87654304ull, VTOP_A64_EL1,
                                     0, 0, &h), VTOP_OK);
    assert_true(h.root_fault);
}

static void test_views_and_roots(void **state)
{
    (void)state;
    fx_reset();
    uint64_t tcr = T0SZ(16) | TG0_4K | T1SZ(25) | TG1_16K | IPS(5);
    vtop_space s, v;
    assert_int_equal(a64_space(&s, (a64_cfg){tcr, 0x1000, 0x8000, VTOP_A64_EL1, 0, 0}), VTOP_OK);
    assert_ptr_equal(s.desc, s.half[0].desc);
    assert_int_equal(s.root, 0x1000);
    assert_int_equal(vtop_space_half_of(&s, 0xffff000000000000ull), 1);
    assert_int_equal(vtop_space_half_of(&s, 0x007f000000000000ull), 0);
    assert_int_equal(vtop_space_half_of(&s, 0x0080000000000000ull), 1);
    assert_ptr_equal(vtop_space_desc_of(&s, 0), s.half[0].desc);
    assert_ptr_equal(vtop_space_desc_of(&s, ~0ull), s.half[1].desc);
    assert_null(vtop_space_desc_of(NULL, 0));
    assert_int_equal(vtop_space_half_view(&s, 1, &v), VTOP_OK);
    assert_ptr_equal(v.desc, s.half[1].desc);
    assert_int_equal(v.root, 0x8000);
    assert_int_equal(v.level[0].page_size, 1ull << 36);
    assert_int_equal(vtop_space_half_view(&s, 2, &v), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_space_half_view(NULL, 0, &v), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_space_half_view(&s, 0, NULL), VTOP_BAD_ARGUMENT);
    /* set_root moves the half the space (or view) describes. */
    assert_int_equal(vtop_space_set_root(&v, 0x1c000), VTOP_OK);
    assert_int_equal(v.root, 0x1c000);
    assert_int_equal(v.cfg.ttbr1, 0x1c000);
    assert_int_equal(v.half[1].a64.root, 0x1c000);
    assert_int_equal(v.half[0].a64.root, 0x1000);
    assert_int_equal(vtop_space_set_root(&s, 0x3000), VTOP_OK);
    assert_int_equal(s.root, 0x3000);
    assert_int_equal(s.cfg.ttbr0, 0x3000);
    /* a TTBR beyond the image: no root window, reads fail */
    assert_int_equal(vtop_space_set_root(&s, 0x100000000ull), VTOP_OK);
    assert_int_equal(s.half[0].root_win_span, 0);
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.fault_level, 0);
    /* x86 spaces: half 0 is the space itself, no half 1. */
    vtop_space x;
    assert_int_equal(fx_space(&x, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 0, 0, 0}), VTOP_OK);
    assert_int_equal(vtop_space_half_view(&x, 0, &v), VTOP_OK);
    assert_ptr_equal(v.desc, x.desc);
    assert_int_equal(vtop_space_half_view(&x, 1, &v), VTOP_BAD_SPACE);
    assert_int_equal(vtop_space_half_of(&x, ~0ull), 0);
    assert_ptr_equal(vtop_space_desc_of(&x, ~0ull), x.desc);
    assert_null(x.half[0].desc);
    /* canonical forms of the TTBR1 descriptor */
    assert_int_equal(vtop_canonical(s.half[1].desc, 0x123), 0xffffff8000000123ull);
    assert_int_equal(vtop_canonical(s.half[0].desc, 0xffff000000000123ull), 0x123);
}

/* vtop_entry_fault, the status an entry ends a walk with, in both
 * architectures (x86: SDM Vol. 3A 4.7; AArch64: D8.3). */
static void test_entry_fault(void **state)
{
    (void)state;
    vtop_space x, a;
    assert_int_equal(fx_space(&x, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0}), VTOP_OK);
    assert_int_equal(vtop_entry_fault(&x, 3, 0x5000), VTOP_NOT_PRESENT);
    assert_int_equal(vtop_entry_fault(&x, 3, 0x5003), VTOP_OK);
    assert_int_equal(vtop_entry_fault(&x, 0, 0x5083), VTOP_RESERVED_BIT);   /* PS in a PML4E */
    assert_int_equal(vtop_entry_fault(&x, 2, 0x101083), VTOP_RESERVED_BIT); /* 2M leaf, bit 12.. */
    assert_int_equal(vtop_entry_fault(&x, 3, (1ull << 45) | 3), VTOP_RESERVED_BIT);
    assert_int_equal(vtop_entry_fault(&x, 2, 0x200083), VTOP_OK);
    assert_int_equal(a64_space(&a, (a64_cfg){T0SZ(16) | T1SZ(16) | TG1_4K | IPS(2), 0x1000, 0,
                                             VTOP_A64_EL1, 0, 0}), VTOP_OK);
    assert_int_equal(vtop_entry_fault(&a, 3, 0x5000 | D_PAGE | D_AF), VTOP_OK);
    assert_int_equal(vtop_entry_fault(&a, 3, 0x5000 | D_PAGE), VTOP_ACCESS_FLAG_FAULT);
    assert_int_equal(vtop_entry_fault(&a, 3, 0x5000 | D_BLOCK | D_AF), VTOP_TRANSLATION_FAULT);
    assert_int_equal(vtop_entry_fault(&a, 0, 0x5000 | D_BLOCK), VTOP_TRANSLATION_FAULT);
    assert_int_equal(vtop_entry_fault(&a, 1, (1ull << 41) | D_TABLE), VTOP_ADDRESS_SIZE_FAULT);
    assert_int_equal(vtop_entry_fault(&a, 2, 0x200000 | D_BLOCK | D_AF), VTOP_OK);
    assert_int_equal(vtop_entry_reserved(&a, 3, 0x5000 | D_PAGE), VTOP_A64_AF);
    assert_int_equal(vtop_entry_table(&a, (1ull << 50) | 0x7000 | D_TABLE), 0x7000);
    assert_int_equal(vtop_entry_leaf_base(&a, 2, 0x345678 | D_BLOCK), 0x200000);
    assert_int_equal(vtop_path_start(&a), 0);
    assert_int_equal(vtop_path_start(&x), VTOP_RIGHTS_ALL);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(vtop_status_name(VTOP_TRANSLATION_FAULT), "translation-fault");
    assert_string_equal(vtop_status_name(VTOP_ADDRESS_SIZE_FAULT), "address-size-fault");
    assert_string_equal(vtop_status_name(VTOP_ACCESS_FLAG_FAULT), "access-flag-fault");
    assert_int_equal(vtop_hresult(VTOP_TRANSLATION_FAULT), 0xD0000147u);
    assert_int_equal(vtop_hresult(VTOP_ADDRESS_SIZE_FAULT), 0xD0000147u);
    assert_int_equal(vtop_hresult(VTOP_ACCESS_FLAG_FAULT), 0xD0000147u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_name),
        cmocka_unit_test(test_descriptor_geometry),
        cmocka_unit_test(test_decode_fields),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_ttbr_base),
        cmocka_unit_test(test_views_and_roots),
        cmocka_unit_test(test_entry_fault),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests_name("paging_a64", tests, NULL, NULL);
}
