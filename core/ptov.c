/* vtop core: physical -> virtual lookup (ptov.h).
 *
 * Both calls are one vtop_enumerate pass: the enumeration's depth limit and
 * table budget are what keep self-maps and loops of tables finite. The whole
 * map is sorted in place with a heap sort (no recursion, no allocation,
 * O(n log n) worst case).
 */
#include "ptov.h"

typedef struct ptov_ctx {
    uint64_t lo, hi;          /* physical range, inclusive */
    vtop_ptov_hit *hits;
    size_t cap, stored;
    uint64_t total;
} ptov_ctx;

static int ptov_leaf(void *ctx, const vtop_leaf *l)
{
    ptov_ctx *c = ctx;
    uint64_t last = l->pa + (l->size - 1);
    if (last < c->lo || l->pa > c->hi)
        return 0;
    uint64_t from = l->pa > c->lo ? l->pa : c->lo;
    uint64_t to = last < c->hi ? last : c->hi;
    c->total++;
    if (c->stored < c->cap) {
        c->hits[c->stored++] = (vtop_ptov_hit){
            .va = l->va + (from - l->pa), .pa = from, .len = to - from + 1,
            .leaf_va = l->va, .leaf_pa = l->pa, .leaf_size = l->size,
            .level = l->level, .rights = l->rights,
        };
    }
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
    ptov_ctx c = {pa_start, pa_end, out->hit, out->cap, 0, 0};
    vtop_status s = vtop_enumerate(space, 0, ~0ull, opt, ptov_leaf, &c);
    out->stored = c.stored;
    out->total = c.total;
    if (s != VTOP_OK)
        return s;
    return c.total > out->cap ? VTOP_BUFFER_TOO_SMALL : VTOP_OK;
}

typedef struct map_ctx {
    vtop_ptov_pair *pairs;
    size_t cap, count;
} map_ctx;

static int map_leaf(void *ctx, const vtop_leaf *l)
{
    map_ctx *m = ctx;
    if (m->count < m->cap)
        m->pairs[m->count] = (vtop_ptov_pair){l->pa, l->va, l->size, l->level,
                                              l->rights};
    m->count++;
    return 0;
}

static bool pair_less(const vtop_ptov_pair *a, const vtop_ptov_pair *b)
{
    return a->pa != b->pa ? a->pa < b->pa : a->va < b->va;
}

static void sift_down(vtop_ptov_pair *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && pair_less(&v[child], &v[child + 1]))
            child++;
        if (!pair_less(&v[root], &v[child]))
            return;
        vtop_ptov_pair t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heap_sort(vtop_ptov_pair *v, size_t n)
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
    vtop_status s = vtop_enumerate(space, 0, ~0ull, opt, map_leaf, &m);
    *count = m.count;
    if (m.count > cap)
        return s == VTOP_OK ? VTOP_BUFFER_TOO_SMALL : s;
    heap_sort(pairs, m.count);
    return s;
}
