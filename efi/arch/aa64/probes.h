/* vtop EFI app, AArch64: live probes of the AArch64 walker.
 *
 * With the app's own tables in TTBR0, test pages are mapped at VAs that
 * are not identity: two 1 GiB slots of the map that no plan range uses
 * (above 4 GiB, inside the first level-0 entry's 512 GiB). The first gets
 * a level-2 table with a level-3 table: a writable non-executable 4 KiB
 * page, a read-only executable 4 KiB page, and a 2 MiB block; the second
 * is a read-only 1 GiB block over the RAM the test pages sit in. Each
 * probe reads bytes through the MMU and compares them with the bytes at
 * the physical address vtop_translate gives over the same live tables (and
 * with the pattern written there), and checks the page size and rights.
 * Leaves are the builder's own (idmap_a64_leaf). The slots are invalid
 * again (with the TLB invalidated, D8.16 break-before-make) before
 * exceptions are unmasked.
 */
#ifndef VTOP_EFI_ARCH_AA64_PROBES_H
#define VTOP_EFI_ARCH_AA64_PROBES_H

#include <stdbool.h>

#include "cmd/out.h"
#include "efi/live.h"
#include "own.h"

/* One line per probe and a "probes:" summary; true when all passed. */
bool a64_probes_run(const ownmap *om, const live_memory *live, const vtop_out *out);

#endif
