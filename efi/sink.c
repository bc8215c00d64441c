/* vtop EFI app: stdout sink (see sink.h). */
#include "sink.h"

#include <stdio.h>

static void write_stdout(void *ctx, const char *text, size_t n)
{
    (void)ctx;
    fwrite(text, 1, n, stdout);
}

const vtop_out *efi_stdout_sink(void)
{
    static const vtop_out sink = { write_stdout, NULL };
    return &sink;
}
