/* Tests for core/physmem.c: binding, validation, lookup, spans and reads
 * across runs and holes. Expected values are hand-written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/physmem.h"

/* File bytes 0..0x2fff; runs: [0x1000,0x2000) <- file 0, [0x2000,0x2800)
 * <- file 0x1000 (contiguous with the first), [0x10000,0x10800) <- file
 * 0x2000 (after a hole). */
static uint8_t file[0x3000];

static void fill(void)
{
    for (size_t i = 0; i < sizeof file; i++)
        file[i] = (uint8_t)(i * 7 + (i >> 8));
}

static void make_runs(vtop_run r[3])
{
    r[0] = (vtop_run){0x1000, 0x1000, 0x0000, NULL};
    r[1] = (vtop_run){0x2000, 0x0800, 0x1000, NULL};
    r[2] = (vtop_run){0x10000, 0x0800, 0x2000, NULL};
}

static void test_bind_and_truncation(void **state)
{
    (void)state;
    vtop_run r[3];
    make_runs(r);
    assert_int_equal(vtop_physmem_bind(r, 3, file, sizeof file), VTOP_OK);
    assert_ptr_equal(r[0].data, file);
    assert_ptr_equal(r[1].data, file + 0x1000);
    assert_ptr_equal(r[2].data, file + 0x2000);
    make_runs(r);
    assert_int_equal(vtop_physmem_bind(r, 3, file, 0x2700), VTOP_FORMAT_TRUNCATED);
    assert_null(r[0].data); /* nothing bound on failure */
    r[2].file_offset = ~0ull - 0x10; /* offset + len wraps */
    assert_int_equal(vtop_physmem_bind(r, 3, file, sizeof file), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(vtop_physmem_bind(NULL, 1, file, sizeof file), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_physmem_bind(r, 1, NULL, sizeof file), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_physmem_bind(NULL, 0, NULL, 0), VTOP_OK);
}

static void test_validate(void **state)
{
    (void)state;
    vtop_run r[3];
    make_runs(r);
    assert_int_equal(vtop_physmem_validate(r, 3), VTOP_OK);
    r[1].phys = 0x1800; /* overlaps run 0 */
    assert_int_equal(vtop_physmem_validate(r, 3), VTOP_FORMAT_CORRUPT);
    make_runs(r);
    r[2].phys = 0x800; /* out of order */
    assert_int_equal(vtop_physmem_validate(r, 3), VTOP_FORMAT_CORRUPT);
    make_runs(r);
    r[1].len = 0;
    assert_int_equal(vtop_physmem_validate(r, 3), VTOP_FORMAT_CORRUPT);
    make_runs(r);
    r[2].phys = ~0ull - 0x10; /* wraps past 2^64 */
    assert_int_equal(vtop_physmem_validate(r, 3), VTOP_FORMAT_CORRUPT);
    r[2].phys = ~0ull - 0x7ff; /* ends exactly at 2^64 - 1 */
    assert_int_equal(vtop_physmem_validate(r, 3), VTOP_OK);
    assert_int_equal(vtop_physmem_validate(NULL, 1), VTOP_FORMAT_CORRUPT);
    assert_int_equal(vtop_physmem_validate(NULL, 0), VTOP_OK);
}

static void test_find_and_span(void **state)
{
    (void)state;
    vtop_run r[3];
    make_runs(r);
    fill();
    vtop_physmem_bind(r, 3, file, sizeof file);
    vtop_physmem m = {r, 3, NULL};
    assert_int_equal(vtop_physmem_find(&m, 0x0fff), -1);
    assert_int_equal(vtop_physmem_find(&m, 0x1000), 0);
    assert_int_equal(vtop_physmem_find(&m, 0x1fff), 0);
    assert_int_equal(vtop_physmem_find(&m, 0x2000), 1);
    assert_int_equal(vtop_physmem_find(&m, 0x27ff), 1);
    assert_int_equal(vtop_physmem_find(&m, 0x2800), -1);
    assert_int_equal(vtop_physmem_find(&m, 0x10000), 2);
    assert_int_equal(vtop_physmem_find(&m, 0x107ff), 2);
    assert_int_equal(vtop_physmem_find(&m, 0x10800), -1);
    assert_int_equal(vtop_physmem_find(&m, ~0ull), -1);
    vtop_physmem empty = {NULL, 0, NULL};
    assert_int_equal(vtop_physmem_find(&empty, 0), -1);
    assert_int_equal(vtop_physmem_find(NULL, 0), -1);
    assert_ptr_equal(vtop_physmem_span(&m, 0x1ff8, 8), file + 0xff8);
    assert_null(vtop_physmem_span(&m, 0x1ffc, 8)); /* crosses into run 1 */
    assert_null(vtop_physmem_span(&m, 0x27fc, 8)); /* runs into the hole */
    assert_null(vtop_physmem_span(&m, 0x3000, 8));
    assert_null(vtop_physmem_span(&m, 0x1000, 0));
    assert_ptr_equal(vtop_physmem_span(&m, 0x10000, 0x800), file + 0x2000);
    assert_int_equal(vtop_physmem_total(&m), 0x2000);
    assert_int_equal(vtop_physmem_total(&empty), 0);
    assert_int_equal(vtop_physmem_total(NULL), 0);
    r[0].data = NULL; /* an unbound run holds no bytes */
    assert_null(vtop_physmem_span(&m, 0x1000, 8));
}

static void test_read_across_runs_and_holes(void **state)
{
    (void)state;
    vtop_run r[3];
    uint8_t buf[0x1000];
    size_t done = 99;
    make_runs(r);
    fill();
    vtop_physmem_bind(r, 3, file, sizeof file);
    vtop_physmem m = {r, 3, NULL};
    /* 0x1ff0..0x200f crosses from run 0 into run 1 (file 0xff0..0x100f). */
    assert_int_equal(vtop_physmem_read(&m, 0x1ff0, buf, 0x20, &done), VTOP_OK);
    assert_int_equal(done, 0x20);
    assert_memory_equal(buf, file + 0xff0, 0x20);
    /* 0x27f0 + 0x20 runs into the hole after 16 bytes. */
    assert_int_equal(vtop_physmem_read(&m, 0x27f0, buf, 0x20, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 0x10);
    assert_memory_equal(buf, file + 0x17f0, 0x10);
    assert_int_equal(vtop_physmem_read(&m, 0x3000, buf, 1, &done), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(done, 0);
    assert_int_equal(vtop_physmem_read(&m, 0x3000, buf, 0, &done), VTOP_OK);
    assert_int_equal(vtop_physmem_read(NULL, 0, buf, 1, &done), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_physmem_read(&m, 0x1000, NULL, 1, NULL), VTOP_BAD_ARGUMENT);
    /* A run that ends at 2^64 - 1: the read stops there. */
    vtop_run top = {~0ull - 0xf, 0x10, 0, file};
    vtop_physmem t = {&top, 1, NULL};
    assert_int_equal(vtop_physmem_read(&t, ~0ull - 0x7, buf, 0x20, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 8);
    assert_memory_equal(buf, file + 8, 8);
}

/* A page source over file[]: page pa is stored at file offset pa - 0x100000
 * for pa in [0x100000, 0x103000); 0x101000 is excluded; pages at 0x102000
 * are returned in place (no copy), the others copied into the slot. */
static int fetches;

static vtop_status fake_fetch(void *ctx, uint64_t pa, uint8_t *slot,
                              const uint8_t **page)
{
    (void)ctx;
    fetches++;
    if (pa == 0x101000)
        return VTOP_PAGE_EXCLUDED;
    if (pa == 0x103000)
        return VTOP_FORMAT_CORRUPT;
    if (pa == 0x104000) {
        *page = NULL; /* a broken source: must not be trusted */
        return VTOP_OK;
    }
    const uint8_t *src = file + (pa - 0x100000);
    if (pa == 0x102000) {
        *page = src;
        return VTOP_OK;
    }
    memcpy(slot, src, 4096);
    *page = slot;
    return VTOP_OK;
}

static vtop_status fake_probe(void *ctx, uint64_t pa)
{
    (void)ctx;
    return pa == 0x101000 ? VTOP_PAGE_EXCLUDED : VTOP_OK;
}

static uint8_t cache_data[8 * 4096];
static vtop_page_slot slots[8], buckets[8];
static vtop_page_cache cache;
static vtop_page_source source;
/* A direct run, then a source run of 5 pages (with a source, every run
 * without data is a source run; absent runs belong to physmems without). */
static vtop_run mixed[3];

static vtop_physmem mixed_mem(void)
{
    memset(slots, 0, sizeof slots);
    memset(buckets, 0, sizeof buckets);
    cache = (vtop_page_cache){cache_data, slots, buckets, 8, 0, 0, 0};
    source = (vtop_page_source){fake_fetch, fake_probe, NULL, &cache};
    mixed[0] = (vtop_run){0x1000, 0x1000, 0, file};
    mixed[1] = (vtop_run){0x100000, 0x5000, 0, NULL};
    mixed[2] = (vtop_run){0x200000, 0x1000, 0x9000, NULL};
    fetches = 0;
    return (vtop_physmem){mixed, 2, &source};
}

static void test_source_runs_and_cache(void **state)
{
    (void)state;
    fill();
    vtop_physmem m = mixed_mem();
    uint8_t buf[0x2000];
    size_t done = 0;
    /* Copied page, then a read served by the cache (no second fetch). */
    assert_int_equal(vtop_physmem_read(&m, 0x100010, buf, 16, &done), VTOP_OK);
    assert_memory_equal(buf, file + 0x10, 16);
    assert_int_equal(vtop_physmem_read(&m, 0x100ff0, buf, 16, &done), VTOP_OK);
    assert_int_equal(fetches, 1);
    assert_int_equal(cache.hits, 1);
    assert_int_equal(cache.misses, 1);
    /* In-place page; reads stop at the excluded page with its status. */
    assert_int_equal(vtop_physmem_read(&m, 0x102000, buf, 16, &done), VTOP_OK);
    assert_memory_equal(buf, file + 0x2000, 16);
    assert_int_equal(vtop_physmem_read(&m, 0x101000, buf, 16, &done), VTOP_PAGE_EXCLUDED);
    assert_int_equal(vtop_physmem_read(&m, 0x100ff8, buf, 16, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 8);
    assert_int_equal(vtop_physmem_read(&m, 0x103000, buf, 16, &done), VTOP_FORMAT_CORRUPT);
    assert_int_equal(vtop_physmem_read(&m, 0x104000, buf, 16, &done), VTOP_FORMAT_CORRUPT);
    /* A hole; an absent run (a truncated image, no source). */
    assert_int_equal(vtop_physmem_read(&m, 0x300000, buf, 16, &done), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(vtop_physmem_probe(&m, 0x300000), VTOP_PAGE_NOT_IN_IMAGE);
    vtop_physmem cut = {mixed, 3, NULL};
    assert_int_equal(vtop_physmem_read(&cut, 0x200000, buf, 16, &done), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(vtop_physmem_probe(&cut, 0x200000), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(vtop_physmem_probe(&cut, 0x1000), VTOP_OK);
    assert_null(vtop_physmem_span(&cut, 0x200000, 4));
    assert_int_equal(vtop_physmem_probe(&m, 0x101000), VTOP_PAGE_EXCLUDED);
    assert_int_equal(vtop_physmem_probe(&m, 0x1000), VTOP_OK);
    /* Without a probe callback the page is fetched to answer. */
    source.probe = NULL;
    assert_int_equal(vtop_physmem_probe(&m, 0x101000), VTOP_PAGE_EXCLUDED);
    assert_int_equal(vtop_physmem_probe(&m, 0x100000), VTOP_OK);
    /* Spans: inside one page only. */
    assert_non_null(vtop_physmem_span(&m, 0x100100, 0x100));
    assert_null(vtop_physmem_span(&m, 0x100f00, 0x200));
    assert_ptr_equal(vtop_physmem_span(&m, 0x1010, 4), file + 0x10);
}

static void test_cache_fifo_and_bad_caches(void **state)
{
    (void)state;
    fill();
    vtop_physmem m = mixed_mem();
    uint8_t b[4];
    size_t done = 0;
    /* Ten fetches through 8 slots: the two oldest pages leave the cache. */
    for (int round = 0; round < 10; round++) {
        cache.buckets[0].tag = 0; /* keep lookups honest: no stale hits */
        assert_int_equal(vtop_physmem_read(&m, 0x100000 + (round % 2) * 0x2000, b, 4,
                                           &done), VTOP_OK);
        memset(buckets, 0, sizeof buckets); /* force a refetch each round */
    }
    assert_int_equal(fetches, 10);
    assert_int_equal(cache.hand, 2);
    /* An unusable cache: not a power of two, too small, or missing. */
    cache.nslots = 6;
    assert_int_equal(vtop_physmem_read(&m, 0x100000, b, 4, &done), VTOP_BAD_ARGUMENT);
    cache.nslots = 4;
    assert_int_equal(vtop_physmem_read(&m, 0x100000, b, 4, &done), VTOP_BAD_ARGUMENT);
    source.cache = NULL;
    assert_int_equal(vtop_physmem_read(&m, 0x100000, b, 4, &done), VTOP_BAD_ARGUMENT);
    assert_null(vtop_physmem_cached(&m, 0x100000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_and_truncation),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_find_and_span),
        cmocka_unit_test(test_read_across_runs_and_holes),
        cmocka_unit_test(test_source_runs_and_cache),
        cmocka_unit_test(test_cache_fifo_and_bad_caches),
    };
    return cmocka_run_group_tests_name("physmem", tests, NULL, NULL);
}
