/* vtop core/formats: one page of a kdump-compressed file (the page
 * source behind its runs; see kdump.h).
 *
 * makedumpfile IMPLEMENTATION: the 2nd bitmap has one bit per page frame,
 * set when the page was written; the page descriptors (offset u64, size
 * u32, flags u32, page_flags u64: 24 bytes) follow the bitmaps, one per
 * set bit in frame order, so a frame's descriptor index is the number of
 * set bits before it. A frame set in the 1st bitmap (it exists) but not in
 * the 2nd was excluded by makedumpfile -d.
 */
#include "bytes.h"
#include "kdump_int.h"
#include "paged.h"

/* Descriptor flags (makedumpfile diskdump_mod.h). */
#define DUMP_DH_COMPRESSED_ZLIB 0x1u
#define DUMP_DH_COMPRESSED_LZO 0x2u
#define DUMP_DH_COMPRESSED_SNAPPY 0x4u
#define DUMP_DH_COMPRESSED_ZSTD 0x20u
#define KDUMP_DESC_SIZE 24u

const char *vtop_compression_name(vtop_compression c)
{
    static const char *const names[VTOP_COMP_COUNT] = {
        [VTOP_COMP_NONE] = "none", [VTOP_COMP_ZLIB] = "zlib",
        [VTOP_COMP_LZO] = "lzo", [VTOP_COMP_SNAPPY] = "snappy",
        [VTOP_COMP_ZSTD] = "zstd",
    };
    return (unsigned)c < VTOP_COMP_COUNT ? names[c] : "unknown";
}

unsigned kdump_popcount(uint64_t v)
{
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((v * 0x0101010101010101ull) >> 56);
}

/* Word w of the bitmap at logical offset bm (0 when unreadable). */
uint64_t kdump_word(const vtop_dump_store *s, uint64_t bm, uint64_t w)
{
    uint8_t b[8];
    const uint8_t *p = paged_ptr(s, bm + w * 8, 8);
    if (!p) {
        if (paged_read(s, bm + w * 8, b, 8) != VTOP_OK)
            return 0;
        p = b;
    }
    return rd64(p, 8, 0);
}

bool kdump_bit(const vtop_dump_store *s, uint64_t bm, uint64_t pfn)
{
    return (kdump_word(s, bm, pfn / 64) >> (pfn % 64)) & 1;
}

/* Number of set bits of the 2nd bitmap before pfn. */
static uint64_t kdump_rank(const vtop_dump_store *s, uint64_t pfn)
{
    uint64_t w = pfn / 64, blk = w / s->rank_words;
    uint64_t r = s->rank[blk];
    for (uint64_t k = blk * s->rank_words; k < w; k++)
        r += kdump_popcount(kdump_word(s, s->bitmap2, k));
    uint64_t below = ((uint64_t)1 << (pfn % 64)) - 1;
    return r + kdump_popcount(kdump_word(s, s->bitmap2, w) & below);
}

static vtop_compression desc_compression(uint32_t flags)
{
    if (flags & DUMP_DH_COMPRESSED_ZLIB)
        return VTOP_COMP_ZLIB;
    if (flags & DUMP_DH_COMPRESSED_LZO)
        return VTOP_COMP_LZO;
    if (flags & DUMP_DH_COMPRESSED_SNAPPY)
        return VTOP_COMP_SNAPPY;
    if (flags & DUMP_DH_COMPRESSED_ZSTD)
        return VTOP_COMP_ZSTD;
    return VTOP_COMP_NONE;
}

vtop_status kdump_desc(const vtop_dump_store *s, uint64_t index,
                       kdump_page_desc *d)
{
    uint8_t b[KDUMP_DESC_SIZE];
    if (index >= s->dumped_pages)
        return VTOP_PAGE_NOT_IN_IMAGE;
    if (paged_read(s, s->descs + index * KDUMP_DESC_SIZE, b, sizeof b) != VTOP_OK)
        return VTOP_PAGE_NOT_IN_IMAGE; /* descriptor past the end */
    d->offset = rd64(b, sizeof b, 0);
    d->size = rd32(b, sizeof b, 8);
    d->comp = desc_compression(rd32(b, sizeof b, 12));
    if (d->size == 0 || d->size > s->block_size ||
        (d->comp == VTOP_COMP_NONE && d->size != s->block_size))
        return VTOP_FORMAT_CORRUPT;
    if (d->offset > s->logical_size || d->size > s->logical_size - d->offset)
        return VTOP_PAGE_NOT_IN_IMAGE; /* data past the end (truncated) */
    return VTOP_OK;
}

/* Whether the page frame was dumped, excluded or never existed. */
static vtop_status kdump_presence(const vtop_dump_store *s, uint64_t pfn)
{
    if (pfn >= s->max_mapnr)
        return VTOP_PAGE_NOT_IN_IMAGE;
    if (kdump_bit(s, s->bitmap2, pfn))
        return VTOP_OK;
    return kdump_bit(s, s->bitmap1, pfn) ? VTOP_PAGE_EXCLUDED
                                         : VTOP_PAGE_NOT_IN_IMAGE;
}

vtop_status kdump_probe(void *ctx, uint64_t pa)
{
    const vtop_dump_store *s = ctx;
    uint64_t pfn = pa / s->block_size;
    vtop_status st = kdump_presence(s, pfn);
    if (st != VTOP_OK)
        return st;
    kdump_page_desc d;
    return kdump_desc(s, kdump_rank(s, pfn), &d);
}

/* A block of one page: decompressed into the cache slot, or (stored as
 * is) served in place. */
static vtop_status fetch_page_block(vtop_dump_store *s, const kdump_page_desc *d,
                                    uint8_t *slot, const uint8_t **page)
{
    const uint8_t *data = paged_ptr(s, d->offset, d->size);
    if (!data) {
        /* Split over flattened records (or a rebuilt file's hole). */
        uint8_t *into = d->comp == VTOP_COMP_NONE ? slot : s->scratch;
        vtop_status st = paged_read(s, d->offset, into, d->size);
        if (st != VTOP_OK)
            return st;
        data = into;
    }
    if (d->comp == VTOP_COMP_NONE) {
        *page = data; /* stored as is: no copy */
        return VTOP_OK;
    }
    if (!s->decompress.fn || !(s->decompress.available & (1u << d->comp)))
        return VTOP_FORMAT_UNSUPPORTED;
    vtop_status st = s->decompress.fn(s->decompress.ctx, d->comp, data, d->size,
                                      slot, VTOP_PAGE_SIZE);
    if (st == VTOP_OK)
        *page = slot;
    return st;
}

/* The page at byte off of a block larger than a page: an uncompressed
 * block is read there; a compressed one is decompressed whole into
 * s->block once (the next pages of the block come from there). */
static vtop_status fetch_sub_page(vtop_dump_store *s, const kdump_page_desc *d,
                                  uint64_t pfn, uint64_t off, uint8_t *slot)
{
    if (d->comp == VTOP_COMP_NONE)
        return paged_read(s, d->offset + off, slot, VTOP_PAGE_SIZE);
    if (s->block_pfn != pfn + 1) {
        const uint8_t *data = paged_ptr(s, d->offset, d->size);
        if (!data) {
            vtop_status st = paged_read(s, d->offset, s->scratch, d->size);
            if (st != VTOP_OK)
                return st;
            data = s->scratch;
        }
        if (!s->decompress.fn || !(s->decompress.available & (1u << d->comp)))
            return VTOP_FORMAT_UNSUPPORTED;
        s->block_pfn = 0;
        vtop_status st = s->decompress.fn(s->decompress.ctx, d->comp, data, d->size,
                                          s->block, s->block_size);
        if (st != VTOP_OK)
            return st;
        s->block_pfn = pfn + 1;
    }
    for (uint32_t i = 0; i < VTOP_PAGE_SIZE; i++)
        slot[i] = s->block[off + i];
    return VTOP_OK;
}

vtop_status kdump_fetch(void *ctx, uint64_t pa, uint8_t *slot,
                        const uint8_t **page)
{
    vtop_dump_store *s = ctx;
    uint64_t pfn = pa / s->block_size;
    vtop_status st = kdump_presence(s, pfn);
    if (st != VTOP_OK)
        return st;
    kdump_page_desc d;
    st = kdump_desc(s, kdump_rank(s, pfn), &d);
    if (st != VTOP_OK)
        return st;
    if (s->block_size == VTOP_PAGE_SIZE)
        return fetch_page_block(s, &d, slot, page);
    st = fetch_sub_page(s, &d, pfn, pa % s->block_size, slot);
    if (st == VTOP_OK)
        *page = slot;
    return st;
}
