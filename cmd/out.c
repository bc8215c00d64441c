/* vtop report layer: formatted output through a vtop_out sink. */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vtop_vprintf(const vtop_out *out, const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(again);
        vtop_puts(out, VTOP_OUT_CUT);
        return;
    }
    if ((size_t)n < sizeof small) {
        out->write(out->ctx, small, (size_t)n);
    } else {
        /* Rare long line: format once more into a heap buffer of the exact
         * size rather than truncating. */
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            out->write(out->ctx, big, (size_t)n);
            free(big);
        } else {
            out->write(out->ctx, small, sizeof small - 1);
            vtop_puts(out, VTOP_OUT_CUT);
        }
    }
    va_end(again);
}

void vtop_printf(const vtop_out *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vtop_vprintf(out, fmt, ap);
    va_end(ap);
}

void vtop_puts(const vtop_out *out, const char *text)
{
    out->write(out->ctx, text, strlen(text));
}
