/* vtop EFI app, AArch64: system-register access and the hooks the shared
 * files expect of every architecture (efi/cpu.h includes this file).
 *
 * Registers are read with MRS at the exception level the app runs at
 * (Arm ARM DDI 0487 D19, "AArch64 System Register Descriptions"); an _EL2
 * register read at EL1 is UNDEFINED, so callers pick by CurrentEL first.
 * Names the assembler may not know (TTBR1_EL2 from FEAT_VHE,
 * ID_AA64MMFR2_EL1 from FEAT_TTCNP era) are spelled as their encodings
 * S<op0>_<op1>_C<n>_C<m>_<op2> (D19.2).
 */
#ifndef VTOP_EFI_ARCH_AA64_CPU_H
#define VTOP_EFI_ARCH_AA64_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define A64_READ(fn, reg)                                   \
    static inline uint64_t fn(void)                         \
    {                                                       \
        uint64_t v;                                         \
        __asm__ volatile("mrs %0, " reg : "=r"(v));         \
        return v;                                           \
    }
A64_READ(a64_read_currentel, "CurrentEL")
A64_READ(a64_read_midr, "MIDR_EL1")
A64_READ(a64_read_mmfr0, "ID_AA64MMFR0_EL1")
A64_READ(a64_read_mmfr1, "ID_AA64MMFR1_EL1")
A64_READ(a64_read_mmfr2, "S3_0_C0_C7_2")
A64_READ(a64_read_ctr, "CTR_EL0")
A64_READ(a64_read_daif, "DAIF")
A64_READ(a64_read_sctlr_el1, "SCTLR_EL1")
A64_READ(a64_read_tcr_el1, "TCR_EL1")
A64_READ(a64_read_ttbr0_el1, "TTBR0_EL1")
A64_READ(a64_read_ttbr1_el1, "TTBR1_EL1")
A64_READ(a64_read_mair_el1, "MAIR_EL1")
A64_READ(a64_read_sctlr_el2, "SCTLR_EL2")
A64_READ(a64_read_tcr_el2, "TCR_EL2")
A64_READ(a64_read_ttbr0_el2, "TTBR0_EL2")
A64_READ(a64_read_ttbr1_el2, "S3_4_C2_C0_1")
A64_READ(a64_read_mair_el2, "MAIR_EL2")
A64_READ(a64_read_hcr_el2, "HCR_EL2")
#undef A64_READ

/* CurrentEL bits [3:2] (D19.2 CurrentEL). */
static inline unsigned a64_current_el(void)
{
    return (unsigned)(a64_read_currentel() >> 2) & 3u;
}

/* Mask IRQ, FIQ, SError and debug exceptions (DAIFSet, C5.2 DAIF) and give
 * back the previous DAIF for a64_daif_restore. */
static inline uint64_t a64_daif_mask(void)
{
    uint64_t v = a64_read_daif();
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    return v;
}

static inline void a64_daif_restore(uint64_t v)
{
    __asm__ volatile("msr daif, %0" : : "r"(v) : "memory");
}

/* The stack pointer. */
static inline uint64_t cpu_read_sp(void)
{
    uint64_t v;
    __asm__ volatile("mov %0, sp" : "=r"(v));
    return v;
}

/* Wait for an interrupt (the end of _exit, never reached in practice). */
static inline void cpu_halt(void) { __asm__ volatile("wfi"); }

/* AArch64 has no I/O port space: reads float high like a missing device,
 * so the shared console's 16550-at-0x3F8 probe finds nothing and the app
 * uses EFI_SERIAL_IO_PROTOCOL or ConOut (efi/console.c). */
static inline void cpu_outb(uint16_t port, uint8_t v) { (void)port; (void)v; }
static inline uint8_t cpu_inb(uint16_t port) { (void)port; return 0xFF; }

/* QEMU's semihosting SYS_EXIT (0x18): x1 points to {reason, subcode};
 * with ADP_Stopped_ApplicationExit (0x20026) QEMU exits with the subcode
 * (Arm "Semihosting for AArch32 and AArch64" 6.5; QEMU
 * semihosting/arm-compat-semi.c). The A64 trap is HLT #0xF000. The code is
 * sent as (code << 1) | 1, what QEMU's x86 isa-debug-exit makes of it, so
 * tools/qemu-efi.sh decodes both alike. Only called with -qemu-exit, which
 * the harness passes with -semihosting: without it HLT is UNDEFINED. */
static inline void cpu_qemu_exit(uint32_t code)
{
    uint64_t block[2] = { 0x20026u, ((uint64_t)code << 1) | 1u };
    register uint64_t x0 __asm__("x0") = 0x18u;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

#endif
