/* The aarch64 rows of `make bench`: vtop's AArch64 walk (the one walker's
 * WALK_A64 instantiation) against a minimal hand-unrolled AArch64 walk
 * that checks only the descriptor type (bits[1:0]) over flat memory, on
 * synthetic Linux-like tables: 4K granule, 48-bit TTBR1 (T1SZ 16), 4K
 * pages in kernel-like regions plus 2M blocks. Host code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_run.h"
#include "core/enum.h"

#define A64_OA 0x0000fffffffff000ull
/* TCR_EL1 (Arm ARM D19.2): T0SZ 16, TG0 4K, T1SZ 16, TG1 4K (0b10), IPS 48 */
#define A64_TCR (16ull | (16ull << 16) | (2ull << 30) | (5ull << 32))
#define A64_TTBR1 0x1000ull

static volatile uint64_t sink;
static volatile uint64_t zero;

static inline uint64_t ld(const bench_image *im, uint64_t pa)
{
    uint64_t v = 0;
    if (pa <= im->flat_size - 8)
        memcpy(&v, im->flat + pa, 8);
    return v;
}

/* TTBR1 walk: L0 -> L1 -> L2 (2M block: bits[1:0] = 01) -> L3. */
static uint64_t min_walk_a64(const bench_image *im, uint64_t va)
{
    uint64_t e = ld(im, A64_TTBR1 + ((va >> 36) & 0xff8));
    if ((e & 3) != 3)
        return ~0ull;
    e = ld(im, (e & A64_OA) + ((va >> 27) & 0xff8));
    if ((e & 3) != 3)
        return ~0ull;
    e = ld(im, (e & A64_OA) + ((va >> 18) & 0xff8));
    if ((e & 3) == 1)
        return (e & A64_OA & ~0x1fffffull) | (va & 0x1fffff);
    if ((e & 3) != 3)
        return ~0ull;
    e = ld(im, (e & A64_OA) + ((va >> 9) & 0xff8));
    if ((e & 3) != 3)
        return ~0ull;
    return (e & A64_OA) | (va & 0xfff);
}

typedef struct a64_synth {
    uint8_t *mem;
    uint64_t size, next;
} a64_synth;

static uint64_t next_table(a64_synth *s, uint64_t table, uint64_t idx)
{
    uint64_t e;
    memcpy(&e, s->mem + table + idx * 8, 8);
    if (!(e & 1)) {
        e = s->next | 3; /* table descriptor */
        s->next += 4096;
        memcpy(s->mem + table + idx * 8, &e, 8);
    }
    return e & A64_OA;
}

/* Leaf descriptors as Linux writes kernel data (PAGE_KERNEL: AF, SH inner,
 * AttrIndx 0, nG clear, PXN|UXN) and 2M blocks. */
static void map(a64_synth *s, uint64_t va, uint64_t pa, int block)
{
    uint64_t t = A64_TTBR1;
    int stop = block ? 2 : 1;
    for (int l = 3; l >= stop; l--)
        t = next_table(s, t, (va >> (12 + 9 * l)) & 511);
    uint64_t e = pa | (1ull << 10) | (3ull << 8) | (3ull << 53) | (block ? 1 : 3);
    memcpy(s->mem + t + ((va >> (12 + 9 * (stop - 1))) & 511) * 8, &e, 8);
}

static int synth_a64(bench_image *im, uint64_t leaves, uint64_t *mapped)
{
    a64_synth s = {calloc(1, 8u << 20), 8u << 20, 0x3000};
    if (!s.mem)
        return -1;
    uint64_t rng = 0xa64a64ull, done = 0, blocks = 0;
    while (done < leaves && s.next < s.size - 64 * 4096) {
        uint64_t va = 0xffff000000000000ull +
                      ((bench_rand(&rng) % (1ull << 47)) & ~0x1fffffull);
        uint64_t n = 1 + bench_rand(&rng) % 1536;
        for (uint64_t i = 0; i < n && done < leaves; i++, done++)
            map(&s, va + i * 4096, (bench_rand(&rng) % (1u << 28)) & ~0xfffull, 0);
        map(&s, va + (2ull << 30), (bench_rand(&rng) % (1u << 28)) & ~0x1fffffull, 1);
        blocks++;
    }
    memset(im, 0, sizeof *im);
    strcpy(im->name, "synthetic-aarch64");
    im->base = im->flat = s.mem;
    im->size = im->flat_size = s.size;
    im->runs[0] = (vtop_run){0, s.size, 0, s.mem};
    im->run_count = 1;
    vtop_physmem pm = {im->runs, 1, NULL};
    vtop_space_config cfg = {.mode = VTOP_MODE_AARCH64, .tcr = A64_TCR,
                             .ttbr0 = 0x2000, .ttbr1 = A64_TTBR1};
    *mapped = done + blocks;
    return vtop_space_init(&im->space, &cfg, &pm) == VTOP_OK ? 0 : -1;
}

typedef struct a64_leaves {
    uint64_t *va, *size;
    size_t n, cap;
} a64_leaves;

static int keep(void *ctx, const vtop_leaf *l)
{
    a64_leaves *k = ctx;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 4096;
        k->va = realloc(k->va, k->cap * sizeof *k->va);
        k->size = realloc(k->size, k->cap * sizeof *k->size);
    }
    k->va[k->n] = l->va;
    k->size[k->n++] = l->size;
    return 0;
}

static double time_min(const bench_image *im, const uint64_t *va, size_t n, int dep)
{
    uint64_t prev = 0, acc = 0, z = dep ? zero : 0;
    double t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        prev = min_walk_a64(im, va[i] ^ (prev & z));
        acc += prev;
    }
    double dt = bench_now_ns() - t0;
    sink = acc;
    return dt / (double)n;
}

static void rows(bench_ctx *b, const bench_image *im, const uint64_t *hot, size_t n)
{
    double v[6][BENCH_MAX_REPS];
    for (int r = 0; r < b->reps; r++) {
        v[0][r] = time_min(im, hot, n, 1);
        v[1][r] = time_min(im, hot, n, 0);
        v[2][r] = bench_time_translate(&im->space, hot, n, 1);
        v[3][r] = bench_time_translate(&im->space, hot, n, 0);
        v[4][r] = bench_time_translate_pa(&im->space, hot, n, 1);
        v[5][r] = bench_time_translate_pa(&im->space, hot, n, 0);
    }
    bench_stat s[6];
    for (int i = 0; i < 6; i++)
        s[i] = bench_stats(v[i], b->reps);
    bench_row(b, "limit", im->name, "minimal aarch64 walk (type only), dep.", "ns", s[0], NULL, -1);
    bench_row(b, "limit", im->name, "minimal aarch64 walk (type only), indep.", "ns", s[1], NULL, -1);
    static const char *what[4] = {"uncached hot, every check, dep.",
                                  "uncached hot, every check, indep.",
                                  "vtop_translate_pa (no record), dep.",
                                  "vtop_translate_pa (no record), indep."};
    for (int i = 0; i < 4; i++) {
        char tgt[96];
        double lim = 2 * s[i % 2].median;
        snprintf(tgt, sizeof tgt, "<= 2x minimal aarch64 walk (%.2f ns)", lim);
        bench_row(b, "translate", im->name, what[i], "ns", s[2 + i], tgt, s[2 + i].median <= lim);
    }
    bench_note(b, "%s: ratio to the minimal aarch64 walk %.2fx dep., %.2fx indep. "
               "(vtop_translate), %.2fx / %.2fx (vtop_translate_pa)", im->name,
               s[2].median / s[0].median, s[3].median / s[1].median,
               s[4].median / s[0].median, s[5].median / s[1].median);
}

void bench_a64(bench_ctx *b)
{
    static bench_image im;
    uint64_t mapped = 0;
    if (synth_a64(&im, 75000, &mapped) != 0) {
        bench_check(b, 0, "build synthetic aarch64 tables");
        return;
    }
    a64_leaves l = {0};
    double v[BENCH_MAX_REPS];
    for (int r = 0; r < b->reps; r++) {
        l.n = 0;
        double t0 = bench_now_ns();
        vtop_enumerate(&im.space, 0, ~0ull, NULL, keep, &l);
        v[r] = (bench_now_ns() - t0) / 1e6;
    }
    bench_check(b, l.n == mapped, "%s: vtop_enumerate finds the %llu leaves mapped (%zu)",
                im.name, (unsigned long long)mapped, l.n);
    size_t n = b->translations, bad = 0;
    uint64_t *hot = malloc(n * sizeof *hot), rng = 0x1234567ull;
    for (size_t i = 0; i < n && l.n; i++) {
        size_t k = bench_rand(&rng) % l.n;
        hot[i] = l.va[k] + (bench_rand(&rng) & (l.size[k] - 1));
    }
    for (size_t i = 0; i < n && i < 100000; i++) {
        vtop_translation t;
        if (vtop_translate(&im.space, hot[i], &t) != VTOP_OK || t.pa != min_walk_a64(&im, hot[i]))
            bad++;
    }
    bench_check(b, l.n && bad == 0, "%s: vtop_translate agrees with the minimal aarch64 "
                "walk on %zu hot addresses (%zu differ)", im.name, n < 100000 ? n : 100000, bad);
    if (l.n)
        rows(b, &im, hot, n);
    bench_row(b, "enumerate", im.name, "vtop_enumerate, all leaves", "ms",
              bench_stats(v, b->reps), NULL, -1);
    free(hot);
    free(l.va);
    free(l.size);
    free((void *)im.base);
}
