/* Tests for cmd/qemu_quirks.c: QEMU 7.2's per-mode output rules, expected
 * values worked out by hand from target/i386/monitor.c (print_pte's masks
 * in tlb_info_32 / tlb_info_pae32 / tlb_info_la48 / tlb_info_la57, and
 * addr_canonical). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/qemu_quirks.h"

static vtop_space space_of(vtop_mode mode)
{
    static const vtop_mode_desc none = {.mode = VTOP_MODE_NONE, .name = "none", .va_bits = 32};
    vtop_space s;
    memset(&s, 0, sizeof s);
    s.desc = vtop_mode_describe(mode);
    if (!s.desc)
        s.desc = &none;
    return s;
}

static void test_paging_off_only_without_paging(void **state)
{
    (void)state;
    vtop_space s = space_of(VTOP_MODE_NONE);
    assert_true(vtop_qemu_paging_off(&s));
    static const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE, VTOP_MODE_PAE,
                                      VTOP_MODE_4LEVEL, VTOP_MODE_5LEVEL};
    for (size_t i = 0; i < 5; i++) {
        s = space_of(modes[i]);
        assert_false(vtop_qemu_paging_off(&s));
    }
}

/* addr_canonical: OR in the upper bits when bit 47 (56 under LA57) is set;
 * never mask (a range ending at 2^48 or 2^32 prints as it is). */
static void test_canonical(void **state)
{
    (void)state;
    static const struct { vtop_mode mode; uint64_t in, want; } cases[] = {
        {VTOP_MODE_4LEVEL, 0x0000800000000000ull, 0xffff800000000000ull},
        {VTOP_MODE_4LEVEL, 0x00007ffffffff000ull, 0x00007ffffffff000ull},
        {VTOP_MODE_4LEVEL, 0x0001000000000000ull, 0x0001000000000000ull},
        {VTOP_MODE_4LEVEL, 0x0000ff8000000000ull, 0xffffff8000000000ull},
        {VTOP_MODE_5LEVEL, 0x0100000000000000ull, 0xff00000000000000ull},
        {VTOP_MODE_5LEVEL, 0x0000800000000000ull, 0x0000800000000000ull},
        {VTOP_MODE_5LEVEL, 0x0200000000000000ull, 0x0200000000000000ull},
        {VTOP_MODE_PAE, 0xc0000000ull, 0xc0000000ull},
        {VTOP_MODE_PAE, 0x100000000ull, 0x100000000ull},
        {VTOP_MODE_32BIT, 0xfffff000ull, 0xfffff000ull},
        {VTOP_MODE_32BIT_PSE, 0x100000000ull, 0x100000000ull},
    };
    size_t n = sizeof cases / sizeof *cases;
    for (size_t i = 0; i < n; i++) {
        vtop_space s = space_of(cases[i].mode);
        assert_int_equal(vtop_qemu_canonical(&s, cases[i].in), cases[i].want);
    }
    assert_int_equal(n, 11);
}

static void pte_mask(vtop_mode mode, uint8_t level, uint64_t entry, uint64_t want_pte,
                     uint64_t want_mask)
{
    vtop_space s = space_of(mode);
    uint64_t pte = 0, mask = 0;
    vtop_qemu_pte_mask(&s, level, entry, &pte, &mask);
    assert_int_equal(pte, want_pte);
    assert_int_equal(mask, want_mask);
}

static void test_pte_masks(void **state)
{
    (void)state;
    /* 32-bit: a PTE with bit 7 (PAT) set goes in with it cleared; a 4M PDE
     * keeps PS and masks to bits 31..21 (PSE-36 bits 13..20 not shown). */
    pte_mask(VTOP_MODE_32BIT, 1, 0x12345087, 0x12345007, 0xFFFFF000ull);
    pte_mask(VTOP_MODE_32BIT_PSE, 0, 0x0040e083, 0x0040e083, 0xFFE00000ull);
    /* PAE: only the low bits are masked, so NX (bit 63) is in the address. */
    pte_mask(VTOP_MODE_PAE, 2, 0x8000000012345063ull, 0x8000000012345063ull, ~0xFFFull);
    pte_mask(VTOP_MODE_PAE, 1, 0x80000000002000e3ull, 0x80000000002000e3ull, ~0xFFFFFull);
    /* Long mode: bits 51..12 (PTE), 51..21 (2M), 51..30 (1G). */
    pte_mask(VTOP_MODE_4LEVEL, 3, 0x8000000000010027ull | 0x80, 0x8000000000010027ull,
             0x3fffffffff000ull);
    pte_mask(VTOP_MODE_4LEVEL, 2, 0x2000e3, 0x2000e3, 0x3ffffffe00000ull);
    pte_mask(VTOP_MODE_4LEVEL, 1, 0x400000e3, 0x400000e3, 0x3ffffc0000000ull);
    pte_mask(VTOP_MODE_5LEVEL, 4, 0x5007, 0x5007, 0x3fffffffff000ull);
    pte_mask(VTOP_MODE_5LEVEL, 2, 0x400000e3, 0x400000e3, 0x3ffffc0000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paging_off_only_without_paging),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_pte_masks),
    };
    return cmocka_run_group_tests_name("qemu_quirks", tests, NULL, NULL);
}
