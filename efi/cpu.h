/* vtop EFI app: the few privileged x86 instructions the app needs.
 *
 * Sources: Intel SDM Vol. 2 (CPUID, MOV CRn, RDMSR, OUT, HLT), Vol. 3A 2.5
 * (control registers), Vol. 4 (IA32_EFER = MSR 0xC0000080).
 *
 * Every architecture gives the shared files (console, power, syscalls,
 * firmware sources) cpu_read_sp, cpu_halt, cpu_qemu_exit and port I/O;
 * AArch64's are in efi/arch/aa64/cpu.h.
 */
#ifndef VTOP_EFI_CPU_H
#define VTOP_EFI_CPU_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__aarch64__)
#include "arch/aa64/cpu.h"
#else

#define MSR_IA32_EFER 0xC0000080u

typedef struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
} cpuid_regs;

static inline cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
    cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/* Control registers are as wide as the mode: 64 bits in IA-32e mode, 32 in
 * protected mode (SDM Vol. 3A 2.5). The accessors move a register-sized
 * value (unsigned long: 64 bits under x64's LP64, 32 under IA32's ILP32) and
 * widen it, so callers use uint64_t on both. */
typedef unsigned long cpu_reg;

#define CPU_READ_CR(n)                                   \
    static inline uint64_t cpu_read_cr##n(void)          \
    {                                                    \
        cpu_reg v;                                       \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); \
        return v;                                        \
    }
CPU_READ_CR(0)
CPU_READ_CR(3)
CPU_READ_CR(4)
#undef CPU_READ_CR

/* Loading CR3 flushes non-global TLB entries (SDM Vol. 3A 4.10.4.1). */
static inline void cpu_write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"((cpu_reg)v) : "memory");
}

static inline void cpu_write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"((cpu_reg)v) : "memory");
}

static inline void cpu_write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"((cpu_reg)v) : "memory");
}

static inline uint64_t cpu_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
}

/* The stack pointer (RSP / ESP). */
static inline uint64_t cpu_read_sp(void)
{
    cpu_reg v;
#ifdef __x86_64__
    __asm__ volatile("mov %%rsp, %0" : "=r"(v));
#else
    __asm__ volatile("mov %%esp, %0" : "=r"(v));
#endif
    return v;
}

/* RFLAGS / EFLAGS; the assembler sizes pushf/pop from the register. */
static inline uint64_t cpu_read_rflags(void)
{
    cpu_reg v;
    __asm__ volatile("pushf; pop %0" : "=r"(v));
    return v;
}

static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }

static inline void cpu_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t cpu_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void cpu_outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Wait for an interrupt (the end of _exit, never reached in practice). */
static inline void cpu_halt(void) { __asm__ volatile("hlt"); }

/* QEMU's isa-debug-exit device (tools/qemu-efi.sh adds it at port 0xf4):
 * QEMU exits with (code << 1) | 1 (QEMU hw/misc/debugexit.c). */
#define QEMU_DEBUG_EXIT_PORT 0xf4u
static inline void cpu_qemu_exit(uint32_t code)
{
    cpu_outl(QEMU_DEBUG_EXIT_PORT, code);
}

/* Paging-relevant CPU features (CPUID leaves 1, 7, 0x80000001, 0x80000008;
 * SDM Vol. 2A CPUID, Vol. 3A 4.1.4). */
typedef struct cpu_features {
    char vendor[13];
    char brand[49];
    uint32_t family, model, stepping;
    bool pse, pae, pse36, pge, nx, pdpe1gb, la57, lm;
    uint8_t maxphyaddr;   /* 36 when leaf 0x80000008 is absent (SDM 4.1.4) */
    uint8_t linear_bits;
} cpu_features;

void cpu_query_features(cpu_features *f);

#endif /* x86 */
#endif
