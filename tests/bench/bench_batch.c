/* Batched translation (core/batch.c) against the same run's yardsticks:
 * hot independent addresses against the minimal walk, and a cold working
 * set (random addresses over the guest's direct map, every table line
 * flushed from the caches before each round) against vtop_translate one
 * address at a time. Host code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_run.h"
#include "core/batch.h"

/* Addresses per vtop_translate_batch call: 64 records (11 KiB) stay in
 * L1 beside the tables, as a caller consuming records in chunks has them. */
#define CHUNK 64
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

static double time_batch_pa(const vtop_space *s, const uint64_t *va, size_t n)
{
    static uint64_t pa[CHUNK];
    static vtop_status st[CHUNK];
    uint64_t acc = 0;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t m = n - i < CHUNK ? n - i : CHUNK;
        vtop_translate_batch_pa(s, va + i, m, pa, st);
        acc += pa[m - 1];
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

/* A cold space: 4-level tables mapping SYN_GIB GiB with 4K pages (the
 * page tables alone are SYN_GIB * 2 MiB, twice the L3 of the machines
 * measured), so a random address's PTE (and the host TLB entry of its
 * table page) is almost never cached: the walk's last load goes to DRAM.
 * The frames the PTEs name are not in the image (a walk never reads them). */
#define SYN_GIB 32u
#define SYN_VA 0xffff888000000000ull

static int cold_space(bench_image *im)
{
    uint64_t pds = SYN_GIB, pts = (uint64_t)SYN_GIB * 512;
    uint64_t size = (3 + pds + pts) * 4096;
    uint8_t *mem = calloc(1, size);
    if (!mem)
        return -1;
    /* page 1 the PML4, 2 the PDPT, 3.. the PDs, then the PTs; the host's
     * order is little-endian, as the entries' */
    uint64_t *q = (uint64_t *)mem;
    q[0x1000 / 8 + ((SYN_VA >> 39) & 511)] = 0x2000 | 0x63;
    for (uint64_t i = 0; i < pds; i++)
        q[0x2000 / 8 + ((SYN_VA >> 30) & 511) + i] = (3 + i) * 4096 | 0x63;
    for (uint64_t i = 0; i < pts; i++)
        q[(3 + i / 512) * 512 + i % 512] = (3 + pds + i) * 4096 | 0x63;
    for (uint64_t i = 0; i < pts * 512; i++)
        q[(3 + pds) * 512 + i] = ((i * 0x9E3779B1ull) & 0xffffff) << 12 | 0x163;
    memset(im, 0, sizeof *im);
    snprintf(im->name, sizeof im->name, "synthetic %u GiB 4K", SYN_GIB);
    im->base = im->flat = mem;
    im->size = im->flat_size = size;
    im->runs[0] = (vtop_run){0, size, 0, mem};
    im->run_count = 1;
    vtop_physmem pm = {im->runs, 1, NULL};
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true};
    return vtop_space_init(&im->space, &cfg, &pm) == VTOP_OK ? 0 : -1;
}

/* One by one against the batch over the cold space, once per `make bench`
 * (the space does not depend on the guest). */
static void bench_batch_cold_space(bench_ctx *b)
{
    static bench_image im;
    if (cold_space(&im) != 0) {
        bench_check(b, 0, "build the cold synthetic space");
        return;
    }
    size_t n = b->quick ? 4096 : (size_t)1 << 18;
    uint64_t *va = malloc(n * sizeof *va), rng = 0xc01dc01d;
    for (size_t i = 0; i < n; i++)
        va[i] = SYN_VA + bench_rand(&rng) % ((uint64_t)SYN_GIB << 30);
    double v[4][BENCH_MAX_REPS];
    for (int r = 0; r < b->reps; r++) {
        v[0][r] = time_single(&im.space, va, n);
        v[1][r] = time_batch(&im.space, va, n);
        v[2][r] = bench_time_translate_pa(&im.space, va, n, 0);
        v[3][r] = time_batch_pa(&im.space, va, n);
    }
    bench_stat one = bench_stats(v[0], b->reps), many = bench_stats(v[1], b->reps);
    bench_stat one_pa = bench_stats(v[2], b->reps), many_pa = bench_stats(v[3], b->reps);
    bench_row(b, "batch", im.name, "cold 4K tables, vtop_translate 1 by 1", "ns", one,
              NULL, -1);
    char tgt[96];
    snprintf(tgt, sizeof tgt, "<= 1/2 of one by one (%.2f ns)", one.median / 2);
    bench_row(b, "batch", im.name, "cold 4K tables, vtop_translate_batch", "ns", many,
              tgt, many.median <= one.median / 2);
    bench_row(b, "batch", im.name, "cold 4K tables, vtop_translate_pa 1 by 1", "ns",
              one_pa, NULL, -1);
    snprintf(tgt, sizeof tgt, "<= 1/2 of one by one (%.2f ns)", one_pa.median / 2);
    bench_row(b, "batch", im.name, "cold 4K tables, vtop_translate_batch_pa", "ns",
              many_pa, tgt, many_pa.median <= one_pa.median / 2);
    bench_note(b, "%s: %zu random addresses over %u GiB mapped by 4K pages "
               "(%llu MiB of tables, beyond L3): batch %.2fx faster than one by one, "
               "batch_pa %.2fx faster than vtop_translate_pa one by one",
               im.name, n, SYN_GIB, (unsigned long long)(im.size >> 20),
               one.median / many.median, one_pa.median / many_pa.median);
    free(va);
    free((void *)im.base);
}

void bench_batch(bench_ctx *b, const bench_image *im, const bench_set *set)
{
    static int cold_done;
    if (!cold_done++)
        bench_batch_cold_space(b);
    double v[3][BENCH_MAX_REPS];
    for (int r = 0; r < b->reps; r++)
        v[0][r] = time_batch(&im->space, set->hot, set->n);
    bench_stat hot = bench_stats(v[0], b->reps);
    char tgt[96];
    snprintf(tgt, sizeof tgt, "<= 1.5x minimal walk (%.2f ns)", 1.5 * set->min_indep);
    bench_row(b, "batch", im->name, "vtop_translate_batch, hot, indep.", "ns", hot, tgt,
              hot.median <= 1.5 * set->min_indep);
    for (int r = 0; r < b->reps; r++)
        v[0][r] = time_batch_pa(&im->space, set->hot, set->n);
    bench_stat hot_pa = bench_stats(v[0], b->reps);
    bench_row(b, "batch", im->name, "vtop_translate_batch_pa, hot, indep.", "ns", hot_pa,
              tgt, hot_pa.median <= 1.5 * set->min_indep);
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
               "round; batch hot %.2fx the minimal walk (batch_pa %.2fx), cold %.2fx "
               "faster than one by one", im->name, COLD_ROUNDS, COLD_N,
               (double)mapped / (1 << 20), set->ntab, hot.median / set->min_indep,
               hot_pa.median / set->min_indep, one.median / many.median);
    free(cold);
}
