/* Tests for core/formats/vmcoreinfo.c: VMCOREINFO text as Linux
 * kernel/crash_core.c prints it (SYMBOL and KERNELOFFSET in hex, NUMBER in
 * decimal, possibly negative) and the roots derived from it. Expected
 * values are hand-computed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/formats/vmcoreinfo.h"

static vtop_status parse(const char *t, vtop_vmcoreinfo *v)
{
    return vtop_vmcoreinfo_parse((const uint8_t *)t, strlen(t), v);
}

static void test_x86_64_fields_and_root(void **state)
{
    (void)state;
    /* A Debian 6.1 guest's values (KASLR on): phys_base is negative. */
    const char *t = "OSRELEASE=6.1.0-57-amd64\nPAGESIZE=4096\n"
                    "SYMBOL(init_top_pgt)=ffffffffa5e0a000\n"
                    "NUMBER(pgtable_l5_enabled)=0\n"
                    "NUMBER(phys_base)=-555745280\n"
                    "KERNELOFFSET=24000000\nNUMBER(sme_mask)=0\n"
                    "CRASHTIME=1700000000\n";
    vtop_vmcoreinfo v;
    assert_int_equal(parse(t, &v), VTOP_OK);
    assert_string_equal(v.osrelease, "6.1.0-57-amd64");
    assert_int_equal(v.page_size, 4096);
    assert_int_equal(v.init_top_pgt, 0xffffffffa5e0a000ull);
    assert_int_equal(v.phys_base, -555745280);
    assert_int_equal(v.kerneloffset, 0x24000000);
    assert_true(v.has_l5);
    assert_false(v.l5);
    assert_int_equal(v.lines, 8);
    uint64_t root = 0;
    vtop_mode mode = VTOP_MODE_NONE;
    const char *why = NULL;
    assert_int_equal(vtop_vmcoreinfo_root(&v, true, &root, &mode, &why), VTOP_OK);
    /* 0x25e0a000 - 0x21200000 (555745280) = 0x4c0a000 */
    assert_int_equal(root, 0x4c0a000);
    assert_int_equal(mode, VTOP_MODE_4LEVEL);
    assert_non_null(strstr(why, "4-level"));
    assert_int_equal(parse("NUMBER(pgtable_l5_enabled)=1\n"
                           "SYMBOL(init_top_pgt)=ffffffff82a0a000\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_root(&v, true, &root, &mode, &why), VTOP_OK);
    assert_int_equal(root, 0x2a0a000);
    assert_int_equal(mode, VTOP_MODE_5LEVEL);
}

static void test_i386_roots(void **state)
{
    (void)state;
    vtop_vmcoreinfo v;
    uint64_t root = 0;
    vtop_mode mode = VTOP_MODE_NONE;
    const char *why = NULL;
    assert_int_equal(parse("SYMBOL(swapper_pg_dir)=c1b2c000\nCONFIG_X86_PAE=y\n", &v),
                     VTOP_OK);
    assert_true(v.pae);
    assert_int_equal(vtop_vmcoreinfo_root(&v, false, &root, &mode, &why), VTOP_OK);
    assert_int_equal(root, 0x1b2c000);
    assert_int_equal(mode, VTOP_MODE_PAE);
    assert_int_equal(parse("SYMBOL(swapper_pg_dir)=0xc1a00000\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_root(&v, false, &root, &mode, &why), VTOP_OK);
    assert_int_equal(root, 0x1a00000);
    assert_int_equal(mode, VTOP_MODE_32BIT_PSE);
    /* The 64-bit rule needs init_top_pgt. */
    assert_int_equal(vtop_vmcoreinfo_root(&v, true, &root, &mode, &why), VTOP_NO_ROOT);
    assert_non_null(strstr(why, "init_top_pgt"));
    assert_int_equal(parse("OSRELEASE=x\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_root(&v, false, &root, &mode, &why), VTOP_NO_ROOT);
}

static void test_bad_text(void **state)
{
    (void)state;
    vtop_vmcoreinfo v;
    assert_int_equal(parse("", &v), VTOP_FORMAT_CORRUPT);
    assert_int_equal(parse("no equals sign here\n", &v), VTOP_FORMAT_CORRUPT);
    assert_int_equal(parse("SYMBOL(init_top_pgt)=xyz\n", &v), VTOP_FORMAT_CORRUPT);
    assert_int_equal(parse("NUMBER(phys_base)=12a\n", &v), VTOP_FORMAT_CORRUPT);
    assert_int_equal(parse("NUMBER(phys_base)=-\n", &v), VTOP_FORMAT_CORRUPT);
    assert_int_equal(parse("KERNELOFFSET=123456789012345678901\n", &v),
                     VTOP_FORMAT_CORRUPT);
    /* Unknown keys and lines without '=' are skipped; a NUL ends the text. */
    const uint8_t t[] = "FOO=bar\njunk\nOSRELEASE=6.1\0OSRELEASE=other\n";
    assert_int_equal(vtop_vmcoreinfo_parse(t, sizeof t - 1, &v), VTOP_OK);
    assert_string_equal(v.osrelease, "6.1");
    assert_int_equal(v.lines, 2);
    assert_int_equal(vtop_vmcoreinfo_parse(NULL, 4, &v), VTOP_BAD_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x86_64_fields_and_root),
        cmocka_unit_test(test_i386_roots),
        cmocka_unit_test(test_bad_text),
    };
    return cmocka_run_group_tests_name("vmcoreinfo", tests, NULL, NULL);
}
