/* vtop report layer: fixed-width hex without printf (hexfmt.h). */
#include "hexfmt.h"

#include <string.h>

static void put_hex(vtop_line *l, uint64_t v, unsigned digits, bool upper)
{
    if (digits == 0 || digits > 16)
        digits = 16;
    if (sizeof l->buf - l->n < digits) {
        l->cut = true;
        return;
    }
    char *d = l->buf + l->n;
    if (digits == 16) {
        vtop_hex16(d, v, upper);
    } else if (digits == 8) {
        vtop_hex8(d, (uint32_t)v, upper);
    } else {
        const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (unsigned i = digits; i-- > 0; v >>= 4)
            d[i] = alphabet[v & 15];
    }
    l->n += digits;
}

void vtop_line_hex(vtop_line *l, uint64_t v, unsigned digits)
{
    put_hex(l, v, digits, false);
}

void vtop_line_hex_upper(vtop_line *l, uint64_t v, unsigned digits)
{
    put_hex(l, v, digits, true);
}

void vtop_line_mem(vtop_line *l, const char *s, size_t n)
{
    size_t room = sizeof l->buf - l->n;
    if (n > room) {
        n = room;
        l->cut = true;
    }
    memcpy(l->buf + l->n, s, n);
    l->n += n;
}

void vtop_line_str(vtop_line *l, const char *s)
{
    vtop_line_mem(l, s, strlen(s));
}

void vtop_line_flush(vtop_line *l, const vtop_out *out)
{
    out->write(out->ctx, l->buf, l->n);
    l->n = 0;
}

static void buffer_write(void *ctx, const char *text, size_t n)
{
    vtop_out_buffer *b = ctx;
    if (n > sizeof b->buf - b->n)
        vtop_out_buffer_flush(b);
    if (n > sizeof b->buf) {
        b->next->write(b->next->ctx, text, n);
        return;
    }
    memcpy(b->buf + b->n, text, n);
    b->n += n;
}

void vtop_out_buffer_init(vtop_out_buffer *b, const vtop_out *next)
{
    b->out = (vtop_out){buffer_write, b};
    b->next = next;
    b->n = 0;
}

void vtop_out_buffer_flush(vtop_out_buffer *b)
{
    if (b->n)
        b->next->write(b->next->ctx, b->buf, b->n);
    b->n = 0;
}
