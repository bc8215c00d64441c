/* Tests for core/roots.c, roots_table.c, roots_rank.c: root discovery ranks
 * the true root first, in the right mode, on the synthetic images of every
 * mode (build/images, from images/gen_images.c) and on hand-built tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/formats/format.h"
#include "core/roots.h"
#include "images/writers.h"

static vtop_root_candidate cand[32];
static vtop_roots_result res;

static void first_root_of(const char *file, vtop_mode want_mode, uint64_t want_root)
{
    char path[256];
    const char *d = getenv("VTOP_IMAGES_DIR");
    snprintf(path, sizeof path, "%s/%s", d ? d : "build/images", file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t img[1 << 20];
    size_t n = fread(img, 1, sizeof img, f);
    fclose(f);
    static vtop_run runs[8];
    static vtop_image_info info;
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 8, &info), VTOP_OK);
    vtop_physmem mem = { runs, info.run_count, NULL };
    assert_int_equal(vtop_roots_scan(&mem, NULL, cand, 32, &res), VTOP_OK);
    assert_int_equal(res.pages_scanned, info.run_bytes / 4096);
    assert_true(res.count >= 1);
    assert_int_equal(cand[0].root, want_root);
    assert_int_equal(cand[0].mode, want_mode);
    assert_true(cand[0].evidence & VTOP_ROOT_EV_KERNEL_HALF);
    assert_true(cand[0].evidence & VTOP_ROOT_EV_PROCESS);
    for (size_t i = 1; i < res.count; i++)
        assert_true(cand[i].score <= cand[i - 1].score);
}

static void test_synthetic_32bit(void **s) { (void)s; first_root_of("32bit.lime", VTOP_MODE_32BIT_PSE, 0x80000); }
static void test_synthetic_pae(void **s) { (void)s; first_root_of("pae.raw", VTOP_MODE_PAE, 0x80000); }
static void test_synthetic_4level(void **s) { (void)s; first_root_of("4level.lime", VTOP_MODE_4LEVEL, 0x80000); }
static void test_synthetic_5level(void **s)
{
    (void)s;
    first_root_of("5level.raw", VTOP_MODE_5LEVEL, 0x80000);
    /* the same table read as a 4-level root ranks below: it must be there */
    size_t below = 0;
    for (size_t i = 1; i < res.count; i++) {
        if (cand[i].root == 0x80000) {
            assert_int_equal(cand[i].mode, VTOP_MODE_4LEVEL);
            below++;
        }
    }
    assert_int_equal(below, 1);
}

/* A Windows-like PML4 with a self-map entry at 0x1ED, among look-alikes. */
static uint8_t mem8[16 * 4096];

static void test_windows_self_map_wins(void **state)
{
    (void)state;
    memset(mem8, 0, sizeof mem8);
    /* PML4 at 0x3000: self-map at 0x1ED, kernel entry 0x1F0 -> PDPT 0x4000,
     * user entry 0 -> PDPT 0x5000; PDPTs -> PD 0x6000 with 2M leaves. */
    put64(mem8, 0x3000 + 8 * 0x1ED, 0x3000 | 0x63);
    put64(mem8, 0x3000 + 8 * 0x1F0, 0x4000 | 0x63);
    put64(mem8, 0x3000, 0x5000 | 0x67);
    put64(mem8, 0x4000, 0x6000 | 0x63);
    put64(mem8, 0x5000, 0x6000 | 0x67);
    for (int i = 0; i < 8; i++)
        put64(mem8, 0x6000 + 8 * i, (0x200000ull * i) | 0xE3);
    /* a look-alike without self-map: kernel entry only */
    put64(mem8, 0x8000 + 8 * 0x1F0, 0x4000 | 0x63);
    vtop_run run = { 0, sizeof mem8, 0, mem8 };
    vtop_physmem mem = { &run, 1, NULL };
    vtop_roots_options o = { VTOP_MODE_4LEVEL, 0, false };
    assert_int_equal(vtop_roots_scan(&mem, &o, cand, 32, &res), VTOP_OK);
    assert_int_equal(cand[0].root, 0x3000);
    assert_int_equal(cand[0].self_index, 0x1ED);
    assert_true(cand[0].evidence & VTOP_ROOT_EV_SELF_MAP);
    assert_true(cand[0].linear >= 7);
    assert_string_equal(vtop_root_evidence_name(VTOP_ROOT_EV_SELF_MAP), "self-map");
    assert_string_equal(vtop_root_evidence_name(3), "?");
    /* a buffer of one keeps the best */
    assert_int_equal(vtop_roots_scan(&mem, &o, cand, 1, &res), VTOP_OK);
    assert_int_equal(res.count, 1);
    assert_int_equal(cand[0].root, 0x3000);
    assert_true(res.candidates >= 2);
}

static void test_nothing_to_find(void **state)
{
    (void)state;
    memset(mem8, 0, sizeof mem8);
    vtop_run run = { 0, sizeof mem8, 0, mem8 };
    vtop_physmem mem = { &run, 1, NULL };
    assert_int_equal(vtop_roots_scan(&mem, NULL, cand, 32, &res), VTOP_NO_ROOT);
    assert_int_equal(res.pages_scanned, 16);
    assert_int_equal(res.count, 0);
    assert_int_equal(vtop_roots_scan(NULL, NULL, cand, 32, &res), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_roots_scan(&mem, NULL, NULL, 32, &res), VTOP_BAD_ARGUMENT);
    vtop_roots_options o = { VTOP_MODE_COUNT, 0, false };
    assert_int_equal(vtop_roots_scan(&mem, &o, cand, 32, &res), VTOP_BAD_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_32bit),
        cmocka_unit_test(test_synthetic_pae),
        cmocka_unit_test(test_synthetic_4level),
        cmocka_unit_test(test_synthetic_5level),
        cmocka_unit_test(test_windows_self_map_wins),
        cmocka_unit_test(test_nothing_to_find),
    };
    return cmocka_run_group_tests_name("roots", tests, NULL, NULL);
}
