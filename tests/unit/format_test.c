/* Tests for core/formats/format.c and runs.c: detection, names, raw
 * images, dispatch of forced formats, and space configuration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/formats/format.h"
#include "images/writers.h"

static uint8_t img[0x4000];
static vtop_run runs[4];
static vtop_image_info info;

static void test_raw_is_the_fallback(void **state)
{
    (void)state;
    memset(img, 0x11, sizeof img);
    assert_int_equal(vtop_image_detect(img, sizeof img), VTOP_FMT_RAW);
    assert_int_equal(vtop_image_open(img, sizeof img, VTOP_FMT_AUTO, runs, 4, &info), VTOP_OK);
    assert_string_equal(info.format_name, "raw");
    assert_int_equal(info.run_count, 1);
    assert_int_equal(runs[0].phys, 0);
    assert_int_equal(runs[0].len, sizeof img);
    assert_ptr_equal(runs[0].data, img);
    assert_false(info.has_root);
    vtop_space_config cfg;
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_NO_ROOT);
    assert_int_equal(vtop_image_open(img, 0, VTOP_FMT_AUTO, runs, 4, &info), VTOP_FORMAT_TRUNCATED);
}

static void test_detection_by_content(void **state)
{
    (void)state;
    memset(img, 0, sizeof img);
    memcpy(img, "PAGEDU64", 8);
    assert_int_equal(vtop_image_detect(img, sizeof img), VTOP_FMT_WINDMP64);
    memcpy(img, "PAGEDUMP", 8);
    assert_int_equal(vtop_image_detect(img, sizeof img), VTOP_FMT_WINDMP32);
    assert_int_equal(vtop_image_detect(img, 7), VTOP_FMT_RAW);
    memcpy(img, "EMiL", 4);
    assert_int_equal(vtop_image_detect(img, sizeof img), VTOP_FMT_LIME);
    memcpy(img, "\x7f" "ELF", 4);
    assert_int_equal(vtop_image_detect(img, sizeof img), VTOP_FMT_ELF);
    /* forcing raw on an ELF gives one run over the whole file */
    assert_int_equal(vtop_image_open(img, sizeof img, VTOP_FMT_RAW, runs, 4, &info), VTOP_OK);
    assert_int_equal(runs[0].len, sizeof img);
    /* forcing a format whose magic is absent */
    assert_int_equal(vtop_image_open(img, sizeof img, VTOP_FMT_LIME, runs, 4, &info), VTOP_FORMAT_UNKNOWN);
    assert_int_equal(info.error_offset, 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(vtop_image_open(img, sizeof img, VTOP_FMT_AUTO, runs, 4, NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_image_open(NULL, 5, VTOP_FMT_AUTO, runs, 4, &info), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_image_open(img, 5, VTOP_FMT_AUTO, NULL, 4, &info), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_image_open(img, 5, VTOP_FMT_COUNT, runs, 4, &info), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_image_space_config(NULL, 0, NULL), VTOP_BAD_ARGUMENT);
}

static void test_format_names_round_trip(void **state)
{
    (void)state;
    for (int f = 0; f < VTOP_FMT_COUNT; f++) {
        vtop_format back;
        assert_int_equal(vtop_format_parse(vtop_format_name((vtop_format)f), &back), VTOP_OK);
        assert_int_equal(back, f);
    }
    vtop_format f;
    assert_int_equal(vtop_format_parse("qemu", &f), VTOP_OK);
    assert_int_equal(f, VTOP_FMT_ELF);
    assert_int_equal(vtop_format_parse("dmp32", &f), VTOP_OK);
    assert_int_equal(f, VTOP_FMT_WINDMP32);
    assert_int_equal(vtop_format_parse("elfx", &f), VTOP_BAD_ARGUMENT);
    assert_string_equal(vtop_format_name(VTOP_FMT_COUNT), "unknown");
}

static void test_mode_inferred_from_control_registers(void **state)
{
    (void)state;
    static uint8_t elf[0x4000];
    tseg s = {0, 0x1000};
    struct { uint64_t cr0, cr4; uint16_t machine; vtop_mode mode; } cases[] = {
        {0x00000011, 0x000, 62, VTOP_MODE_NONE},
        {0x80000011, 0x000, 3, VTOP_MODE_32BIT},
        {0x80000011, 0x010, 3, VTOP_MODE_32BIT_PSE},
        {0x80000011, 0x030, 3, VTOP_MODE_PAE},
        {0x80000011, 0x020, 62, VTOP_MODE_4LEVEL},
        {0x80000011, 0x1020, 62, VTOP_MODE_5LEVEL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tcpu c = {cases[i].cr0, 0x5000, cases[i].cr4};
        size_t n = build_elf(elf, true, cases[i].machine, &s, 1, &c, 1, 0x1B0, NULL);
        assert_int_equal(vtop_image_open(elf, n, VTOP_FMT_AUTO, runs, 4, &info), VTOP_OK);
        assert_int_equal(info.mode, cases[i].mode);
        assert_non_null(info.mode_reason);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_is_the_fallback),
        cmocka_unit_test(test_detection_by_content),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_format_names_round_trip),
        cmocka_unit_test(test_mode_inferred_from_control_registers),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
