/* Whole-image scans: `roots` through the CLI on two copies of one real
 * guest's RAM: a 1 TiB sparse raw file (the guest's bytes at their
 * physical addresses, the rest holes) and a dense 4 GiB raw file (every
 * block written). Figures: wall time on the sparse file, bytes per second
 * on the dense one (one job, and two), peak resident memory; checks: the
 * same candidates from both, and --jobs 2 giving --jobs 1's output.
 * Then the whole-space walks on the same files, with the root `roots`
 * ranked first: `ptov` (the whole map) and `audit`, their wall time,
 * image bytes per CPU second and peak RSS (the 256 MiB bound is the only
 * target the issue sets for them); checks: the same map from both files,
 * --jobs 2 giving --jobs 1's bytes.
 * Host code (POSIX: mkstemp, stat). */
#define _DEFAULT_SOURCE /* mkstemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_run.h"

#define SPARSE_LIMIT_S 10.0
#define DENSE_MIN_GBS 1.0
#define RSS_BUDGET_MIB 256.0
#define OUT_MAX 16384

typedef struct roots_out {
    bench_child c;
    char text[OUT_MAX];
    size_t len;
} roots_out;

/* vtop --jobs J IMAGE roots 20: its cost and its stdout. */
static int roots_run(const bench_ctx *b, const char *image, const char *jobs,
                     roots_out *r)
{
    char path[] = "/tmp/vtop-bench-roots-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    char *argv[] = {(char *)b->vtop_bin, "--jobs", (char *)jobs, (char *)image,
                    "roots", "20", NULL};
    int rc = bench_spawn_rss(argv, NULL, path, &r->c);
    FILE *f = fopen(path, "r");
    r->len = f ? fread(r->text, 1, OUT_MAX - 1, f) : 0;
    r->text[r->len] = '\0';
    if (f)
        fclose(f);
    unlink(path);
    return rc == 0 && r->len > 0 ? 0 : -1;
}

/* The ranked lines: everything before the "N candidate(s) in M pages
 * scanned" line (which counts the image's pages, so differs by size). */
static size_t ranked_len(const roots_out *r)
{
    const char *last = strstr(r->text, " candidate(s) in ");
    while (last && last > r->text && last[-1] != '\n')
        last--;
    return last ? (size_t)(last - r->text) : r->len;
}

static int same_ranked(const roots_out *a, const roots_out *b)
{
    size_t n = ranked_len(a);
    return n > 0 && n == ranked_len(b) && memcmp(a->text, b->text, n) == 0 &&
           strstr(a->text, "rank root") == a->text;
}

typedef struct scan_figs {
    double sparse_s[BENCH_MAX_REPS], dense_gbs[BENCH_MAX_REPS];
    double dense_cpu_gbs[BENCH_MAX_REPS], jobs2_gbs[BENCH_MAX_REPS];
    double sparse_rss[BENCH_MAX_REPS], dense_rss[BENCH_MAX_REPS];
    int ran, same, jobs_same;
} scan_figs;

static roots_out s, d, d2; /* the last rep's outputs */

static void scan_reps(const bench_ctx *b, const char *sparse, const char *dense,
                      double bytes, int reps, scan_figs *f)
{
    f->ran = f->same = f->jobs_same = 1;
    for (int r = 0; r < reps; r++) {
        int ok = roots_run(b, sparse, "1", &s) == 0 && roots_run(b, dense, "1", &d) == 0 &&
                 roots_run(b, dense, "2", &d2) == 0;
        f->ran &= ok;
        f->same &= ok && same_ranked(&s, &d);
        f->jobs_same &= ok && d.len == d2.len && memcmp(d.text, d2.text, d.len) == 0;
        f->sparse_s[r] = s.c.wall_s;
        f->dense_gbs[r] = bytes / d.c.wall_s / 1e9;
        f->dense_cpu_gbs[r] = bytes / d.c.cpu_s / 1e9;
        f->jobs2_gbs[r] = bytes / d2.c.wall_s / 1e9;
        f->sparse_rss[r] = s.c.max_rss_kib / 1024;
        f->dense_rss[r] = d.c.max_rss_kib / 1024;
    }
}

static void scan_rows(bench_ctx *b, const scan_figs *f, int reps)
{
    const char *im = "amd64-4level";
    bench_stat st = bench_stats((double *)f->sparse_s, reps);
    bench_row(b, "scan", im, "roots, 1 TiB sparse raw (wall)", "s", st,
              "< 10 s, same candidates as dense 4 GiB",
              f->ran && f->same && st.median < SPARSE_LIMIT_S);
    st = bench_stats((double *)f->dense_gbs, reps);
    /* Wall time also counts the disk when other work pushed the file out
     * of the page cache: the per-core figure is per CPU second. */
    bench_row(b, "scan", im, "roots, dense 4 GiB raw, 1 job (wall)", "GB/s", st,
              NULL, -1);
    st = bench_stats((double *)f->dense_cpu_gbs, reps);
    bench_row(b, "scan", im, "roots, dense 4 GiB raw, per CPU second", "GB/s", st,
              ">= 1 GB/s per core", f->ran && st.median >= DENSE_MIN_GBS);
    st = bench_stats((double *)f->jobs2_gbs, reps);
    bench_row(b, "scan", im, "roots, dense 4 GiB raw, --jobs 2 (wall)", "GB/s", st,
              NULL, -1);
    st = bench_stats((double *)f->sparse_rss, reps);
    bench_row(b, "scan", im, "roots, 1 TiB sparse: peak RSS", "MiB", st, "<= 256 MiB",
              f->ran && st.median <= RSS_BUDGET_MIB);
    st = bench_stats((double *)f->dense_rss, reps);
    bench_row(b, "scan", im, "roots, dense 4 GiB: peak RSS", "MiB", st, "<= 256 MiB",
              f->ran && st.median <= RSS_BUDGET_MIB);
}

/* ---- ptov / audit over the whole space ---- */

typedef struct walk_out {
    bench_child c;
    char path[64];          /* its stdout, kept for the comparisons */
} walk_out;

/* vtop --jobs J --cr3 ROOT --mode MODE IMAGE CMD. */
static int walk_run(const bench_ctx *b, const char *image, const char *jobs,
                    const char *root, const char *mode, const char *cmd,
                    walk_out *w)
{
    snprintf(w->path, sizeof w->path, "/tmp/vtop-bench-walk-XXXXXX");
    int fd = mkstemp(w->path);
    if (fd < 0)
        return -1;
    close(fd);
    char *argv[] = {(char *)b->vtop_bin, "--jobs", (char *)jobs, "--cr3",
                    (char *)root, "--mode", (char *)mode, (char *)image,
                    (char *)cmd, NULL};
    int rc = bench_spawn_rss(argv, NULL, w->path, &w->c);
    struct stat st;
    return rc == 0 && stat(w->path, &st) == 0 && st.st_size > 0 ? 0 : -1;
}

/* The two outputs are the same bytes. */
static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    static char ba[1 << 16], bb[1 << 16];
    while (same) {
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        same = na == nb && memcmp(ba, bb, na) == 0;
        if (na == 0 || !same)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* The first candidate's root and mode from `roots` output, or 0. */
static int first_root(const roots_out *r, char *root, char *mode)
{
    const char *l = strchr(r->text, '\n');
    return l && sscanf(l + 1, "1 %16s %15s", root, mode) == 2;
}

typedef struct walk_figs {
    double sparse_s[BENCH_MAX_REPS], dense_s[BENCH_MAX_REPS];
    double dense_cpu_gbs[BENCH_MAX_REPS], jobs2_s[BENCH_MAX_REPS];
    double sparse_rss[BENCH_MAX_REPS], dense_rss[BENCH_MAX_REPS];
    int ran, same, jobs_same;
} walk_figs;

static void walk_reps(const bench_ctx *b, const char *sparse, const char *dense,
                      const char *root, const char *mode, const char *cmd,
                      double bytes, int reps, walk_figs *f)
{
    f->ran = f->same = f->jobs_same = 1;
    for (int r = 0; r < reps; r++) {
        walk_out ws = {0}, wd = {0}, wd2 = {0};
        int ok = walk_run(b, sparse, "1", root, mode, cmd, &ws) == 0 &&
                 walk_run(b, dense, "1", root, mode, cmd, &wd) == 0 &&
                 walk_run(b, dense, "2", root, mode, cmd, &wd2) == 0;
        f->ran &= ok;
        f->same &= ok && same_file(ws.path, wd.path);
        f->jobs_same &= ok && same_file(wd.path, wd2.path);
        unlink(ws.path);
        unlink(wd.path);
        unlink(wd2.path);
        f->sparse_s[r] = ws.c.wall_s;
        f->dense_s[r] = wd.c.wall_s;
        f->dense_cpu_gbs[r] = bytes / wd.c.cpu_s / 1e9;
        f->jobs2_s[r] = wd2.c.wall_s;
        f->sparse_rss[r] = ws.c.max_rss_kib / 1024;
        f->dense_rss[r] = wd.c.max_rss_kib / 1024;
    }
}

static void walk_rows(bench_ctx *b, const char *cmd, const walk_figs *f, int reps)
{
    const char *im = "amd64-4level";
    char what[64];
    snprintf(what, sizeof what, "%s, 1 TiB sparse raw (wall)", cmd);
    bench_row(b, "scan", im, what, "s", bench_stats((double *)f->sparse_s, reps),
              NULL, -1);
    snprintf(what, sizeof what, "%s, dense 4 GiB raw, 1 job (wall)", cmd);
    bench_row(b, "scan", im, what, "s", bench_stats((double *)f->dense_s, reps),
              NULL, -1);
    snprintf(what, sizeof what, "%s, dense 4 GiB raw, --jobs 2 (wall)", cmd);
    bench_row(b, "scan", im, what, "s", bench_stats((double *)f->jobs2_s, reps),
              NULL, -1);
    snprintf(what, sizeof what, "%s, dense 4 GiB: image GB per CPU second", cmd);
    bench_row(b, "scan", im, what, "GB/s",
              bench_stats((double *)f->dense_cpu_gbs, reps), NULL, -1);
    bench_stat st = bench_stats((double *)f->sparse_rss, reps);
    snprintf(what, sizeof what, "%s, 1 TiB sparse: peak RSS", cmd);
    bench_row(b, "scan", im, what, "MiB", st, "<= 256 MiB",
              f->ran && st.median <= RSS_BUDGET_MIB);
    st = bench_stats((double *)f->dense_rss, reps);
    snprintf(what, sizeof what, "%s, dense 4 GiB: peak RSS", cmd);
    bench_row(b, "scan", im, what, "MiB", st, "<= 256 MiB",
              f->ran && st.median <= RSS_BUDGET_MIB);
}

static void bench_walks(bench_ctx *b, const char *sparse, const char *dense,
                        const roots_out *roots, double bytes, int reps)
{
    char root[24], mode[16];
    if (!first_root(roots, root, mode)) {
        bench_check(b, 0, "scan: a root from `roots` on %s for ptov and audit", sparse);
        return;
    }
    static walk_figs p, a;
    walk_reps(b, sparse, dense, root, mode, "ptov", bytes, reps, &p);
    walk_reps(b, sparse, dense, root, mode, "audit", bytes, reps, &a);
    bench_check(b, p.ran && a.ran, "scan: vtop ptov and audit ran on %s and %s",
                sparse, dense);
    bench_check(b, p.same, "scan: ptov prints the same map from the 1 TiB sparse "
                "and the dense 4 GiB raw");
    bench_check(b, p.jobs_same && a.jobs_same, "scan: ptov and audit print the same "
                "bytes with --jobs 2 as with --jobs 1");
    walk_rows(b, "ptov", &p, reps);
    walk_rows(b, "audit", &a, reps);
    bench_note(b, "scan: vtop --jobs J --cr3 %s --mode %s IMAGE ptov|audit (roots' first "
               "candidate), %d reps; GB per CPU second = image bytes / (user + sys): "
               "the walks read only page tables", root, mode, reps);
}

void bench_scan(bench_ctx *b, const char *dir)
{
    char sparse[600], dense[600];
    struct stat st;
    snprintf(sparse, sizeof sparse, "%s/sparse-1t.raw", dir);
    snprintf(dense, sizeof dense, "%s/dense-4g.raw", dir);
    if (!b->vtop_bin || stat(sparse, &st) != 0 || stat(dense, &st) != 0) {
        bench_note(b, "scan: no %s and %s (bench.mk makes them from the amd64-4level "
                   "guest) or no --vtop: roots scans not measured", sparse, dense);
        return;
    }
    int reps = b->quick ? 1 : b->reps < 3 ? b->reps : 3;
    static scan_figs f;
    scan_reps(b, sparse, dense, (double)st.st_size, reps, &f);
    bench_check(b, f.ran, "scan: vtop roots ran on %s and %s", sparse, dense);
    bench_check(b, f.same, "scan: the 1 TiB sparse and the dense 4 GiB raw give the "
                "same 20 ranked candidates");
    bench_check(b, f.jobs_same, "scan: --jobs 2 gives --jobs 1's output on the dense image");
    scan_rows(b, &f, reps);
    bench_note(b, "scan: vtop --jobs J IMAGE roots 20 as a child of a small helper, %d reps; RSS = ru_maxrss; "
               "dense GB/s = %lld bytes / time", reps, (long long)st.st_size);
    if (f.ran)
        bench_walks(b, sparse, dense, &s, (double)st.st_size, reps);
}
