/* vtop core/formats: what every format parser shares (internal header).
 *
 * A parser gets a fmt_ctx: the span, the caller's run buffer behind a run
 * builder, and the info record to fill. Runs are appended in physical order;
 * the builder coalesces neighbours (adjacent in both physical and file
 * space: Windows bitmap dumps give one bit per page), rejects zero-length,
 * overlapping, unsorted or wrapping runs and runs past the end of the file,
 * and keeps counting once the caller's buffer is full so the needed size can
 * be reported (VTOP_BUFFER_TOO_SMALL).
 */
#ifndef VTOP_FORMATS_PARSE_H
#define VTOP_FORMATS_PARSE_H

#include "format.h"

typedef struct fmt_ctx {
    const uint8_t *base;
    uint64_t size;
    vtop_run *runs;
    size_t cap;
    vtop_image_info *info;  /* run_count, run_bytes, phys_end kept here */
    vtop_run last;          /* the run being built (len 0: none yet) */
    bool have_last;
} fmt_ctx;

/* Record where parsing stopped and return st. */
vtop_status fmt_fail(fmt_ctx *c, vtop_status st, uint64_t off,
                     const char *what);

/* Append [phys, phys+len) stored at file offset foff. hdr_off is the file
 * offset of the header that described the run (reported on error).
 * Returns VTOP_OK, VTOP_FORMAT_CORRUPT, VTOP_FORMAT_TRUNCATED. */
vtop_status fmt_add_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                        uint64_t foff, uint64_t hdr_off);

/* Flush the pending run; VTOP_BUFFER_TOO_SMALL if any run did not fit. */
vtop_status fmt_finish_runs(fmt_ctx *c);

/* Parsers: each returns VTOP_OK or a format status with error_offset set.
 * probe_* say whether the bytes carry the format's magic. */
bool fmt_probe_elf(const uint8_t *b, uint64_t size);
bool fmt_probe_lime(const uint8_t *b, uint64_t size);
bool fmt_probe_windmp64(const uint8_t *b, uint64_t size);
bool fmt_probe_windmp32(const uint8_t *b, uint64_t size);
vtop_status fmt_open_elf(fmt_ctx *c);
vtop_status fmt_open_lime(fmt_ctx *c);
vtop_status fmt_open_windmp64(fmt_ctx *c);
vtop_status fmt_open_windmp32(fmt_ctx *c);

#endif
