/* vtop report layer: where text goes.
 *
 * Every formatter writes through a vtop_out, so the same code prints to
 * stdout on the host and to the serial console in the EFI app (STYLE.md
 * rule 6). The report layer may use standard C (glibc / newlib).
 */
#ifndef VTOP_CMD_OUT_H
#define VTOP_CMD_OUT_H

#include <stdarg.h>
#include <stddef.h>

typedef struct vtop_out {
    /* Write n bytes; '\n' is a plain LF (the EFI sink turns it into CRLF). */
    void (*write)(void *ctx, const char *text, size_t n);
    void *ctx;
} vtop_out;

/* printf-style output through out. Text up to 511 bytes is formatted in a
 * stack buffer; longer text in a heap buffer of its exact size. Only when
 * that allocation fails is the text cut: the first 511 bytes are written,
 * followed by the marker VTOP_OUT_CUT, so a cut never passes unnoticed.
 * A format that vsnprintf rejects (an encoding error) writes the marker. */
#define VTOP_OUT_CUT "[output cut]\n"

void vtop_printf(const vtop_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vtop_vprintf(const vtop_out *out, const char *fmt, va_list ap);
void vtop_puts(const vtop_out *out, const char *text);

#endif
