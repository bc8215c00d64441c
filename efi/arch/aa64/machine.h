/* vtop EFI app, AArch64: the translation registers as found and what they
 * imply (Arm ARM DDI 0487, D19 register descriptions, D8 "The AArch64
 * Virtual Memory System Architecture").
 *
 * The app reads the registers of the exception level it runs at: EL1 by
 * default, EL2 under -M virt,virtualization=on. At EL2, HCR_EL2.E2H says
 * which regime the firmware's tables belong to: E2H=0 is the EL2 regime,
 * one VA range (TTBR0_EL2 only, TCR_EL2 in its own layout); E2H=1 is the
 * EL2&0 regime, laid out like EL1&0 (TTBR1_EL2 exists, TCR_EL2 has the
 * TCR_EL1 layout) (D8.1.2, D19.2 HCR_EL2.E2H, TCR_EL2).
 */
#ifndef VTOP_EFI_ARCH_AA64_MACHINE_H
#define VTOP_EFI_ARCH_AA64_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"
#include "efi/memmap.h"

typedef struct a64_machine {
    unsigned el;              /* CurrentEL: 1 or 2 */
    bool e2h;                 /* EL2 with HCR_EL2.E2H = 1 */
    bool two_ranges;          /* TTBR1 exists: EL1&0 or EL2&0 */
    uint8_t regime;           /* vtop_a64_regime */
    uint64_t midr, mmfr0, mmfr1, mmfr2, ctr, hcr;
    uint64_t sctlr, tcr, ttbr0, ttbr1, mair;
} a64_machine;

/* TTBR0's translation as TCR describes it (D8.1.x, D8.2 "Translation
 * table walk"); granule 0 when TG0 holds a reserved value. */
typedef struct a64_paging {
    unsigned granule;         /* 4096, 16384 or 65536 bytes */
    unsigned t0sz, va_bits;   /* TTBR0 covers [0, 2^va_bits) */
    unsigned levels, start_level;
    unsigned pa_bits;         /* TCR IPS / PS, capped by PARange */
    bool ha, hd, ds;          /* hardware AF, dirty state; 52-bit (LPA2) */
    bool walk_wb;             /* walks Inner and Outer Write-Back cacheable */
} a64_paging;

void a64_machine_read(a64_machine *m);
a64_paging a64_ttbr0_paging(const a64_machine *m);

/* ID_AA64MMFR0_EL1.PARange (or TCR IPS) to a bit count; 0 when reserved
 * (D19.2 ID_AA64MMFR0_EL1). */
unsigned a64_parange_bits(unsigned field);

/* The banner: firmware, console, CPU, exception level and regime, SCTLR,
 * TCR, TTBRs, MAIR, ID_AA64MMFR0/1/2 and the paging they imply, memory
 * map summary. "key: value" lines, for tests. */
void a64_banner_print(const a64_machine *m, const efi_memmap *map,
                      const vtop_out *out);

#endif
