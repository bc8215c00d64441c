/* vtop report layer: hexdump lines for `read` and `readp`.
 *
 * WinDbg `db` layout, 16 bytes a line, starting at the address asked for:
 *   0000000000401000  48 65 6c 6c 6f 00 00 00-00 00 00 00 00 00 00 00  Hello...........
 * (16-digit address, two blanks, bytes with '-' between the 8th and 9th,
 * two blanks, printable ASCII 0x20..0x7e else '.'); a short last line is
 * padded so the ASCII column stays aligned. Standard C only.
 */
#ifndef VTOP_CMD_HEXDUMP_H
#define VTOP_CMD_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "out.h"

void vtop_hexdump(const vtop_out *out, uint64_t addr, const uint8_t *data,
                  size_t n);

/* One line of at most 16 bytes into line (>= 96 bytes), NUL-terminated,
 * without the newline. Returns its length. */
size_t vtop_hexdump_line(char *line, uint64_t addr, const uint8_t *data,
                         size_t n);

#endif
