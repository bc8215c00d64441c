/* Tests for cmd/fmt_qemu.c: `tlb` and `mem` text against expected output
 * written by hand from QEMU 7.2 target/i386/monitor.c (print_pte masks,
 * mem_print merging, addr_canonical), for every paging mode, including the
 * quirks: NX in PAE addresses, PSE-36 bits not shown, merging across the
 * canonical hole, the inverted P tests of mem_info_la57. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/fmt_qemu.h"
#include "pt_fixture.h"

static text_sink out_buf;
static const vtop_out out = {text_sink_write, &out_buf};

static int reset(void **state)
{
    (void)state;
    fx_reset();
    out_buf.n = 0;
    out_buf.text[0] = 0;
    return 0;
}

static const char *tlb(vtop_space *s)
{
    out_buf.n = 0;
    out_buf.text[0] = 0;
    assert_int_equal(vtop_fmt_qemu_tlb(&out, s, 0), VTOP_OK);
    return out_buf.text;
}

static const char *mem(vtop_space *s)
{
    out_buf.n = 0;
    out_buf.text[0] = 0;
    assert_int_equal(vtop_fmt_qemu_mem(&out, s, 0), VTOP_OK);
    return out_buf.text;
}

/* Same layout as enum_test.c build_4level. */
static void build_4level(void)
{
    fx_put64(0x1000, 0x2007);
    fx_put64(0x1000 + 511 * 8, 0x3003);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x2008, 0x400000E7);
    fx_put64(0x4000, 0x5007);
    fx_put64(0x4008, 0x8000000000200183ull);
    fx_put64(0x5008, 0x7025);
    fx_put64(0x5010, 0x8067);
    fx_put64(0x5018, 0x0008000000009003ull);
    fx_put64(0x3000 + 510 * 8, 0x6003);
    fx_put64(0x6000, 0x10001E3);
    fx_put64(0x6008, 0x12010A1);
}

static void test_4level_tlb(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_string_equal(tlb(&s),
        "0000000000001000: 0000000000007000 ----A--U-\n"
        "0000000000002000: 0000000000008000 ---DA--UW\n"
        "0000000000003000: 0000000000009000 --------W\n"
        "0000000000200000: 0000000000200000 XGP-----W\n"
        "0000000040000000: 0000000040000000 --PDA--UW\n"
        "ffffffff80000000: 0000000001000000 -GPDA---W\n"
        "ffffffff80200000: 0000000001200000 --P-A----\n");
}

static void test_4level_mem(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_string_equal(mem(&s),
        "0000000000001000-0000000000002000 0000000000001000 ur-\n"
        "0000000000002000-0000000000003000 0000000000001000 urw\n"
        "0000000000003000-0000000000004000 0000000000001000 -rw\n"
        "0000000000200000-0000000000400000 0000000000200000 -rw\n"
        "0000000040000000-0000000080000000 0000000040000000 urw\n"
        "ffffffff80000000-ffffffff80200000 0000000000200000 -rw\n"
        "ffffffff80200000-ffffffff80400000 0000000000200000 -r-\n");
}

/* PML4[255] and PML4[256] both end/start with a 1G page of equal prot:
 * mem_print merges across the non-canonical hole (its VAs are raw), and the
 * last range of the upper half ends at the flush address 1 << 48. */
static void test_4level_mem_merges_across_hole(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000 + 255 * 8, 0x2007);
    fx_put64(0x1000 + 256 * 8, 0x3007);
    fx_put64(0x1000 + 511 * 8, 0x4007);
    fx_put64(0x2000 + 511 * 8, 0x40000087);
    fx_put64(0x3000, 0x80000087);
    fx_put64(0x4000 + 511 * 8, 0xC0000083);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_string_equal(mem(&s),
        "00007fffc0000000-ffff800040000000 0000000080000000 urw\n"
        "ffffffffc0000000-0001000000000000 0000000040000000 -rw\n");
    assert_string_equal(tlb(&s),
        "00007fffc0000000: 0000000040000000 --P----UW\n"
        "ffff800000000000: 0000000080000000 --P----UW\n"
        "ffffffffc0000000: 00000000c0000000 --P-----W\n");
}

static void build_32bit(void)
{
    fx_put32(0x1000, 0x2007);
    fx_put32(0x1004, 0x00400000 | (0x3 << 13) | 0x83); /* 4M, PSE-36 PA 0x3_0040_0000 */
    fx_put32(0x2000 + 5 * 4, 0x9005);
}

static void test_32bit_pse(void **state)
{
    (void)state;
    vtop_space s;
    build_32bit();
    fx_space(&s, (fx_cfg){VTOP_MODE_32BIT_PSE, 0x1000, 0, 40, 0, 0});
    /* tlb_info_32 masks the 4M PDE with ~((1 << 21) - 1): PSE-36 bits vanish */
    assert_string_equal(tlb(&s),
        "0000000000005000: 0000000000009000 -------U-\n"
        "0000000000400000: 0000000000400000 --P-----W\n");
    assert_string_equal(mem(&s),
        "0000000000005000-0000000000006000 0000000000001000 ur-\n"
        "0000000000400000-0000000000800000 0000000000400000 -rw\n");
}

static void test_32bit_no_pse(void **state)
{
    (void)state;
    vtop_space s;
    build_32bit();
    fx_space(&s, (fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 40, 0, 0});
    assert_string_equal(tlb(&s), "0000000000005000: 0000000000009000 -------U-\n");
    assert_string_equal(mem(&s),
        "0000000000005000-0000000000006000 0000000000001000 ur-\n");
}

static void test_pae(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2001);
    fx_put64(0x1018, 0x3001);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x4008, 0x8000000000005007ull);
    fx_put64(0x4010, 0x00000000000060A7ull);  /* PAT(bit 7) A US RW P */
    fx_put64(0x3000 + 511 * 8, 0x8000000000E01083ull); /* 2M: NX, PAT bit 12 */
    fx_space(&s, (fx_cfg){VTOP_MODE_PAE, 0x1000, 1, 40, 0, 0});
    /* NX shows in the address (masks ~0xfff and ~0xfffff keep bit 63);
     * a 4K PTE's bit 7 (PAT) is cleared before printing: no 'P'. */
    assert_string_equal(tlb(&s),
        "0000000000001000: 8000000000005000 X------UW\n"
        "0000000000002000: 0000000000006000 ----A--UW\n"
        "00000000ffe00000: 8000000000e00000 X-P-----W\n");
    assert_string_equal(mem(&s),
        "0000000000001000-0000000000003000 0000000000002000 urw\n"
        "00000000ffe00000-0000000100000000 0000000000200000 -rw\n");
}

static void test_5level_tlb_and_la57_mem_quirk(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1008, 0x2007);
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x3010, 0x86);        /* PDPTE[2]: P=0 but PS|US|RW */
    fx_put64(0x4000, 0x5007);
    fx_put64(0x5000, 0x6003);
    fx_put64(0x1000 + 511 * 8, 0x7003);
    fx_put64(0x7000 + 511 * 8, 0x8003);
    fx_put64(0x8000 + 511 * 8, 0x80000083);
    fx_space(&s, (fx_cfg){VTOP_MODE_5LEVEL, 0x1000, 1, 40, 0, 0});
    assert_string_equal(tlb(&s),
        "0001000000000000: 0000000000006000 --------W\n"
        "ffffffffc0000000: 0000000080000000 --P-----W\n");
    /* mem_info_la57 in QEMU 7.2 tests P the wrong way round at the PDPTE and
     * PDE levels: present entries become prot-0 units, the non-present
     * PS PDPTE[2] becomes a "urw" 1G range. */
    assert_string_equal(mem(&s),
        "0001000080000000-00010000c0000000 0000000040000000 urw\n");
    /* the fixed walk: the two present leaves, and PDPTE[2] is a hole */
    out_buf.n = 0;
    assert_int_equal(vtop_fmt_qemu_mem_ex(&out, &s, 0, VTOP_QEMU_MEM_FIX_LA57), VTOP_OK);
    assert_string_equal(out_buf.text,
        "0001000000000000-0001000000001000 0000000000001000 -rw\n"
        "ffffffffc0000000-0200000000000000 0000000040000000 -rw\n");
}

static void test_paging_disabled(void **state)
{
    (void)state;
    vtop_space s;
    fx_space(&s, (fx_cfg){VTOP_MODE_NONE, 0, 0, 40, 0, 0});
    assert_string_equal(tlb(&s), "PG disabled\n");
    assert_string_equal(mem(&s), "PG disabled\n");
}

static void test_self_loop_bounded(void **state)
{
    (void)state;
    vtop_space s;
    for (int i = 0; i < 512; i++)
        fx_put64(0x1000 + i * 8, 0x1007);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    /* 512^3 tables without a budget; with 4 tables the walk stops at once */
    assert_int_equal(vtop_fmt_qemu_mem(&out, &s, 4), VTOP_LIMIT_REACHED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_4level_tlb, reset),
        cmocka_unit_test_setup(test_4level_mem, reset),
        cmocka_unit_test_setup(test_4level_mem_merges_across_hole, reset),
        cmocka_unit_test_setup(test_32bit_pse, reset),
        cmocka_unit_test_setup(test_32bit_no_pse, reset),
        cmocka_unit_test_setup(test_pae, reset),
        cmocka_unit_test_setup(test_5level_tlb_and_la57_mem_quirk, reset),
        cmocka_unit_test_setup(test_paging_disabled, reset),
        cmocka_unit_test_setup(test_self_loop_bounded, reset),
    };
    return cmocka_run_group_tests_name("fmt_qemu", tests, NULL, NULL);
}
