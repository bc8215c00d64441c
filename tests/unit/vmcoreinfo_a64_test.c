/* Tests for core/formats/vmcoreinfo_a64.c: the arm64 kernel's TTBR1_EL1
 * and a TCR_EL1 from VMCOREINFO. The first case is the note of the real
 * Debian 12 arm64 guest (images/guests/arm64.py, linux 6.1.0-57-arm64 on
 * QEMU virt -cpu max): QEMU's gdbstub showed TTBR1_EL1 0x28000041858001
 * (ASID 0x28, CnP, BADDR 0x41858000) and TCR_EL1 0x15001f5b5503510 (T1SZ 16,
 * TG1 4K, IPS 48 bits, HA) at the same stop. The second is Debian 12's
 * 16K-page kernel (6.12.117+deb12-arm64-16k, 52-bit VA with LPA2): QEMU
 * showed TTBR1_EL1 0x28000041f2c001 and TCR_EL1 0x95001f6754cb50c (T1SZ 12,
 * TG1 16K, IPS 52 bits, HA, DS). Other values hand-computed. */
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

static void test_debian_guest(void **state)
{
    (void)state;
    const char *t = "OSRELEASE=6.1.0-57-arm64\nPAGESIZE=4096\n"
                    "SYMBOL(swapper_pg_dir)=ffffc6e26a258000\n"
                    "NUMBER(MAX_PHYSMEM_BITS)=48\nNUMBER(VA_BITS)=48\n"
                    "NUMBER(kimage_voffset)=0xffffc6e228a00000\n"
                    "NUMBER(PHYS_OFFSET)=0x40000000\nNUMBER(TCR_EL1_T1SZ)=0x10\n"
                    "KERNELOFFSET=46e260c00000\n"
                    "NUMBER(KERNELPACMASK)=0xffff000000000000\n";
    vtop_vmcoreinfo v;
    assert_int_equal(parse(t, &v), VTOP_OK);
    assert_true(v.has_va_bits && v.has_kimage_voffset && v.has_phys_offset && v.has_t1sz);
    assert_int_equal(v.va_bits, 48);
    assert_int_equal(v.kimage_voffset, 0xffffc6e228a00000ull);
    assert_int_equal(v.phys_offset, 0x40000000);
    assert_int_equal(v.t1sz, 16);
    assert_int_equal(v.max_physmem_bits, 48);
    assert_int_equal(v.kerneloffset, 0x46e260c00000ull);
    uint64_t ttbr1 = 0, tcr = 0;
    const char *why = NULL;
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_OK);
    /* 0xffffc6e26a258000 - 0xffffc6e228a00000 = 0x41858000: QEMU's BADDR */
    assert_int_equal(ttbr1, 0x41858000);
    /* T0SZ 16 | EPD0 | TG0 4K (0) | T1SZ 16 | TG1 4K (2) | IPS 5 | HA */
    assert_int_equal(tcr, 0x10 | 0x80 | 0x100000 | 0x80000000ull |
                          0x500000000ull | 0x8000000000ull);
    /* The fields the kernel half uses agree with QEMU's TCR_EL1. */
    uint64_t qemu = 0x15001f5b5503510ull, mask = 0x3full << 16 | 3ull << 30 |
                    7ull << 32 | 1ull << 39;
    assert_int_equal(tcr & mask, qemu & mask);
    assert_non_null(strstr(why, "TCR_EL1_T1SZ"));
}

static void test_debian_16k_lpa2_guest(void **state)
{
    (void)state;
    const char *t = "OSRELEASE=6.12.117+deb12-arm64-16k\nPAGESIZE=16384\n"
                    "SYMBOL(swapper_pg_dir)=ffffd2482eb2c000\n"
                    "NUMBER(MAX_PHYSMEM_BITS)=52\nNUMBER(VA_BITS)=52\n"
                    "NUMBER(kimage_voffset)=0xffffd247ecc00000\n"
                    "NUMBER(PHYS_OFFSET)=0x40000000\nNUMBER(TCR_EL1_T1SZ)=0xc\n"
                    "KERNELOFFSET=1247ace00000\n";
    vtop_vmcoreinfo v;
    assert_int_equal(parse(t, &v), VTOP_OK);
    uint64_t ttbr1 = 0, tcr = 0;
    const char *why = NULL;
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_OK);
    assert_int_equal(ttbr1, 0x41f2c000);
    uint64_t qemu = 0x95001f6754cb50cull, mask = 0x3full << 16 | 3ull << 30 |
                    7ull << 32 | 1ull << 39 | 1ull << 59;
    assert_int_equal(tcr & mask, qemu & mask);
}

static void test_granules_and_sizes(void **state)
{
    (void)state;
    vtop_vmcoreinfo v;
    uint64_t ttbr1 = 0, tcr = 0;
    const char *why = NULL;
    /* 64K pages, 52-bit VA and PA (LVA/LPA): T1SZ 12 from VA_BITS, no DS. */
    assert_int_equal(parse("PAGESIZE=65536\nSYMBOL(swapper_pg_dir)=ffff800011230000\n"
                           "NUMBER(kimage_voffset)=0xffff7fffd0000000\n"
                           "NUMBER(VA_BITS)=52\nNUMBER(MAX_PHYSMEM_BITS)=52\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_OK);
    assert_int_equal(ttbr1, 0x41230000);
    assert_int_equal((tcr >> 16) & 0x3f, 12);
    assert_int_equal((tcr >> 30) & 3, 3);
    assert_int_equal((tcr >> 14) & 3, 1);
    assert_int_equal((tcr >> 32) & 7, 6);
    assert_int_equal((tcr >> 59) & 1, 0);
    assert_non_null(strstr(why, "VA_BITS"));
    /* 16K pages, 47-bit VA. */
    assert_int_equal(parse("PAGESIZE=16384\nSYMBOL(swapper_pg_dir)=ffff800009000000\n"
                           "NUMBER(kimage_voffset)=0xffff7fffc7000000\n"
                           "NUMBER(VA_BITS)=47\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_OK);
    assert_int_equal(ttbr1, 0x42000000);
    assert_int_equal((tcr >> 16) & 0x3f, 17);
    assert_int_equal((tcr >> 30) & 3, 1);
    assert_int_equal((tcr >> 14) & 3, 2);
    assert_int_equal((tcr >> 32) & 7, 5);
    /* 4K pages with a 52-bit VA: LPA2 (DS). */
    assert_int_equal(parse("PAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffff800009000000\n"
                           "NUMBER(kimage_voffset)=0xffff7fffc7000000\n"
                           "NUMBER(TCR_EL1_T1SZ)=0xc\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_OK);
    assert_int_equal((tcr >> 59) & 1, 1);
}

static void test_missing_fields(void **state)
{
    (void)state;
    vtop_vmcoreinfo v;
    uint64_t ttbr1 = 0, tcr = 0;
    const char *why = NULL;
    assert_int_equal(parse("SYMBOL(swapper_pg_dir)=ffff800009000000\nNUMBER(VA_BITS)=48\n",
                           &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_NO_ROOT);
    assert_non_null(strstr(why, "kimage_voffset"));
    assert_int_equal(parse("SYMBOL(swapper_pg_dir)=ffff800009000000\n"
                           "NUMBER(kimage_voffset)=0xffff7fffc7000000\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_NO_ROOT);
    assert_non_null(strstr(why, "VA_BITS"));
    assert_int_equal(parse("PAGESIZE=8192\nSYMBOL(swapper_pg_dir)=ffff800009000000\n"
                           "NUMBER(kimage_voffset)=0xffff7fffc7000000\n"
                           "NUMBER(VA_BITS)=48\n", &v), VTOP_OK);
    assert_int_equal(vtop_vmcoreinfo_a64(&v, &ttbr1, &tcr, &why), VTOP_NO_ROOT);
    assert_non_null(strstr(why, "granule"));
    /* A hex NUMBER must be well formed. */
    assert_int_equal(parse("NUMBER(kimage_voffset)=0xzz\n", &v), VTOP_FORMAT_CORRUPT);
    assert_int_equal(vtop_vmcoreinfo_a64(NULL, &ttbr1, &tcr, &why), VTOP_BAD_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debian_guest),
        cmocka_unit_test(test_debian_16k_lpa2_guest),
        cmocka_unit_test(test_granules_and_sizes),
        cmocka_unit_test(test_missing_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
