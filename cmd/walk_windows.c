/* vtop command language: the whole-space `ptov` map in windows of
 * physical addresses, memory bounded however many leaves (for
 * walk_jobs.c).
 *
 * The map is held as 32-byte pairs to be sorted, four times what the
 * leaves' page-table entries take: past VTOP_PTOV_SCAN_PAIRS (128 MiB) it
 * is sorted in windows of physical addresses instead, a census of the
 * pairs' PAs first (two walks), then one walk per window, so resident
 * memory stays bounded however many leaves a space has (an arm64 kernel
 * maps its linear map with 4K pages under rodata=full: 2^18 leaves per
 * GiB of RAM).
 */
#include <stdlib.h>

#include "walk_windows.h"

#define PA_BUCKETS 65536u

typedef struct pa_census {
    uint64_t n, lo, hi;        /* pairs, lowest and highest pa */
    uint64_t *bucket;          /* NULL: first pass (n, lo, hi only) */
    uint64_t width;
} pa_census;

static int count_pair(void *ctx, const vtop_ptov_pair *p)
{
    pa_census *c = ctx;
    if (c->bucket) {
        c->bucket[(p->pa - c->lo) / c->width]++;
        return 0;
    }
    if (c->n == 0 || p->pa < c->lo)
        c->lo = p->pa;
    if (c->n == 0 || p->pa > c->hi)
        c->hi = p->pa;
    c->n++;
    return 0;
}

/* One more walk of the whole space with progress started over. */
static vtop_status walk_again(const vtop_ptov_scan *q, const span_list *sl,
                              vtop_scan_hooks *h, vtop_ptov_pair_fn fn, void *ctx)
{
    watch w = {.sl = sl, .h = h};
    if (h->progress && sl)
        walk_progress_begin(q->svc, "ptov", sl, h);
    vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT,
                            .on_event = h->progress && sl ? walk_watch_event : NULL,
                            .event_ctx = &w};
    vtop_status st = vtop_ptov_map_each(q->space, 0, ~0ull, &eo, fn, ctx);
    if (sl)
        walk_watch_advance(&w, sl->total);
    return st;
}

vtop_status walk_ptov_windows(vtop_ptov_scan *q, const span_list *sl,
                              vtop_scan_hooks *h)
{
    void (*emit)(void *, const vtop_ptov_pair *) = q->on_pair;
    pa_census c = {0};
    vtop_status st = walk_again(q, sl, h, count_pair, &c);
    if (st != VTOP_OK || c.n == 0 || !emit)
        return st;
    c.width = (c.hi - c.lo) / PA_BUCKETS + 1;
    c.bucket = calloc(PA_BUCKETS, sizeof *c.bucket);
    if (!c.bucket) {
        q->no_memory = true;
        return VTOP_OK;
    }
    st = walk_again(q, sl, h, count_pair, &c);
    size_t limit = walk_max_pairs(q);
    for (uint64_t b = 0; st == VTOP_OK && b < PA_BUCKETS;) {
        uint64_t n = c.bucket[b], e = b + 1;
        while (e < PA_BUCKETS && n + c.bucket[e] <= limit)
            n += c.bucket[e++];
        if (n) {
            pair_store ps = walk_pairs_all(0);
            ps.pa_lo = c.lo + b * c.width;
            ps.pa_hi = c.lo + (e * c.width - 1);
            st = walk_again(q, sl, h, walk_store_pair, &ps);
            if (ps.no_memory) {
                q->no_memory = true;
                free(ps.v);
                break;
            }
            vtop_ptov_sort(ps.v, ps.n);
            for (size_t i = 0; st == VTOP_OK && i < ps.n; i++)
                emit(q->ctx, &ps.v[i]);
            free(ps.v);
        }
        b = e;
    }
    free(c.bucket);
    return st;
}
