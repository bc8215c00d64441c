/* vtop core/formats: the run builder every parser appends to.
 *
 * Runs arrive in physical order. Neighbours that continue each other in both
 * physical and file space merge into one run (a Windows bitmap dump yields
 * one bit per page; a QEMU dump splits RAM at slot boundaries). Once the
 * caller's buffer is full the builder keeps counting, so the caller learns
 * the size it needs (EDK2 CpuPageTableLib's BUFFER_TOO_SMALL convention).
 */
#include "bytes.h"
#include "parse.h"

vtop_status fmt_fail(fmt_ctx *c, vtop_status st, uint64_t off,
                     const char *what)
{
    c->info->error_offset = off;
    c->info->error_what = what;
    return st;
}

void fmt_warn(fmt_ctx *c, const char *what, uint64_t off)
{
    if (c->info->warning)
        return; /* one warning: the first thing found missing */
    c->info->warning = what;
    c->info->warning_offset = off;
}

static void emit(fmt_ctx *c, const vtop_run *r, fmt_run_kind kind)
{
    size_t i = c->info->run_count;
    if (i < c->cap) {
        c->runs[i] = *r;
        c->runs[i].data = kind == FMT_RUN_DIRECT ? c->base + r->file_offset : 0;
    }
    c->info->run_count = i + 1;
}

/* Append one piece; neighbours of the same kind merge (direct ones only
 * when their bytes also continue in the file). */
static vtop_status add_piece(fmt_ctx *c, const vtop_run *r, fmt_run_kind kind,
                             uint64_t hdr_off)
{
    if (c->have_last) {
        uint64_t end = c->last.phys + c->last.len;
        if (r->phys < end)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off,
                            "run overlaps or precedes the previous run");
        bool joins = r->phys == end && kind == c->last_kind &&
                     (kind != FMT_RUN_DIRECT ||
                      r->file_offset == c->last.file_offset + c->last.len);
        if (joins) {
            c->last.len += r->len;
            goto account;
        }
        emit(c, &c->last, c->last_kind);
    }
    c->last = *r;
    c->last.data = 0;
    c->last_kind = kind;
    c->have_last = true;
account:
    c->info->run_bytes += r->len;
    c->info->phys_end = r->phys + r->len;
    return VTOP_OK;
}

static vtop_status check_range(fmt_ctx *c, uint64_t phys, uint64_t len,
                               uint64_t hdr_off)
{
    if (len == 0)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off, "zero-length run");
    if (phys + len < phys)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off,
                        "run wraps past the top of the physical space");
    return VTOP_OK;
}

vtop_status fmt_add_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                        uint64_t foff, uint64_t hdr_off)
{
    vtop_status st = check_range(c, phys, len, hdr_off);
    if (st != VTOP_OK || span_has(c->size, foff, len))
        return st != VTOP_OK ? st
                             : add_piece(c, &(vtop_run){phys, len, foff, 0},
                                         FMT_RUN_DIRECT, hdr_off);
    /* A truncated image: the bytes that are there stay readable, the rest
     * of the run is absent (read as not in image). */
    uint64_t have = foff < c->size ? c->size - foff : 0;
    fmt_warn(c, "truncated: run data past the end of the file (read as not "
                "in image)", hdr_off);
    if (have) {
        st = add_piece(c, &(vtop_run){phys, have, foff, 0}, FMT_RUN_DIRECT, hdr_off);
        if (st != VTOP_OK)
            return st;
    }
    return add_piece(c, &(vtop_run){phys + have, len - have, foff + have, 0},
                     FMT_RUN_ABSENT, hdr_off);
}

vtop_status fmt_add_source_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                               uint64_t hdr_off)
{
    vtop_status st = check_range(c, phys, len, hdr_off);
    if (st != VTOP_OK)
        return st;
    return add_piece(c, &(vtop_run){phys, len, 0, 0}, FMT_RUN_SOURCE, hdr_off);
}

vtop_status fmt_finish_runs(fmt_ctx *c)
{
    if (c->have_last) {
        emit(c, &c->last, c->last_kind);
        c->have_last = false;
    }
    return c->info->run_count > c->cap ? VTOP_BUFFER_TOO_SMALL : VTOP_OK;
}
