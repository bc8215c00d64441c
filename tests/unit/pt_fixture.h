/* Test fixture shared by the core unit tests: a zeroed 8 MiB buffer that is
 * physical memory [0, 8 MiB) (one run), entry writers, and a space builder.
 * Expected values in the tests are written by hand from the SDM layouts;
 * this file only stores bytes. */
#ifndef VTOP_TEST_PT_FIXTURE_H
#define VTOP_TEST_PT_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "core/paging.h"
#include "core/physmem.h"

#define FX_MEM_SIZE (8u << 20)
static uint8_t fx_mem[FX_MEM_SIZE];
static vtop_run fx_run = {0, FX_MEM_SIZE, 0, fx_mem};
static vtop_physmem fx_phys = {&fx_run, 1, NULL};

static inline void fx_reset(void)
{
    memset(fx_mem, 0, sizeof fx_mem);
}

static inline void fx_put64(uint64_t pa, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        fx_mem[pa + i] = (uint8_t)(v >> (8 * i));
}

static inline void fx_put32(uint64_t pa, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        fx_mem[pa + i] = (uint8_t)(v >> (8 * i));
}

typedef struct fx_cfg {
    vtop_mode mode;
    uint64_t cr3;
    int nxe;
    unsigned maxphyaddr;
    uint64_t extra;
    int windows;
} fx_cfg;

static inline vtop_status fx_space(vtop_space *s, fx_cfg c)
{
    vtop_space_config cfg = {.mode = c.mode, .cr3 = c.cr3, .nxe = c.nxe != 0, .maxphyaddr = (uint8_t)c.maxphyaddr, .pa_extra_mask = c.extra, .windows_pte = c.windows != 0};
    return vtop_space_init(s, &cfg, &fx_phys);
}

#endif
