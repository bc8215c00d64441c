/* Tests for cmd/fmt_windbg.c: every field of `pte` and `vtop`, expected
 * text written by hand from the formats documented in fmt_windbg.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/fmt_windbg.h"
#include "pt_fixture.h"

static text_sink out_buf;
static const vtop_out out = {text_sink_write, &out_buf};
static vtop_space sp;

static int reset(void **state)
{
    (void)state;
    fx_reset();
    /* same 4-level layout as enum_test.c / fmt_qemu_test.c */
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x4000, 0x5007);
    fx_put64(0x4008, 0x8000000000200183ull);
    fx_put64(0x5010, 0x8067);
    fx_put64(0x5018, 0x0008000000009003ull);
    fx_space(&sp, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    return 0;
}

static const char *pte(uint64_t va)
{
    vtop_translation t;
    (void)vtop_translate(&sp, va, &t);
    out_buf.n = 0;
    out_buf.text[0] = 0;
    vtop_fmt_windbg_pte(&out, &sp, &t);
    return out_buf.text;
}

static const char *vtop_line(uint64_t va)
{
    vtop_translation t;
    (void)vtop_translate(&sp, va, &t);
    out_buf.n = 0;
    out_buf.text[0] = 0;
    vtop_fmt_windbg_vtop(&out, &sp, &t);
    return out_buf.text;
}

static void test_pte_4k(void **state)
{
    (void)state;
    assert_string_equal(pte(0x2123),
        "VA 0000000000002123\n"
        "PML4E at 0000000000001000 contains 0000000000002007 pfn 2        -------UWEV\n"
        "PDPTE at 0000000000002000 contains 0000000000004007 pfn 4        -------UWEV\n"
        "PDE   at 0000000000004000 contains 0000000000005007 pfn 5        -------UWEV\n"
        "PTE   at 0000000000005010 contains 0000000000008067 pfn 8        ---DA--UWEV\n"
        "pa 0000000000008123 size 4K pfn 8 rights rwxu\n"
        "status 0x00000000 ok\n");
}

static void test_pte_2m_nx_global(void **state)
{
    (void)state;
    assert_string_equal(pte(0x201234),
        "VA 0000000000201234\n"
        "PML4E at 0000000000001000 contains 0000000000002007 pfn 2        -------UWEV\n"
        "PDPTE at 0000000000002000 contains 0000000000004007 pfn 4        -------UWEV\n"
        "PDE   at 0000000000004008 contains 8000000000200183 pfn 200      -GL----KW-V\n"
        "pa 0000000000201234 size 2M pfn 201 rights rw-k\n"
        "status 0x00000000 ok\n");
}

static void test_pte_failures(void **state)
{
    (void)state;
    assert_string_equal(pte(0x4000),
        "VA 0000000000004000\n"
        "PML4E at 0000000000001000 contains 0000000000002007 pfn 2        -------UWEV\n"
        "PDPTE at 0000000000002000 contains 0000000000004007 pfn 4        -------UWEV\n"
        "PDE   at 0000000000004000 contains 0000000000005007 pfn 5        -------UWEV\n"
        "PTE   at 0000000000005020 contains 0000000000000000 pfn 0        -------KRE-\n"
        "fault at PTE: not-present\n"
        "status 0xD0000147 not-present\n");
    const char *r = pte(0x3000);
    assert_non_null(strstr(r, "PTE   at 0000000000005018 contains 0008000000009003 pfn 9        -------KWEV\n"));
    assert_non_null(strstr(r, "fault at PTE: reserved-bit reserved 0008000000000000\n"
                              "status 0xD0000147 reserved-bit\n"));
    assert_string_equal(pte(0x0000800000000000ull),
        "VA 0000800000000000\n"
        "fault at -: non-canonical\n"
        "status 0x80070057 non-canonical\n");
}

static void test_pte_software_pte(void **state)
{
    (void)state;
    fx_put64(0x5028, 0x0000000500000080ull);   /* P=0, page-file offset */
    fx_space(&sp, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 1});
    const char *r = pte(0x5000);
    assert_non_null(strstr(r, "fault at PTE: software-pte swpte pagefile\n"
                              "status 0xD0000147 software-pte\n"));
}

static void test_pte_32bit_widths(void **state)
{
    (void)state;
    fx_reset();
    fx_put32(0x1000, 0x2007);
    fx_put32(0x2014, 0x9005);
    fx_space(&sp, (fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 40, 0, 0});
    assert_string_equal(pte(0x5abc),
        "VA 00005abc\n"
        "PDE   at 0000000000001000 contains 00002007 pfn 2        -------UWEV\n"
        "PTE   at 0000000000002014 contains 00009005 pfn 9        -------UREV\n"
        "pa 0000000000009abc size 4K pfn 9 rights r-xu\n"
        "status 0x00000000 ok\n");
}

static void test_vtop_lines(void **state)
{
    (void)state;
    assert_string_equal(vtop_line(0x2123),
        "va 0000000000002123 pa 0000000000008123 size 4K rights rwxu status 0x00000000 ok\n");
    assert_string_equal(vtop_line(0x4000),
        "va 0000000000004000 status 0xD0000147 not-present at PTE\n");
    assert_string_equal(vtop_line(0x0000800000000000ull),
        "va 0000800000000000 status 0x80070057 non-canonical at -\n");
    assert_string_equal(vtop_line(0x40000000),
        "va 0000000040000000 status 0xD0000147 not-present at PDPTE\n");
}

static void test_helpers(void **state)
{
    (void)state;
    char r[5];
    vtop_fmt_rights(0, r);
    assert_string_equal(r, "r--k");
    vtop_fmt_rights(VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC, r);
    assert_string_equal(r, "rwxu");
    assert_string_equal(vtop_fmt_size_name(1u << 22), "4M");
    assert_string_equal(vtop_fmt_size_name(1u << 30), "1G");
    assert_string_equal(vtop_fmt_size_name(12345), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_pte_4k, reset),
        cmocka_unit_test_setup(test_pte_2m_nx_global, reset),
        cmocka_unit_test_setup(test_pte_failures, reset),
        cmocka_unit_test_setup(test_pte_software_pte, reset),
        cmocka_unit_test_setup(test_pte_32bit_widths, reset),
        cmocka_unit_test_setup(test_vtop_lines, reset),
        cmocka_unit_test_setup(test_helpers, reset),
    };
    return cmocka_run_group_tests_name("fmt_windbg", tests, NULL, NULL);
}
