/* vtop core/formats: the VMCOREINFO note a Linux kernel leaves for crash
 * tools (kernel/crash_core.c, arch/x86/kernel/crash_core_64.c and
 * crash_core_32.c): lines "KEY=VALUE\n", where SYMBOL(x) and KERNELOFFSET
 * are hex, NUMBER(x) is decimal (phys_base may be negative) and
 * CONFIG_X86_PAE=y marks an i386 PAE kernel.
 *
 * The page-table root of the kernel follows from it:
 *   x86-64: SYMBOL(init_top_pgt) - __START_KERNEL_map + NUMBER(phys_base),
 *           5-level when NUMBER(pgtable_l5_enabled)=1;
 *   i386:   SYMBOL(swapper_pg_dir) - PAGE_OFFSET, PAE with CONFIG_X86_PAE.
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef VTOP_FORMATS_VMCOREINFO_H
#define VTOP_FORMATS_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../paging.h"
#include "../status.h"

typedef struct vtop_vmcoreinfo {
    char osrelease[65];          /* OSRELEASE, NUL-terminated ("" if absent) */
    uint64_t page_size;          /* PAGESIZE (0 if absent) */
    bool has_init_top_pgt, has_swapper_pg_dir, has_phys_base;
    bool has_l5, has_kerneloffset, has_sme_mask;
    bool l5;                     /* NUMBER(pgtable_l5_enabled)=1 */
    bool pae;                    /* CONFIG_X86_PAE=y */
    uint64_t init_top_pgt;       /* SYMBOL(init_top_pgt) */
    uint64_t swapper_pg_dir;     /* SYMBOL(swapper_pg_dir) */
    int64_t phys_base;           /* NUMBER(phys_base) */
    uint64_t kerneloffset;       /* KERNELOFFSET (the KASLR slide) */
    uint64_t sme_mask;           /* NUMBER(sme_mask): the SME C-bit */
    /* arm64 (arch/arm64/kernel/crash_core.c arch_crash_save_vmcoreinfo;
     * MAX_PHYSMEM_BITS from kernel/crash_core.c). kimage_voffset,
     * PHYS_OFFSET and TCR_EL1_T1SZ are printed 0x%llx, VA_BITS decimal:
     * a NUMBER with a 0x prefix is read as hex. */
    bool has_va_bits, has_kimage_voffset, has_phys_offset, has_t1sz;
    bool has_max_physmem_bits;
    uint64_t va_bits;            /* NUMBER(VA_BITS) */
    uint64_t kimage_voffset;     /* NUMBER(kimage_voffset): kernel VA - PA */
    uint64_t phys_offset;        /* NUMBER(PHYS_OFFSET): PA of the linear map's start */
    uint64_t t1sz;               /* NUMBER(TCR_EL1_T1SZ) */
    uint64_t max_physmem_bits;   /* NUMBER(MAX_PHYSMEM_BITS) */
    uint32_t lines;              /* KEY=VALUE lines seen */
} vtop_vmcoreinfo;

/* Parse text[0..len) (NUL bytes end it early). Unknown keys are ignored.
 * Returns VTOP_OK, VTOP_FORMAT_CORRUPT (no KEY=VALUE line at all, or a
 * known key with a malformed value), VTOP_BAD_ARGUMENT. */
vtop_status vtop_vmcoreinfo_parse(const uint8_t *text, uint64_t len,
                                  vtop_vmcoreinfo *out);

/* The kernel's root and mode. x86_64 selects the 64-bit rule (from the
 * image's machine); *why gets a static text. Returns VTOP_OK or
 * VTOP_NO_ROOT (the symbols the rule needs are missing). */
vtop_status vtop_vmcoreinfo_root(const vtop_vmcoreinfo *v, bool x86_64,
                                 uint64_t *root, vtop_mode *mode,
                                 const char **why);

/* arm64: the kernel's TTBR1_EL1 and a TCR_EL1 for its half
 * (core/formats/vmcoreinfo_a64.c, derivation in docs/linux-dumps.md):
 *   ttbr1 = SYMBOL(swapper_pg_dir) - NUMBER(kimage_voffset);
 *   tcr: T1SZ = NUMBER(TCR_EL1_T1SZ), else 64 - NUMBER(VA_BITS); TG1 from
 *        PAGESIZE (4K when absent); IPS from NUMBER(MAX_PHYSMEM_BITS)
 *        (48 bits when absent); EPD0 set (no TTBR0 known); HA set; DS for a
 *        52-bit VA with 4K or 16K pages (LPA2).
 * Returns VTOP_OK or VTOP_NO_ROOT (*why names the missing field). */
vtop_status vtop_vmcoreinfo_a64(const vtop_vmcoreinfo *v, uint64_t *ttbr1,
                                uint64_t *tcr, const char **why);

#endif
