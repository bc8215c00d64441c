/* Shared by the format parsers' unit tests (elf, lime, windmp): open an
 * image from a heap copy of exactly its bytes, so ASan flags any read past
 * the span. Include after <cmocka.h>. */
#ifndef VTOP_TEST_FORMAT_FIXTURE_H
#define VTOP_TEST_FORMAT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/formats/format.h"

/* Open a copy of the first len bytes in a buffer of exactly len bytes. */
static inline vtop_status open_exact(const uint8_t *src, size_t len,
                                     vtop_format f, vtop_run *r, size_t cap,
                                     vtop_image_info *out)
{
    uint8_t *b = malloc(len ? len : 1);
    assert_non_null(b);
    memcpy(b, src, len);
    vtop_status st = vtop_image_open(b, len, f, r, cap, out);
    free(b);
    return st;
}

/* The whole file at path in a malloc'ed buffer (one spare byte, so text
 * can be NUL-terminated); *n its length. */
static inline uint8_t *fx_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)len + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* A prefix of len bytes of a good image: either its headers are cut (an
 * error naming an offset inside the prefix) or it opens with one warning
 * naming where data is missing. */
static inline void assert_damaged_open(vtop_status st, const vtop_image_info *in,
                                       size_t len)
{
    if (st == VTOP_OK) {
        assert_non_null(in->warning);
        assert_true(in->warning_offset <= len);
        return;
    }
    assert_true(st == VTOP_FORMAT_TRUNCATED || st == VTOP_FORMAT_CORRUPT);
    assert_true(in->error_offset <= len);
    assert_non_null(in->error_what);
}

#endif
