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

/* ours: a space over the new tables (same mode as they were built for);
 * fw: the firmware's space, or NULL to skip that part. Prints at most
 * a few mismatch lines to out. */
void selfcheck_run(const vtop_space *ours, const vtop_space *fw,
                   const idmap *map, const idplan *plan, uint64_t low_top,
                   const vtop_out *out, selfcheck_result *res);

#endif
