/* vtop EFI app: the app's own identity map, from plan to CR3 and back.
 *
 * ownmap_setup plans from the memory map and the firmware's tables, builds
 * tables in the firmware's mode (4-level, or 5-level with CR4.LA57), checks
 * them with the core, and only then loads them into CR3 with interrupts
 * off around the switch (SDM Vol. 3A 4.10.4.1: MOV to CR3 flushes the
 * non-global TLB entries). On a CPU offering LA57 while the firmware runs
 * 4-level it also builds and checks a 5-level map without loading it.
 * ownmap_restore puts the firmware's CR3 back and frees every page.
 */
#ifndef VTOP_EFI_OWNMAP_H
#define VTOP_EFI_OWNMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "banner.h"
#include "cmd/out.h"
#include "core/paging.h"
#include "idmap.h"
#include "idplan.h"
#include "live.h"
#include "memmap.h"

typedef struct ownmap {
    idplan plan;
    idmap map;
    uint64_t fw_cr3;
    bool loaded;             /* CR3 holds the app's tables now */
    bool usable;             /* built, checked and loaded once */
    bool checked_ok;
} ownmap;

/* Returns true when the map was built, passed the self-check and is loaded.
 * Prints the build, self-check and load lines. fw is the firmware's space
 * over live memory. */
bool ownmap_setup(ownmap *om, const machine_state *m, const efi_memmap *map,
                  const vtop_space *fw, const live_memory *live,
                  const vtop_out *out);

/* A space over the app's own tables (valid after ownmap_setup). */
vtop_status ownmap_space(const ownmap *om, const machine_state *m,
                         const live_memory *live, vtop_space *space);

/* Switch the live CR3 to the app's tables (own) or back to the firmware's,
 * interrupts off around the move. Returns false when own is asked for but
 * the tables were never loaded (self-check failed). */
bool ownmap_use(ownmap *om, bool own);

/* Restore the firmware's CR3 (when loaded) and free the tables and plan. */
void ownmap_restore(ownmap *om, const vtop_out *out);

#endif
