/* vtop fuzz harnesses: an address space built from fuzzer bytes, shared by
 * the walker and enumeration harnesses.
 *
 * Input layout (little-endian, short inputs read as zeros):
 *   [0]      mode (mod VTOP_MODE_COUNT, so NONE and every paging mode)
 *   [1]      flags: bit0 NXE, bit1 Windows software PTEs, bits2-3 extra runs,
 *            bit4 raw MAXPHYADDR byte (may be invalid), bit5 pa_extra_mask
 *   [2]      MAXPHYADDR (36 + b % 17 unless bit4), [3] extra-mask bit number
 *   [4..11]  CR3
 *   then the harness's own parameters (fuzz_space_params bytes), then
 *   6 bytes per extra run {u16 phys page, u8 shift, u8 data offset page,
 *   u16 length}, then the image bytes.
 * Run 0 maps the whole image at physical 0; extra runs map slices of it at
 * other physical addresses (also at the very top of the 64-bit space), so
 * lookups cross holes and run ends. Runs are validated with
 * vtop_physmem_validate; an invalid list falls back to run 0 alone.
 */
#ifndef VTOP_FUZZ_SPACE_H
#define VTOP_FUZZ_SPACE_H

#include <string.h>

#include "core/paging.h"
#include "core/physmem.h"
#include "fuzz_common.h"

#define MAX_RUNS 4

static inline size_t fuzz_build_runs(fuzz_cursor *c, unsigned extra, vtop_run *runs)
{
    vtop_run cand[MAX_RUNS];
    uint64_t desc[MAX_RUNS][4];
    for (unsigned i = 0; i < extra; i++) {
        desc[i][0] = fuzz_take(c, 2);
        desc[i][1] = fuzz_take(c, 1);
        desc[i][2] = fuzz_take(c, 1);
        desc[i][3] = fuzz_take(c, 2);
    }
    const uint8_t *img = c->p;
    uint64_t n = c->n;
    size_t count = 0;
    if (n > 0) {
        cand[count++] = (vtop_run){0, n, 0, img};
    }
    for (unsigned i = 0; i < extra; i++) {
        uint64_t off = (desc[i][2] << 12) % (n + 1);
        uint64_t len = desc[i][3] % (n - off + 1);
        if (len == 0) {
            continue;
        }
        uint64_t phys = desc[i][0] << (12 + desc[i][1] % 41);
        if (desc[i][1] == 0xff) {
            phys = 0 - len;   /* the very top of the physical space */
        }
        cand[count++] = (vtop_run){phys, len, off, img + off};
    }
    /* Insertion sort by phys: the physmem contract wants sorted runs. */
    for (size_t i = 1; i < count; i++) {
        for (size_t j = i; j > 0 && cand[j - 1].phys > cand[j].phys; j--) {
            vtop_run t = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = t;
        }
    }
    if (count > 1 && vtop_physmem_validate(cand, count) != VTOP_OK) {
        count = n > 0 ? 1 : 0;
        cand[0] = (vtop_run){0, n, 0, img};
    }
    memcpy(runs, cand, count * sizeof cand[0]);
    return count;
}

typedef struct fuzz_space {
    vtop_run runs[MAX_RUNS];
    vtop_physmem mem;
    vtop_space space;
} fuzz_space;

/* Reads the config, then params_len bytes into params, then runs and image.
 * Returns false when vtop_space_init refuses the config. */
static inline bool fuzz_space_build(fuzz_cursor *c, fuzz_space *fs,
                                    uint8_t *params, size_t params_len)
{
    vtop_space_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.mode = (vtop_mode)(fuzz_take(c, 1) % VTOP_MODE_COUNT);
    unsigned flags = (unsigned)fuzz_take(c, 1);
    unsigned mpa = (unsigned)fuzz_take(c, 1);
    unsigned xbit = (unsigned)fuzz_take(c, 1);
    cfg.nxe = flags & 1u;
    cfg.windows_pte = (flags >> 1) & 1u;
    cfg.maxphyaddr = (uint8_t)((flags & 0x10u) ? mpa : 36u + mpa % 17u);
    cfg.pa_extra_mask = (flags & 0x20u) ? 1ull << (xbit % 64u) : 0;
    cfg.cr3 = fuzz_take(c, 8);
    for (size_t i = 0; i < params_len; i++) {
        params[i] = (uint8_t)fuzz_take(c, 1);
    }
    fs->mem.runs = fs->runs;
    fs->mem.count = fuzz_build_runs(c, (flags >> 2) & 3u, fs->runs);
    return vtop_space_init(&fs->space, &cfg, &fs->mem) == VTOP_OK;
}

static inline uint64_t fuzz_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

#endif
