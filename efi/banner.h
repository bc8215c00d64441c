/* vtop EFI app: the start-up banner: firmware, CPU, control
 * registers, the paging mode they imply, paging CPUID features, memory map
 * summary. Lines are "key: value" so tests can parse them. */
#ifndef VTOP_EFI_BANNER_H
#define VTOP_EFI_BANNER_H

#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"
#include "cpu.h"
#include "memmap.h"

typedef struct machine_state {
    uint64_t cr0, cr3, cr4, efer;
    cpu_features cpu;
} machine_state;

void machine_state_read(machine_state *m);

/* The mode the registers imply (core: SDM Vol. 3A 4.1.1 table 4-1) and
 * its name ("4level", "pae", ...; "off" when CR0.PG = 0). */
vtop_mode machine_paging_mode(const machine_state *m);
const char *machine_paging_mode_name(const machine_state *m);

void banner_print(const machine_state *m, const efi_memmap *map,
                  const vtop_out *out);

#endif
