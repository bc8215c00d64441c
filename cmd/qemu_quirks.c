/* vtop report layer: QEMU 7.2's monitor-output quirks (qemu_quirks.h). */
#include "cmd/qemu_quirks.h"

#define QEMU_PG_PSE (1ull << 7)

/* print_pte's masks (target/i386/monitor.c, tlb_info_32 / tlb_info_pae32 /
 * tlb_info_la48 / tlb_info_la57), by the page size of the leaf. */
typedef struct qemu_mode_quirks {
    bool paging_off;     /* hmp_info_tlb / hmp_info_mem: "PG disabled" */
    uint64_t mask_4k;    /* a PTE */
    uint64_t mask_large; /* a 2M (PAE, long mode) or 4M (32-bit) PDE */
    uint64_t mask_1g;    /* a 1G PDPTE (long mode) */
} qemu_mode_quirks;

static const qemu_mode_quirks quirks[VTOP_MODE_COUNT] = {
    [VTOP_MODE_NONE] = {.paging_off = true},
    /* 32-bit: 32-bit values, the 4M mask is ~((1 << 21) - 1). */
    [VTOP_MODE_32BIT] = {.mask_4k = 0xFFFFF000ull, .mask_large = 0xFFE00000ull},
    [VTOP_MODE_32BIT_PSE] = {.mask_4k = 0xFFFFF000ull, .mask_large = 0xFFE00000ull},
    /* PAE: ~0xfff and ~((hwaddr)(1 << 20) - 1): bit 63 (NX) stays. */
    [VTOP_MODE_PAE] = {.mask_4k = ~0xFFFull, .mask_large = ~0xFFFFFull},
    [VTOP_MODE_4LEVEL] = {.mask_4k = 0x3fffffffff000ull, .mask_large = 0x3ffffffe00000ull,
                          .mask_1g = 0x3ffffc0000000ull},
    [VTOP_MODE_5LEVEL] = {.mask_4k = 0x3fffffffff000ull, .mask_large = 0x3ffffffe00000ull,
                          .mask_1g = 0x3ffffc0000000ull},
};

static const qemu_mode_quirks *quirks_of(const vtop_space *space)
{
    static const qemu_mode_quirks none = {.paging_off = true};
    unsigned mode = (unsigned)space->desc->mode;
    return mode < VTOP_MODE_COUNT ? &quirks[mode] : &none;
}

bool vtop_qemu_paging_off(const vtop_space *space)
{
    return quirks_of(space)->paging_off;
}

/* addr_canonical sign-extends from the top VA bit of the mode (bit 47, or
 * 56 with CR4.LA57; in 32-bit modes bit 47 is never set), which is the
 * core's canonical form, but only when that bit is set: QEMU ORs the upper
 * bits in and never masks. */
uint64_t vtop_qemu_canonical(const vtop_space *space, uint64_t addr)
{
    const vtop_mode_desc *d = space->desc;
    if (d->va_bits == 0 || d->va_bits >= 64 || !((addr >> (d->va_bits - 1)) & 1))
        return addr;
    return vtop_canonical(d, addr);
}

void vtop_qemu_pte_mask(const vtop_space *space, uint8_t level, uint64_t entry,
                        uint64_t *pte, uint64_t *mask)
{
    const qemu_mode_quirks *q = quirks_of(space);
    uint8_t shift = space->desc->level[level].shift;
    bool page_4k = shift == 12;
    *pte = page_4k ? (entry & ~QEMU_PG_PSE) : entry;
    *mask = page_4k ? q->mask_4k : shift == 30 ? q->mask_1g : q->mask_large;
}
