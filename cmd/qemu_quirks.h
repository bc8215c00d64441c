/* vtop report layer: QEMU 7.2's monitor-output quirks, in one table.
 *
 * `info tlb` and `info mem` (QEMU target/i386/monitor.c) print a few things
 * that follow from QEMU's code rather than from the paging rules; vtop
 * reproduces them byte for byte, and this is the only place in cmd/ that
 * knows them per paging mode (everything else reads the mode descriptor,
 * core/paging.h):
 *  - the physical column is `pte & mask` with print_pte's per-mode masks;
 *    PAE masks only the low bits, so NX (bit 63) shows in the address;
 *  - addresses, and the size column of `info mem`, go through
 *    addr_canonical: the upper bits are set when bit 47 (bit 56 under
 *    LA57) is set, and nothing is ever masked, so a range ending at 2^48
 *    prints 0001000000000000;
 *  - without paging both commands print "PG disabled";
 *  - on a 5-level guest `info mem` prints nothing: mem_info_la57 tests the
 *    PDPTE and PDE present bits inverted. The walk that reproduces it is
 *    core's (vtop_qemu_mem_walk_ex, core/enum.h); VTOP_QEMU_MEM_FIX_LA57
 *    asks for what QEMU means (`mem --fixed`).
 */
#ifndef VTOP_CMD_QEMU_QUIRKS_H
#define VTOP_CMD_QEMU_QUIRKS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/paging.h"

/* True when QEMU prints "PG disabled" for this space (CR0.PG = 0). */
bool vtop_qemu_paging_off(const vtop_space *space);

/* addr_canonical of an address or size as QEMU prints it. */
uint64_t vtop_qemu_canonical(const vtop_space *space, uint64_t addr);

/* print_pte's (pte, mask) for a leaf entry at desc->level[level]: a 4K PTE
 * goes in with bit 7 (PAT there, PS elsewhere) cleared. The physical
 * column is pte & mask. */
void vtop_qemu_pte_mask(const vtop_space *space, uint8_t level, uint64_t entry,
                        uint64_t *pte, uint64_t *mask);

#endif
