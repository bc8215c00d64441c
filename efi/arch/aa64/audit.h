/* vtop EFI app, AArch64: the audit findings that only AArch64 has, over
 * the firmware's live tables (the core's audit covers W+X, null page,
 * reserved bits and the rest for every architecture):
 *  - SCTLR_ELx.WXN clear: writable memory is not forced execute-never
 *    (Arm ARM DDI 0487 D19.2 SCTLR_EL1.WXN, D8.4.x);
 *  - writable leaves the current EL may execute (PXN clear at EL1, XN
 *    clear at EL2);
 *  - executable Device memory (instruction fetches from Device memory are
 *    not architecturally guaranteed; D8.5.x, "Instruction fetches from
 *    Device memory");
 *  - MMIO (memory-map MemoryMappedIO/PortSpace, GCD MemoryMappedIo) mapped
 *    as Normal memory (MAIR, D19.2 MAIR_ELx): a cacheable device mapping.
 * One summary line, then up to a few merged ranges per finding. */
#ifndef VTOP_EFI_ARCH_AA64_AUDIT_H
#define VTOP_EFI_ARCH_AA64_AUDIT_H

#include <stddef.h>

#include "cmd/out.h"
#include "core/paging.h"
#include "core/protect.h"
#include "efi/memmap.h"
#include "machine.h"

typedef struct a64_audit_input {
    const a64_machine *m;
    const vtop_space *fw;
    const efi_memmap *map;
    const vtop_prot_gcd *gcd;
    size_t ngcd;
    const vtop_out *out;
} a64_audit_input;

/* Returns the number of findings (leaves), or -1 when the walk failed. */
long a64_audit_print(const a64_audit_input *in);

#endif
