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

/* Start l as an empty line without clearing its buffer: the pieces write
 * every byte they count. An initializer (`vtop_line l = {.n = 0}`) clears
 * all of buf for each line; for the one-line-per-address views that is a
 * 256-byte `rep stos` per answer, measured here at about a seventh of a
 * script line's whole cost (75 ns a line with it, 65 without). */
static inline void vtop_line_init(vtop_line *l)
{
    l->n = 0;
    l->cut = false;
}

/* Eight hex digits of v into d[0..8) (no NUL), most significant first,
 * as one 8-byte word (SWAR, after Lemire's "Converting integers to hex
 * strings"): each nibble spread into its own byte, then '0' added and,
 * for bytes above 9, the gap to the letters. Inline: the per-line views
 * call it for every column. */
static inline void vtop_hex8(char *d, uint32_t v, bool upper)
{
    uint64_t gap = upper ? 'A' - '0' - 10 : 'a' - '0' - 10;
    uint64_t x = v;
    x = (x | x << 16) & 0x0000FFFF0000FFFFull;
    x = (x | x << 8) & 0x00FF00FF00FF00FFull;
    x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full; /* byte i = nibble i */
    uint64_t above9 = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
    x += 0x3030303030303030ull + above9 * gap;
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
    x = __builtin_bswap64(x);                 /* nibble 7 first in memory */
#endif
    __builtin_memcpy(d, &x, 8);
}

/* Sixteen hex digits of v into d[0..16). */
static inline void vtop_hex16(char *d, uint64_t v, bool upper)
{
    vtop_hex8(d, (uint32_t)(v >> 32), upper);
    vtop_hex8(d + 8, (uint32_t)v, upper);
}

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
