/* Fuzz harness: the page walker (core/paging.h) over arbitrary bytes.
 *
 * Input layout (little-endian, short inputs read as zeros):
 *   [0]      mode (mod VTOP_MODE_COUNT, so NONE and every paging mode)
 *   [1]      flags: bit0 NXE, bit1 Windows software PTEs, bits2-3 extra runs,
 *            bit4 raw MAXPHYADDR byte (may be invalid), bit5 pa_extra_mask
 *   [2]      MAXPHYADDR (36 + b % 17 unless bit4), [3] extra-mask bit number
 *   [4..11]  CR3            [12..43] four virtual addresses
 *   [44..45] read length (bytes, < 16 KiB)
 *   then 6 bytes per extra run {u16 phys page, u8 shift, u8 data offset
 *   page, u16 length}, then the image bytes.
 * Run 0 maps the whole image at physical 0; extra runs map slices of it at
 * other physical addresses (also near 2^64), so lookups cross holes and runs.
 * The runs are validated with vtop_physmem_validate and dropped if invalid.
 *
 * Contracts checked (paging.h): the returned status equals out->status and
 * is a known status; nlevels fits the mode; a successful translation has a
 * known page size and keeps the page offset; a translated byte in the image
 * reads back the same through vtop_read_virtual; vtop_read_virtual and
 * vtop_read_physical report done counts consistent with their status.
 */
#include <string.h>

#include "core/paging.h"
#include "core/physmem.h"
#include "core/status.h"
#include "fuzz_common.h"

#define MAX_RUNS 4
#define MAX_READ 0x4000u

static void check_translation(const vtop_space *space, uint64_t va,
                              const vtop_translation *t, vtop_status st)
{
    FUZZ_CHECK(st == t->status, "returned %d, record %d", st, t->status);
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "status %d", st);
    FUZZ_CHECK(vtop_status_name(st) != NULL, "no name for %d", st);
    FUZZ_CHECK(t->nlevels <= VTOP_MAX_LEVELS, "nlevels %u", t->nlevels);
    if (space->desc != NULL) {
        FUZZ_CHECK(t->nlevels <= space->desc->levels, "nlevels %u > %u",
                   t->nlevels, space->desc->levels);
    }
    if (st != VTOP_OK) {
        return;
    }
    uint64_t sz = t->page_size;
    FUZZ_CHECK(sz == 0x1000u || sz == 0x200000u || sz == 0x400000u ||
               sz == 0x40000000u, "page size %llx", (unsigned long long)sz);
    FUZZ_CHECK(((t->pa ^ va) & (sz - 1)) == 0, "va %llx pa %llx size %llx",
               (unsigned long long)va, (unsigned long long)t->pa,
               (unsigned long long)sz);
    const uint8_t *byte = vtop_physmem_span(&space->mem, t->pa, 1);
    if (byte != NULL) {
        uint8_t got = 0;
        size_t done = 7;
        vtop_status rs = vtop_read_virtual(space, va, &got, 1, &done);
        FUZZ_CHECK(rs == VTOP_OK && done == 1 && got == *byte,
                   "read_virtual %d done %zu", rs, done);
    }
}

static void check_read(vtop_status st, size_t len, size_t done)
{
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "status %d", st);
    FUZZ_CHECK(done <= len, "done %zu > len %zu", done, len);
    if (len == 0) {
        return;
    }
    if (st == VTOP_OK) {
        FUZZ_CHECK(done == len, "OK with done %zu of %zu", done, len);
    } else if (st == VTOP_PARTIAL_READ) {
        FUZZ_CHECK(done > 0 && done < len, "partial with done %zu of %zu",
                   done, len);
    } else {
        FUZZ_CHECK(done == 0, "failure %d with done %zu", st, done);
    }
}

static size_t build_runs(fuzz_cursor *c, unsigned extra, vtop_run *runs)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    vtop_space_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.mode = (vtop_mode)(fuzz_take(&c, 1) % VTOP_MODE_COUNT);
    unsigned flags = (unsigned)fuzz_take(&c, 1);
    unsigned mpa = (unsigned)fuzz_take(&c, 1);
    unsigned xbit = (unsigned)fuzz_take(&c, 1);
    cfg.nxe = flags & 1u;
    cfg.windows_pte = (flags >> 1) & 1u;
    cfg.maxphyaddr = (uint8_t)((flags & 0x10u) ? mpa : 36u + mpa % 17u);
    cfg.pa_extra_mask = (flags & 0x20u) ? 1ull << (xbit % 64u) : 0;
    cfg.cr3 = fuzz_take(&c, 8);
    uint64_t va[4];
    for (int i = 0; i < 4; i++) {
        va[i] = fuzz_take(&c, 8);
    }
    size_t rlen = (size_t)fuzz_take(&c, 2) % MAX_READ;

    vtop_run runs[MAX_RUNS];
    vtop_physmem mem = {runs, build_runs(&c, (flags >> 2) & 3u, runs)};
    vtop_space space;
    if (vtop_space_init(&space, &cfg, &mem) != VTOP_OK) {
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        vtop_translation t;
        vtop_status st = vtop_translate(&space, va[i], &t);
        check_translation(&space, va[i], &t, st);
    }
    static uint8_t buf[MAX_READ];
    size_t done = 0;
    vtop_status st = vtop_read_virtual(&space, va[0], buf, rlen, &done);
    check_read(st, rlen, done);
    done = 0;
    st = vtop_read_physical(&space, va[1], buf, rlen, &done);
    check_read(st, rlen, done);
    return 0;
}
