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

/* An image file read into img (static: 1 MiB), as a physmem. */
static vtop_physmem open_image(const char *file, vtop_run *runs, size_t cap)
{
    char path[256];
    const char *d = getenv("VTOP_IMAGES_DIR");
    snprintf(path, sizeof path, "%s/%s", d ? d : "build/images", file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t img[1 << 20];
    size_t n = fread(img, 1, sizeof img, f);
    fclose(f);
    static vtop_image_info info;
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, cap, &info), VTOP_OK);
    return (vtop_physmem){ runs, info.run_count, NULL };
}

static void first_root_of(const char *file, vtop_mode want_mode, uint64_t want_root)
{
    static vtop_run runs[8];
    vtop_physmem mem = open_image(file, runs, 8);
    uint64_t run_bytes = 0;
    for (size_t r = 0; r < mem.count; r++)
        run_bytes += runs[r].len;
    assert_int_equal(vtop_roots_scan(&mem, NULL, cand, 32, &res), VTOP_OK);
    assert_int_equal(res.pages_scanned, run_bytes / 4096);
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
    vtop_roots_options o = { .mode = VTOP_MODE_4LEVEL };
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
    vtop_roots_options o = { .mode = VTOP_MODE_COUNT };
    assert_int_equal(vtop_roots_scan(&mem, &o, cand, 32, &res), VTOP_BAD_ARGUMENT);
}

static void same_candidates(const vtop_root_candidate *a, const vtop_root_candidate *b,
                            size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].root, b[i].root);
        assert_int_equal(a[i].mode, b[i].mode);
        assert_int_equal(a[i].score, b[i].score);
        assert_int_equal(a[i].evidence, b[i].evidence);
    }
}

/* The image split at `parts` physical boundaries, each range scanned
 * apart with skip_rank and merged: the answer of one scan, in order. */
static void split_equals_whole(const char *file, unsigned parts)
{
    static vtop_run runs[8];
    vtop_physmem mem = open_image(file, runs, 8);
    static vtop_root_candidate whole[8], kept[8][VTOP_ROOTS_POOL], merged[8];
    vtop_roots_result wres, mres;
    vtop_status want = vtop_roots_scan(&mem, NULL, whole, 8, &wres);
    assert_int_equal(want, VTOP_OK);
    uint64_t end = runs[mem.count - 1].phys + runs[mem.count - 1].len;
    vtop_roots_part part[8];
    assert_true(parts <= 8);
    for (unsigned i = 0; i < parts; i++) {
        /* uneven, not page-aligned boundaries */
        vtop_roots_options o = { .skip_rank = true,
                                 .from = i ? end * i / parts + 123 : 0,
                                 .to = i + 1 < parts ? end * (i + 1) / parts + 123 : 0 };
        vtop_roots_scan(&mem, &o, kept[i], VTOP_ROOTS_POOL, &part[i].res);
        part[i].kept = kept[i];
    }
    vtop_roots_parts ps = { part, parts };
    assert_int_equal(vtop_roots_merge(&mem, NULL, &ps, merged, 8, &mres), want);
    assert_int_equal(mres.count, wres.count);
    assert_int_equal(mres.candidates, wres.candidates);
    assert_int_equal(mres.pages_scanned, wres.pages_scanned);
    same_candidates(whole, merged, wres.count);
}

static void test_split_equals_whole(void **s)
{
    (void)s;
    static const char *const files[] = { "32bit.lime", "pae.raw", "4level.lime", "5level.raw" };
    for (unsigned f = 0; f < 4; f++)
        for (unsigned parts = 1; parts <= 5; parts += 2)
            split_equals_whole(files[f], parts);
}

/* Hooks that call every all-zero page of the image a hole (as SEEK_HOLE
 * would on a sparse copy), and count what the scan reports. */
typedef struct fake_fs {
    const uint8_t *base;
    uint64_t size, released, progressed, extents;
} fake_fs;

static bool zero_at(const fake_fs *fs, uint64_t off)
{
    for (uint64_t i = off & ~4095ull; i < (off & ~4095ull) + 4096 && i < fs->size; i++)
        if (fs->base[i])
            return false;
    return true;
}

static uint64_t fake_extent(void *ctx, const uint8_t *p, uint64_t len, bool *hole)
{
    fake_fs *fs = ctx;
    uint64_t off = (uint64_t)(p - fs->base), n = 0;
    fs->extents++;
    *hole = (off & 4095) == 0 && zero_at(fs, off);
    while (n < len && off + n < fs->size && zero_at(fs, off + n) == *hole)
        n += 4096 - ((off + n) & 4095);
    return n < len ? n : len;
}

static void fake_release(void *ctx, const uint8_t *p, uint64_t len)
{
    fake_fs *fs = ctx;
    assert_true(p >= fs->base && p + len <= fs->base + fs->size);
    fs->released += len;
}

static void fake_progress(void *ctx, uint64_t bytes)
{
    ((fake_fs *)ctx)->progressed += bytes;
}

static void test_holes_read_as_scanned_zero(void **s)
{
    (void)s;
    static vtop_run runs[8];
    vtop_physmem mem = open_image("4level.lime", runs, 8);
    static vtop_root_candidate plain[8], holes[8];
    vtop_roots_result pres, hres;
    assert_int_equal(vtop_roots_scan(&mem, NULL, plain, 8, &pres), VTOP_OK);
    fake_fs fs = { runs[0].data, 0, 0, 0, 0 };
    for (size_t r = 0; r < mem.count; r++)
        fs.size = (uint64_t)(runs[r].data + runs[r].len - fs.base);
    vtop_scan_hooks h = { fake_extent, fake_release, fake_progress, &fs, &fs };
    vtop_roots_options o = { .hooks = &h };
    assert_int_equal(vtop_roots_scan(&mem, &o, holes, 8, &hres), VTOP_OK);
    assert_int_equal(hres.pages_scanned, pres.pages_scanned);
    assert_int_equal(hres.candidates, pres.candidates);
    assert_int_equal(hres.count, pres.count);
    same_candidates(plain, holes, pres.count);
    assert_true(fs.extents >= 2);                       /* data and holes seen */
    assert_int_equal(fs.progressed, pres.pages_scanned * 4096);
    assert_true(fs.released > 0 && fs.released < fs.progressed); /* holes: none */
}

static void test_merge_arguments(void **s)
{
    (void)s;
    memset(mem8, 0, sizeof mem8);
    vtop_run run = { 0, sizeof mem8, 0, mem8 };
    vtop_physmem mem = { &run, 1, NULL };
    vtop_roots_parts none = { NULL, 0 };
    assert_int_equal(vtop_roots_merge(&mem, NULL, &none, cand, 32, &res), VTOP_NO_ROOT);
    assert_int_equal(res.count, 0);
    assert_int_equal(vtop_roots_merge(NULL, NULL, &none, cand, 32, &res), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_roots_merge(&mem, NULL, NULL, cand, 32, &res), VTOP_BAD_ARGUMENT);
    vtop_roots_parts bad = { NULL, 1 };
    assert_int_equal(vtop_roots_merge(&mem, NULL, &bad, cand, 32, &res), VTOP_BAD_ARGUMENT);
    vtop_roots_part nokept = { NULL, { 0, 0, 1 } };
    vtop_roots_parts p1 = { &nokept, 1 };
    assert_int_equal(vtop_roots_merge(&mem, NULL, &p1, cand, 32, &res), VTOP_BAD_ARGUMENT);
    vtop_roots_parts many = { &nokept, VTOP_ROOTS_MAX_PARTS + 1 };
    assert_int_equal(vtop_roots_merge(&mem, NULL, &many, cand, 32, &res), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_roots_keep_cap(1), VTOP_ROOTS_POOL);
    assert_int_equal(vtop_roots_keep_cap(100), 100);
    /* an empty range scans nothing */
    vtop_roots_options o = { .from = 0x5000, .to = 0x5000 };
    assert_int_equal(vtop_roots_scan(&mem, &o, cand, 32, &res), VTOP_NO_ROOT);
    assert_int_equal(res.pages_scanned, 0);
    o = (vtop_roots_options){ .from = 0x4001, .to = 0x6001 };  /* pages 5, 6 */
    assert_int_equal(vtop_roots_scan(&mem, &o, cand, 32, &res), VTOP_NO_ROOT);
    assert_int_equal(res.pages_scanned, 2);
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
        cmocka_unit_test(test_split_equals_whole),
        cmocka_unit_test(test_holes_read_as_scanned_zero),
        cmocka_unit_test(test_merge_arguments),
    };
    return cmocka_run_group_tests_name("roots", tests, NULL, NULL);
}
