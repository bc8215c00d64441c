/* Fuzz harness: root discovery (core/roots.h) over arbitrary physical
 * memory: every page (and PAE 32-byte slot) is a candidate top table, so
 * hostile bytes reach every scoring path and the bounded walks below them.
 *
 * Input: the memory of fuzz_space.h (its mode byte picks the scan's mode:
 * NONE = try every mode), with, as parameters: [0] capacity (0..31; cap 0
 * once answered NO_ROOT although tables qualified: finding R1, kept in
 * tests/fuzz/regress/roots/),
 * [1] walk_tables (0 = default, else 1..15), [2] bit0 skip_rank.
 *
 * Contracts checked (roots.h): known status; VTOP_NO_ROOT exactly when no
 * candidate qualified; count <= min(cap, candidates); every candidate names
 * a paging mode, a known set of evidence bits, a root inside the memory
 * scanned, and its top-table counts are consistent (kernel <= present).
 */
#include <string.h>

#include "core/paging.h"
#include "core/physmem.h"
#include "core/roots.h"
#include "core/status.h"
#include "fuzz_common.h"
#include "fuzz_space.h"

#define MAX_CAND 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    uint8_t p[3];
    static fuzz_space fs;
    /* The space may be refused (bad MAXPHYADDR ...): the memory is built
     * either way, and that is all a scan needs. */
    (void)fuzz_space_build(&c, &fs, p, sizeof p);
    vtop_roots_options opt;
    memset(&opt, 0, sizeof opt);
    opt.mode = (vtop_mode)(data && size ? data[0] % VTOP_MODE_COUNT : 0);
    opt.walk_tables = p[1] % 16u;
    opt.skip_rank = p[2] & 1u;
    size_t cap = p[0] % MAX_CAND;
    static vtop_root_candidate out[MAX_CAND];
    vtop_roots_result res;
    memset(&res, 0, sizeof res);
    vtop_status st = vtop_roots_scan(&fs.mem, &opt, cap ? out : NULL, cap, &res);
    FUZZ_CHECK(st == VTOP_OK || st == VTOP_NO_ROOT || st == VTOP_BAD_ARGUMENT,
               "roots_scan %d", st);
    if (st == VTOP_BAD_ARGUMENT) {
        return 0;
    }
    FUZZ_CHECK((st == VTOP_NO_ROOT) == (res.candidates == 0),
               "status %d with %llu candidates", st,
               (unsigned long long)res.candidates);
    FUZZ_CHECK(res.count <= cap && res.count <= res.candidates,
               "count %zu cap %zu candidates %llu", res.count, cap,
               (unsigned long long)res.candidates);
    for (size_t i = 0; i < res.count; i++) {
        const vtop_root_candidate *k = &out[i];
        FUZZ_CHECK(k->mode > VTOP_MODE_NONE && k->mode < VTOP_MODE_COUNT,
                   "candidate %zu mode %d", i, k->mode);
        FUZZ_CHECK((k->evidence >> VTOP_ROOT_EV_COUNT) == 0, "evidence %x", k->evidence);
        FUZZ_CHECK(vtop_physmem_find(&fs.mem, k->root) >= 0,
                   "candidate %zu root %llx outside memory", i,
                   (unsigned long long)k->root);
        FUZZ_CHECK(k->kernel <= k->present, "kernel %u > present %u", k->kernel,
                   k->present);
        for (unsigned b = 0; b < VTOP_ROOT_EV_COUNT; b++) {
            FUZZ_CHECK(vtop_root_evidence_name(1u << b) != NULL, "evidence name %u", b);
        }
    }
    return 0;
}
