/* vtop core: physical -> virtual lookup (ptov.h).
 *
 * Every call is one vtop_enumerate pass: the enumeration's depth limit and
 * table budget are what keep self-maps and loops of tables finite. The whole
 * map is sorted in place with a heap sort (no recursion, no allocation,
 * O(n log n) worst case).
 */
#include "ptov.h"

typedef struct ptov_ctx {
    uint64_t lo, hi;          /* physical range, inclusive */
    vtop_ptov_hit_fn fn;
    void *ctx;
} ptov_ctx;

static int ptov_leaf(void *ctx, const vtop_leaf *l)
{
    const ptov_ctx *c = ctx;
    uint64_t last = l->pa + (l->size - 1);
    if (last < c->lo || l->pa > c->hi)
        return 0;
    uint64_t from = l->pa > c->lo ? l->pa : c->lo;
    uint64_t to = last < c->hi ? last : c->hi;
    vtop_ptov_hit h = {
        .va = l->va + (from - l->pa), .pa = from, .len = to - from + 1,
        .leaf_va = l->va, .leaf_pa = l->pa, .leaf_size = l->size,
        .level = l->level, .rights = l->rights,
    };
    return c->fn(c->ctx, &h);
}

vtop_status vtop_ptov_each(const vtop_space *space, uint64_t va_first,
                           uint64_t va_last, uint64_t pa_start, uint64_t pa_end,
                           const vtop_enum_options *opt, vtop_ptov_hit_fn fn,
                           void *ctx)
{
    if (!space || !fn || pa_start > pa_end)
        return VTOP_BAD_ARGUMENT;
    ptov_ctx c = {pa_start, pa_end, fn, ctx};
    return vtop_enumerate(space, va_first, va_last, opt, ptov_leaf, &c);
}

typedef struct store_ctx {
    vtop_ptov_hits *out;
} store_ctx;

static int store_hit(void *ctx, const vtop_ptov_hit *h)
{
    vtop_ptov_hits *out = ((store_ctx *)ctx)->out;
    out->total++;
    if (out->stored < out->cap)
        out->hit[out->stored++] = *h;
    return 0;
}

vtop_status vtop_ptov(const vtop_space *space, uint64_t pa_start,
                      uint64_t pa_end, const vtop_enum_options *opt,
                      vtop_ptov_hits *out)
{
    if (!out)
        return VTOP_BAD_ARGUMENT;
    out->stored = 0;
    out->total = 0;
    if (!space || pa_start > pa_end || (out->cap && !out->hit))
        return VTOP_BAD_ARGUMENT;
    store_ctx c = {out};
    vtop_status s = vtop_ptov_each(space, 0, ~0ull, pa_start, pa_end, opt,
                                   store_hit, &c);
    if (s != VTOP_OK)
        return s;
    return out->total > out->cap ? VTOP_BUFFER_TOO_SMALL : VTOP_OK;
}

typedef struct pair_ctx {
    vtop_ptov_pair_fn fn;
    void *ctx;
} pair_ctx;

static int pair_leaf(void *ctx, const vtop_leaf *l)
{
    const pair_ctx *c = ctx;
    vtop_ptov_pair p = {l->pa, l->va, l->size, l->level, l->rights};
    return c->fn(c->ctx, &p);
}

vtop_status vtop_ptov_map_each(const vtop_space *space, uint64_t va_first,
                               uint64_t va_last, const vtop_enum_options *opt,
                               vtop_ptov_pair_fn fn, void *ctx)
{
    if (!space || !fn)
        return VTOP_BAD_ARGUMENT;
    pair_ctx c = {fn, ctx};
    return vtop_enumerate(space, va_first, va_last, opt, pair_leaf, &c);
}

typedef struct map_ctx {
    vtop_ptov_pair *pairs;
    size_t cap, count;
} map_ctx;

static int map_pair(void *ctx, const vtop_ptov_pair *p)
{
    map_ctx *m = ctx;
    if (m->count < m->cap)
        m->pairs[m->count] = *p;
    m->count++;
    return 0;
}

static void sift_down(vtop_ptov_pair *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && vtop_ptov_pair_less(&v[child], &v[child + 1]))
            child++;
        if (!vtop_ptov_pair_less(&v[root], &v[child]))
            return;
        vtop_ptov_pair t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

void vtop_ptov_sort(vtop_ptov_pair *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (size_t end = n; end-- > 1;) {
        vtop_ptov_pair t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

vtop_status vtop_ptov_map(const vtop_space *space,
                          const vtop_enum_options *opt, vtop_ptov_pair *pairs,
                          size_t cap, size_t *count)
{
    if (count)
        *count = 0;
    if (!space || !count || (cap && !pairs))
        return VTOP_BAD_ARGUMENT;
    map_ctx m = {pairs, cap, 0};
    vtop_status s = vtop_ptov_map_each(space, 0, ~0ull, opt, map_pair, &m);
    *count = m.count;
    if (m.count > cap)
        return s == VTOP_OK ? VTOP_BUFFER_TOO_SMALL : s;
    vtop_ptov_sort(pairs, m.count);
    return s;
}
