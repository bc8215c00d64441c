/* Test fixture for the AArch64 tests: register encodings written out from
 * the Arm ARM D19.2 layouts (TCR_EL1, TCR_EL2) and D8.3 descriptor bits, and
 * a space builder over pt_fixture.h's 8 MiB of physical memory. The values
 * here are spelled from the manual, not taken from core/. */
#ifndef VTOP_TEST_A64_FIXTURE_H
#define VTOP_TEST_A64_FIXTURE_H

#include <stdint.h>

#include "core/paging.h"
#include "pt_fixture.h"

/* TCR_EL1 (D19.2.139): T0SZ 5:0, EPD0 7, SH0 13:12, TG0 15:14 (00 4K, 01
 * 64K, 10 16K), T1SZ 21:16, EPD1 23, SH1 29:28, TG1 31:30 (01 16K, 10 4K,
 * 11 64K), IPS 34:32, TBI0 37, TBI1 38, HA 39, HD 40, HPD0 41, HPD1 42,
 * DS 59. */
#define T0SZ(n) ((uint64_t)(n))
#define T1SZ(n) ((uint64_t)(n) << 16)
#define TG0_4K (0ull << 14)
#define TG0_64K (1ull << 14)
#define TG0_16K (2ull << 14)
#define TG1_16K (1ull << 30)
#define TG1_4K (2ull << 30)
#define TG1_64K (3ull << 30)
#define EPD0 (1ull << 7)
#define EPD1 (1ull << 23)
#define SH0(n) ((uint64_t)(n) << 12)
#define SH1(n) ((uint64_t)(n) << 28)
#define IPS(n) ((uint64_t)(n) << 32) /* 0 32, 1 36, 2 40, 3 42, 4 44, 5 48, 6 52 */
#define TBI0 (1ull << 37)
#define TBI1 (1ull << 38)
#define HA (1ull << 39)
#define HD (1ull << 40)
#define HPD0 (1ull << 41)
#define HPD1 (1ull << 42)
#define DS (1ull << 59)

/* TCR_EL2 without E2H (D19.2.140): T0SZ 5:0, SH0 13:12, TG0 15:14, PS
 * 18:16, TBI 20, HA 21, HD 22, HPD 24, DS 32. */
#define EL2_PS(n) ((uint64_t)(n) << 16)
#define EL2_TBI (1ull << 20)
#define EL2_HA (1ull << 21)
#define EL2_HPD (1ull << 24)
#define EL2_DS (1ull << 32)

/* Descriptor bits (D8.3). */
#define D_TABLE 3ull
#define D_PAGE 3ull
#define D_BLOCK 1ull
#define D_AF (1ull << 10)
#define D_AP1 (1ull << 6)
#define D_AP2 (1ull << 7)
#define D_NG (1ull << 11)
#define D_NS (1ull << 5)
#define D_SH(n) ((uint64_t)(n) << 8)
#define D_ATTR(n) ((uint64_t)(n) << 2)
#define D_DBM (1ull << 51)
#define D_CONT (1ull << 52)
#define D_PXN (1ull << 53)
#define D_UXN (1ull << 54)
#define D_PXNT (1ull << 59)
#define D_UXNT (1ull << 60)
#define D_APT0 (1ull << 61)
#define D_APT1 (1ull << 62)

typedef struct a64_cfg {
    uint64_t tcr, ttbr0, ttbr1;
    vtop_a64_regime regime;
    unsigned maxphyaddr;
    uint64_t mair;
} a64_cfg;

static inline vtop_status a64_space(vtop_space *s, a64_cfg c)
{
    vtop_space_config cfg = {.mode = VTOP_MODE_AARCH64, .tcr = c.tcr,
                             .ttbr0 = c.ttbr0, .ttbr1 = c.ttbr1,
                             .a64_regime = (uint8_t)c.regime,
                             .maxphyaddr = (uint8_t)c.maxphyaddr, .mair = c.mair};
    return vtop_space_init(s, &cfg, &fx_phys);
}

#endif
