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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_and_truncation),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_find_and_span),
        cmocka_unit_test(test_read_across_runs_and_holes),
    };
    return cmocka_run_group_tests_name("physmem", tests, NULL, NULL);
}
