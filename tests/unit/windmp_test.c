/* Tests for core/formats/windmp.c: Windows 64-bit full and bitmap dumps,
 * 32-bit dumps with and without PAE, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/formats/format.h"
#include "images/writers.h"
#include "format_fixture.h"

static uint8_t img[128 * 1024];
static vtop_run runs[16];
static vtop_image_info info;
static const tseg segs[] = { {0x1000, 0x3000}, {0x10000, 0x1000}, {0x20000, 0x2000} };

static void test_full64(void **state)
{
    (void)state;
    size_t n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    assert_int_equal(vtop_image_detect(img, n), VTOP_FMT_WINDMP64);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "windmp64-full");
    assert_true(info.windows);
    assert_int_equal(info.root, 0x1AD000);
    assert_int_equal(info.mode, VTOP_MODE_4LEVEL);
    assert_int_equal(info.machine_image_type, 0x8664);
    assert_int_equal(info.run_count, 3);
    assert_int_equal(runs[1].phys, 0x10000);
    assert_int_equal(runs[1].file_offset, 0x2000 + 0x3000);
    assert_int_equal(runs[2].file_offset, 0x2000 + 0x4000);
    assert_int_equal(runs[2].data[1], 0x00);
    assert_int_equal(runs[2].data[2], 0x02);
    vtop_space_config cfg;
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_OK);
    assert_true(cfg.windows_pte);
    assert_true(cfg.nxe);
    assert_int_equal(cfg.cr3, 0x1AD000);
}

/* Windows on ARM64: the same header with MachineImageType 0xAA64; the
 * DirectoryTableBase roots both halves (MemProcFS vmm/mm/mm_arm64.c). */
static void test_full64_arm64(void **state)
{
    (void)state;
    size_t n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    img[0x30] = 0x64;
    img[0x31] = 0xAA;
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "windmp64-full");
    assert_int_equal(info.machine_image_type, 0xAA64);
    assert_true(info.aarch64);
    assert_int_equal(info.mode, VTOP_MODE_AARCH64);
    assert_int_equal(info.root_source, VTOP_ROOT_DUMP_HEADER);
    assert_int_equal(info.run_count, 3);
    vtop_space_config cfg = {0};
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_OK);
    assert_int_equal(cfg.mode, VTOP_MODE_AARCH64);
    assert_int_equal(cfg.ttbr0, 0x1AD000);
    assert_int_equal(cfg.ttbr1, 0x1AD000);
    /* T0SZ = T1SZ = 16, TG0 4K, TG1 4K, IPS 48 bits, HA */
    assert_int_equal(cfg.tcr, 0x10 | 0x100000 | 0x80000000ull | 0x500000000ull |
                              0x8000000000ull);
    assert_int_equal(cfg.a64_regime, VTOP_A64_EL1);
    assert_int_equal(vtop_image_space_config(&info, 1, &cfg), VTOP_BAD_ARGUMENT);
    /* Other machines are refused by name. */
    img[0x30] = 0xC4;
    img[0x31] = 0x01;
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info),
                     VTOP_FORMAT_UNSUPPORTED);
    assert_int_equal(info.error_offset, 0x30);
}

static void test_bitmap64_coalesces_pages(void **state)
{
    (void)state;
    size_t n = build_dmp64_bitmap(img, 0x1AD000, segs, 3, 0x40, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "windmp64-bitmap");
    assert_int_equal(info.run_count, 3);
    assert_int_equal(runs[0].phys, 0x1000);
    assert_int_equal(runs[0].len, 0x3000);
    assert_int_equal(runs[0].file_offset, 0x3000);
    assert_int_equal(runs[2].phys, 0x20000);
    assert_int_equal(runs[2].file_offset, 0x3000 + 0x4000);
    assert_int_equal(runs[2].data[0x1002], 0x02);  /* page 0x21000 */
    assert_int_equal(runs[2].data[0x1001], 0x10);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 2, &info), VTOP_BUFFER_TOO_SMALL);
    assert_int_equal(info.run_count, 3);
}

static void test_bitmap64_bad(void **state)
{
    (void)state;
    size_t n = build_dmp64_bitmap(img, 0x1AD000, segs, 3, 0x40, NULL);
    /* bitmap shorter than claimed */
    put64(img, 0x2030, 0x1000000);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(info.error_offset, 0x2038);
    n = build_dmp64_bitmap(img, 0x1AD000, segs, 3, 0x40, NULL);
    put64(img, 0x2028, 5);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, 0x2028);
    n = build_dmp64_bitmap(img, 0x1AD000, segs, 3, 0x40, NULL);
    memcpy(img + 0x2000, "XDMP", 4);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    n = build_dmp64_bitmap(img, 0x1AD000, segs, 3, 0x40, NULL);
    /* pages past the end of the file: the last page is absent */
    assert_int_equal(vtop_image_open(img, n - 1, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_non_null(info.warning);
    assert_null(runs[info.run_count - 1].data);
    put64(img, 0x2020, 0x2010);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
}

static void test_full64_bad_run_lists(void **state)
{
    (void)state;
    size_t n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    for (size_t len = 8; len < n; len += (len < 0x2000 ? 0x101 : 0x7F)) {
        vtop_status st = open_exact(img, len, VTOP_FMT_AUTO, runs, 16, &info);
        assert_damaged_open(st, &info, len);
        assert_int_equal(st, len < 0x2000 ? VTOP_FORMAT_TRUNCATED : VTOP_OK);
    }
    /* run list larger than the file */
    put64(img, 0xA0 + 32, 0x100);
    put64(img, 0x90, 0x104 + 0);
    put64(img, 0x90, 3 + 1 + 0x100);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.warning_offset, 0x98 + 32); /* the run past the end */
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put32(img, 0x88, 1000);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, 0x88);
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put64(img, 0x90, 7);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put64(img, 0xA0 + 16, 0);     /* zero-length run */
    put64(img, 0x90, 5);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, 0xA8);
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put64(img, 0x98 + 16, 0x2);   /* second run inside the first */
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put64(img, 0x98, 0xFFFFFFFFFFFFFull);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put32(img, 0xF98, 2);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_UNSUPPORTED);
    assert_int_equal(info.error_offset, 0xF98);
    n = build_dmp64_full(img, 0x1AD000, segs, 3, NULL);
    put32(img, 0x30, 0x1C4); /* ARMNT: 32-bit Arm */
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_UNSUPPORTED);
}

static void test_dump32_pae_flag(void **state)
{
    (void)state;
    size_t n = build_dmp32(img, 0x39000, true, segs, 3, NULL);
    assert_int_equal(vtop_image_detect(img, n), VTOP_FMT_WINDMP32);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "windmp32-full");
    assert_int_equal(info.mode, VTOP_MODE_PAE);
    assert_true(info.pae);
    assert_int_equal(info.root, 0x39000);
    assert_int_equal(runs[1].file_offset, 0x1000 + 0x3000);
    n = build_dmp32(img, 0x39000, false, segs, 3, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.mode, VTOP_MODE_32BIT_PSE);
    assert_false(info.nxe);
    put32(img, 0x64, 200);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    n = build_dmp32(img, 0x39000, false, segs, 3, NULL);
    assert_int_equal(vtop_image_open(img, 0xFFF, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(vtop_image_open(img, n - 0x1000, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.warning_offset, 0x6C + 16); /* its last page absent */
}

/* Every prefix of a bitmap dump and of a 32-bit dump fails at an offset
 * inside the prefix (headers) or opens with a warning (page data). */
static void test_truncated_everywhere(void **state)
{
    (void)state;
    static uint8_t copy[sizeof img];
    size_t sizes[2];
    sizes[0] = build_dmp64_bitmap(img, 0x1AD000, segs, 3, 0x40, NULL);
    memcpy(copy, img, sizes[0]);
    for (size_t len = 8; len < sizes[0]; len++)
        assert_damaged_open(open_exact(copy, len, VTOP_FMT_AUTO, runs, 16, &info),
                            &info, len);
    sizes[1] = build_dmp32(img, 0x39000, true, segs, 3, NULL);
    for (size_t len = 8; len < sizes[1]; len++)
        assert_damaged_open(open_exact(img, len, VTOP_FMT_AUTO, runs, 16, &info),
                            &info, len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full64),
        cmocka_unit_test(test_full64_arm64),
        cmocka_unit_test(test_bitmap64_coalesces_pages),
        cmocka_unit_test(test_bitmap64_bad),
        cmocka_unit_test(test_full64_bad_run_lists),
        cmocka_unit_test(test_dump32_pae_flag),
        cmocka_unit_test(test_truncated_everywhere),
    };
    return cmocka_run_group_tests_name("windmp", tests, NULL, NULL);
}
