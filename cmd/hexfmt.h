/* vtop report layer: fixed-width hex and string pieces without printf.
 *
 * The per-line views (vtop, tlb-style columns) print mostly fixed-width hex;
 * going through vsnprintf costs more than the translation itself. A
 * vtop_line collects one line in a stack buffer with bounds checks (a
 * piece that does not fit is cut, and `cut` says so), then goes to a
 * vtop_out in one write. The output is byte-identical to the printf
 * formats it replaces ("%016" PRIx64, "%08" PRIX32, "%s").
 */
#ifndef VTOP_CMD_HEXFMT_H
#define VTOP_CMD_HEXFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out.h"

typedef struct vtop_line {
    char buf[256];
    size_t n;
    bool cut;          /* something did not fit */
} vtop_line;

/* Exactly `digits` (1..16) hex digits of v, zero-padded (as "%0*" PRIx64
 * for a v that fits): lowercase, or uppercase (as PRIX). */
void vtop_line_hex(vtop_line *l, uint64_t v, unsigned digits);
void vtop_line_hex_upper(vtop_line *l, uint64_t v, unsigned digits);
void vtop_line_str(vtop_line *l, const char *s);
void vtop_line_mem(vtop_line *l, const char *s, size_t n);
/* A string literal, its length known at compile time (no strlen). */
#define VTOP_LINE_LIT(l, lit) vtop_line_mem((l), "" lit, sizeof(lit) - 1)

/* Write the line to out and empty it. */
void vtop_line_flush(vtop_line *l, const vtop_out *out);

/* A vtop_out that collects what is written and passes it on to `next` in
 * pieces of up to sizeof buf (one write per many lines instead of one per
 * line). Flush before anything else writes to next's stream. */
typedef struct vtop_out_buffer {
    vtop_out out;         /* give &b->out to formatters */
    const vtop_out *next;
    size_t n;
    char buf[8192];
} vtop_out_buffer;

void vtop_out_buffer_init(vtop_out_buffer *b, const vtop_out *next);
void vtop_out_buffer_flush(vtop_out_buffer *b);

#endif
