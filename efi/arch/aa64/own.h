/* vtop EFI app, AArch64: the app's own identity map, from plan to TTBR0
 * and back.
 *
 * The plan is the x86 one (efi/idplan.h): every memory-map descriptor,
 * what the firmware maps identically outside it, and the GCD's MMIO
 * ranges (PI spec 1.7 vol. 2 section 7.2.4), which on QEMU's virt machine
 * hold the UART, the GIC, flash and the PCIe windows the memory map omits.
 * The tables (efi/idmap.h, IDMAP_A64) keep the firmware's TCR (granule,
 * T0SZ, walk attributes) and MAIR: leaves use the MAIR index the firmware
 * already gives Normal Write-Back memory and the one it gives Device
 * memory, so no translation register but TTBR0 ever changes.
 *
 * a64_own_setup checks the tables with the core (efi/selfcheck.h) before
 * anything is loaded; only then a64_ttbr0_load switches TTBR0 at the
 * current EL (ttbr.c), with tables (when given) cleaned first. a64_own_restore puts the firmware's TTBR0 back and
 * frees every page, whatever was switched in between.
 */
#ifndef VTOP_EFI_ARCH_AA64_OWN_H
#define VTOP_EFI_ARCH_AA64_OWN_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"
#include "core/protect.h"
#include "efi/idmap.h"
#include "efi/idplan.h"
#include "efi/live.h"
#include "efi/memmap.h"
#include "machine.h"

typedef struct ownmap {
    idplan plan;
    idmap map;
    const a64_machine *m;
    uint64_t fw_ttbr0;       /* as found, ASID and CnP included */
    uint64_t own_ttbr0;      /* the app's root with the firmware's ASID/CnP */
    bool loaded;             /* TTBR0 holds the app's tables now */
    bool usable;             /* built, checked and loaded once */
    bool checked_ok;
} ownmap;

/* What the set-up reads: fw is the firmware's live space (NULL when the
 * core cannot walk it), gcd the GCD map (may be empty). */
typedef struct a64_own_input {
    const a64_machine *m;
    const efi_memmap *map;
    const vtop_space *fw;
    const vtop_prot_gcd *gcd;
    size_t ngcd;
    const live_memory *live;
    const vtop_out *out;
} a64_own_input;

/* Returns true when the map was built, passed the self-check and is
 * loaded; prints the plan, build, self-check and load lines. */
bool a64_own_setup(ownmap *om, const a64_own_input *in);

/* A space over the app's own tables (valid once built). */
vtop_status a64_own_space(const ownmap *om, const live_memory *live,
                          vtop_space *space);

/* Switch TTBR0 to the app's tables (own) or back to the firmware's.
 * Returns false when own is asked for but the tables were never loaded. */
bool a64_own_use(ownmap *om, bool own);

/* Restore the firmware's TTBR0 (when changed) and free the tables. */
void a64_own_restore(ownmap *om, const vtop_out *out);

/* TTBR0 at the current EL, and the switch with its barriers (ttbr.c). */
uint64_t a64_ttbr0_read(const a64_machine *m);
void a64_ttbr0_load(const a64_machine *m, uint64_t ttbr0, const idmap *tables);
/* Make table writes in [start, start+bytes) visible to walks that do not
 * look in the data cache (TCR IRGN0/ORGN0 not Write-Back): DC CVAC. */
void a64_tables_clean(const a64_machine *m, uint64_t start, uint64_t bytes);

#endif
