/* vtop EFI app, IA32: live probes of the 32-bit and PAE walkers.
 *
 * With the app's identity map loaded, test pages are mapped at VAs that are
 * not identity (inside the unlisted-MMIO part of the map, which nothing
 * touches while interrupts are off): a 4 KiB page, a read-only page, a
 * 4 MiB PSE page and (PSE-36, when the CPU has it and RAM exists above
 * 4 GiB) one above 4 GiB under 32-bit paging; a 4 KiB page, a 2 MiB page,
 * an NX page and (with RAM above 4 GiB) a 2 MiB page above 4 GiB under PAE.
 * Each is read through the MMU and the bytes are compared with the physical
 * bytes at the address vtop_translate gives over the same live tables, and
 * with the pattern written there. Above 4 GiB, where the app has no
 * identity view, the first layout writes the pattern through its mapping
 * and the other reads it back through its own. The entries the
 * probes replaced are put back before interrupts are on again.
 */
#ifndef VTOP_EFI_ARCH_IA32_PROBES_H
#define VTOP_EFI_ARCH_IA32_PROBES_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"
#include "efi/idmap.h"
#include "efi/idplan.h"

typedef struct probe_env {
    const idmap *map;          /* loaded in CR3 now */
    const idplan *plan;        /* its plan (to find a free window) */
    const vtop_space *space;   /* the core's view of the same tables */
    bool nxe;                  /* EFER.NXE is set (PAE) */
    bool pse36;                /* CPUID PSE-36 */
    uint64_t ram_above_4g;     /* a 4 MiB aligned RAM address >= 4 GiB, or 0 */
    const vtop_out *out;
} probe_env;

typedef struct probe_counts {
    unsigned run, passed, skipped;
    bool high_written;   /* the pattern is at ram_above_4g (written through
                            a PAE mapping, so PSE-36 reads it back) */
} probe_counts;

/* Run the probes for env->map's layout, one line each. Adds to *counts. */
void ia32_probes_run(const probe_env *env, probe_counts *counts);

#endif
