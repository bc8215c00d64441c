/* vtop command language: the stores of the whole-space `ptov` walks
 * (walk_store.c), shared by walk_jobs.c and walk_windows.c (not part of
 * the platform API; see scan.h). */
#ifndef VTOP_CMD_WALK_STORE_H
#define VTOP_CMD_WALK_STORE_H

#include "scan.h"

/* The map's pairs held at once (32 bytes each: 128 MiB by default). */
static inline size_t walk_max_pairs(const vtop_ptov_scan *q)
{
    return q->max_pairs ? q->max_pairs : VTOP_PTOV_SCAN_PAIRS;
}

typedef struct hit_store {
    vtop_ptov_hit *v;
    size_t n, cap, keep;   /* keep: store at most this many */
    uint64_t total;
    bool no_memory;
} hit_store;

/* A vtop_ptov_each callback (ctx: a hit_store): counts every hit, keeps
 * the first keep; stops the walk only when memory ran out. */
int walk_store_hit(void *ctx, const vtop_ptov_hit *hit);

typedef struct pair_store {
    vtop_ptov_pair *v;
    size_t n, cap;
    size_t limit;          /* stop the walk past this many (0: none) */
    uint64_t pa_lo, pa_hi; /* keep only pairs whose pa is in [lo, hi] */
    bool no_memory, over;
} pair_store;

/* A vtop_ptov_map_each callback (ctx: a pair_store): keeps the pairs of
 * its PA range; stops the walk past limit (over) or out of memory. */
int walk_store_pair(void *ctx, const vtop_ptov_pair *p);
/* A store of every pair, at most limit (0: no limit). */
pair_store walk_pairs_all(size_t limit);

#endif
