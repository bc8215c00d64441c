/* vtop command language: the occupied spans of a space, and a walk's
 * progress over them, for the whole-space walks (walk_jobs.c).
 *
 * A walk's work lies where the tables are, not where the image's bytes
 * are, so its progress is counted in VA covered, and only over the parts
 * of the space that hold tables or leaves: the "occupied spans", one per
 * present entry of the level whose entries span the largest leaf (1 GiB
 * in 4- and 5-level paging: PDPTE, SDM Vol. 3A 4.5 table 4-17; 2 MiB in
 * PAE, 4 MiB in 32-bit paging; AArch64 4K granule: L1, Arm ARM D8.2).
 * A few cheap probing walks find them: each stops at the first table or
 * leaf below that level past a VA, so it reads only the tables above.
 * Holes of the image cost a table walk nothing (only tables are read),
 * and the tables it reads are the image's page-table share, which the
 * resident-memory bound allows.
 */
#include <stdlib.h>

#include "walk_spans.h"

#define MAX_SPANS 16384u  /* more: progress over the raw VA space, one job */
#define REPORT_EVERY 64u  /* tables between two progress calls */

/* ---- occupied spans ---- */

/* One half of the space: its canonical range and the level of its
 * occupied spans. */
typedef struct half_range {
    uint64_t lo, hi;
    unsigned level, shift;
} half_range;

/* The level whose entries span the largest leaf a walk can meet (the
 * first with leaf_allowed, above the last level); else the one above the
 * last. */
static unsigned span_level(const vtop_mode_desc *d)
{
    unsigned last = d->levels >= 2 ? d->levels - 2u : 0u;
    for (unsigned l = 0; l < last; l++)
        if (d->level[l].leaf_allowed)
            return l;
    return last;
}

static bool half_of_desc(const vtop_mode_desc *d, half_range *h)
{
    if (!vtop_mode_has_tables(d) || d->va_bits == 0 || d->va_bits >= 64)
        return false;
    uint64_t size = 1ull << d->va_bits;
    h->level = span_level(d);
    h->shift = d->level[h->level].shift;
    if (d->a64_upper) {           /* TTBR1: the top 2^va_bits (D8.2) */
        h->lo = 0 - size;
        h->hi = ~0ull;
    } else if (d->sign_extended) { /* handled by the caller: two halves */
        h->lo = 0;
        h->hi = size / 2 - 1;
    } else {
        h->lo = 0;
        h->hi = size - 1;
    }
    return true;
}

/* The canonical halves vtop_enumerate goes over, in its order. */
static unsigned halves(const vtop_space *s, half_range h[2])
{
    if (vtop_mode_is_a64(s->desc)) {
        unsigned n = 0;
        for (unsigned i = 0; i < 2; i++) {
            vtop_space view;
            if (vtop_space_half_view(s, i, &view) == VTOP_OK &&
                half_of_desc(view.desc, &h[n]))
                n++;
        }
        return n;
    }
    if (!half_of_desc(s->desc, &h[0]))
        return 0;
    if (!s->desc->sign_extended)
        return 1;
    h[1] = h[0];             /* the upper canonical half (SDM 3.3.7.1) */
    h[1].lo = ~h[0].hi;
    h[1].hi = ~0ull;
    return 2;
}

typedef struct probe {
    unsigned level;
    bool found;
    uint64_t va;
} probe;

static int probe_leaf(void *ctx, const vtop_leaf *l)
{
    probe *p = ctx;
    p->found = true;
    p->va = l->va;
    return 1;
}

/* A table pushed by an entry at the spans' level or below: the span of
 * that entry is occupied. */
static int probe_event(void *ctx, const vtop_enum_event *e)
{
    probe *p = ctx;
    if (e->kind != VTOP_EVENT_TABLE || e->table_level <= p->level)
        return 0;
    p->found = true;
    p->va = e->va;
    return 1;
}

static bool add_span(span_list *sl, size_t *cap, uint64_t lo, uint64_t hi)
{
    if (sl->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        span *v = ncap <= MAX_SPANS ? realloc(sl->v, ncap * sizeof *v) : NULL;
        if (!v)
            return false;
        sl->v = v;
        *cap = ncap;
    }
    sl->v[sl->n++] = (span){lo, hi};
    return true;
}

/* The occupied spans of half h, appended; false when they are too many,
 * memory ran out or a probe failed. */
static bool probe_half(const vtop_space *s, const half_range *h,
                       uint64_t budget, span_list *sl, size_t *cap)
{
    uint64_t from = h->lo, size = 1ull << h->shift;
    for (;;) {
        probe p = {h->level, false, 0};
        vtop_enum_stats st = {0};
        vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT, .max_tables = budget,
                                .on_event = probe_event, .event_ctx = &p,
                                .stats = &st};
        vtop_status r = vtop_enumerate(s, from, h->hi, &eo, probe_leaf, &p);
        sl->probe_tables += st.tables;
        if (r != VTOP_OK)
            return false;
        if (!p.found)
            return true;
        /* no leaf is larger than a span and spans are aligned, so what
         * the probe met starts at from or above */
        uint64_t lo = p.va > from ? p.va & ~(size - 1) : from;
        uint64_t hi = lo + (size - 1);
        if (!add_span(sl, cap, lo, hi))
            return false;
        if (hi >= h->hi)
            return true;
        from = hi + 1;
    }
}

void walk_spans_free(span_list *sl)
{
    free(sl->v);
    free(sl->before);
    *sl = (span_list){0};
}

static void spans_sum(span_list *sl)
{
    uint64_t t = 0;
    for (size_t i = 0; i < sl->n; i++) {
        sl->before[i] = t;
        t += sl->v[i].hi - sl->v[i].lo + 1;
    }
    sl->total = t;
}

bool walk_spans_find(const vtop_space *s, span_list *sl)
{
    *sl = (span_list){0};
    half_range h[2];
    unsigned nh = halves(s, h);
    uint64_t budget = vtop_enum_default_budget(s);
    size_t cap = 0;
    bool ok = true;
    for (unsigned i = 0; i < nh && ok; i++)
        ok = probe_half(s, &h[i], budget, sl, &cap);
    if (!ok) {
        sl->n = 0;
        sl->coarse = true;
        for (unsigned i = 0; i < nh; i++)
            if (!add_span(sl, &cap, h[i].lo, h[i].hi))
                return false;
    }
    sl->before = malloc((sl->n ? sl->n : 1) * sizeof *sl->before);
    if (!sl->before)
        return false;
    spans_sum(sl);
    return true;
}

/* ---- progress: VA covered, over the occupied spans ---- */

/* The VA covered once the walk reached va: the spans before it, and the
 * part of its own span below it. */
static uint64_t covered(const span_list *sl, uint64_t va)
{
    size_t lo = 0, hi = sl->n;
    while (lo < hi) {              /* first span with hi >= va */
        size_t mid = lo + (hi - lo) / 2;
        if (sl->v[mid].hi < va)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == sl->n)
        return sl->total;
    const span *s = &sl->v[lo];
    return sl->before[lo] + (va > s->lo ? va - s->lo : 0);
}

void walk_watch_advance(watch *w, uint64_t done)
{
    if (done > w->reported && w->h && w->h->progress) {
        w->h->progress(w->h->progress_ctx, done - w->reported);
        w->reported = done;
    }
}

int walk_watch_event(void *ctx, const vtop_enum_event *e)
{
    watch *w = ctx;
    if (e->kind == VTOP_EVENT_TABLE && ++w->tables % REPORT_EVERY == 0)
        walk_watch_advance(w, covered(w->sl, e->va));
    return 0;
}

void walk_watch_span(watch *w, size_t i)
{
    w->base = w->sl->before[i];
    w->reported = w->base;
}

void walk_progress_begin(const vtop_scan_services *svc, const char *what,
                         const span_list *sl, vtop_scan_hooks *h)
{
    *h = (vtop_scan_hooks){0};
    if (svc && svc->progress_begin)
        svc->progress_begin(svc->ctx, what, sl->total, h);
}

void walk_progress_end(const vtop_scan_services *svc, const vtop_scan_hooks *h)
{
    if (svc && svc->progress_end && h->progress)
        svc->progress_end(svc->ctx);
}

bool walk_progress_wanted(const vtop_scan_services *svc)
{
    return svc && svc->progress_begin && svc->shows_progress &&
           svc->shows_progress(svc->ctx);
}
