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

static void emit(fmt_ctx *c, const vtop_run *r)
{
    size_t i = c->info->run_count;
    if (i < c->cap) {
        c->runs[i] = *r;
        c->runs[i].data = c->info->paged ? 0 : c->base + r->file_offset;
    }
    c->info->run_count = i + 1;
}

vtop_status fmt_add_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                        uint64_t foff, uint64_t hdr_off)
{
    if (len == 0)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off, "zero-length run");
    if (phys + len < phys)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off,
                        "run wraps past the top of the physical space");
    if (!span_has(c->size, foff, len))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, hdr_off,
                        "run data past the end of the file");
    if (c->have_last) {
        uint64_t end = c->last.phys + c->last.len;
        if (phys < end)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off,
                            "run overlaps or precedes the previous run");
        if (phys == end && foff == c->last.file_offset + c->last.len) {
            c->last.len += len;
            goto account;
        }
        emit(c, &c->last);
    }
    c->last.phys = phys;
    c->last.len = len;
    c->last.file_offset = foff;
    c->last.data = 0;
    c->have_last = true;
account:
    c->info->run_bytes += len;
    c->info->phys_end = phys + len;
    return VTOP_OK;
}

vtop_status fmt_add_source_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                               uint64_t hdr_off)
{
    if (len == 0)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off, "zero-length run");
    if (phys + len < phys)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off,
                        "run wraps past the top of the physical space");
    if (c->have_last) {
        if (phys < c->last.phys + c->last.len)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, hdr_off,
                            "run overlaps or precedes the previous run");
        if (phys == c->last.phys + c->last.len) {
            c->last.len += len;
            c->info->run_bytes += len;
            c->info->phys_end = phys + len;
            return VTOP_OK;
        }
        emit(c, &c->last);
    }
    c->last = (vtop_run){phys, len, 0, 0};
    c->have_last = true;
    c->info->run_bytes += len;
    c->info->phys_end = phys + len;
    return VTOP_OK;
}

vtop_status fmt_finish_runs(fmt_ctx *c)
{
    if (c->have_last) {
        emit(c, &c->last);
        c->have_last = false;
    }
    return c->info->run_count > c->cap ? VTOP_BUFFER_TOO_SMALL : VTOP_OK;
}
