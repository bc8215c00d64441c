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

/* What a run's bytes are: in the span, past its end (a truncated image),
 * or fetched by the page source (kdump). */
typedef enum fmt_run_kind {
    FMT_RUN_DIRECT,
    FMT_RUN_ABSENT,
    FMT_RUN_SOURCE
} fmt_run_kind;

typedef struct fmt_ctx {
    const uint8_t *base;
    uint64_t size;
    vtop_run *runs;
    size_t cap;
    vtop_image_info *info;  /* run_count, run_bytes, phys_end kept here */
    vtop_dump_store *store; /* paged formats' state, or NULL */
    vtop_run last;          /* the run being built (len 0: none yet) */
    fmt_run_kind last_kind;
    bool have_last;
} fmt_ctx;

/* Record where parsing stopped and return st. */
vtop_status fmt_fail(fmt_ctx *c, vtop_status st, uint64_t off,
                     const char *what);

/* Append [phys, phys+len) stored at file offset foff. hdr_off is the file
 * offset of the header that described the run (reported on error). Bytes
 * past the end of the file become an absent run, with a warning.
 * Returns VTOP_OK, VTOP_FORMAT_CORRUPT. */
vtop_status fmt_add_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                        uint64_t foff, uint64_t hdr_off);

/* Append [phys, phys+len) whose bytes come from the page source (data
 * NULL; no file range to check). Returns as fmt_add_run. */
vtop_status fmt_add_source_run(fmt_ctx *c, uint64_t phys, uint64_t len,
                               uint64_t hdr_off);

/* Note what a damaged image is missing (static text; the first one
 * found is kept: an image opens with one warning). */
void fmt_warn(fmt_ctx *c, const char *what, uint64_t off);

/* Flush the pending run; VTOP_BUFFER_TOO_SMALL if any run did not fit. */
vtop_status fmt_finish_runs(fmt_ctx *c);

/* Parsers: each returns VTOP_OK or a format status with error_offset set.
 * probe_* say whether the bytes carry the format's magic. */
bool fmt_probe_elf(const uint8_t *b, uint64_t size);
bool fmt_probe_lime(const uint8_t *b, uint64_t size);
bool fmt_probe_windmp64(const uint8_t *b, uint64_t size);
bool fmt_probe_windmp32(const uint8_t *b, uint64_t size);
bool fmt_probe_kdump(const uint8_t *b, uint64_t size);
bool fmt_probe_flat(const uint8_t *b, uint64_t size);
vtop_status fmt_open_elf(fmt_ctx *c);
vtop_status fmt_open_lime(fmt_ctx *c);
vtop_status fmt_open_windmp64(fmt_ctx *c);
vtop_status fmt_open_windmp32(fmt_ctx *c);
vtop_status fmt_open_kdump(fmt_ctx *c);
vtop_status fmt_open_flat(fmt_ctx *c);

/* Walk ELF notes in c->base[off, end): QEMU CPU notes (for machine
 * EM_386 / EM_X86_64; EM_AARCH64 cores carry none) and the VMCOREINFO note. Used by the ELF parser and
 * for the notes a kdump file carries. */
vtop_status fmt_elf_notes(fmt_ctx *c, uint16_t machine, uint64_t off,
                          uint64_t end);

/* vCPU 0's CR3 and mode (QEMU notes) as the image's root, when any. */
void fmt_cpu0_root(fmt_ctx *c);

/* After the notes: derive the root VMCOREINFO gives (x86_64: the 64-bit
 * rule) and, when the image has no other root, use it. */
void fmt_vmcoreinfo_root(fmt_ctx *c, bool x86_64);

/* An AArch64 image: mode AARCH64 and, when VMCOREINFO names the kernel's
 * tables (vtop_vmcoreinfo_a64), TTBR1/TCR and the root from it. */
void fmt_a64_vmcoreinfo_root(fmt_ctx *c);

#endif
