/* vtop core/formats: makedumpfile's flattened format, read in place.
 *
 * makedumpfile(8) -F and QEMU dump/dump.c (write_buffer with
 * flag_flatten): a 4096-byte makedumpfile_header ("makedumpfile", then
 * big-endian int64 type 1 and version 1), then records of a big-endian
 * {int64 offset; int64 buf_size} followed by buf_size bytes destined for
 * `offset` of the rebuilt file, ended by offset = buf_size = -1. Opening
 * walks the record headers once into the caller's index (24 bytes a
 * record, sorted by offset), so reads need no conversion step; the
 * rebuilt file is then read as a kdump-compressed one. Bytes no record
 * holds (records lost to truncation) are not in the image.
 */
#include "bytes.h"
#include "paged.h"

#define MDF_HEADER_SIZE 4096u /* MAX_SIZE_MDF_HEADER */
#define MDF_TYPE_FLAT 1u
#define MDF_VERSION_FLAT 1u

bool fmt_probe_flat(const uint8_t *b, uint64_t size)
{
    return span_eq(b, size, 0, "makedumpfile\0", 13);
}

static uint64_t rdbe64(const uint8_t *b, uint64_t size, uint64_t off)
{
    uint64_t v = 0;
    if (!span_has(size, off, 8))
        return 0;
    for (unsigned i = 0; i < 8; i++)
        v = (v << 8) | b[off + i];
    return v;
}

/* Last record with offset <= off, or NULL. */
static const vtop_flat_record *flat_find(const vtop_dump_store *s, uint64_t off)
{
    size_t lo = 0, hi = s->flat_count;
    if (hi == 0 || s->flat[0].offset > off)
        return 0;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->flat[mid].offset <= off)
            lo = mid;
        else
            hi = mid;
    }
    return &s->flat[lo];
}

const uint8_t *paged_ptr(const vtop_dump_store *s, uint64_t off, uint64_t len)
{
    if (!s->flattened)
        return span_has(s->size, off, len) ? s->base + off : 0;
    const vtop_flat_record *r = flat_find(s, off);
    if (!r || off - r->offset > r->size || len > r->size - (off - r->offset))
        return 0;
    return s->base + r->file_pos + (off - r->offset);
}

vtop_status paged_read(const vtop_dump_store *s, uint64_t off, void *dst,
                       uint64_t len)
{
    uint8_t *d = dst;
    if (!span_has(s->logical_size, off, len))
        return VTOP_PAGE_NOT_IN_IMAGE;
    while (len) {
        uint64_t n = len;
        const uint8_t *src = 0;
        if (!s->flattened) {
            src = s->base + off;
        } else {
            const vtop_flat_record *r = flat_find(s, off);
            if (!r || off - r->offset >= r->size)
                return VTOP_PAGE_NOT_IN_IMAGE; /* no record: a truncated file */
            src = s->base + r->file_pos + (off - r->offset);
            n = r->size - (off - r->offset);
            n = n < len ? n : len;
        }
        for (uint64_t i = 0; i < n; i++)
            d[i] = src[i];
        d += n;
        off += n;
        len -= n;
    }
    return VTOP_OK;
}

/* Heap sort of the index by offset (no libc in the core). */
static void sift(vtop_flat_record *a, size_t i, size_t n)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && a[l].offset > a[big].offset)
            big = l;
        if (r < n && a[r].offset > a[big].offset)
            big = r;
        if (big == i)
            return;
        vtop_flat_record t = a[i];
        a[i] = a[big];
        a[big] = t;
        i = big;
    }
}

static void sort_records(vtop_flat_record *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift(a, i, n);
    for (size_t end = n; end-- > 1;) {
        vtop_flat_record t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end);
    }
}

/* Walk the record headers; a truncated chain keeps what is complete. */
static vtop_status index_records(fmt_ctx *c)
{
    vtop_dump_store *s = c->store;
    uint64_t pos = MDF_HEADER_SIZE;
    size_t n = 0;
    for (;;) {
        if (!span_has(c->size, pos, 16)) {
            c->info->warning = "flattened file truncated: no end record (the "
                               "rest reads as not in image)";
            c->info->warning_offset = pos;
            break;
        }
        uint64_t off = rdbe64(c->base, c->size, pos);
        uint64_t len = rdbe64(c->base, c->size, pos + 8);
        if (off == ~0ull && len == ~0ull)
            break; /* END_FLAG_FLAT_HEADER */
        if ((off >> 63) || (len >> 63) || off + len < off)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, pos, "flattened record header");
        if (!span_has(c->size, pos + 16, len)) {
            len = c->size - (pos + 16);
            c->info->warning = "flattened file truncated inside a record (the "
                               "rest reads as not in image)";
            c->info->warning_offset = pos;
        }
        if (len && n < s->flat_cap)
            s->flat[n] = (vtop_flat_record){off, len, pos + 16};
        n += len != 0;
        pos += 16 + len;
        if (c->info->warning)
            break;
    }
    s->flat_count = n;
    if (n > s->flat_cap)
        return fmt_fail(c, VTOP_BUFFER_TOO_SMALL, pos, "flattened record index");
    return VTOP_OK;
}

vtop_status fmt_open_flat(fmt_ctx *c)
{
    c->info->format_name = "kdump-flattened";
    vtop_dump_store *s = c->store;
    if (!s)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 0,
                        "flattened image opened without a page store");
    if (!span_has(c->size, 0, MDF_HEADER_SIZE))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 0, "makedumpfile header");
    if (rdbe64(c->base, c->size, 16) != MDF_TYPE_FLAT ||
        rdbe64(c->base, c->size, 24) != MDF_VERSION_FLAT)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 16,
                        "makedumpfile header type/version is not flattened 1/1");
    s->base = c->base;
    s->size = c->size;
    s->flattened = true;
    vtop_status st = index_records(c);
    if (st != VTOP_OK)
        return st;
    sort_records(s->flat, s->flat_count);
    s->logical_size = 0;
    for (size_t i = 0; i < s->flat_count; i++) {
        const vtop_flat_record *r = &s->flat[i];
        if (i && r->offset < s->flat[i - 1].offset + s->flat[i - 1].size)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, r->file_pos - 16,
                            "flattened records overlap");
        s->logical_size = r->offset + r->size;
    }
    uint8_t sig[8] = {0};
    if (paged_read(s, 0, sig, 8) == VTOP_OK && span_eq(sig, 8, 0, "KDUMP   ", 8))
        return fmt_open_kdump_store(c);
    if (paged_read(s, 0, sig, 4) == VTOP_OK && span_eq(sig, 4, 0, "\x7f" "ELF", 4))
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, MDF_HEADER_SIZE,
                        "flattened ELF (makedumpfile -F -E): rebuild it with "
                        "makedumpfile -R first");
    return fmt_fail(c, VTOP_FORMAT_CORRUPT, MDF_HEADER_SIZE,
                    "flattened file does not hold a kdump-compressed file");
}
