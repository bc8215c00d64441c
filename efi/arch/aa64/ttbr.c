/* vtop EFI app, AArch64: loading TTBR0 at the current exception level
 * (see own.h).
 *
 * The sequence (Arm ARM DDI 0487 D8.13 "TLB maintenance", D8.14 "Caches
 * and memory coherency for translation tables", D8.16 "Using
 * break-before-make when updating translation table entries"):
 *   1. the new tables are in memory the walker sees: cleaned to the point
 *      of coherency (DC CVAC) when TCR makes walks non-cacheable, then
 *      DSB ISHST so every table write completes before the switch;
 *   2. MSR TTBR0_ELx; ISB, so later instructions translate through it;
 *   3. TLBI VMALLE1 (EL1&0) or TLBI ALLE2 (EL2, EL2&0): entries cached
 *      from the old tables go, global ones included; DSB ISH waits for the
 *      invalidation; ISB resynchronizes the fetch stream.
 * Both tables map the code, stack and data in use to the same physical
 * addresses with the same memory type (Normal Write-Back through the
 * firmware's own MAIR index), so only block sizes and permissions can
 * differ between an old TLB entry and a new walk; with exceptions masked
 * nothing runs between the ISB and the TLBI but this sequence. (Hardware
 * may raise a TLB conflict abort when entries of both sizes overlap,
 * D8.16.1; QEMU does not model them.)
 */
#include "own.h"

#include "efi/cpu.h"

#define PAGE 4096ull

uint64_t a64_ttbr0_read(const a64_machine *m)
{
    return m->el == 2 ? a64_read_ttbr0_el2() : a64_read_ttbr0_el1();
}

/* CTR_EL0.DminLine [19:16]: log2 of the words in the smallest data cache
 * line (D19.2 CTR_EL0). */
void a64_tables_clean(const a64_machine *m, uint64_t start, uint64_t bytes)
{
    if (a64_ttbr0_paging(m).walk_wb)
        return;
    uint64_t line = 4ull << ((a64_read_ctr() >> 16) & 0xfu);
    for (uint64_t a = start & ~(line - 1); a < start + bytes; a += line)
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    __asm__ volatile("dsb ish" ::: "memory");
}

void a64_ttbr0_load(const a64_machine *m, uint64_t ttbr0, const idmap *tables)
{
    if (tables)
        a64_tables_clean(m, tables->pool, (uint64_t)tables->pool_pages * PAGE);
    uint64_t daif = a64_daif_mask();
    if (m->el == 2)
        __asm__ volatile("dsb ishst\n\t"
                         "msr ttbr0_el2, %0\n\t"
                         "isb\n\t"
                         "tlbi alle2\n\t"
                         "dsb ish\n\t"
                         "isb"
                         : : "r"(ttbr0) : "memory");
    else
        __asm__ volatile("dsb ishst\n\t"
                         "msr ttbr0_el1, %0\n\t"
                         "isb\n\t"
                         "tlbi vmalle1\n\t"
                         "dsb ish\n\t"
                         "isb"
                         : : "r"(ttbr0) : "memory");
    a64_daif_restore(daif);
}
