/* The measurements of `make bench`: each figure is the median of
 * >= 5 repetitions, with min and max. Host code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_run.h"
#include "cmd/fmt_qemu.h"
#include "core/enum.h"
#ifdef VTOP_BENCH_CACHE
#include "core/cache.h"
#endif
#ifdef VTOP_BENCH_PTOV
#include "core/ptov.h"
#endif

static volatile uint64_t sink;

void bench_collect_leaf(void *ctx, uint64_t va, uint64_t size)
{
    bench_leaf_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->va = realloc(l->va, l->cap * sizeof *l->va);
        l->size = realloc(l->size, l->cap * sizeof *l->size);
    }
    l->va[l->n] = va;
    l->size[l->n++] = size;
}

/* Addresses: hot = random byte inside a random leaf; spread = uniform over
 * the canonical space (mostly unmapped: the walk stops early, tables cold). */
static void make_addresses(const bench_image *im, const bench_leaf_list *l,
                           uint64_t *hot, uint64_t *spread, size_t n)
{
    uint64_t rng = 0x1234567ull;
    unsigned bits = im->space.desc->va_bits, unused = 64u - bits;
    for (size_t i = 0; i < n; i++) {
        size_t k = bench_rand(&rng) % l->n;
        hot[i] = l->va[k] + (bench_rand(&rng) & (l->size[k] - 1));
        spread[i] = (uint64_t)((int64_t)(bench_rand(&rng) << unused) >> unused);
    }
}

static double time_translate(const vtop_space *s, const uint64_t *va, size_t n,
                             double *avg_levels)
{
    vtop_translation t;
    uint64_t acc = 0, lv = 0;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        vtop_translate(s, va[i], &t);
        acc += t.pa;
        lv += t.nlevels;
    }
    double dt = bench_now_ns() - t0;
    sink = acc;
    if (avg_levels)
        *avg_levels = (double)lv / (double)n;
    return dt / (double)n;
}

/* Dependent chains: each address depends on the previous result (through
 * an AND with a zero the compiler cannot see), so walks cannot overlap and
 * the figure is the latency of one translation, the pointer chase's terms. */
static volatile uint64_t zero;

static double time_translate_dep(const vtop_space *s, const uint64_t *va, size_t n)
{
    vtop_translation t;
    uint64_t prev = 0, z = zero;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        vtop_translate(s, va[i] ^ (prev & z), &t);
        prev = t.pa;
    }
    double dt = bench_now_ns() - t0;
    sink = prev;
    return dt / (double)n;
}

double bench_time_translate_pa(const vtop_space *s, const uint64_t *va, size_t n,
                               int dep)
{
    uint64_t prev = 0, acc = 0, z = dep ? zero : 0;
    double t0 = bench_now_ns();
    if (dep) {
        for (size_t i = 0; i < n; i++)
            vtop_translate_pa(s, va[i] ^ (prev & z), &prev, NULL);
    } else {
        for (size_t i = 0; i < n; i++) {
            uint64_t pa = 0;
            vtop_translate_pa(s, va[i], &pa, NULL);
            acc += pa;
        }
    }
    double dt = bench_now_ns() - t0;
    sink = prev + acc;
    return dt / (double)n;
}

double bench_time_translate(const vtop_space *s, const uint64_t *va, size_t n, int dep)
{
    return dep ? time_translate_dep(s, va, n) : time_translate(s, va, n, NULL);
}

static double time_min_walk_dep(const bench_image *im, const uint64_t *va, size_t n)
{
    uint64_t prev = 0, z = zero;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++)
        prev = bench_min_walk(im, va[i] ^ (prev & z));
    double dt = bench_now_ns() - t0;
    sink = prev;
    return dt / (double)n;
}

double bench_time_min_walk(const bench_image *im, const uint64_t *va, size_t n)
{
    uint64_t acc = 0;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++)
        acc += bench_min_walk(im, va[i]);
    double dt = bench_now_ns() - t0;
    sink = acc;
    return dt / (double)n;
}

static int count_leaf(void *ctx, const vtop_leaf *leaf)
{
    (void)leaf;
    (*(uint64_t *)ctx)++;
    return 0;
}

static void discard(void *ctx, const char *text, size_t n)
{
    (void)text;
    *(uint64_t *)ctx += n;
}

/* Check the fast paths agree before timing them (the smoke test's `ok`s). */
static void check_agreement(bench_ctx *b, const bench_image *im,
                            const uint64_t *hot, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        vtop_translation t;
        uint64_t want = bench_min_walk(im, hot[i]);
        if (vtop_translate(&im->space, hot[i], &t) != VTOP_OK || t.pa != want)
            bad++;
    }
    bench_check(b, bad == 0, "%s: vtop_translate agrees with the minimal walk "
                "on %zu hot addresses (%zu differ)", im->name, n, bad);
}

void bench_translate(bench_ctx *b, const bench_image *flat, const bench_image *other)
{
    bench_leaf_list l = {0};
    static uint64_t tabs[1 << 16];
    size_t ntab = 0;
    uint64_t leaves = bench_min_enum(flat, bench_collect_leaf, &l, tabs, 1 << 16, &ntab);
    if (!leaves) {
        bench_check(b, 0, "%s: minimal enumeration found leaves", flat->name);
        return;
    }
    size_t n = b->translations;
    uint64_t *hot = malloc(n * sizeof *hot), *spread = malloc(n * sizeof *spread);
    make_addresses(flat, &l, hot, spread, n);
    check_agreement(b, flat, hot, n < 100000 ? n : 100000);

    double v[8][BENCH_MAX_REPS], lv = 0;
    for (int r = 0; r < b->reps; r++) {
        v[0][r] = bench_chase_ns((uint64_t)ntab * 4096, n / 2, 7 + (uint64_t)r);
        v[1][r] = bench_time_min_walk(flat, hot, n);
        v[2][r] = time_translate(&flat->space, hot, n, &lv);
        v[3][r] = bench_time_min_walk(flat, spread, n);
        v[4][r] = time_min_walk_dep(flat, hot, n);
        v[5][r] = time_translate_dep(&flat->space, hot, n);
        v[6][r] = bench_time_translate_pa(&flat->space, hot, n, 1);
        v[7][r] = bench_time_translate_pa(&flat->space, hot, n, 0);
    }
    bench_stat chase = bench_stats(v[0], b->reps), minh = bench_stats(v[1], b->reps);
    bench_stat hotst = bench_stats(v[2], b->reps), mins = bench_stats(v[3], b->reps);
    bench_stat mind = bench_stats(v[4], b->reps), hotd = bench_stats(v[5], b->reps);
    bench_row(b, "limit", flat->name, "pointer chase, table footprint", "ns/load", chase, NULL, -1);
    for (int r = 0; r < b->reps; r++)
        v[0][r] = bench_chase_ns(32 << 10, n / 2, 11 + (uint64_t)r);
    bench_stat l1 = bench_stats(v[0], b->reps);
    bench_row(b, "limit", flat->name, "pointer chase, 32 KiB (L1)", "ns/load", l1, NULL, -1);
    bench_row(b, "limit", flat->name, "minimal walk (P/PS only), hot, dep.", "ns", mind, NULL, -1);
    bench_row(b, "limit", flat->name, "minimal walk (P/PS only), hot, indep.", "ns", minh, NULL, -1);
    bench_row(b, "limit", flat->name, "minimal walk, spread, indep.", "ns", mins, NULL, -1);
    char tgt[96];
    snprintf(tgt, sizeof tgt, "<= 2x minimal walk (%.2f ns)", 2 * mind.median);
    bench_row(b, "translate", flat->name, "uncached hot, every check, dep.", "ns", hotd, tgt,
              hotd.median <= 2 * mind.median);
    snprintf(tgt, sizeof tgt, "<= 2x minimal walk (%.2f ns)", 2 * minh.median);
    bench_row(b, "translate", flat->name, "uncached hot, every check, indep.", "ns", hotst, tgt,
              hotst.median <= 2 * minh.median);
    bench_stat pad = bench_stats(v[6], b->reps), pai = bench_stats(v[7], b->reps);
    snprintf(tgt, sizeof tgt, "<= 2x minimal walk (%.2f ns)", 2 * mind.median);
    bench_row(b, "translate", flat->name, "vtop_translate_pa (no record), dep.", "ns", pad,
              tgt, pad.median <= 2 * mind.median);
    snprintf(tgt, sizeof tgt, "<= 2x minimal walk (%.2f ns)", 2 * minh.median);
    bench_row(b, "translate", flat->name, "vtop_translate_pa (no record), indep.", "ns", pai,
              tgt, pai.median <= 2 * minh.median);
    bench_note(b, "%s: dep. = each address depends on the previous result (latency); "
               "indep. = independent addresses (walks overlap: throughput)", flat->name);
    bench_note(b, "%s: %.2f levels per hot translation: %.2f ns/level dep. = %.2fx the "
               "L1 pointer chase (%.2f ns/load), %.3fx the chase over all %zu table pages "
               "(%.1f ns/load); ratio to minimal walk %.2fx dep., %.2fx indep.; %llu leaves",
               flat->name, lv, hotd.median / lv, hotd.median / lv / l1.median, l1.median,
               hotd.median / lv / chase.median, ntab, chase.median,
               hotd.median / mind.median, hotst.median / minh.median,
               (unsigned long long)leaves);
    for (int r = 0; r < b->reps; r++)
        v[0][r] = time_translate(&flat->space, spread, n, NULL);
    bench_row(b, "translate", flat->name, "uncached spread (whole space), indep.", "ns",
              bench_stats(v[0], b->reps), NULL, -1);
    bench_note(b, "%s: %.0f M translations/s hot on one core (vtop_translate), "
               "%.0f M/s (vtop_translate_pa)", flat->name, 1e3 / hotst.median,
               1e3 / pai.median);
    if (other) {
        for (int r = 0; r < b->reps; r++)
            v[0][r] = time_translate(&other->space, hot, n, NULL);
        bench_row(b, "translate", other->name, "uncached hot, every check, indep.", "ns",
                  bench_stats(v[0], b->reps), NULL, -1);
    }
    bench_set set = {hot, n, tabs, ntab < (1 << 16) ? ntab : (1 << 16), &l, minh.median};
    if (b->ref_walk_ns == 0 && flat->space.desc->levels == 4)
        b->ref_walk_ns = minh.median;
    bench_batch(b, flat, &set);
    bench_read(b, flat, &set);
    bench_cli(b, flat, &set);
#ifdef VTOP_BENCH_CACHE
    bench_cached(b, flat, &l, hot, n, minh.median, hotst.median);
#endif
    bench_enumerate(b, flat, leaves);
    free(hot);
    free(spread);
    free(l.va);
    free(l.size);
}

void bench_enumerate(bench_ctx *b, const bench_image *im, uint64_t min_leaves)
{
    double v[3][BENCH_MAX_REPS];
    uint64_t count = 0, bytes = 0;
    for (int r = 0; r < b->reps; r++) {
        double t0 = bench_now_ns();
        uint64_t m = bench_min_enum(im, NULL, NULL, NULL, 0, NULL);
        double t1 = bench_now_ns();
        count = 0;
        vtop_enumerate(&im->space, 0, ~0ull, NULL, count_leaf, &count);
        double t2 = bench_now_ns();
        bytes = 0;
        vtop_out out = {discard, &bytes};
        vtop_fmt_qemu_tlb(&out, &im->space, 0);
        double t3 = bench_now_ns();
        v[0][r] = (t1 - t0) / 1e6;
        v[1][r] = (t2 - t1) / 1e6;
        v[2][r] = (t3 - t2) / 1e6;
        sink = m;
    }
    bench_stat mins = bench_stats(v[0], b->reps), core = bench_stats(v[1], b->reps);
    bench_check(b, count == min_leaves, "%s: vtop_enumerate finds the %llu leaves "
                "the minimal enumeration finds (%llu)", im->name,
                (unsigned long long)min_leaves, (unsigned long long)count);
    bench_row(b, "enumerate", im->name, "minimal enumeration (P/PS only)", "ms", mins, NULL, -1);
    char tgt[96];
    snprintf(tgt, sizeof tgt, "<= 2.5x minimal (%.3f ms)", 2.5 * mins.median);
    bench_row(b, "enumerate", im->name, "vtop_enumerate, all leaves", "ms", core, tgt,
              core.median <= 2.5 * mins.median);
    bench_row(b, "enumerate", im->name, "tlb text (QEMU info tlb)", "ms",
              bench_stats(v[2], b->reps), "<= 30 ms", bench_stats(v[2], b->reps).median <= 30);
    bench_note(b, "%s: %llu leaves, %.1f M leaves/s (vtop_enumerate), tlb text %llu bytes",
               im->name, (unsigned long long)count, (double)count / core.median / 1e3,
               (unsigned long long)bytes);
#ifdef VTOP_BENCH_PTOV
    bench_ptov(b, im, count);
#endif
}
