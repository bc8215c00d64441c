/* vtop EFI app, AArch64: reading the translation registers (see
 * machine.h). */
#include "machine.h"

#include <string.h>

#include "efi/cpu.h"

#define HCR_EL2_E2H (1ull << 34)   /* D19.2 HCR_EL2 */

void a64_machine_read(a64_machine *m)
{
    memset(m, 0, sizeof *m);
    m->el = a64_current_el();
    m->midr = a64_read_midr();
    m->mmfr0 = a64_read_mmfr0();
    m->mmfr1 = a64_read_mmfr1();
    m->mmfr2 = a64_read_mmfr2();
    m->ctr = a64_read_ctr();
    if (m->el == 2) {
        m->hcr = a64_read_hcr_el2();
        m->e2h = (m->hcr & HCR_EL2_E2H) != 0;
        m->sctlr = a64_read_sctlr_el2();
        m->tcr = a64_read_tcr_el2();
        m->ttbr0 = a64_read_ttbr0_el2();
        m->mair = a64_read_mair_el2();
        /* TTBR1_EL2 exists only with FEAT_VHE; it translates only when
         * E2H is set (D19.2 TTBR1_EL2). */
        if (m->e2h)
            m->ttbr1 = a64_read_ttbr1_el2();
        m->two_ranges = m->e2h;
        m->regime = m->e2h ? VTOP_A64_EL2_E2H : VTOP_A64_EL2;
    } else {
        m->sctlr = a64_read_sctlr_el1();
        m->tcr = a64_read_tcr_el1();
        m->ttbr0 = a64_read_ttbr0_el1();
        m->ttbr1 = a64_read_ttbr1_el1();
        m->mair = a64_read_mair_el1();
        m->two_ranges = true;
        m->regime = VTOP_A64_EL1;
    }
}

unsigned a64_parange_bits(unsigned field)
{
    static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52 };
    return field < sizeof bits / sizeof bits[0] ? bits[field] : 0;
}

static unsigned field(uint64_t v, unsigned lo, unsigned width)
{
    return (unsigned)((v >> lo) & ((1ull << width) - 1));
}

/* TCR_EL1's layout serves EL1&0 and EL2&0; TCR_EL2 without E2H has PS at
 * [18:16], HA/HD at 21/22 and DS at 32 (D19.2 TCR_EL1, TCR_EL2). T0SZ
 * [5:0], IRGN0 [9:8], ORGN0 [11:10] and TG0 [15:14] sit alike in both. */
a64_paging a64_ttbr0_paging(const a64_machine *m)
{
    a64_paging p = { 0 };
    const uint64_t t = m->tcr;
    static const unsigned granules[4] = { 4096, 65536, 16384, 0 };
    p.granule = granules[field(t, 14, 2)];
    p.t0sz = field(t, 0, 6);
    p.va_bits = 64 - p.t0sz;
    unsigned ps = m->two_ranges ? field(t, 32, 3) : field(t, 16, 3);
    unsigned pa = a64_parange_bits(ps), cap = a64_parange_bits(field(m->mmfr0, 0, 4));
    p.pa_bits = pa && cap && cap < pa ? cap : pa;
    p.ha = m->two_ranges ? field(t, 39, 1) : field(t, 21, 1);
    p.hd = m->two_ranges ? field(t, 40, 1) : field(t, 22, 1);
    p.ds = m->two_ranges ? field(t, 59, 1) : field(t, 32, 1);
    p.walk_wb = field(t, 8, 2) == 1 && field(t, 10, 2) == 1;
    if (p.granule) {
        /* Each level resolves (page shift - 3) bits (D8.2.x "translation
         * table walk": 9, 11 or 13 bits for 4K, 16K, 64K). */
        unsigned shift = (unsigned)__builtin_ctz(p.granule), stride = shift - 3;
        p.levels = p.va_bits > shift ? (p.va_bits - shift + stride - 1) / stride : 0;
        p.start_level = p.levels <= 4 ? 4 - p.levels : 0;
    }
    return p;
}
