/* vtop host: kdump page decompression with Debian's libraries.
 *
 * makedumpfile (makedumpfile.c write_kdump_pages_*) compresses each page
 * on its own: zlib compress2() (a zlib stream), lzo1x_1_compress(),
 * snappy_compress() (raw snappy), ZSTD_compressCCtx() (one frame). A page
 * must decompress to exactly the page size; anything else is corrupt.
 */
#include "decompress.h"

#include <limits.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

static vtop_status inflate_zlib(const uint8_t *src, size_t n, uint8_t *dst,
                                size_t dn)
{
    uLongf got = (uLongf)dn;
    if (n > ULONG_MAX || uncompress(dst, &got, src, (uLong)n) != Z_OK || got != dn)
        return VTOP_FORMAT_CORRUPT;
    return VTOP_OK;
}

static vtop_status inflate_lzo(const uint8_t *src, size_t n, uint8_t *dst,
                               size_t dn)
{
    lzo_uint got = dn;
    if (lzo1x_decompress_safe(src, n, dst, &got, NULL) != LZO_E_OK || got != dn)
        return VTOP_FORMAT_CORRUPT;
    return VTOP_OK;
}

static vtop_status inflate_snappy(const uint8_t *src, size_t n, uint8_t *dst,
                                  size_t dn)
{
    size_t got = 0;
    if (snappy_uncompressed_length((const char *)src, n, &got) != SNAPPY_OK ||
        got != dn)
        return VTOP_FORMAT_CORRUPT;
    if (snappy_uncompress((const char *)src, n, (char *)dst, &got) != SNAPPY_OK ||
        got != dn)
        return VTOP_FORMAT_CORRUPT;
    return VTOP_OK;
}

static vtop_status inflate_zstd(const uint8_t *src, size_t n, uint8_t *dst,
                                size_t dn)
{
    size_t got = ZSTD_decompress(dst, dn, src, n);
    if (ZSTD_isError(got) || got != dn)
        return VTOP_FORMAT_CORRUPT;
    return VTOP_OK;
}

static vtop_status host_decompress(void *ctx, vtop_compression method,
                                   const uint8_t *src, size_t src_len,
                                   uint8_t *dst, size_t dst_len)
{
    (void)ctx;
    switch (method) {
    case VTOP_COMP_ZLIB:
        return inflate_zlib(src, src_len, dst, dst_len);
    case VTOP_COMP_LZO:
        return inflate_lzo(src, src_len, dst, dst_len);
    case VTOP_COMP_SNAPPY:
        return inflate_snappy(src, src_len, dst, dst_len);
    case VTOP_COMP_ZSTD:
        return inflate_zstd(src, src_len, dst, dst_len);
    default:
        return VTOP_FORMAT_UNSUPPORTED;
    }
}

void vtop_host_decompressor(vtop_decompressor *d)
{
    /* lzo_init() checks the library matches its headers; without it LZO
     * pages are unsupported rather than mis-read. */
    unsigned lzo = lzo_init() == LZO_E_OK ? 1u << VTOP_COMP_LZO : 0;
    d->fn = host_decompress;
    d->ctx = NULL;
    d->available = 1u << VTOP_COMP_ZLIB | lzo | 1u << VTOP_COMP_SNAPPY |
                   1u << VTOP_COMP_ZSTD;
}
