/* vtop command language: what a platform offers whole-image scans
 * (`roots`) and whole-space table walks (`ptov` of everything, `audit`):
 * hooks over the loaded image's bytes (holes, release), a
 * progress line, and running jobs side by side.
 *
 * Every member is optional: the EFI app gives none (one job, every page
 * read, no progress); the host gives lseek SEEK_DATA/SEEK_HOLE, madvise
 * and POSIX threads (host/scan.c). Standard C only.
 */
#ifndef VTOP_CMD_SCAN_H
#define VTOP_CMD_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/audit.h"
#include "../core/ptov.h"
#include "../core/roots.h"

struct vtop_loaded;

typedef struct vtop_scan_services {
    /* Fill *h with hooks over the bytes of l (extent, release; progress
     * is added by progress_begin). */
    void (*hooks)(void *ctx, const struct vtop_loaded *l, vtop_scan_hooks *h);
    /* A scan of total bytes named what starts: set h->progress (and its
     * ctx) when progress is shown, else leave it NULL. */
    void (*progress_begin)(void *ctx, const char *what, uint64_t total,
                           vtop_scan_hooks *h);
    /* Whether progress_begin would show a progress line (a walk that
     * must first find its total asks before doing that work). */
    bool (*shows_progress)(void *ctx);
    /* The scan ended: the progress line's last state, then a new line. */
    void (*progress_end)(void *ctx);
    /* Run fn(arg, i) for i in [0, n) side by side; return when all did. */
    void (*parallel)(void *ctx, unsigned n, void (*fn)(void *arg, unsigned i),
                     void *arg);
    unsigned jobs;  /* --jobs: how many jobs a scan may use (0: 1) */
    void *ctx;
} vtop_scan_services;

/* One `roots` scan through the platform's services. */
typedef struct vtop_roots_job {
    const vtop_physmem *mem;
    const struct vtop_loaded *loaded; /* the image's bytes, or NULL */
    const vtop_scan_services *svc;    /* NULL: none */
    vtop_roots_options opt;           /* range and hooks are set here */
    unsigned jobs;                    /* 0: svc->jobs */
    vtop_root_candidate *out;
    size_t cap;
} vtop_roots_job;

/* vtop_roots_scan over j->mem with holes skipped, progress shown and the
 * physical range split into jobs when the platform can (only for images
 * of direct runs: a page source's cache is one per image). The answer
 * and its order are those of one job. Returns as vtop_roots_scan. */
vtop_status vtop_roots_scan_jobs(vtop_roots_job *j, vtop_roots_result *res);

/* One `ptov` over the whole space (walk_jobs.c): the map (on_pair set)
 * or the mappings of [pa_first, pa_last] (on_hit set), with progress
 * over the occupied VA and, for --jobs N, the space split into ranges
 * walked side by side. What reaches on_pair / on_hit, in order, and the
 * status are those of one walk (vtop_ptov_map, vtop_ptov) whatever jobs
 * and progress there are. */
#define VTOP_PTOV_SCAN_PAIRS ((size_t)4 << 20) /* 128 MiB of pairs */

typedef struct vtop_ptov_scan {
    const vtop_space *space;
    const vtop_scan_services *svc;  /* NULL: one walk, no progress */
    /* the map: every pair, sorted (pa, then va); nothing on an error */
    void (*on_pair)(void *ctx, const vtop_ptov_pair *pair);
    /* a query: the first `keep` hits of [pa_first, pa_last], VA order */
    void (*on_hit)(void *ctx, const vtop_ptov_hit *hit);
    uint64_t pa_first, pa_last;
    size_t keep;
    /* the map: pairs held at once (0: VTOP_PTOV_SCAN_PAIRS); a larger
     * map is sorted window of PAs by window, one walk each */
    size_t max_pairs;
    void *ctx;
    size_t stored;                  /* set: hits given to on_hit */
    uint64_t total;                 /* set: hits that exist */
    bool no_memory;                 /* set: the answer is cut short */
} vtop_ptov_scan;

/* Returns as vtop_enumerate (VTOP_BAD_ARGUMENT also when neither callback
 * is set or pa_first > pa_last). */
vtop_status vtop_ptov_scan_run(vtop_ptov_scan *q);

/* vtop_audit with progress over the occupied VA (one job: the findings
 * merge leaves across any boundary and the table checks keep state over
 * the whole walk). */
vtop_status vtop_audit_scan(const vtop_space *space, const vtop_scan_services *svc,
                            const vtop_audit_options *opt,
                            vtop_finding_fn on_finding, void *ctx,
                            vtop_audit_stats *stats);

#endif
