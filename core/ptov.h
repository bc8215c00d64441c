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

#include <stdbool.h>
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

/* Return 0 to go on, non-zero to stop the walk (the call then returns
 * VTOP_OK; opt->stats->stopped says so). */
typedef int (*vtop_ptov_hit_fn)(void *ctx, const vtop_ptov_hit *hit);

/* vtop_ptov's hits among the leaves that overlap [va_first, va_last]
 * (canonical, inclusive), one call of fn each, in VA order. A split of the
 * VA space into ranges no leaf crosses (boundaries at multiples of the
 * largest leaf's span) gives, range after range, the hits of one whole
 * call. Returns as vtop_enumerate, VTOP_BAD_ARGUMENT also for
 * pa_start > pa_end or a NULL fn. */
vtop_status vtop_ptov_each(const vtop_space *space, uint64_t va_first,
                           uint64_t va_last, uint64_t pa_start, uint64_t pa_end,
                           const vtop_enum_options *opt, vtop_ptov_hit_fn fn,
                           void *ctx);

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

/* The pairs of the leaves that overlap [va_first, va_last], unsorted (VA
 * order), one call of fn each: for callers that store the map themselves
 * (in one pass, or split into ranges as vtop_ptov_each). Returns as
 * vtop_enumerate. */
typedef int (*vtop_ptov_pair_fn)(void *ctx, const vtop_ptov_pair *pair);
vtop_status vtop_ptov_map_each(const vtop_space *space, uint64_t va_first,
                               uint64_t va_last, const vtop_enum_options *opt,
                               vtop_ptov_pair_fn fn, void *ctx);

/* The map's order: pa, then va (the key is unique: one leaf per VA). */
static inline bool vtop_ptov_pair_less(const vtop_ptov_pair *a,
                                       const vtop_ptov_pair *b)
{
    return a->pa != b->pa ? a->pa < b->pa : a->va < b->va;
}

/* Sort n pairs into the map's order in place (heap sort: no recursion, no
 * allocation, O(n log n) worst case). */
void vtop_ptov_sort(vtop_ptov_pair *pairs, size_t n);

#endif
