/* Batched translation (core/batch.c) against the same run's yardsticks:
 * hot independent addresses against the minimal walk, and a cold working
 * set (random addresses over the guest's direct map, every table line
 * flushed from the caches before each round) against vtop_translate one
 * address at a time. Host code. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "bench_run.h"
#include "core/batch.h"

#define CHUNK 256   /* addresses per vtop_translate_batch call */
#define COLD_N 512  /* addresses per cold round (tables flushed before) */
#define COLD_ROUNDS 32

static volatile uint64_t sink;

static double time_batch(const vtop_space *s, const uint64_t *va, size_t n)
{
    static vtop_translation out[CHUNK];
    uint64_t acc = 0;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t m = n - i < CHUNK ? n - i : CHUNK;
        vtop_translate_batch(s, va + i, m, out);
        acc += out[m - 1].pa;
    }
    sink = acc;
    return (bench_now_ns() - t0) / (double)n;
}

static double time_single(const vtop_space *s, const uint64_t *va, size_t n)
{
    vtop_translation t;
    uint64_t acc = 0;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        vtop_translate(s, va[i], &t);
        acc += t.pa;
    }
    sink = acc;
    return (bench_now_ns() - t0) / (double)n;
}

/* Evict every line of every table page the minimal enumeration visited. */
static void flush_tables(const bench_image *im, const bench_set *set)
{
    for (size_t t = 0; t < set->ntab; t++)
        for (uint64_t o = 0; o < 4096 && set->tabs[t] + o < im->flat_size; o += 64)
            __builtin_ia32_clflush(im->flat + set->tabs[t] + o);
    __builtin_ia32_mfence();
}

typedef struct delta_size {
    uint64_t delta, size;
} delta_size;

static int cmp_delta(const void *a, const void *b)
{
    uint64_t x = ((const delta_size *)a)->delta, y = ((const delta_size *)b)->delta;
    return (x > y) - (x < y);
}

uint64_t bench_direct_map_delta(const bench_image *im, const bench_leaf_list *l)
{
    delta_size *d = malloc(l->n * sizeof *d);
    for (size_t i = 0; i < l->n; i++)
        d[i] = (delta_size){l->va[i] - bench_min_walk(im, l->va[i]), l->size[i]};
    qsort(d, l->n, sizeof *d, cmp_delta);
    uint64_t best = 0, best_bytes = 0;
    for (size_t i = 0; i < l->n;) {
        size_t j = i;
        uint64_t bytes = 0;
        for (; j < l->n && d[j].delta == d[i].delta; j++)
            bytes += d[j].size;
        if (bytes > best_bytes) {
            best_bytes = bytes;
            best = d[i].delta;
        }
        i = j;
    }
    free(d);
    return best;
}

/* n random addresses, uniform over the bytes the direct map maps. */
static void cold_addresses(const bench_image *im, const bench_leaf_list *l,
                           uint64_t *va, size_t n, uint64_t *mapped)
{
    uint64_t delta = bench_direct_map_delta(im, l), total = 0;
    uint64_t *start = malloc(l->n * sizeof *start);
    size_t *idx = malloc(l->n * sizeof *idx), m = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->va[i] - bench_min_walk(im, l->va[i]) != delta)
            continue;
        start[m] = total;
        idx[m++] = i;
        total += l->size[i];
    }
    uint64_t rng = 0xc01d;
    for (size_t k = 0; k < n; k++) {
        uint64_t r = bench_rand(&rng) % total;
        size_t lo = 0, hi = m - 1;
        while (lo < hi) { /* last start <= r */
            size_t mid = (lo + hi + 1) / 2;
            if (start[mid] <= r)
                lo = mid;
            else
                hi = mid - 1;
        }
        va[k] = l->va[idx[lo]] + (r - start[lo]);
    }
    *mapped = total;
    free(start);
    free(idx);
}

/* ns per address over COLD_ROUNDS rounds of COLD_N addresses, the tables
 * flushed before each round (the flush is not timed). */
static double time_cold(const bench_image *im, const bench_set *set,
                        const uint64_t *va, int batched)
{
    double total = 0;
    for (int r = 0; r < COLD_ROUNDS; r++) {
        flush_tables(im, set);
        const uint64_t *v = va + (size_t)r * COLD_N;
        total += batched ? time_batch(&im->space, v, COLD_N)
                         : time_single(&im->space, v, COLD_N);
    }
    return total / COLD_ROUNDS;
}

void bench_batch(bench_ctx *b, const bench_image *im, const bench_set *set)
{
    double v[3][BENCH_MAX_REPS];
    for (int r = 0; r < b->reps; r++)
        v[0][r] = time_batch(&im->space, set->hot, set->n);
    bench_stat hot = bench_stats(v[0], b->reps);
    char tgt[96];
    snprintf(tgt, sizeof tgt, "<= 1.5x minimal walk (%.2f ns)", 1.5 * set->min_indep);
    bench_row(b, "batch", im->name, "vtop_translate_batch, hot, indep.", "ns", hot, tgt,
              hot.median <= 1.5 * set->min_indep);
    size_t n = (size_t)COLD_ROUNDS * COLD_N;
    uint64_t *cold = malloc(n * sizeof *cold), mapped = 0;
    cold_addresses(im, set->leaves, cold, n, &mapped);
    for (int r = 0; r < b->reps; r++) {
        v[1][r] = time_cold(im, set, cold, 0);
        v[2][r] = time_cold(im, set, cold, 1);
    }
    bench_stat one = bench_stats(v[1], b->reps), many = bench_stats(v[2], b->reps);
    bench_row(b, "batch", im->name, "cold direct map, vtop_translate 1 by 1", "ns", one,
              NULL, -1);
    snprintf(tgt, sizeof tgt, "<= 1/2 of one by one (%.2f ns)", one.median / 2);
    bench_row(b, "batch", im->name, "cold direct map, vtop_translate_batch", "ns", many,
              tgt, many.median <= one.median / 2);
    bench_note(b, "%s: cold = %d rounds of %d random addresses over the direct map "
               "(%.0f MiB mapped), all %zu table pages flushed (clflush) before each "
               "round; batch hot %.2fx the minimal walk, cold %.2fx faster than one by one",
               im->name, COLD_ROUNDS, COLD_N, (double)mapped / (1 << 20), set->ntab,
               hot.median / set->min_indep, one.median / many.median);
    free(cold);
}
