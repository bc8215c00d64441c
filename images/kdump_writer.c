/* vtop images: kdump-compressed / flattened writer (see kdump_writer.h). */
#include "kdump_writer.h"

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define PG 4096u
#define FLAG_ZLIB 0x1u   /* makedumpfile diskdump_mod.h DUMP_DH_COMPRESSED_* */
#define FLAG_LZO 0x2u
#define FLAG_SNAPPY 0x4u
#define FLAG_ZSTD 0x20u

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
    int failed;
} buf;

static void put(buf *b, size_t at, const void *src, size_t n)
{
    if (b->failed)
        return;
    if (at + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 20;
        while (cap < at + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        memset(p + b->cap, 0, cap - b->cap);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + at, src, n);
    if (at + n > b->len)
        b->len = at + n;
}

static void put_le(buf *b, size_t at, uint64_t v, unsigned n)
{
    uint8_t t[8];
    for (unsigned i = 0; i < n; i++)
        t[i] = (uint8_t)(v >> (8 * i));
    put(b, at, t, n);
}

/* Compress one page; 0 bytes (store as is) when it does not shrink. */
static size_t squeeze(kdw_comp c, const uint8_t *src, size_t len, uint8_t *dst,
                      size_t cap, uint32_t *flag)
{
    static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
    size_t n = 0;
    if (c == KDW_ZLIB) {
        uLongf z = (uLongf)cap;
        n = compress2(dst, &z, src, len, 1) == Z_OK ? z : 0;
        *flag = FLAG_ZLIB;
    } else if (c == KDW_LZO) {
        lzo_uint z = cap;
        n = lzo1x_1_compress(src, len, dst, &z, wrk) == LZO_E_OK ? z : 0;
        *flag = FLAG_LZO;
    } else if (c == KDW_SNAPPY) {
        size_t z = cap;
        n = snappy_compress((const char *)src, len, (char *)dst, &z) == SNAPPY_OK ? z : 0;
        *flag = FLAG_SNAPPY;
    } else if (c == KDW_ZSTD) {
        size_t z = ZSTD_compress(dst, cap, src, len, 1);
        n = ZSTD_isError(z) ? 0 : z;
        *flag = FLAG_ZSTD;
    }
    return n < len ? n : 0;
}

/* Bytes per block: the page size, or an arm64 granule. */
static uint64_t bsize(const kdw_spec *s)
{
    return s->block_size ? s->block_size : PG;
}

static void write_header(buf *b, const kdw_spec *s, uint64_t bitmap_blocks,
                         uint32_t sub_blocks)
{
    put(b, 0, "KDUMP   ", 8);
    put_le(b, 8, 6, 4); /* header_version 6: 64-bit max_mapnr */
    put(b, 12, "Linux", 5);
    if (s->release)
        put(b, 12 + 2 * 65, s->release, strlen(s->release) < 64 ? strlen(s->release) : 64);
    const char *machine = s->machine ? s->machine : s->narrow ? "i686" : "x86_64";
    put(b, 12 + 4 * 65, machine, strlen(machine) < 64 ? strlen(machine) : 64);
    size_t at = s->narrow ? 412 : 424;
    put_le(b, at, 0, 4);                    /* status */
    put_le(b, at + 4, bsize(s), 4);         /* block_size */
    put_le(b, at + 8, sub_blocks, 4);       /* sub_hdr_size */
    put_le(b, at + 12, bitmap_blocks, 4);
    put_le(b, at + 16, s->frames > 0xFFFFFFFFu ? 0xFFFFFFFFu : s->frames, 4);
    put_le(b, at + 36, 1, 4);               /* nr_cpus */
}

/* Where struct kdump_sub_header (makedumpfile diskdump_mod.h; QEMU dump.c
 * KdumpSubHeader32/64) keeps the members written here, and how wide its
 * longs are: 4 bytes on i686 (its 8-byte members 4-aligned), 8 on x86_64
 * and aarch64. */
typedef struct sub_layout {
    unsigned long_bytes;
    size_t phys_base, dump_level, offset_vmcoreinfo, size_vmcoreinfo,
        offset_note, size_note, end_pfn_64, max_mapnr_64;
} sub_layout;

static const sub_layout SUB_NARROW = {4, 0, 4, 20, 28, 32, 40, 64, 72};
static const sub_layout SUB_WIDE = {8, 0, 8, 32, 40, 48, 56, 88, 96};

static void write_sub(buf *b, const kdw_spec *s, uint64_t vmci_off,
                      uint64_t note_off)
{
    size_t v = s->vmcoreinfo ? strlen(s->vmcoreinfo) : 0;
    uint64_t bs = bsize(s); /* the sub-header is block 1 */
    const sub_layout *l = s->narrow ? &SUB_NARROW : &SUB_WIDE;
    put_le(b, bs + l->phys_base, s->phys_base, l->long_bytes);
    put_le(b, bs + l->dump_level, s->dump_level, 4);
    put_le(b, bs + l->offset_vmcoreinfo, v ? vmci_off : 0, 8);
    put_le(b, bs + l->size_vmcoreinfo, v, l->long_bytes);
    put_le(b, bs + l->offset_note, s->notes_len ? note_off : 0, 8);
    put_le(b, bs + l->size_note, s->notes_len, l->long_bytes);
    put_le(b, bs + l->end_pfn_64, s->frames, 8);
    put_le(b, bs + l->max_mapnr_64, s->frames, 8);
    if (v)
        put(b, vmci_off, s->vmcoreinfo, v);
    if (s->notes_len)
        put(b, note_off, s->notes, s->notes_len);
}

static void write_pages(buf *b, const kdw_spec *s, uint64_t bm1, uint64_t bm_bytes,
                        uint64_t descs)
{
    static uint8_t packed[2 * 65536];
    uint64_t nd = 0, data, bs = bsize(s);
    for (uint64_t f = 0; f < s->frames; f++)
        nd += s->frame[f] == KDW_DUMPED;
    data = descs + nd * 24;
    uint64_t d = 0;
    for (uint64_t f = 0; f < s->frames; f++) {
        if (s->frame[f] == KDW_ABSENT)
            continue;
        uint8_t bit = (uint8_t)(1u << (f % 8)), byte;
        byte = b->len > bm1 + f / 8 ? b->p[bm1 + f / 8] : 0;
        byte |= bit;
        put(b, bm1 + f / 8, &byte, 1);
        if (s->frame[f] != KDW_DUMPED)
            continue;
        byte = b->len > bm1 + bm_bytes + f / 8 ? b->p[bm1 + bm_bytes + f / 8] : 0;
        byte |= bit;
        put(b, bm1 + bm_bytes + f / 8, &byte, 1);
        kdw_comp c = s->comp == KDW_MIXED ? (kdw_comp)(d % 5) : s->comp;
        uint32_t flag = 0;
        size_t n = squeeze(c, s->mem + f * bs, bs, packed, sizeof packed, &flag);
        if (n == 0) {
            flag = 0;
            n = bs;
            memcpy(packed, s->mem + f * bs, bs);
        }
        put_le(b, descs + d * 24, data, 8);
        put_le(b, descs + d * 24 + 8, n, 4);
        put_le(b, descs + d * 24 + 12, flag, 4);
        put(b, data, packed, n);
        data += n;
        d++;
    }
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* makedumpfile -F: records of at most 64 KiB, written in reverse order
 * of their offsets for the upper half, so the reader must sort. */
static int flatten(const buf *k, uint8_t **out, size_t *len)
{
    size_t chunk = 65536, n = (k->len + chunk - 1) / chunk;
    size_t total = PG + n * 16 + k->len + 16;
    uint8_t *p = calloc(1, total);
    if (!p)
        return -1;
    memcpy(p, "makedumpfile", 12);
    put_be64(p + 16, 1);
    put_be64(p + 24, 1);
    size_t at = PG;
    for (size_t i = 0; i < n; i++) {
        size_t r = i < n / 2 ? i : n - 1 - (i - n / 2);
        size_t off = r * chunk, sz = k->len - off < chunk ? k->len - off : chunk;
        put_be64(p + at, off);
        put_be64(p + at + 8, sz);
        memcpy(p + at + 16, k->p + off, sz);
        at += 16 + sz;
    }
    put_be64(p + at, ~0ull);
    put_be64(p + at + 8, ~0ull);
    *out = p;
    *len = at + 16;
    return 0;
}

int kdw_write(const kdw_spec *s, uint8_t **out, size_t *len)
{
    buf b = {0};
    size_t v = s->vmcoreinfo ? strlen(s->vmcoreinfo) : 0;
    /* Sub-header block, then VMCOREINFO and notes in their own blocks. */
    uint64_t bs = bsize(s);
    uint64_t extra = (v + s->notes_len + bs - 1) / bs;
    uint32_t sub_blocks = (uint32_t)(1 + extra);
    uint64_t bm_bytes = ((s->frames + 7) / 8 + bs - 1) / bs * bs;
    uint64_t bm1 = (1 + (uint64_t)sub_blocks) * bs;
    if (lzo_init() != LZO_E_OK)
        return -1;
    write_header(&b, s, 2 * bm_bytes / bs, sub_blocks);
    write_sub(&b, s, 2 * bs, 2 * bs + v);
    put_le(&b, bm1 + 2 * bm_bytes - 1, 0, 1); /* bitmaps exist, zeroed */
    write_pages(&b, s, bm1, bm_bytes, bm1 + 2 * bm_bytes);
    if (b.failed) {
        free(b.p);
        return -1;
    }
    if (!s->flatten) {
        *out = b.p;
        *len = b.len;
        return 0;
    }
    int rc = flatten(&b, out, len);
    free(b.p);
    return rc;
}
