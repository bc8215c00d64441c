/* Tests for core/formats/lime.c: the chain of 32-byte LiME headers. */
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

static uint8_t img[64 * 1024];
static vtop_run runs[8];
static vtop_image_info info;
static const tseg segs[] = { {0x1000, 0x2000}, {0x9F000, 0x1000}, {0x100000, 0x1000} };

static void test_lime_three_ranges(void **state)
{
    (void)state;
    size_t n = build_lime(img, segs, 3, NULL);
    assert_int_equal(vtop_image_detect(img, n), VTOP_FMT_LIME);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_OK);
    assert_string_equal(info.format_name, "lime");
    assert_false(info.has_root);
    assert_int_equal(info.run_count, 3);
    assert_int_equal(runs[0].phys, 0x1000);
    assert_int_equal(runs[0].file_offset, 32);
    assert_int_equal(runs[1].phys, 0x9F000);
    assert_int_equal(runs[1].file_offset, 32 + 0x2000 + 32);
    assert_int_equal(runs[2].len, 0x1000);
    assert_int_equal(runs[2].data[2], 0x10); /* page 0x100000 holds its address */
    assert_int_equal(info.run_bytes, 0x4000);
}

static void test_lime_truncated_everywhere(void **state)
{
    (void)state;
    size_t n = build_lime(img, segs, 3, NULL);
    /* A prefix ending exactly after a range is a valid, shorter image. */
    size_t end1 = 32 + 0x2000, end2 = end1 + 32 + 0x1000;
    for (size_t len = 4; len < n; len++) {
        vtop_status st = open_exact(img, len, VTOP_FMT_AUTO, runs, 8, &info);
        if (len == end1 || len == end2) {
            assert_int_equal(st, VTOP_OK);
            assert_int_equal(info.run_count, len == end1 ? 1 : 2);
            continue;
        }
        assert_damaged_open(st, &info, len);
        /* Only a cut inside the first header loses everything. */
        assert_int_equal(st, len < 32 ? VTOP_FORMAT_TRUNCATED : VTOP_OK);
    }
}

static void test_lime_bad_headers(void **state)
{
    (void)state;
    size_t n = build_lime(img, segs, 3, NULL), h2 = 32 + 0x2000;
    /* e_addr < s_addr in the second header */
    put64(img, h2 + 16, 0x9E000);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, h2 + 16);
    /* bad magic, bad version */
    n = build_lime(img, segs, 3, NULL);
    put32(img, h2, 0x12345678);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, h2);
    n = build_lime(img, segs, 3, NULL);
    put32(img, h2 + 4, 2);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_FORMAT_UNSUPPORTED);
    /* a whole-address-space range, and a range past the end of the file */
    n = build_lime(img, segs, 3, NULL);
    put64(img, 8, 0); put64(img, 16, UINT64_MAX);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_FORMAT_CORRUPT);
    n = build_lime(img, segs, 3, NULL);
    put64(img, 16, 0xFFFFFFFFull);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_OK);
    assert_int_equal(info.warning_offset, 0);
    assert_int_equal(info.run_count, 2); /* the file's bytes, then absent */
    assert_null(runs[1].data);
    /* unsorted and overlapping ranges */
    tseg uns[] = { {0x100000, 0x1000}, {0x1000, 0x1000} };
    n = build_lime(img, uns, 2, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, 32 + 0x1000);
    tseg ovl[] = { {0x1000, 0x2000}, {0x2000, 0x1000} };
    n = build_lime(img, ovl, 2, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_FORMAT_CORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lime_three_ranges),
        cmocka_unit_test(test_lime_truncated_everywhere),
        cmocka_unit_test(test_lime_bad_headers),
    };
    return cmocka_run_group_tests_name("lime", tests, NULL, NULL);
}
