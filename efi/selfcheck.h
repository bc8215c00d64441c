/* vtop EFI app: live self-check of the app's identity map.
 *
 * The core walks the new tables through live memory (identity mapped) and
 * checks: every planned range translates to itself with the planned rights
 * and the leaf size the builder meant (sampled: each range's first and last
 * page and every 2 MiB inside, whole 1 GiB steps above 4 GiB); addresses in
 * no range are not present; and every address the firmware maps to itself
 * (sampled every 2 MiB below 4 GiB / the top of RAM, every 1 GiB above) is
 * still mapped to itself.
 */
#ifndef VTOP_EFI_SELFCHECK_H
#define VTOP_EFI_SELFCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"
#include "idmap.h"
#include "idplan.h"

typedef struct selfcheck_result {
    uint64_t ranges;        /* plan ranges checked */
    uint64_t addresses;     /* addresses translated in our tables */
    uint64_t fw_identity;   /* firmware identity addresses re-checked */
    uint64_t unmapped;      /* hole addresses confirmed not present */
    uint64_t mismatches;
} selfcheck_result;

typedef struct selfcheck_input {
    const vtop_space *ours;  /* a space over the new tables (their mode) */
    const vtop_space *fw;    /* the firmware's space, or NULL: skip that part */
    const idmap *map;
    const idplan *plan;
    uint64_t top;            /* top of RAM: firmware sampled every 2 MiB below */
    const vtop_out *out;     /* at most a few mismatch lines */
} selfcheck_input;

void selfcheck_run(const selfcheck_input *in, selfcheck_result *res);

/* Under the loaded tables ours, the app's code (code: an address in it)
 * and its stack (a local of this function) must translate to themselves,
 * code executable, stack writable, and the stack not executable when
 * stack_nx. Prints the "live check:" line; returns true when it passes. */
bool selfcheck_live_identity(const vtop_space *ours, uint64_t code, bool stack_nx,
                             const vtop_out *out);

#endif
