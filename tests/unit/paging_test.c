/* Tests for core/paging.c: mode table, names, mode from control registers,
 * canonical form, space set-up (root masking per mode, precomputed masks).
 * Expected values are hand-written from SDM Vol. 3A chapter 4. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "pt_fixture.h"

static void test_describe(void **state)
{
    (void)state;
    const vtop_mode_desc *d = vtop_mode_describe(VTOP_MODE_4LEVEL);
    assert_non_null(d);
    assert_string_equal(d->name, "4level");
    assert_int_equal(d->levels, 4);
    assert_int_equal(d->entry_size, 8);
    assert_int_equal(d->va_bits, 48);
    assert_true(d->sign_extended);
    assert_int_equal(d->level[0].shift, 39);
    assert_int_equal(d->level[3].shift, 12);
    assert_false(d->level[0].leaf_allowed);
    assert_true(d->level[1].leaf_allowed);
    d = vtop_mode_describe(VTOP_MODE_PAE);
    assert_int_equal(d->levels, 3);
    assert_int_equal(d->level[0].index_bits, 2);
    assert_int_equal(d->level[0].shift, 30);
    assert_false(d->level[0].leaf_allowed);
    d = vtop_mode_describe(VTOP_MODE_32BIT);
    assert_int_equal(d->entry_size, 4);
    assert_int_equal(d->level[0].index_bits, 10);
    assert_false(d->level[0].leaf_allowed);
    assert_true(vtop_mode_describe(VTOP_MODE_32BIT_PSE)->level[0].leaf_allowed);
    assert_int_equal(vtop_mode_describe(VTOP_MODE_5LEVEL)->va_bits, 57);
    assert_string_equal(vtop_mode_describe(VTOP_MODE_5LEVEL)->level[0].name, "PML5E");
    assert_null(vtop_mode_describe(VTOP_MODE_NONE));
    assert_null(vtop_mode_describe(VTOP_MODE_COUNT));
}

static void test_parse(void **state)
{
    (void)state;
    vtop_mode m = VTOP_MODE_COUNT;
    assert_int_equal(vtop_mode_parse("5level", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_5LEVEL);
    assert_int_equal(vtop_mode_parse("pse", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_32BIT_PSE);
    assert_int_equal(vtop_mode_parse("32bit-pse", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_32BIT_PSE);
    assert_int_equal(vtop_mode_parse("32bit", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_32BIT);
    assert_int_equal(vtop_mode_parse("pae", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_PAE);
    assert_int_equal(vtop_mode_parse("none", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_NONE);
    assert_int_equal(vtop_mode_parse("4level", &m), VTOP_OK);
    assert_int_equal(m, VTOP_MODE_4LEVEL);
    assert_int_equal(vtop_mode_parse("4levelx", &m), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_mode_parse("", &m), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_mode_parse("4leve", &m), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_mode_parse(NULL, &m), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_mode_parse("pae", NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(m, VTOP_MODE_4LEVEL);
}

static void test_from_registers(void **state)
{
    (void)state;
    /* OVMF: CR0 0x80010033, CR4 0x668, EFER 0xd00 (as OVMF leaves them; docs/efi-toolchain.md). */
    assert_int_equal(vtop_mode_from_registers(0x80010033, 0x668, 0xd00), VTOP_MODE_4LEVEL);
    /* Linux with -cpu qemu64,+la57: CR4 0x16f0. */
    assert_int_equal(vtop_mode_from_registers(0x80050033, 0x16f0, 0xd01), VTOP_MODE_5LEVEL);
    /* LME without LMA but with PG: IA-32e. */
    assert_int_equal(vtop_mode_from_registers(0x80000011, 0x20, 0x100), VTOP_MODE_4LEVEL);
    assert_int_equal(vtop_mode_from_registers(0x80000011, 0x20, 0), VTOP_MODE_PAE);
    assert_int_equal(vtop_mode_from_registers(0x80000011, 0x10, 0), VTOP_MODE_32BIT_PSE);
    assert_int_equal(vtop_mode_from_registers(0x80000011, 0, 0), VTOP_MODE_32BIT);
    assert_int_equal(vtop_mode_from_registers(0x11, 0x668, 0xd00), VTOP_MODE_NONE);
}

static void test_canonical(void **state)
{
    (void)state;
    const vtop_mode_desc *d4 = vtop_mode_describe(VTOP_MODE_4LEVEL);
    const vtop_mode_desc *d5 = vtop_mode_describe(VTOP_MODE_5LEVEL);
    const vtop_mode_desc *dp = vtop_mode_describe(VTOP_MODE_PAE);
    assert_int_equal(vtop_canonical(d4, 0x0000800000000000ull), 0xffff800000000000ull);
    assert_int_equal(vtop_canonical(d4, 0x00007fffffffffffull), 0x00007fffffffffffull);
    assert_int_equal(vtop_canonical(d4, 0x1234800000000000ull), 0xffff800000000000ull);
    assert_int_equal(vtop_canonical(d5, 0x0100000000000000ull), 0xff00000000000000ull);
    assert_int_equal(vtop_canonical(d5, 0x00ff800000000000ull), 0x00ff800000000000ull);
    assert_int_equal(vtop_canonical(dp, 0x1ffffffffull), 0xffffffffull);
    assert_int_equal(vtop_canonical(NULL, 0x1234), 0x1234);
}

static void test_space_init_roots_and_masks(void **state)
{
    (void)state;
    vtop_space s;
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_32BIT, 0xfffff018, 0, 0, 0, 0}), VTOP_OK);
    assert_int_equal(s.root, 0xfffff000);
    assert_int_equal(s.addr_mask, 0xfffff000);
    assert_int_equal(s.cfg.maxphyaddr, 52);
    assert_int_equal(s.nx_mask, 0);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_PAE, 0xffffffff, 1, 36, 0, 0}), VTOP_OK);
    assert_int_equal(s.root, 0xffffffe0);
    assert_int_equal(s.addr_mask, 0x0000000ffffff000ull);
    assert_int_equal(s.nx_mask, PTE_NX);
    assert_int_equal(s.level[0].reserved[0], 0xfffffff000000006ull);
    assert_int_equal(s.level[1].reserved[1], 0x7ffffff0001fe000ull);
    assert_int_equal(s.level[2].reserved[0], 0x7ffffff000000000ull);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, ~0ull, 0, 46, 0, 0}), VTOP_OK);
    assert_int_equal(s.root, 0x00003ffffffff000ull);
    assert_int_equal(s.level[0].reserved[0], 0x800fc00000000080ull);
    assert_int_equal(s.level[1].reserved[1], 0x800fc0003fffe000ull);
    assert_int_equal(s.level[2].reserved[1], 0x800fc000001fe000ull);
    assert_int_equal(s.level[3].reserved[1], 0x800fc00000000000ull);
    assert_int_equal(s.level[1].leaf_mask, 0x00003fffc0000000ull);
    assert_int_equal(s.level[2].leaf_mask, 0x00003fffffe00000ull);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_32BIT_PSE, 0, 0, 36, 0, 0}), VTOP_OK);
    assert_int_equal(s.level[0].reserved[1], 0x003e0000);
    assert_int_equal(s.level[0].pse36_mask, 0x1e000);
    assert_int_equal(s.level[0].leaf_mask, 0xffc00000);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_NONE, 0x1000, 0, 0, 0, 0}), VTOP_OK);
    assert_int_equal(s.root, 0);
    assert_non_null(s.desc);
    assert_int_equal(s.desc->levels, 0);
}

/* The root a CR3 selects: PAE keeps bits 31:5 (SDM 4.4.1), the others
 * drop the low 12 flag/PCID bits; long mode keeps bits up to MAXPHYADDR. */
static void test_mode_root(void **state)
{
    (void)state;
    assert_int_equal(vtop_mode_root(VTOP_MODE_PAE, 0x1c52fe0, 0), 0x1c52fe0);
    assert_int_equal(vtop_mode_root(VTOP_MODE_32BIT_PSE, 0x1c93018, 0), 0x1c93000);
    assert_int_equal(vtop_mode_root(VTOP_MODE_4LEVEL, 0x8000000001062805ull, 0), 0x1062000);
    assert_int_equal(vtop_mode_root(VTOP_MODE_5LEVEL, 0x0000ff0001070000ull, 40), 0x1070000);
    assert_int_equal(vtop_mode_root(VTOP_MODE_NONE, 0x1000, 0), 0);
    assert_int_equal(vtop_mode_root(VTOP_MODE_4LEVEL, 0x1000, 60), 0);
}

static void test_space_init_errors(void **state)
{
    (void)state;
    vtop_space s;
    vtop_space_config c = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    assert_int_equal(vtop_space_init(NULL, &c, &fx_phys), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_space_init(&s, NULL, &fx_phys), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_space_init(&s, &c, NULL), VTOP_BAD_ARGUMENT);
    vtop_physmem bad = {NULL, 2, NULL};
    assert_int_equal(vtop_space_init(&s, &c, &bad), VTOP_BAD_ARGUMENT);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_COUNT, 0, 0, 0, 0, 0}), VTOP_BAD_SPACE);
    assert_int_equal(fx_space(&s, (fx_cfg){(vtop_mode)-1, 0, 0, 0, 0, 0}), VTOP_BAD_SPACE);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0, 0, 31, 0, 0}), VTOP_BAD_SPACE);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0, 0, 32, 0, 0}), VTOP_OK);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0, 0, 53, 0, 0}), VTOP_BAD_SPACE);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0, 0, 36, 0, 0}), VTOP_OK);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_PAE, 0x100001000ull, 0, 0, 0, 0}),
                     VTOP_BAD_SPACE);
}

/* core/walk.c derives each level's index from (entry size, level count):
 * shift 12 + B * (levels - 1 - l), B = 9 (8-byte entries) or 10 (4-byte),
 * with the PAE PDPT's 2-bit index as the top of a 32-bit VA. The
 * descriptors must say the same. */
static void test_descriptors_match_walk_geometry(void **state)
{
    (void)state;
    for (int m = VTOP_MODE_32BIT; m < VTOP_MODE_COUNT; m++) {
        const vtop_mode_desc *d = vtop_mode_describe((vtop_mode)m);
        unsigned b = d->entry_size == 8 ? 9 : 10;
        for (unsigned l = 0; l < d->levels; l++) {
            assert_int_equal(d->level[l].shift, 12 + b * (d->levels - 1 - l));
            unsigned top = d->level[l].shift + d->level[l].index_bits;
            if (m == VTOP_MODE_PAE && l == 0)
                assert_int_equal(top, 32); /* 2-bit index: VA bits 31:30 */
            else
                assert_int_equal(d->level[l].index_bits, b);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_descriptors_match_walk_geometry),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_from_registers),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_space_init_roots_and_masks),
        cmocka_unit_test(test_mode_root),
        cmocka_unit_test(test_space_init_errors),
    };
    return cmocka_run_group_tests_name("paging", tests, NULL, NULL);
}
