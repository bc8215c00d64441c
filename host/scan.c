/* vtop host CLI: scan services (see scan.h).
 *
 * Progress goes to stderr, never to stdout (the answer), at most ten
 * times a second: percent, bytes per second (of the image for `roots`,
 * of VA covered for the table walks) and time left, on one line
 * rewritten with a carriage return. Jobs are POSIX threads: the core scan
 * of direct runs reads the image and writes only its own buffers.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */

#include "scan.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "image.h"

#define MAX_THREADS 64
#define PRINT_EVERY 0.1 /* seconds: at most 10 updates a second */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_line(host_scan *hs, double t)
{
    uint64_t done = atomic_load(&hs->done);
    if (done > hs->total)
        done = hs->total;
    double secs = t - hs->start, rate = secs > 0 ? (double)done / secs : 0;
    double pct = hs->total ? 100.0 * (double)done / (double)hs->total : 100.0;
    double left = rate > 0 ? (double)(hs->total - done) / rate : 0;
    unsigned l = (unsigned)(left + 0.5);
    /* a table walk counts VA covered: up to petabytes a second */
    static const char units[][3] = {"kB", "MB", "GB", "TB", "PB", "EB"};
    unsigned u = 0;
    for (rate /= 1e3; u + 1 < sizeof units / sizeof units[0] && rate >= 1e4; u++)
        rate /= 1e3;
    fprintf(stderr, "\r%s: %5.1f%%  %8.2f %s/s  %02u:%02u:%02u left ", hs->what,
            pct, rate, units[u], l / 3600, l / 60 % 60, l % 60);
    fflush(stderr);
    hs->printed = true;
}

static void progress(void *ctx, uint64_t bytes)
{
    host_scan *hs = ctx;
    atomic_fetch_add(&hs->done, bytes);
    if (atomic_flag_test_and_set(&hs->printing))
        return;   /* another job is printing */
    double t = now();
    if (t - hs->last >= PRINT_EVERY) {
        hs->last = t;
        print_line(hs, t);
    }
    atomic_flag_clear(&hs->printing);
}

static void progress_begin(void *ctx, const char *what, uint64_t total,
                           vtop_scan_hooks *h)
{
    host_scan *hs = ctx;
    if (!hs->show)
        return;
    hs->what = what;
    hs->total = total;
    atomic_store(&hs->done, 0);
    hs->start = hs->last = now();
    hs->printed = false;
    h->progress = progress;
    h->progress_ctx = hs;
}

static bool shows_progress(void *ctx)
{
    return ((const host_scan *)ctx)->show;
}

static void progress_end(void *ctx)
{
    host_scan *hs = ctx;
    print_line(hs, now());
    fputc('\n', stderr);
    fflush(stderr);
}

typedef struct job_arg {
    void (*fn)(void *arg, unsigned i);
    void *arg;
    unsigned i;
} job_arg;

static void *job_main(void *p)
{
    job_arg *j = p;
    j->fn(j->arg, j->i);
    return NULL;
}

/* Jobs 1..n-1 on threads, job 0 here; a job whose thread cannot start
 * runs here too, after job 0. */
static void parallel(void *ctx, unsigned n, void (*fn)(void *arg, unsigned i),
                     void *arg)
{
    (void)ctx;
    pthread_t tid[MAX_THREADS];
    job_arg ja[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (unsigned i = 1; i < n && i < MAX_THREADS; i++) {
        ja[i] = (job_arg){fn, arg, i};
        started[i] = pthread_create(&tid[i], NULL, job_main, &ja[i]) == 0;
    }
    fn(arg, 0);
    for (unsigned i = 1; i < n; i++) {
        if (i < MAX_THREADS && started[i])
            pthread_join(tid[i], NULL);
        else
            fn(arg, i);
    }
}

void host_scan_services(host_scan *hs, unsigned jobs, bool show_progress,
                        vtop_scan_services *svc)
{
    hs->show = show_progress || isatty(STDERR_FILENO);
    atomic_flag_clear(&hs->printing);
    *svc = (vtop_scan_services){
        .hooks = host_image_hooks,
        .progress_begin = progress_begin,
        .shows_progress = shows_progress,
        .progress_end = progress_end,
        .parallel = parallel,
        .jobs = jobs,
        .ctx = hs,
    };
}
