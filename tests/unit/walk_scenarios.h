/* Hand-built scenarios shared by walk_test.c and walk_modes_test.c: the
 * tables for one VA per mode, written from the SDM layouts (expected
 * values live in the tests). */
#ifndef VTOP_TEST_WALK_SCENARIOS_H
#define VTOP_TEST_WALK_SCENARIOS_H

#include "pt_fixture.h"

#define XL(hi) (1ull << (hi))

static inline int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

static inline vtop_space sp(fx_cfg c)
{
    vtop_space s;
    assert_int_equal(fx_space(&s, c), VTOP_OK);
    return s;
}

/* ---- 4-level -------------------------------------------------------- */

/* VA 0x0000008040201123: indices 1/1/1/1, offset 0x123.
 * PML4 @0x1000, PDPT @0x2000, PD @0x3000, PT @0x4000, page @0x5000. */
#define VA4 0x0000008040201123ull
static inline void build_4level_4k(void)
{
    fx_put64(0x1008, 0x2000 | 0x7); /* P RW US */
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, 0x4000 | 0x7);
    fx_put64(0x4008, 0x5000 | 0x163); /* P RW A D G */
}

/* ---- 5-level -------------------------------------------------------- */

/* VA 0x0001008040201123: indices 1/1/1/1/1. Tables 0x1000..0x5000,
 * page 0x6000. */
#define VA5 0x0001008040201123ull
static inline void build_5level(void)
{
    fx_put64(0x1008, 0x2000 | 0x7);
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, 0x4000 | 0x7);
    fx_put64(0x4008, 0x5000 | 0x7);
    fx_put64(0x5008, 0x6000 | 0x27); /* A */
}

/* ---- PAE ------------------------------------------------------------ */

/* VA 0x40201123: PDPTE 1, PDE 1, PTE 1. PDPT at 0x1020 (32-byte aligned),
 * PD @0x2000, PT @0x3000, page @0x4000. */
#define VAP 0x40201123ull
static inline void build_pae(void)
{
    fx_put64(0x1028, 0x2000 | 0x1);
    fx_put64(0x2008, 0x3000 | 0x7);
    fx_put64(0x3008, PTE_NX | 0x4000 | 0x5); /* user, read-only, NX */
}

/* ---- 32-bit --------------------------------------------------------- */

/* VA 0x00401123: PDE 1 @0x1004, PTE 1 @0x2004, page @0x3000. */
#define VA32 0x00401123ull
#endif
