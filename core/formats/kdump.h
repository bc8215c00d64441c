/* vtop core/formats: Linux dumps whose pages are read one at a time:
 * kdump-compressed ("KDUMP   ", makedumpfile's IMPLEMENTATION document
 * and diskdump_mod.h, QEMU include/sysemu/dump.h) and makedumpfile's
 * flattened format (makedumpfile(8) -F; QEMU dump/dump.c writes it for
 * dump-guest-memory -z/-l/-s).
 *
 * Opening reads the headers and the two bitmaps only (and, for the
 * flattened format, the record headers once, into a caller-owned index).
 * The image's runs are the pages the 1st bitmap says exist; their bytes
 * come through the store's page source: a bit clear in the 2nd bitmap is
 * VTOP_PAGE_EXCLUDED, a compressed page goes through the caller's
 * decompressor into the caller's page cache, an uncompressed page is a
 * pointer into the image.
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only; the store is
 * caller-owned and holds everything the reader needs after open.
 */
#ifndef VTOP_FORMATS_KDUMP_H
#define VTOP_FORMATS_KDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../physmem.h"
#include "../status.h"

/* Per-page compression of a kdump page descriptor's flags
 * (makedumpfile diskdump_mod.h DUMP_DH_COMPRESSED_*). */
typedef enum vtop_compression {
    VTOP_COMP_NONE = 0,
    VTOP_COMP_ZLIB,
    VTOP_COMP_LZO,
    VTOP_COMP_SNAPPY,
    VTOP_COMP_ZSTD,
    VTOP_COMP_COUNT
} vtop_compression;

/* "none", "zlib", "lzo", "snappy", "zstd". */
const char *vtop_compression_name(vtop_compression c);

/* The platform's decompressors. fn decompresses src[0..src_len) into
 * exactly dst_len bytes and returns VTOP_OK, VTOP_FORMAT_CORRUPT (bad
 * data, or not exactly dst_len bytes) or VTOP_FORMAT_UNSUPPORTED (this
 * build has no such decompressor). available says which it has
 * (bit 1 << vtop_compression); fn NULL means none. */
typedef struct vtop_decompressor {
    vtop_status (*fn)(void *ctx, vtop_compression method, const uint8_t *src,
                      size_t src_len, uint8_t *dst, size_t dst_len);
    void *ctx;
    unsigned available;
} vtop_decompressor;

/* One data record of a flattened file: `size` bytes of the rebuilt file
 * at `offset`, stored at `file_pos` of the flattened one. */
typedef struct vtop_flat_record {
    uint64_t offset, size, file_pos;
} vtop_flat_record;

/* Blocks of the 2nd bitmap with a running count of dumped pages: a page's
 * descriptor index is the count before its block plus a popcount inside. */
#define VTOP_KDUMP_RANK_BLOCKS 8192

/* kdump block sizes read: 4, 16 and 64 KiB (the AArch64 granules). */
#define VTOP_KDUMP_MAX_BLOCK 65536u

/* What a paged format needs after open. The caller sets decompress, cache
 * and (for flattened files) flat/flat_cap before vtop_image_open_request;
 * the rest is filled by the open. Put `&store->source` in the physmem. */
typedef struct vtop_dump_store {
    vtop_decompressor decompress;
    vtop_page_cache *cache;
    vtop_flat_record *flat;     /* flattened index buffer (caller-owned) */
    size_t flat_cap;
    /* Filled by open. */
    bool flattened;             /* logical offsets go through flat[] */
    size_t flat_count;          /* records (needed count on BUFFER_TOO_SMALL) */
    uint64_t logical_size;      /* size of the (rebuilt) kdump file */
    const uint8_t *base;        /* the image span */
    uint64_t size;
    uint32_t block_size;
    uint64_t max_mapnr;
    uint64_t bitmap1, bitmap2;  /* logical offsets of the two bitmaps */
    uint64_t bitmap_bytes;      /* bytes in each */
    uint64_t descs;             /* logical offset of the page descriptors */
    uint64_t dumped_pages;      /* bits set in the 2nd bitmap */
    uint64_t rank_words;        /* 64-bit bitmap words per rank block */
    uint64_t rank[VTOP_KDUMP_RANK_BLOCKS];
    unsigned compressions_seen; /* bit 1 << vtop_compression, sampled */
    uint64_t pages_past_end;    /* counted while sampling descriptors */
    /* Blocks larger than a page (arm64: QEMU dump/dump.c writes 64 KiB
     * blocks, target/arm/arch_dump.c assuming the largest granule; a 16K
     * kernel's makedumpfile 16 KiB): the last block decompressed, which
     * fetch serves page by page. */
    uint64_t block_pfn;         /* its block number + 1 (0: none yet) */
    uint8_t block[VTOP_KDUMP_MAX_BLOCK];
    uint8_t scratch[VTOP_KDUMP_MAX_BLOCK]; /* a compressed block split over records */
    vtop_page_source source;
} vtop_dump_store;

#endif
