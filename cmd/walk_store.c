/* vtop command language: the stores of the whole-space `ptov` walks
 * (walk_jobs.c, walk_windows.c): hits and pairs held until they can be
 * given in order, within a bound; running out of memory sets a flag the
 * caller answers, it never drops an entry silently. */
#include <stdlib.h>

#include "walk_store.h"

int walk_store_hit(void *ctx, const vtop_ptov_hit *hit)
{
    hit_store *s = ctx;
    s->total++;
    if (s->n == s->keep)
        return 0;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        if (ncap > s->keep)
            ncap = s->keep;
        vtop_ptov_hit *v = realloc(s->v, ncap * sizeof *v);
        if (!v) {
            s->no_memory = true;
            return 1;
        }
        s->v = v;
        s->cap = ncap;
    }
    s->v[s->n++] = *hit;
    return 0;
}

int walk_store_pair(void *ctx, const vtop_ptov_pair *p)
{
    pair_store *s = ctx;
    if (p->pa < s->pa_lo || p->pa > s->pa_hi)
        return 0;
    if (s->limit && s->n == s->limit) {
        s->over = true;
        return 1;
    }
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 1024;
        if (s->limit && ncap > s->limit)
            ncap = s->limit;
        vtop_ptov_pair *v = realloc(s->v, ncap * sizeof *v);
        if (!v) {
            s->no_memory = true;
            return 1;
        }
        s->v = v;
        s->cap = ncap;
    }
    s->v[s->n++] = *p;
    return 0;
}

pair_store walk_pairs_all(size_t limit)
{
    return (pair_store){.limit = limit, .pa_hi = ~0ull};
}
