/* vtop core/formats: little-endian field readers and overflow-safe span
 * checks shared by the format parsers (internal header).
 *
 * Every reader takes the span and an offset and checks the whole field lies
 * inside it; the parsers call span_has() first and report the offset where
 * parsing stopped, so a reader outside the span returns 0 rather than
 * reading past the end.
 */
#ifndef VTOP_FORMATS_BYTES_H
#define VTOP_FORMATS_BYTES_H

#include <stdbool.h>
#include <stdint.h>

#include "../le.h"

/* [off, off+len) lies within a span of size bytes, without 64-bit wrap. */
static inline bool span_has(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static inline uint16_t rd16(const uint8_t *b, uint64_t size, uint64_t off)
{
    if (!span_has(size, off, 2))
        return 0;
    return vtop_load_le16(b + off);
}

static inline uint32_t rd32(const uint8_t *b, uint64_t size, uint64_t off)
{
    if (!span_has(size, off, 4))
        return 0;
    return vtop_load_le32(b + off);
}

static inline uint64_t rd64(const uint8_t *b, uint64_t size, uint64_t off)
{
    if (!span_has(size, off, 8))
        return 0;
    return vtop_load_le64(b + off);
}

/* The first n bytes at off equal s (n <= 8 in practice). */
static inline bool span_eq(const uint8_t *b, uint64_t size, uint64_t off,
                           const char *s, uint64_t n)
{
    if (!span_has(size, off, n))
        return false;
    for (uint64_t i = 0; i < n; i++)
        if (b[off + i] != (uint8_t)s[i])
            return false;
    return true;
}

#endif
