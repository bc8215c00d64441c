/* vtop core/formats: the arm64 kernel's translation registers from
 * VMCOREINFO (see vmcoreinfo.h and docs/linux-dumps.md).
 *
 * The kernel half of an arm64 Linux address space is rooted at
 * swapper_pg_dir, a symbol of the kernel image. Image addresses are
 * physical + kimage_voffset (arch/arm64/include/asm/memory.h
 * __kimg_to_phys), and arch/arm64/kernel/crash_core.c exports both, so
 * TTBR1_EL1 = swapper_pg_dir - kimage_voffset: what the kernel itself
 * writes (arch/arm64/mm/mmu.c paging_init -> cpu_replace_ttbr1). TCR_EL1
 * is not in the note; the fields a walk of the kernel half needs are
 * rebuilt from what is (Arm ARM DDI 0487 D19.2, TCR_EL1):
 *   T1SZ [21:16]  NUMBER(TCR_EL1_T1SZ), or 64 - NUMBER(VA_BITS);
 *   TG1 [31:30]   the granule PAGESIZE names: 16K 0b01, 4K 0b10, 64K 0b11;
 *   IPS [34:32]   NUMBER(MAX_PHYSMEM_BITS): 48 -> 0b101, 52 -> 0b110;
 *   EPD0 [7]      set: nothing names the TTBR0 of a process, so the lower
 *                 half is reported as not translated rather than guessed;
 *   T0SZ, TG0     the same size and granule (unused with EPD0);
 *   HA [39]       set: the kernel enables hardware Access flag updates on
 *                 every CPU that has them (arch/arm64/mm/proc.S
 *                 __cpu_setup, CONFIG_ARM64_HW_AFDBM), where AF=0 is no
 *                 fault; it is also what a debugger wants of an old page;
 *   DS [59]       set for a 52-bit VA with 4K or 16K pages: only LPA2
 *                 gives those granules 52 bits (Linux 6.9+
 *                 CONFIG_ARM64_LPA2).
 * Other bits (TBI, HPD, ASID size) stay 0: the walk does not depend on
 * them for canonical kernel addresses.
 */
#include "vmcoreinfo.h"

#define TCR_EPD0 (1ull << 7)
#define TCR_HA   (1ull << 39)
#define TCR_DS   (1ull << 59)

/* TG0 [15:14] and TG1 [31:30] encode the granules differently. */
static bool granule_bits(uint64_t page_size, uint64_t *tg0, uint64_t *tg1)
{
    switch (page_size) {
    case 0:
    case 4096:
        *tg0 = 0;
        *tg1 = 2;
        return true;
    case 16384:
        *tg0 = 2;
        *tg1 = 1;
        return true;
    case 65536:
        *tg0 = 1;
        *tg1 = 3;
        return true;
    default:
        return false;
    }
}

static uint64_t ips_bits(const vtop_vmcoreinfo *v)
{
    return v->has_max_physmem_bits && v->max_physmem_bits >= 52 ? 6 : 5;
}

vtop_status vtop_vmcoreinfo_a64(const vtop_vmcoreinfo *v, uint64_t *ttbr1,
                                uint64_t *tcr, const char **why)
{
    if (!v || !ttbr1 || !tcr || !why)
        return VTOP_BAD_ARGUMENT;
    if (!v->has_swapper_pg_dir || !v->has_kimage_voffset) {
        *why = "VMCOREINFO has no SYMBOL(swapper_pg_dir) and NUMBER(kimage_voffset)";
        return VTOP_NO_ROOT;
    }
    uint64_t t1sz = v->has_t1sz ? v->t1sz : v->has_va_bits ? 64 - v->va_bits : 0;
    uint64_t tg0 = 0, tg1 = 0;
    if (t1sz < 12 || t1sz > 48) {
        *why = "VMCOREINFO has no usable NUMBER(TCR_EL1_T1SZ) or NUMBER(VA_BITS)";
        return VTOP_NO_ROOT;
    }
    if (!granule_bits(v->page_size, &tg0, &tg1)) {
        *why = "VMCOREINFO PAGESIZE is not an AArch64 granule (4K, 16K, 64K)";
        return VTOP_NO_ROOT;
    }
    *ttbr1 = v->swapper_pg_dir - v->kimage_voffset;
    *tcr = t1sz | TCR_EPD0 | tg0 << 14 | t1sz << 16 | tg1 << 30 |
           ips_bits(v) << 32 | TCR_HA;
    if (t1sz == 12 && tg1 != 3)
        *tcr |= TCR_DS;
    *why = v->has_t1sz ? "VMCOREINFO: arm64, TTBR1 = swapper_pg_dir - kimage_voffset, "
                         "T1SZ from NUMBER(TCR_EL1_T1SZ)"
                       : "VMCOREINFO: arm64, TTBR1 = swapper_pg_dir - kimage_voffset, "
                         "T1SZ = 64 - NUMBER(VA_BITS)";
    return VTOP_OK;
}
