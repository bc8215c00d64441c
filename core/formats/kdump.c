/* vtop core/formats: opening a kdump-compressed file (see kdump.h).
 *
 * Layout (makedumpfile IMPLEMENTATION; QEMU include/sysemu/dump.h gives
 * the packed 32- and 64-bit forms): block 0 is disk_dump_header, block 1
 * the kdump_sub_header, then sub_hdr_size - 1 more blocks (VMCOREINFO and
 * ELF notes live there, at offsets the sub-header gives), then
 * bitmap_blocks blocks holding the 1st and the 2nd bitmap (half each),
 * then the page descriptors, then the page data.
 *
 * The two header forms differ from `timestamp` on: a 64-bit writer's
 * struct timeval is 16 bytes (aligned to 8), a 32-bit one's 8; QEMU writes
 * the 32-bit form for a guest not in long mode. block_size is read at both
 * places and the form whose value is a page size (4K; 16K or 64K: arm64,
 * QEMU writing 64K for every aarch64 guest) is used.
 */
#include "bytes.h"
#include "kdump_int.h"
#include "paged.h"

#define KDUMP_HDR_BYTES 464u
#define KDUMP_SUB_BYTES 104u
#define KDUMP_UTS_RELEASE (12u + 2 * 65u)
#define KDUMP_UTS_MACHINE (12u + 4 * 65u)
#define DUMP_DH_COMPRESSED_INCOMPLETE 0x8u /* makedumpfile diskdump_mod.h */
#define EM_386 3
#define EM_X86_64 62
#define EM_AARCH64 183

static bool block_size_ok(uint32_t bs)
{
    return bs == VTOP_PAGE_SIZE || bs == 16384 || bs == VTOP_KDUMP_MAX_BLOCK;
}

/* The fields vtop uses, for either header form. */
typedef struct kdump_hdr {
    bool wide; /* 64-bit writer */
    bool aarch64; /* utsname.machine "aarch64" (makedumpfile, QEMU dump.c) */
    uint32_t version, status, block_size, sub_hdr_size, bitmap_blocks;
    uint64_t max_mapnr, phys_base;
    uint32_t dump_level, split;
    uint64_t vmcoreinfo_off, vmcoreinfo_size, note_off, note_size;
} kdump_hdr;

bool fmt_probe_kdump(const uint8_t *b, uint64_t size)
{
    return span_eq(b, size, 0, "KDUMP   ", 8);
}

/* kdump_sub_header (QEMU KdumpSubHeader64 / KdumpSubHeader32). */
static void parse_sub(kdump_hdr *h, const uint8_t *b)
{
    const uint64_t n = KDUMP_SUB_BYTES;
    if (h->wide) {
        h->phys_base = rd64(b, n, 0);
        h->dump_level = rd32(b, n, 8);
        h->split = rd32(b, n, 12);
        h->vmcoreinfo_off = rd64(b, n, 32);
        h->vmcoreinfo_size = rd64(b, n, 40);
        h->note_off = rd64(b, n, 48);
        h->note_size = rd64(b, n, 56);
        if (h->version >= 6)
            h->max_mapnr = rd64(b, n, 96);
    } else {
        h->phys_base = rd32(b, n, 0);
        h->dump_level = rd32(b, n, 4);
        h->split = rd32(b, n, 8);
        h->vmcoreinfo_off = rd64(b, n, 20);
        h->vmcoreinfo_size = rd32(b, n, 28);
        h->note_off = rd64(b, n, 32);
        h->note_size = rd32(b, n, 40);
        if (h->version >= 6)
            h->max_mapnr = rd64(b, n, 72);
    }
    if (h->version < 3)
        h->vmcoreinfo_size = 0;
    if (h->version < 4)
        h->note_size = 0;
}

static vtop_status read_headers(fmt_ctx *c, kdump_hdr *h)
{
    vtop_dump_store *s = c->store;
    uint8_t b[KDUMP_HDR_BYTES], sub[KDUMP_SUB_BYTES] = {0};
    if (paged_read(s, 0, b, sizeof b) != VTOP_OK)
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 0, "kdump disk_dump_header");
    h->version = rd32(b, sizeof b, 8);
    h->wide = block_size_ok(rd32(b, sizeof b, 428));
    uint64_t at = h->wide ? 424 : 412; /* status: fields from here on */
    if (!h->wide && !block_size_ok(rd32(b, sizeof b, 416)))
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 428,
                        "kdump block_size is not 4, 16 or 64 KiB");
    h->status = rd32(b, sizeof b, at);
    h->block_size = rd32(b, sizeof b, at + 4);
    h->sub_hdr_size = rd32(b, sizeof b, at + 8);
    h->bitmap_blocks = rd32(b, sizeof b, at + 12);
    h->max_mapnr = rd32(b, sizeof b, at + 16);
    for (unsigned i = 0; i < 64; i++)
        c->info->vmcoreinfo.osrelease[i] = (char)b[KDUMP_UTS_RELEASE + i];
    h->wide = h->wide && !span_eq(b, sizeof b, KDUMP_UTS_MACHINE, "i686", 4);
    /* QEMU writes "Unknown" for aarch64 guests: VMCOREINFO decides then. */
    h->aarch64 = span_eq(b, sizeof b, KDUMP_UTS_MACHINE, "aarch64", 8);
    if (h->sub_hdr_size == 0)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, at + 8, "kdump sub_hdr_size is 0");
    if (paged_read(s, h->block_size, sub, sizeof sub) != VTOP_OK &&
        paged_read(s, h->block_size, sub, 32) != VTOP_OK)
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, h->block_size,
                        "kdump_sub_header");
    parse_sub(h, sub);
    if (h->split)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, h->block_size + 12,
                        "split kdump file (makedumpfile --split): one part only");
    return VTOP_OK;
}

/* Where the bitmaps and descriptors are, and whether the bitmaps exist. */
static vtop_status place_bitmaps(fmt_ctx *c, const kdump_hdr *h)
{
    vtop_dump_store *s = c->store;
    uint64_t bs = h->block_size;
    uint64_t bitmap_total = (uint64_t)h->bitmap_blocks * bs;
    s->block_size = h->block_size;
    s->max_mapnr = h->max_mapnr;
    s->bitmap1 = (1 + (uint64_t)h->sub_hdr_size) * bs;
    s->bitmap_bytes = bitmap_total / 2;
    s->bitmap2 = s->bitmap1 + s->bitmap_bytes;
    s->descs = s->bitmap1 + bitmap_total;
    if (h->bitmap_blocks == 0 || s->bitmap_bytes / 8 < (h->max_mapnr + 63) / 64)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h->wide ? 436 : 424,
                        "kdump bitmaps smaller than max_mapnr frames");
    if (s->descs > s->logical_size)
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, s->bitmap1,
                        "kdump bitmaps past the end of the file");
    return VTOP_OK;
}

/* Bits of word w of a bitmap that stand for frames below max_mapnr. */
static uint64_t frame_word(const vtop_dump_store *s, uint64_t bm, uint64_t w)
{
    uint64_t v = kdump_word(s, bm, w);
    uint64_t last = s->max_mapnr - w * 64;
    return last >= 64 ? v : v & (((uint64_t)1 << last) - 1);
}

/* Rank table over the 2nd bitmap and runs from the 1st (frames that exist;
 * a frame only in the 2nd also counts, so no dumped page is lost). */
static vtop_status scan_bitmaps(fmt_ctx *c)
{
    vtop_dump_store *s = c->store;
    uint64_t words = (s->max_mapnr + 63) / 64;
    s->rank_words = words / VTOP_KDUMP_RANK_BLOCKS + 1;
    uint64_t dumped = 0, excluded = 0, run_start = 0;
    bool in_run = false;
    for (uint64_t w = 0; w <= words; w++) {
        uint64_t b1 = 0, b2 = 0;
        if (w < words) {
            b2 = frame_word(s, s->bitmap2, w);
            b1 = frame_word(s, s->bitmap1, w) | b2;
        }
        if (w % s->rank_words == 0 && w / s->rank_words < VTOP_KDUMP_RANK_BLOCKS)
            s->rank[w / s->rank_words] = dumped;
        dumped += kdump_popcount(b2);
        excluded += kdump_popcount(b1 & ~b2);
        if ((b1 == 0 && !in_run) || (b1 == ~0ull && in_run))
            continue; /* no run starts or ends in this word */
        for (unsigned bit = 0; bit < 64 && (w < words || in_run); bit++) {
            bool set = (b1 >> bit) & 1;
            if (set == in_run)
                continue;
            uint64_t pfn = w * 64 + bit;
            if (!set) {
                vtop_status st = fmt_add_source_run(
                    c, run_start * s->block_size,
                    (pfn - run_start) * s->block_size, s->bitmap1 + w * 8);
                if (st != VTOP_OK)
                    return st;
            }
            run_start = pfn;
            in_run = set;
        }
    }
    s->dumped_pages = dumped;
    c->info->dumped_pages = dumped;
    c->info->excluded_pages = excluded;
    return VTOP_OK;
}

/* Which x86 the dump is of: VMCOREINFO says it best (init_top_pgt exists
 * only on x86-64, swapper_pg_dir alone on i386), then utsname.machine,
 * then the header form (QEMU writes the 32-bit one for i386 guests). */
static bool dump_is_x86_64(const vtop_image_info *in, const kdump_hdr *h)
{
    if (in->has_vmcoreinfo && in->vmcoreinfo.has_init_top_pgt)
        return true;
    if (in->has_vmcoreinfo && in->vmcoreinfo.has_swapper_pg_dir)
        return false;
    return h->wide;
}

/* The VMCOREINFO section and the notes (QEMU CPU state, VMCOREINFO). A
 * missing or split section is no error: the pages are still good. */
static void read_notes(fmt_ctx *c, kdump_hdr *h)
{
    vtop_dump_store *s = c->store;
    vtop_image_info *in = c->info;
    const uint8_t *text = h->vmcoreinfo_size
                              ? paged_ptr(s, h->vmcoreinfo_off, h->vmcoreinfo_size) : 0;
    vtop_vmcoreinfo v;
    if (text && vtop_vmcoreinfo_parse(text, h->vmcoreinfo_size, &v) == VTOP_OK) {
        in->vmcoreinfo = v;
        in->has_vmcoreinfo = true;
        /* kimage_voffset exists only in arm64's VMCOREINFO. */
        h->aarch64 = h->aarch64 || v.has_kimage_voffset;
    }
    const uint8_t *notes = h->note_size ? paged_ptr(s, h->note_off, h->note_size) : 0;
    if (notes) {
        fmt_ctx sub = *c; /* the notes as their own span */
        sub.base = notes;
        sub.size = h->note_size;
        uint16_t machine = h->aarch64 ? EM_AARCH64
                                      : dump_is_x86_64(in, h) ? EM_X86_64 : EM_386;
        if (fmt_elf_notes(&sub, machine, 0, h->note_size) != VTOP_OK)
            in->cpu_count = in->cpu_total = 0;
        in->error_offset = 0;
        in->error_what = 0;
    }
}

/* Sample the descriptors: which compressions the file uses, and whether the
 * last page's data is in the file (a truncated dump loses its tail). */
static void sample_pages(fmt_ctx *c)
{
    vtop_dump_store *s = c->store;
    vtop_image_info *in = c->info;
    uint64_t n = s->dumped_pages, step = n / 64 + 1;
    for (uint64_t i = 0; i < n; i += step) {
        kdump_page_desc d;
        if (kdump_desc(s, i, &d) == VTOP_OK)
            s->compressions_seen |= 1u << d.comp;
    }
    kdump_page_desc last;
    if (n && kdump_desc(s, n - 1, &last) == VTOP_PAGE_NOT_IN_IMAGE) {
        in->warning = "truncated: the last pages' data is past the end of the "
                      "file (they read as not in image)";
        in->warning_offset = s->logical_size;
    }
    /* The EFI app has no decompressor: say which pages it cannot read. */
    static const char *const no_dec[VTOP_COMP_COUNT] = {
        [VTOP_COMP_ZLIB] = "zlib-compressed pages: this build cannot decompress "
                           "them (they read as format-unsupported)",
        [VTOP_COMP_LZO] = "LZO-compressed pages: this build cannot decompress "
                          "them (they read as format-unsupported)",
        [VTOP_COMP_SNAPPY] = "snappy-compressed pages: this build cannot "
                             "decompress them (they read as format-unsupported)",
        [VTOP_COMP_ZSTD] = "zstd-compressed pages: this build cannot decompress "
                           "them (they read as format-unsupported)",
    };
    unsigned missing = s->compressions_seen & ~(1u | s->decompress.available);
    for (unsigned m = VTOP_COMP_ZLIB; m < VTOP_COMP_COUNT && !in->warning; m++)
        if (missing & (1u << m)) {
            in->warning = no_dec[m];
            in->warning_offset = 0;
        }
}

vtop_status fmt_open_kdump_store(fmt_ctx *c)
{
    vtop_dump_store *s = c->store;
    vtop_image_info *in = c->info;
    kdump_hdr h = {0};
    in->paged = true;
    vtop_status st = read_headers(c, &h);
    if (st == VTOP_OK)
        st = place_bitmaps(c, &h);
    if (st == VTOP_OK)
        st = scan_bitmaps(c);
    if (st != VTOP_OK)
        return st;
    in->kdump_header_version = h.version;
    in->kdump_dump_level = h.dump_level;
    in->has_header_phys_base = true;
    in->header_phys_base = h.phys_base;
    s->source = (vtop_page_source){kdump_fetch, kdump_probe, s, s->cache};
    read_notes(c, &h);
    sample_pages(c);
    if ((h.status & DUMP_DH_COMPRESSED_INCOMPLETE) && !in->warning) {
        in->warning = "makedumpfile marked the dump incomplete (pages past its "
                      "end read as not in image)";
        in->warning_offset = h.wide ? 424 : 412;
    }
    if (h.aarch64) {
        /* The notes are NT_PRSTATUS only (no system registers). */
        fmt_a64_vmcoreinfo_root(c);
        return VTOP_OK;
    }
    in->mode_reason = "kdump file without CPU notes or VMCOREINFO: no CR3";
    fmt_cpu0_root(c);
    fmt_vmcoreinfo_root(c, dump_is_x86_64(in, &h));
    return VTOP_OK;
}

vtop_status fmt_open_kdump(fmt_ctx *c)
{
    c->info->format_name = "kdump-compressed";
    if (!c->store)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 0,
                        "kdump-compressed image opened without a page store");
    vtop_dump_store *s = c->store;
    s->base = c->base;
    s->size = c->size;
    s->flattened = false;
    s->flat_count = 0;
    s->logical_size = c->size;
    return fmt_open_kdump_store(c);
}
