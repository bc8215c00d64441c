/* vtop report layer: hexdump (see hexdump.h). */
#include "hexdump.h"

#include <inttypes.h>
#include <stdio.h>

size_t vtop_hexdump_line(char *line, uint64_t addr, const uint8_t *data,
                         size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (n > 16)
        n = 16;
    int o = snprintf(line, 20, "%016" PRIx64 "  ", addr);
    for (size_t i = 0; i < 16; i++) {
        char sep = (i == 7 && n > 8) ? '-' : ' ';
        if (i < n) {
            line[o++] = hex[data[i] >> 4];
            line[o++] = hex[data[i] & 15];
        } else {
            line[o++] = ' ';
            line[o++] = ' ';
        }
        line[o++] = (i == 15) ? ' ' : sep;
    }
    line[o++] = ' ';
    for (size_t i = 0; i < n; i++)
        line[o++] = (data[i] >= 0x20 && data[i] < 0x7f) ? (char)data[i] : '.';
    line[o] = '\0';
    return (size_t)o;
}

void vtop_hexdump(const vtop_out *out, uint64_t addr, const uint8_t *data,
                  size_t n)
{
    char line[96];
    for (size_t off = 0; off < n; off += 16) {
        size_t len = vtop_hexdump_line(line, addr + off, data + off, n - off);
        line[len++] = '\n';
        out->write(out->ctx, line, len);
    }
}
