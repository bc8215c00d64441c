/* vtop benchmarks: the run context and the report rows. Host code. */
#ifndef VTOP_BENCH_RUN_H
#define VTOP_BENCH_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "bench.h"

#define BENCH_MAX_REPS 64
#define BENCH_MAX_ROWS 320
#define BENCH_MAX_NOTES 128

typedef struct bench_row_data {
    char section[16], image[64], what[64], unit[12], target[96];
    bench_stat stat;
    int met; /* 1 met, 0 missed, -1 no target */
} bench_row_data;

typedef struct bench_ctx {
    int reps;
    size_t translations;
    int quick;
    bench_row_data rows[BENCH_MAX_ROWS];
    int nrows;
    char notes[BENCH_MAX_NOTES][256];
    int nnotes;
    int checks, failed;
    const char *vtop_bin; /* the CLI for the cli rows (--vtop), or NULL */
    /* The 4-level image's minimal walk, hot and independent, in this run
     * (0 until measured): the CLI rows' reference in every mode. */
    double ref_walk_ns;
} bench_ctx;

void bench_row(bench_ctx *b, const char *section, const char *image,
               const char *what, const char *unit, bench_stat s,
               const char *target, int met);
void bench_note(bench_ctx *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void bench_check(bench_ctx *b, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* What the per-image measurements share: the hot addresses, the table
 * pages the minimal enumeration visited, its leaves, and the minimal
 * walk's hot independent time measured in this run. */
typedef struct bench_set {
    const uint64_t *hot;
    size_t n;
    const uint64_t *tabs;
    size_t ntab;
    const bench_leaf_list *leaves;
    double min_indep;
} bench_set;

/* Measurements (bench_run.c, bench_extra.c, bench_batch.c). */
void bench_batch(bench_ctx *b, const bench_image *im, const bench_set *set);
/* The cold rows: a synthetic 4K space, then the 4K guest in dir (NULL: none). */
void bench_batch_cold(bench_ctx *b, const char *dir);
void bench_cli(bench_ctx *b, const bench_image *im, const bench_set *set);
void bench_read(bench_ctx *b, const bench_image *im, const bench_set *set);
/* The direct map: the VA - PA offset that maps the most bytes. */
uint64_t bench_direct_map_delta(const bench_image *im, const bench_leaf_list *l);
/* A bench_leaf_fn that appends (va, size) to the bench_leaf_list ctx. */
void bench_collect_leaf(void *ctx, uint64_t va, uint64_t size);
void bench_translate(bench_ctx *b, const bench_image *flat, const bench_image *other);
void bench_enumerate(bench_ctx *b, const bench_image *im, uint64_t min_leaves);
void bench_cached(bench_ctx *b, const bench_image *im, const void *leaves,
                  const uint64_t *hot, size_t n, double min_indep, double uncached);
void bench_ptov(bench_ctx *b, const bench_image *im, uint64_t leaves);
/* vtop_translate / vtop_translate_pa over va[0..n): ns per call, dep = each
 * address depending on the previous result (bench_run.c). */
double bench_time_translate(const vtop_space *s, const uint64_t *va, size_t n, int dep);
double bench_time_translate_pa(const vtop_space *s, const uint64_t *va, size_t n, int dep);
/* ns per address of the minimal walk (bench_min_walk) over va[0..n). */
double bench_time_min_walk(const bench_image *im, const uint64_t *va, size_t n);
/* The aarch64 rows against a minimal aarch64 walk (bench_a64.c). */
void bench_a64(bench_ctx *b);
/* A child run of the CLI (bench_child.c): argv with stdin from in and
 * stdout to out (NULL: /dev/null). Returns 0 or -1 (not run, killed,
 * exit status > 1). */
typedef struct bench_child {
    double wall_s, cpu_s;   /* elapsed; user + system */
    double max_rss_kib;     /* peak resident set (getrusage ru_maxrss) */
} bench_child;
int bench_spawn(char **argv, const char *in, const char *out, bench_child *res);
/* The same through a fresh helper process, so that max_rss_kib is the
 * child's own (bench_child.c says why); bench --spawn-helper is it. */
int bench_spawn_rss(char **argv, const char *in, const char *out, bench_child *res);
int bench_spawn_helper(int argc, char **argv);

/* Whole-image scans (bench_scan.c): `roots` on the 1 TiB sparse and the
 * dense 4 GiB raw copies of a real guest under dir (bench.mk makes them). */
void bench_scan(bench_ctx *b, const char *dir);

/* kdump-compressed and flattened rows beside direct runs (bench_kdump.c),
 * from the Linux-dump capture under dumps (build/dumps). */
void bench_kdump(bench_ctx *b, const char *dumps);

#endif
