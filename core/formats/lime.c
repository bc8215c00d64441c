/* vtop core/formats: LiME images.
 *
 * LiME src/lime.h: a chain of packed 32-byte headers
 *   { u32 magic 0x4C694D45; u32 version (1); u64 s_addr; u64 e_addr;
 *     u8 reserved[8] }
 * each followed by e_addr - s_addr + 1 bytes (e_addr is inclusive). Every
 * header is validated; a chain cut short (an interrupted acquisition)
 * keeps what it has, with a warning.
 */
#include "bytes.h"
#include "parse.h"

#define LIME_MAGIC 0x4C694D45u
#define LIME_VERSION 1u
#define LIME_HDR_SIZE 32u

bool fmt_probe_lime(const uint8_t *b, uint64_t size)
{
    return span_has(size, 0, 4) && rd32(b, size, 0) == LIME_MAGIC;
}

vtop_status fmt_open_lime(fmt_ctx *c)
{
    uint64_t off = 0;
    c->info->format_name = "lime";
    c->info->mode_reason = "LiME image: no CPU state (supply CR3 and mode, or scan for roots)";
    while (off < c->size) {
        if (!span_has(c->size, off, LIME_HDR_SIZE) && off > 0) {
            /* Cut inside a later header: the runs before it are whole. */
            fmt_warn(c, "truncated inside a LiME header (the ranges after it "
                        "are missing)", off);
            break;
        }
        if (!span_has(c->size, off, LIME_HDR_SIZE))
            return fmt_fail(c, VTOP_FORMAT_TRUNCATED, off, "LiME header");
        if (rd32(c->base, c->size, off) != LIME_MAGIC)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, off, "LiME header magic");
        if (rd32(c->base, c->size, off + 4) != LIME_VERSION)
            return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, off + 4, "LiME version");
        uint64_t s = rd64(c->base, c->size, off + 8);
        uint64_t e = rd64(c->base, c->size, off + 16);
        if (e < s)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, off + 16, "LiME e_addr < s_addr");
        if (e - s == UINT64_MAX)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, off + 16, "LiME range covers 2^64 bytes");
        uint64_t len = e - s + 1, data = off + LIME_HDR_SIZE;
        vtop_status st = fmt_add_run(c, s, len, data, off);
        if (st != VTOP_OK)
            return st;
        off = data + len; /* past the end when the run was truncated */
    }
    return VTOP_OK;
}
