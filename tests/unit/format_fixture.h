/* Shared by the format parsers' unit tests (elf, lime, windmp): open an
 * image from a heap copy of exactly its bytes, so ASan flags any read past
 * the span. Include after <cmocka.h>. */
#ifndef VTOP_TEST_FORMAT_FIXTURE_H
#define VTOP_TEST_FORMAT_FIXTURE_H

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

#endif
