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

#endif
