/* vtop command language: the occupied spans of a space and a walk's
 * progress over them (walk_spans.c), shared by the whole-space walks of
 * walk_jobs.c (not part of the platform API; see scan.h). */
#ifndef VTOP_CMD_WALK_SPANS_H
#define VTOP_CMD_WALK_SPANS_H

#include "scan.h"

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

/* The occupied spans of s, or (coarse) its halves when they cannot be
 * listed. false: out of memory. */
bool walk_spans_find(const vtop_space *s, span_list *sl);
void walk_spans_free(span_list *sl);

/* ---- progress: VA covered, over the occupied spans ---- */

typedef struct watch {
    const span_list *sl;
    const vtop_scan_hooks *h;
    uint64_t reported;     /* this job's VA reported so far */
    uint64_t base;         /* VA of the spans before the current walk */
    unsigned tables;
} watch;

/* A walk's on_event (ctx: a watch): every few tables, the VA covered up
 * to the table's goes to the hooks' progress. Never stops the walk. */
int walk_watch_event(void *ctx, const vtop_enum_event *e);
/* A job's walk of span i: its progress counts from where that span
 * starts, only the VA of the spans it walks. */
void walk_watch_span(watch *w, size_t i);
/* The VA covered is done: the hooks' progress gets what it grew by. */
void walk_watch_advance(watch *w, uint64_t done);

/* The platform's hooks, progress begun when it shows one. */
void walk_progress_begin(const vtop_scan_services *svc, const char *what,
                         const span_list *sl, vtop_scan_hooks *h);
/* The progress line's end, when one was begun. */
void walk_progress_end(const vtop_scan_services *svc, const vtop_scan_hooks *h);
/* Whether the platform would show progress (worth finding the spans). */
bool walk_progress_wanted(const vtop_scan_services *svc);

#endif
