/* vtop core: AArch64 geometry and space set-up, internal to core/
 * (paging.c dispatches to it; the public API is in paging.h).
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef VTOP_PAGING_A64_H
#define VTOP_PAGING_A64_H

#include <stdbool.h>
#include <stdint.h>

#include "paging.h"

/* The descriptor vtop_mode_describe(VTOP_MODE_AARCH64) gives: 4K granule,
 * 48-bit input, TTBR0 (the common Linux and UEFI configuration). */
extern const vtop_mode_desc vtop_a64_default_desc;

/* The descriptor of one half's walk: granule (12, 14, 16), input size
 * (16..52), half (0: TTBR0, 1: TTBR1). NULL when that walk has no levels
 * (64K with 16 bits) or an argument is out of range. */
const vtop_mode_desc *vtop_a64_desc(unsigned granule, unsigned va_bits,
                                    unsigned half);

/* vtop_space_init's AArch64 part: s->cfg (maxphyaddr already checked) and
 * s->mem are set; fills both halves and the space's own fields from the
 * first half that has tables. VTOP_OK or VTOP_BAD_SPACE. */
vtop_status vtop_a64_space_init(vtop_space *s);

/* vtop_space_set_root's AArch64 part: ttbr is the TTBR of the half
 * s->desc describes. VTOP_OK or VTOP_BAD_SPACE. */
vtop_status vtop_a64_set_root(vtop_space *s, uint64_t ttbr);

#endif
