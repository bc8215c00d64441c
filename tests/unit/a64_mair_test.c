/* Tests for core/a64_mair.c: MAIR attribute bytes decoded as the Arm ARM
 * D19.2 (MAIR_EL1, Attr<n>) encodes them; the MAIR values are Linux's
 * (arch/arm64/include/asm/memory.h MT_* indices, mm/proc.S MAIR_EL1_SET)
 * and hand-written ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/paging.h"

/* Linux: MT_NORMAL 0 = 0xff, MT_NORMAL_TAGGED 1 = 0xf0, MT_NORMAL_NC 2 =
 * 0x44, MT_DEVICE_nGnRnE 3 = 0x00, MT_DEVICE_nGnRE 4 = 0x04. */
#define LINUX_MAIR 0x000000040044f0ffull

static void test_linux_mair(void **state)
{
    (void)state;
    vtop_a64_memattr m = vtop_a64_mair_decode(LINUX_MAIR, 0);
    assert_int_equal(m.attr, 0xff);
    assert_int_equal(m.type, VTOP_A64_MEM_NORMAL);
    assert_int_equal(m.inner, VTOP_A64_CACHE_WB);
    assert_int_equal(m.outer, VTOP_A64_CACHE_WB);
    assert_false(m.transient);
    assert_string_equal(m.name, "Normal-WB");
    m = vtop_a64_mair_decode(LINUX_MAIR, 1);
    assert_int_equal(m.type, VTOP_A64_MEM_NORMAL_TAGGED);
    assert_string_equal(m.name, "Normal-Tagged");
    m = vtop_a64_mair_decode(LINUX_MAIR, 2);
    assert_int_equal(m.inner, VTOP_A64_CACHE_NC);
    assert_string_equal(m.name, "Normal-NC");
    m = vtop_a64_mair_decode(LINUX_MAIR, 3);
    assert_int_equal(m.type, VTOP_A64_MEM_DEVICE_nGnRnE);
    assert_string_equal(m.name, "Device-nGnRnE");
    m = vtop_a64_mair_decode(LINUX_MAIR, 4);
    assert_int_equal(m.type, VTOP_A64_MEM_DEVICE_nGnRE);
    assert_string_equal(m.name, "Device-nGnRE");
    assert_int_equal(m.inner, VTOP_A64_CACHE_NONE);
}

static void test_other_encodings(void **state)
{
    (void)state;
    /* 0x08 nGRE, 0x0c GRE; 0xbb WT non-transient RW; 0x4f inner WB
     * non-transient, outer NC; 0x11 WT transient; 0x77 WB transient;
     * 0x40 / 0xa0 FEAT_XS NC / WT. */
    uint64_t mair = 0xa0407711004fbb0cull | 0x08;
    assert_string_equal(vtop_a64_mair_decode(0x08, 0).name, "Device-nGRE");
    assert_int_equal(vtop_a64_mair_decode(0x0c, 0).type, VTOP_A64_MEM_DEVICE_GRE);
    vtop_a64_memattr m = vtop_a64_mair_decode(mair, 1);
    assert_int_equal(m.attr, 0xbb);
    assert_string_equal(m.name, "Normal-WT");
    assert_false(m.transient);
    m = vtop_a64_mair_decode(mair, 2);
    assert_string_equal(m.name, "Normal-iWB-oNC");
    m = vtop_a64_mair_decode(mair, 4);
    assert_string_equal(m.name, "Normal-WT");
    assert_true(m.transient);
    m = vtop_a64_mair_decode(mair, 5);
    assert_string_equal(m.name, "Normal-WB");
    assert_true(m.transient);
    assert_string_equal(vtop_a64_mair_decode(mair, 6).name, "Normal-NC");
    assert_string_equal(vtop_a64_mair_decode(mair, 7).name, "Normal-WT");
    assert_string_equal(vtop_a64_mair_decode(0xf4, 0).name, "Normal-iNC-oWB");
    assert_string_equal(vtop_a64_mair_decode(0x4b, 0).name, "Normal-iWT-oNC");
    assert_string_equal(vtop_a64_mair_decode(0xb4, 0).name, "Normal-iNC-oWT");
    assert_string_equal(vtop_a64_mair_decode(0xbf, 0).name, "Normal-iWB-oWT");
    assert_string_equal(vtop_a64_mair_decode(0xfb, 0).name, "Normal-iWT-oWB");
}

static void test_unknown_and_reserved(void **state)
{
    (void)state;
    vtop_a64_memattr m = vtop_a64_mair_decode(0, 0);
    assert_int_equal(m.type, VTOP_A64_MEM_UNKNOWN);
    assert_string_equal(m.name, "unknown");
    assert_int_equal(vtop_a64_mair_decode(LINUX_MAIR, 8).type, VTOP_A64_MEM_UNKNOWN);
    /* Device with bits 1:0 set, Normal with inner 0000 or 00 RW = 00. */
    assert_int_equal(vtop_a64_mair_decode(0x01, 0).type, VTOP_A64_MEM_RESERVED);
    assert_string_equal(vtop_a64_mair_decode(0x01, 0).name, "reserved");
    assert_int_equal(vtop_a64_mair_decode(0x80, 0).type, VTOP_A64_MEM_RESERVED);
    assert_int_equal(vtop_a64_mair_decode(0xf0f0f0f0f0f0f080ull, 0).type,
                     VTOP_A64_MEM_RESERVED);
    assert_int_equal(vtop_a64_mair_decode(0x0c00, 1).type, VTOP_A64_MEM_DEVICE_GRE);
    assert_int_equal(vtop_a64_mair_decode(0x0f00, 1).type, VTOP_A64_MEM_RESERVED);
    /* outer WT transient, inner 0000: not a Normal encoding */
    m = vtop_a64_mair_decode(0x10ull << 16, 2);
    assert_int_equal(m.type, VTOP_A64_MEM_RESERVED);
    assert_int_equal(m.inner, VTOP_A64_CACHE_NONE);
    /* FEAT_XS Normal NC in byte 2 */
    assert_string_equal(vtop_a64_mair_decode(0x40ull << 16, 2).name, "Normal-NC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linux_mair),
        cmocka_unit_test(test_other_encodings),
        cmocka_unit_test(test_unknown_and_reserved),
    };
    return cmocka_run_group_tests_name("a64_mair", tests, NULL, NULL);
}
