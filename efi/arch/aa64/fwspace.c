/* vtop EFI app, AArch64: space configurations (see fwspace.h). */
#include "fwspace.h"

vtop_space_config a64_space_config(const a64_machine *m, uint64_t ttbr0)
{
    a64_paging p = a64_ttbr0_paging(m);
    return (vtop_space_config){
        .mode = VTOP_MODE_AARCH64, .ttbr0 = ttbr0,
        .ttbr1 = m->two_ranges ? m->ttbr1 : 0, .tcr = m->tcr, .mair = m->mair,
        .a64_regime = m->regime, .maxphyaddr = (uint8_t)p.pa_bits,
    };
}
