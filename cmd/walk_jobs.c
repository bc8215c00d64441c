/* vtop command language: whole-space table walks (`ptov` of everything,
 * `audit`) with the platform's scan services (cmd/scan.h), their progress
 * counted in VA covered over the space's occupied spans (walk_spans.c).
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
 * The map past VTOP_PTOV_SCAN_PAIRS is sorted in windows of physical
 * addresses (walk_windows.c), so resident memory stays bounded.
 */
#include <stdlib.h>

#include "walk_spans.h"
#include "walk_store.h"
#include "walk_windows.h"

#define MAX_JOBS 64u

/* ---- audit ---- */

vtop_status vtop_audit_scan(const vtop_space *space, const vtop_scan_services *svc,
                            const vtop_audit_options *opt,
                            vtop_finding_fn on_finding, void *ctx,
                            vtop_audit_stats *stats)
{
    span_list sl = {0};
    vtop_scan_hooks h = {0};
    watch w = {0};
    if (space && walk_progress_wanted(svc) && walk_spans_find(space, &sl))
        walk_progress_begin(svc, "audit", &sl, &h);
    w = (watch){.sl = &sl, .h = &h};
    vtop_status st = vtop_audit_watched(space, opt, h.progress ? walk_watch_event : NULL,
                                        &w, on_finding, ctx, stats);
    if (h.progress) {
        walk_watch_advance(&w, sl.total);
        walk_progress_end(svc, &h);
    }
    walk_spans_free(&sl);
    return st;
}

/* ---- ptov: the jobs ---- */

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
                                .on_event = walk_watch_event, .event_ctx = &w,
                                .stats = &es};
        walk_watch_span(&w, k);
        if (pj->map)
            pj->st[k] = vtop_ptov_map_each(pj->space, s->lo, s->hi, &eo,
                                           walk_store_pair, &pj->pairs[i]);
        else
            pj->st[k] = vtop_ptov_each(pj->space, s->lo, s->hi, pj->pa_first,
                                       pj->pa_last, &eo, walk_store_hit, &pj->hits[k]);
        pj->tables[k] = es.tables;
        walk_watch_advance(&w, pj->sl->before[k] + (s->hi - s->lo + 1));
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
    size_t per_job = walk_max_pairs(q) / jobs;
    for (unsigned i = 0; ok && pj.pairs && i < jobs; i++)
        pj.pairs[i] = walk_pairs_all(per_job ? per_job : 1);
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

/* One walk of the whole space, as without the services (the map in PA
 * windows when it is larger than walk_max_pairs). */
static vtop_status ptov_whole(vtop_ptov_scan *q, const span_list *sl,
                              vtop_scan_hooks *h)
{
    watch w = {.sl = sl, .h = h};
    bool show = sl && h->progress;
    vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT,
                            .on_event = show ? walk_watch_event : NULL, .event_ctx = &w};
    void (*emit)(void *, const vtop_ptov_pair *) = q->on_pair;
    vtop_status st;
    if (emit) {
        pair_store ps = walk_pairs_all(walk_max_pairs(q));
        st = vtop_ptov_map_each(q->space, 0, ~0ull, &eo, walk_store_pair, &ps);
        if (ps.no_memory)
            q->no_memory = true;
        if (st == VTOP_OK && ps.over) {
            free(ps.v);
            return walk_ptov_windows(q, sl, h);
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
                            walk_store_hit, &hs);
        if (hs.no_memory)
            q->no_memory = true;
        for (size_t i = 0; i < hs.n; i++)
            q->on_hit(q->ctx, &hs.v[i]);
        q->stored = hs.n;
        q->total = hs.total;
        free(hs.v);
    }
    if (show)
        walk_watch_advance(&w, sl->total);
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
    if (!(walk_progress_wanted(svc) || split_wanted) ||
        !walk_spans_find(q->space, &sl)) {
        walk_spans_free(&sl);
        return ptov_whole(q, NULL, &h);
    }
    walk_progress_begin(svc, "ptov", &sl, &h);
    unsigned jobs = job_count(q, &sl);
    vtop_status st = VTOP_OK;
    if (jobs < 2 || !ptov_split(q, &sl, &h, jobs)) {
        q->stored = 0;
        q->total = 0;
        if (jobs >= 2 && h.progress) /* the split was in vain: start over */
            walk_progress_begin(svc, "ptov", &sl, &h);
        st = ptov_whole(q, &sl, &h);
    }
    walk_progress_end(svc, &h);
    walk_spans_free(&sl);
    return st;
}
