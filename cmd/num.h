/* vtop command language: numbers, lengths and address ranges.
 *
 * Standard C only (builds against glibc and newlib). Syntax, as in WinDbg
 * (default radix 16) so addresses can be pasted from WinDbg or QEMU:
 *   address  hex digits, optional 0x; backticks may group digits
 *            (fffff800`00001000); 0n prefix for decimal (0n4096).
 *   length   an address-style number, or a decimal count with a binary
 *            suffix k, m or g (4k = 4096, 2m = 0x200000).
 *   range    START-END (END exclusive, as in `mem` output), START END,
 *            or START L LEN / START LLEN (WinDbg length syntax).
 *   count    decimal (--cpu 1, --maxphyaddr 46).
 */
#ifndef VTOP_CMD_NUM_H
#define VTOP_CMD_NUM_H

#include <stdbool.h>
#include <stdint.h>

/* Each returns true on success; on failure *out is unchanged. */
bool vtop_parse_addr(const char *text, uint64_t *out);
bool vtop_parse_len(const char *text, uint64_t *out);
bool vtop_parse_count(const char *text, uint64_t max, uint64_t *out);

typedef struct vtop_range {
    uint64_t start;
    uint64_t end;   /* exclusive; 0 with end_is_top means "to the top" */
    bool end_is_top;
} vtop_range;

/* Parse a range from argv[0..argc): 1 token (START-END), 2 tokens
 * (START END or START Lnnn) or 3 tokens (START L LEN). On failure returns
 * false and sets *bad to the index of the offending token. */
bool vtop_parse_range(int argc, char *const argv[], vtop_range *out, int *bad);

#endif
