/* vtop core: reverse lookup, physical -> virtual (in the spirit of WinDbg
 * !ptov).
 *
 * Built on vtop_enumerate (strict policy unless the caller passes options):
 * every leaf whose frame overlaps the physical range is a hit, so aliasing
 * (many VAs for one PA), the Linux direct map and the Windows self-map (a
 * PML4E pointing at its own PML4: the tables show up as ordinary leaves)
 * all appear. Cycles of tables are cut by the walk's depth (at most
 * VTOP_MAX_LEVELS) and its table budget, so every call finishes.
 *
 * Freestanding, allocation-free: callers pass the output arrays.
 */
#ifndef VTOP_PTOV_H
#define VTOP_PTOV_H

#include <stddef.h>
#include <stdint.h>

#include "enum.h"
#include "paging.h"
#include "status.h"

/* One virtual range mapping part of the queried physical range. */
typedef struct vtop_ptov_hit {
    uint64_t va;          /* canonical VA of the first matching byte */
    uint64_t pa;          /* the physical address it maps (>= query start) */
    uint64_t len;         /* matching bytes in this leaf */
    uint64_t leaf_va;     /* the leaf behind it */
    uint64_t leaf_pa;
    uint64_t leaf_size;
    uint8_t level;        /* desc->level[] index of the leaf */
    uint8_t rights;       /* VTOP_RIGHT_* */
} vtop_ptov_hit;

/* The caller's hit buffer and the counts vtop_ptov fills in. */
typedef struct vtop_ptov_hits {
    vtop_ptov_hit *hit;   /* caller's array (may be NULL when cap is 0) */
    size_t cap;
    size_t stored;        /* set: hits stored in hit[] */
    uint64_t total;       /* set: hits that exist */
} vtop_ptov_hits;

/* Every VA mapping a byte of [pa_start, pa_end] (inclusive), in VA order:
 * the first out->cap hits in out->hit[], out->stored = how many were
 * stored, out->total = how many exist.
 * Returns VTOP_OK (all stored), VTOP_BUFFER_TOO_SMALL (total > cap),
 * VTOP_LIMIT_REACHED (table budget spent: total counts what was seen),
 * VTOP_BAD_ARGUMENT, VTOP_BAD_SPACE. */
vtop_status vtop_ptov(const vtop_space *space, uint64_t pa_start,
                      uint64_t pa_end, const vtop_enum_options *opt,
                      vtop_ptov_hits *out);

/* One pair of the whole physical-to-virtual map. */
typedef struct vtop_ptov_pair {
    uint64_t pa;          /* physical base of the leaf */
    uint64_t va;          /* canonical VA of the leaf */
    uint64_t size;
    uint8_t level;
    uint8_t rights;
} vtop_ptov_pair;

/* The whole map: one pair per leaf, sorted by pa then va (in-place heap
 * sort: no recursion, no allocation). *count = pairs in the space.
 * Returns VTOP_OK, VTOP_BUFFER_TOO_SMALL (count > cap: nothing sorted, call
 * again with cap >= *count), VTOP_LIMIT_REACHED, VTOP_BAD_ARGUMENT,
 * VTOP_BAD_SPACE. */
vtop_status vtop_ptov_map(const vtop_space *space,
                          const vtop_enum_options *opt, vtop_ptov_pair *pairs,
                          size_t cap, size_t *count);

#endif
