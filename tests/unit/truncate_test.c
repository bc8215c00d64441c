/* Truncated images (core/formats/runs.c, lime.c, elf.c, windmp.c, kdump.c,
 * flattened.c): every format of the synthetic 4-level space
 * (build/images, images/gen_images.c), plus kdump-compressed and flattened
 * files written from its raw image, cut at 16 points (a header, 13 evenly
 * spaced offsets through the run data, inside the last page, its last
 * byte). Each cut either fails on its headers with an offset inside the
 * prefix, or opens with one warning; then every page the whole image reads
 * reads the same bytes or "not in image" (and must read when its bytes lie
 * before the cut in a direct run), and every mapping of 4level.map
 * translates as in the whole image or stops at a table not in the image.
 * The cut copy is a heap buffer of exactly its length: ASan flags any read
 * past it. Raw images have nothing to say they were cut: not listed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "format_fixture.h"
#include "kdump_fixture.h"
#include "core/paging.h"

#define CUTS 16
#define MAX_RUNS 4096
#define PROBE 32

typedef struct opened {
    vtop_run runs[MAX_RUNS];
    vtop_image_info info;
    kf_image paged;   /* store and cache for the paged formats */
    vtop_physmem mem;
} opened;

static opened whole, cut;
static uint64_t map_va[64];
static size_t map_n;

static uint8_t *slurp(const char *name, size_t *n)
{
    char path[256];
    const char *d = getenv("VTOP_IMAGES_DIR");
    snprintf(path, sizeof path, "%s/%s", d ? d : "build/images", name);
    return fx_slurp(path, n);
}

static void load_map(void)
{
    size_t n = 0;
    char *t = (char *)slurp("4level.map", &n);
    t[n] = 0;
    map_n = 0;
    for (char *l = strstr(t, "map "); l && map_n < 64; l = strstr(l + 1, "\nmap "))
        map_va[map_n++] = strtoull(l + (l[0] == '\n' ? 5 : 4), NULL, 16);
    free(t);
    assert_true(map_n >= 4);
}

static vtop_status open_into(opened *o, const uint8_t *b, size_t n)
{
    kf_image *k = &o->paged;
    kf_store_reset(k, true);
    vtop_image_request rq = {b, n, VTOP_FMT_AUTO, o->runs, MAX_RUNS, &k->store};
    vtop_status st = vtop_image_open_request(&rq, &o->info);
    o->mem = (vtop_physmem){o->runs, o->info.run_count,
                            o->info.paged ? &k->store.source : NULL};
    return st;
}

static void space_of(const opened *o, vtop_space *s)
{
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x80000, .nxe = true};
    assert_int_equal(vtop_space_init(s, &cfg, &o->mem), VTOP_OK);
}

/* Pages of the whole image, read again from the cut one. Returns how many
 * read back. */
static size_t compare_pages(size_t cut_at)
{
    size_t back = 0;
    for (size_t r = 0; r < whole.info.run_count; r++) {
        const vtop_run *run = &whole.runs[r];
        for (uint64_t off = 0; off < run->len && off < (4096ull << 12); off += 4096) {
            uint8_t a[PROBE], b[PROBE];
            size_t da = 0, db = 0;
            if (vtop_physmem_read(&whole.mem, run->phys + off, a, PROBE, &da) != VTOP_OK)
                continue; /* excluded in the whole image too */
            vtop_status st = vtop_physmem_read(&cut.mem, run->phys + off, b, PROBE, &db);
            if (st == VTOP_OK) {
                assert_memory_equal(a, b, PROBE);
                back++;
                continue;
            }
            assert_true(st == VTOP_PAGE_NOT_IN_IMAGE || st == VTOP_PARTIAL_READ);
            assert_memory_equal(a, b, db);
            /* Bytes of a direct run before the cut must still be read. */
            assert_false(run->data && !whole.info.paged &&
                         run->file_offset + off + PROBE <= cut_at);
        }
    }
    return back;
}

static void compare_translations(void)
{
    vtop_space sw, sc;
    space_of(&whole, &sw);
    space_of(&cut, &sc);
    for (size_t i = 0; i < map_n; i++) {
        uint64_t pa = 0, pb = 0;
        vtop_status a = vtop_translate_pa(&sw, map_va[i], &pa, NULL);
        vtop_status b = vtop_translate_pa(&sc, map_va[i], &pb, NULL);
        assert_int_equal(a, VTOP_OK);
        if (b == VTOP_OK)
            assert_int_equal(pa, pb);
        else
            assert_int_equal(b, VTOP_TABLE_NOT_IN_IMAGE);
    }
}

/* The 16 cut points of an n-byte image. */
static void cut_points(size_t n, size_t pts[CUTS])
{
    pts[0] = 24;
    for (int k = 1; k <= 13; k++)
        pts[k] = n * (size_t)k / 14;
    pts[14] = n - 2048;
    pts[15] = n - 1;
}

/* Where the headers end in the file: the first run's bytes, or for the
 * paged formats the page descriptors (the bitmaps are headers too). */
static uint64_t header_end(void)
{
    const vtop_dump_store *s = &whole.paged.store;
    if (!whole.info.paged) {
        uint64_t end = UINT64_MAX;
        for (size_t r = 0; r < whole.info.run_count; r++)
            end = whole.runs[r].file_offset < end ? whole.runs[r].file_offset : end;
        return end;
    }
    if (!s->flattened)
        return s->descs;
    for (size_t i = 0; i < s->flat_count; i++)
        if (s->flat[i].offset + s->flat[i].size > s->descs)
            return s->flat[i].file_pos + (s->descs > s->flat[i].offset
                                              ? s->descs - s->flat[i].offset : 0);
    return UINT64_MAX;
}

static void check_image(const uint8_t *img, size_t n, const char *name)
{
    assert_int_equal(open_into(&whole, img, n), VTOP_OK);
    assert_null(whole.info.warning);
    size_t pts[CUTS], opened_ok = 0, pages_back = 0;
    uint64_t hdr_end = header_end();
    cut_points(n, pts);
    for (int k = 0; k < CUTS; k++) {
        uint8_t *b = malloc(pts[k]);
        assert_non_null(b);
        memcpy(b, img, pts[k]);
        vtop_status st = open_into(&cut, b, pts[k]);
        if (st != VTOP_OK) {
            printf("# %s cut at %zu: %s at offset 0x%llx: %s\n", name, pts[k],
                   vtop_status_name(st), (unsigned long long)cut.info.error_offset,
                   cut.info.error_what);
            assert_true(st == VTOP_FORMAT_TRUNCATED || st == VTOP_FORMAT_CORRUPT);
            assert_true(pts[k] < hdr_end); /* only a cut header may fail */
            /* The offset of the structure that is cut: in the whole file. */
            assert_true(cut.info.error_offset < n);
            assert_non_null(cut.info.error_what);
        } else {
            /* A LiME cut right after a range is a whole, shorter image. */
            if (!cut.info.warning)
                assert_string_equal(cut.info.format_name, "lime");
            opened_ok++;
            pages_back += compare_pages(pts[k]);
            compare_translations();
        }
        free(b);
    }
    printf("# %s: %zu bytes, %zu of %d cuts open with a warning, %zu pages read back\n",
           name, n, opened_ok, CUTS, pages_back);
    assert_true(opened_ok >= CUTS / 2);
    assert_true(pages_back > 0);
}

static void test_formats(void **state)
{
    (void)state;
    static const char *const files[] = {
        "4level.elf64", "4level.elf64-1b8", "4level.elf32", "4level.kdump",
        "4level.lime", "4level.dmp", "4level.bmp.dmp",
    };
    load_map();
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t n = 0;
        uint8_t *img = slurp(files[i], &n);
        check_image(img, n, files[i]);
        free(img);
    }
}

/* The raw image as kdump-compressed (zero pages excluded) and flattened. */
static void test_paged_formats(void **state)
{
    (void)state;
    static uint8_t frame[1 << 16];
    size_t n = 0;
    uint8_t *raw = slurp("4level.raw", &n);
    load_map();
    static const uint8_t zero[4096];
    uint64_t frames = n / 4096;
    assert_true(frames <= sizeof frame);
    for (uint64_t f = 0; f < frames; f++)
        frame[f] = memcmp(raw + f * 4096, zero, 4096) ? KDW_DUMPED : KDW_EXCLUDED;
    for (int flat = 0; flat < 2; flat++) {
        kdw_spec spec = {.mem = raw, .frame = frame, .frames = frames,
                         .comp = KDW_MIXED, .flatten = flat};
        uint8_t *img = NULL;
        size_t len = 0;
        assert_int_equal(kdw_write(&spec, &img, &len), 0);
        check_image(img, len, flat ? "4level.flat" : "4level.kdump-compressed");
        free(img);
    }
    free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_paged_formats),
    };
    return cmocka_run_group_tests_name("truncate", tests, NULL, NULL);
}
