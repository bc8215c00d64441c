/* vtop command language: whole-space table walks (`ptov` of everything,
 * `audit`) with the platform's scan services (cmd/scan.h).
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
 *
 * `ptov` splits into jobs by occupied span: no leaf crosses a span's
 * boundary (no leaf is larger than one), so the spans' hits, put back in
 * span order, are the hits of one walk, and the map's pairs (a unique key:
 * one leaf per VA) sorted per job and merged are the sorted map. Every span
 * walk gets the whole table budget: when their tables and the probes'
 * (which together visit every table one walk visits) fit in it, one walk
 * would not have run out either; when they do not, or any span failed,
 * the answer comes from one walk, as without jobs, so it is always the
 * same. `audit` runs as one job: its findings merge adjacent leaves
 * across any boundary and the table checks report the second reference
 * in walk order, a state the whole walk shares.
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

#include "scan.h"

#define MAX_SPANS 16384u  /* more: progress over the raw VA space, one job */
#define REPORT_EVERY 64u  /* tables between two progress calls */
#define MAX_JOBS 64u

/* ---- occupied spans ---- */

typedef struct span {
    uint64_t lo, hi;       /* canonical, inclusive */
} span;

typedef struct span_list {
    span *v;
    size_t n;
    uint64_t *before;      /* VA of the spans before v[i] (progress) */
    uint64_t total;
    uint64_t probe_tables; /* tables the probes visited */
    bool coarse;           /* the halves themselves: no split */
} span_list;

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
    if (!d || d->levels == 0 || d->va_bits == 0 || d->va_bits >= 64)
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

static void spans_free(span_list *sl)
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

/* The occupied spans of s, or (coarse) its halves when they cannot be
 * listed. false: out of memory. */
static bool spans_find(const vtop_space *s, span_list *sl)
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

typedef struct watch {
    const span_list *sl;
    const vtop_scan_hooks *h;
    uint64_t reported;     /* this job's VA reported so far */
    uint64_t base;         /* VA of the spans before the current walk */
    unsigned tables;
} watch;

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

static void advance(watch *w, uint64_t done)
{
    if (done > w->reported && w->h && w->h->progress) {
        w->h->progress(w->h->progress_ctx, done - w->reported);
        w->reported = done;
    }
}

static int watch_event(void *ctx, const vtop_enum_event *e)
{
    watch *w = ctx;
    if (e->kind == VTOP_EVENT_TABLE && ++w->tables % REPORT_EVERY == 0)
        advance(w, covered(w->sl, e->va));
    return 0;
}

/* A job's walk of span i: its progress counts from where that span
 * starts, only the VA of the spans it walks. */
static void watch_span(watch *w, size_t i)
{
    w->base = w->sl->before[i];
    w->reported = w->base;
}

/* The platform's hooks, progress begun when it shows one. */
static void progress_begin(const vtop_scan_services *svc, const char *what,
                           const span_list *sl, vtop_scan_hooks *h)
{
    *h = (vtop_scan_hooks){0};
    if (svc && svc->progress_begin)
        svc->progress_begin(svc->ctx, what, sl->total, h);
}

static void progress_end(const vtop_scan_services *svc, const vtop_scan_hooks *h)
{
    if (svc && svc->progress_end && h->progress)
        svc->progress_end(svc->ctx);
}

static bool want_progress(const vtop_scan_services *svc)
{
    return svc && svc->progress_begin && svc->shows_progress &&
           svc->shows_progress(svc->ctx);
}

/* ---- audit ---- */

vtop_status vtop_audit_scan(const vtop_space *space, const vtop_scan_services *svc,
                            const vtop_audit_options *opt,
                            vtop_finding_fn on_finding, void *ctx,
                            vtop_audit_stats *stats)
{
    span_list sl = {0};
    vtop_scan_hooks h = {0};
    watch w = {0};
    if (space && want_progress(svc) && spans_find(space, &sl))
        progress_begin(svc, "audit", &sl, &h);
    w = (watch){.sl = &sl, .h = &h};
    vtop_status st = vtop_audit_watched(space, opt, h.progress ? watch_event : NULL,
                                        &w, on_finding, ctx, stats);
    if (h.progress) {
        advance(&w, sl.total);
        progress_end(svc, &h);
    }
    spans_free(&sl);
    return st;
}

/* ---- ptov: the jobs ---- */

/* The map's pairs held at once (32 bytes each: 128 MiB by default). */
static size_t max_pairs(const vtop_ptov_scan *q)
{
    return q->max_pairs ? q->max_pairs : VTOP_PTOV_SCAN_PAIRS;
}

typedef struct hit_store {
    vtop_ptov_hit *v;
    size_t n, cap, keep;   /* keep: store at most this many */
    uint64_t total;
    bool no_memory;
} hit_store;

static int store_hit(void *ctx, const vtop_ptov_hit *hit)
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

typedef struct pair_store {
    vtop_ptov_pair *v;
    size_t n, cap;
    size_t limit;          /* stop the walk past this many (0: none) */
    uint64_t pa_lo, pa_hi; /* keep only pairs whose pa is in [lo, hi] */
    bool no_memory, over;
} pair_store;

static int store_pair(void *ctx, const vtop_ptov_pair *p)
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

static pair_store pairs_all(size_t limit)
{
    return (pair_store){.limit = limit, .pa_hi = ~0ull};
}

typedef struct ptov_jobs {
    const vtop_space *space;
    const span_list *sl;
    const vtop_scan_hooks *h;
    unsigned jobs;
    uint64_t budget;
    bool map;
    uint64_t pa_first, pa_last;
    hit_store *hits;       /* query: one per span */
    pair_store *pairs;     /* map: one per job */
    vtop_status *st;       /* one per span */
    uint64_t *tables;      /* one per span */
} ptov_jobs;

/* Job i: spans i, i + jobs, ... (interleaved: the occupied spans of one
 * region, often alike in cost, go to different jobs). */
static void ptov_job(void *arg, unsigned i)
{
    ptov_jobs *pj = arg;
    watch w = {.sl = pj->sl, .h = pj->h};
    for (size_t k = i; k < pj->sl->n; k += pj->jobs) {
        const span *s = &pj->sl->v[k];
        vtop_enum_stats es = {0};
        vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT, .max_tables = pj->budget,
                                .on_event = watch_event, .event_ctx = &w,
                                .stats = &es};
        watch_span(&w, k);
        if (pj->map)
            pj->st[k] = vtop_ptov_map_each(pj->space, s->lo, s->hi, &eo,
                                           store_pair, &pj->pairs[i]);
        else
            pj->st[k] = vtop_ptov_each(pj->space, s->lo, s->hi, pj->pa_first,
                                       pj->pa_last, &eo, store_hit, &pj->hits[k]);
        pj->tables[k] = es.tables;
        advance(&w, pj->sl->before[k] + (s->hi - s->lo + 1));
    }
}

/* The jobs' answer stands for one walk's: all spans OK, memory enough,
 * and their tables with the probes' within the budget. */
static bool jobs_stand(const ptov_jobs *pj)
{
    uint64_t tables = pj->sl->probe_tables;
    for (size_t k = 0; k < pj->sl->n; k++) {
        if (pj->st[k] != VTOP_OK || (!pj->map && pj->hits[k].no_memory))
            return false;
        tables += pj->tables[k];
    }
    for (unsigned i = 0; pj->map && i < pj->jobs; i++)
        if (pj->pairs[i].no_memory || pj->pairs[i].over)
            return false;
    return tables <= pj->budget;
}

static void jobs_free(ptov_jobs *pj)
{
    for (size_t k = 0; pj->hits && k < pj->sl->n; k++)
        free(pj->hits[k].v);
    for (unsigned i = 0; pj->pairs && i < pj->jobs; i++)
        free(pj->pairs[i].v);
    free(pj->hits);
    free(pj->pairs);
    free(pj->st);
    free(pj->tables);
}

static unsigned job_count(const vtop_ptov_scan *q, const span_list *sl)
{
    const vtop_scan_services *svc = q->svc;
    unsigned jobs = svc ? svc->jobs : 1;
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    if (jobs > sl->n)
        jobs = (unsigned)sl->n;
    /* a page source's cache is one per image: one reader at a time */
    if (jobs < 2 || !svc->parallel || sl->coarse || q->space->mem.source)
        return 1;
    return jobs;
}

/* Merge the jobs' sorted maps into emit, smallest first. */
static void merge_pairs(void (*emit)(void *, const vtop_ptov_pair *), void *ctx,
                        const pair_store *p, unsigned n)
{
    size_t at[MAX_JOBS] = {0};
    for (;;) {
        unsigned best = n;
        for (unsigned i = 0; i < n; i++)
            if (at[i] < p[i].n &&
                (best == n || vtop_ptov_pair_less(&p[i].v[at[i]], &p[best].v[at[best]])))
                best = i;
        if (best == n)
            return;
        emit(ctx, &p[best].v[at[best]++]);
    }
}

static void sort_job(void *arg, unsigned i)
{
    pair_store *p = arg;
    vtop_ptov_sort(p[i].v, p[i].n);
}

/* The split answer, when it stands; false: take one walk's. */
static bool ptov_split(vtop_ptov_scan *q, const span_list *sl,
                       const vtop_scan_hooks *h, unsigned jobs)
{
    ptov_jobs pj = {
        .space = q->space, .sl = sl, .h = h, .jobs = jobs,
        .budget = vtop_enum_default_budget(q->space), .map = q->on_pair != NULL,
        .pa_first = q->pa_first, .pa_last = q->pa_last,
        .st = calloc(sl->n, sizeof *pj.st),
        .tables = calloc(sl->n, sizeof *pj.tables),
    };
    if (pj.map)
        pj.pairs = calloc(jobs, sizeof *pj.pairs);
    else
        pj.hits = calloc(sl->n, sizeof *pj.hits);
    bool ok = pj.st && pj.tables && (pj.pairs || pj.hits);
    for (size_t k = 0; ok && pj.hits && k < sl->n; k++)
        pj.hits[k].keep = q->keep;
    /* the jobs together hold at most the map's bound */
    size_t per_job = max_pairs(q) / jobs;
    for (unsigned i = 0; ok && pj.pairs && i < jobs; i++)
        pj.pairs[i] = pairs_all(per_job ? per_job : 1);
    if (ok)
        q->svc->parallel(q->svc->ctx, jobs, ptov_job, &pj);
    ok = ok && jobs_stand(&pj);
    void (*emit)(void *, const vtop_ptov_pair *) = q->on_pair;
    if (ok && pj.map && emit) {
        q->svc->parallel(q->svc->ctx, jobs, sort_job, pj.pairs);
        merge_pairs(emit, q->ctx, pj.pairs, jobs);
    }
    if (ok && !pj.map) {
        for (size_t k = 0; k < sl->n; k++) {
            const hit_store *s = &pj.hits[k];
            for (size_t i = 0; i < s->n && q->stored < q->keep; i++, q->stored++)
                q->on_hit(q->ctx, &s->v[i]);
            q->total += s->total;
        }
    }
    jobs_free(&pj);
    return ok;
}

/* ---- the map in PA windows: memory bounded however many leaves ---- */

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
        progress_begin(q->svc, "ptov", sl, h);
    vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT,
                            .on_event = h->progress && sl ? watch_event : NULL,
                            .event_ctx = &w};
    vtop_status st = vtop_ptov_map_each(q->space, 0, ~0ull, &eo, fn, ctx);
    if (sl)
        advance(&w, sl->total);
    return st;
}

/* The map when it holds more pairs than max_pairs: a census of the pairs'
 * physical addresses (two walks), then one walk per window of PAs that
 * holds at most max_pairs (a single PA held more often gets a window of
 * its own), sorted and given to on_pair in PA order. The walk is the same
 * every time, so its status is the first census's. */
static vtop_status ptov_windows(vtop_ptov_scan *q, const span_list *sl,
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
    size_t limit = max_pairs(q);
    for (uint64_t b = 0; st == VTOP_OK && b < PA_BUCKETS;) {
        uint64_t n = c.bucket[b], e = b + 1;
        while (e < PA_BUCKETS && n + c.bucket[e] <= limit)
            n += c.bucket[e++];
        if (n) {
            pair_store ps = pairs_all(0);
            ps.pa_lo = c.lo + b * c.width;
            ps.pa_hi = c.lo + (e * c.width - 1);
            st = walk_again(q, sl, h, store_pair, &ps);
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

/* One walk of the whole space, as without the services (the map in PA
 * windows when it is larger than max_pairs). */
static vtop_status ptov_whole(vtop_ptov_scan *q, const span_list *sl,
                              vtop_scan_hooks *h)
{
    watch w = {.sl = sl, .h = h};
    bool show = sl && h->progress;
    vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT,
                            .on_event = show ? watch_event : NULL, .event_ctx = &w};
    void (*emit)(void *, const vtop_ptov_pair *) = q->on_pair;
    vtop_status st;
    if (emit) {
        pair_store ps = pairs_all(max_pairs(q));
        st = vtop_ptov_map_each(q->space, 0, ~0ull, &eo, store_pair, &ps);
        if (ps.no_memory)
            q->no_memory = true;
        if (st == VTOP_OK && ps.over) {
            free(ps.v);
            return ptov_windows(q, sl, h);
        }
        if (st == VTOP_OK && !ps.no_memory) {
            vtop_ptov_sort(ps.v, ps.n);
            for (size_t i = 0; i < ps.n; i++)
                emit(q->ctx, &ps.v[i]);
        }
        free(ps.v);
    } else {
        hit_store hs = {.keep = q->keep};
        st = vtop_ptov_each(q->space, 0, ~0ull, q->pa_first, q->pa_last, &eo,
                            store_hit, &hs);
        if (hs.no_memory)
            q->no_memory = true;
        for (size_t i = 0; i < hs.n; i++)
            q->on_hit(q->ctx, &hs.v[i]);
        q->stored = hs.n;
        q->total = hs.total;
        free(hs.v);
    }
    if (show)
        advance(&w, sl->total);
    return st;
}

vtop_status vtop_ptov_scan_run(vtop_ptov_scan *q)
{
    q->stored = 0;
    q->total = 0;
    q->no_memory = false;
    if (!q->space || (!q->on_pair && (!q->on_hit || q->pa_first > q->pa_last)))
        return VTOP_BAD_ARGUMENT;
    const vtop_scan_services *svc = q->svc;
    bool split_wanted = svc && svc->jobs > 1 && svc->parallel;
    span_list sl = {0};
    vtop_scan_hooks h = {0};
    if (!(want_progress(svc) || split_wanted) || !spans_find(q->space, &sl)) {
        spans_free(&sl);
        return ptov_whole(q, NULL, &h);
    }
    progress_begin(svc, "ptov", &sl, &h);
    unsigned jobs = job_count(q, &sl);
    vtop_status st = VTOP_OK;
    if (jobs < 2 || !ptov_split(q, &sl, &h, jobs)) {
        q->stored = 0;
        q->total = 0;
        if (jobs >= 2 && h.progress) /* the split was in vain: start over */
            progress_begin(svc, "ptov", &sl, &h);
        st = ptov_whole(q, &sl, &h);
    }
    progress_end(svc, &h);
    spans_free(&sl);
    return st;
}
