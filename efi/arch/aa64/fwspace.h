/* vtop EFI app, AArch64: the core's view of a set of live tables: the
 * firmware's (TTBR0 as found) or the app's own (another TTBR0 with the
 * same TCR, MAIR and regime). */
#ifndef VTOP_EFI_ARCH_AA64_FWSPACE_H
#define VTOP_EFI_ARCH_AA64_FWSPACE_H

#include "core/paging.h"
#include "machine.h"

/* VTOP_MODE_AARCH64 with the registers of m and TTBR0 = ttbr0. */
vtop_space_config a64_space_config(const a64_machine *m, uint64_t ttbr0);

#endif
