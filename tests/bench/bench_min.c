/* The yardsticks vtop is measured against, in the same run: a minimal
 * hand-unrolled walk that checks only P and PS over flat memory, a minimal
 * enumeration, a pointer chase, and synthetic page tables (fallback when no
 * real guest image was captured). Host code. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define ADDR 0x000ffffffffff000ull
#define PS (1ull << 7)

uint64_t bench_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static inline uint64_t ld(const bench_image *im, uint64_t pa, int *bad)
{
    uint64_t v;
    if (pa > im->flat_size - 8) {
        *bad = 1;
        return 0;
    }
    memcpy(&v, im->flat + pa, 8);
    return v;
}

/* Hand-unrolled: one line per level, PS honoured at PDPTE and PDE. */
uint64_t bench_min_walk(const bench_image *im, uint64_t va)
{
    int bad = 0;
    uint64_t e, t = im->space.root;
    if (im->space.desc->levels == 5) {
        e = ld(im, t + ((va >> 45) & 0xff8), &bad);
        if (!(e & 1) || bad)
            return ~0ull;
        t = e & ADDR;
    }
    e = ld(im, t + ((va >> 36) & 0xff8), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    e = ld(im, (e & ADDR) + ((va >> 27) & 0xff8), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    if (e & PS)
        return (e & ADDR & ~0x3fffffffull) | (va & 0x3fffffff);
    e = ld(im, (e & ADDR) + ((va >> 18) & 0xff8), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    if (e & PS)
        return (e & ADDR & ~0x1fffffull) | (va & 0x1fffff);
    e = ld(im, (e & ADDR) + ((va >> 9) & 0xff8), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    return (e & ADDR) | (va & 0xfff);
}

typedef struct min_enum_state {
    const bench_image *im;
    bench_leaf_fn fn;
    void *ctx;
    uint64_t leaves;
    uint64_t *table_pas;
    size_t cap, tables;
} min_enum_state;

static uint64_t sext(const bench_image *im, uint64_t va)
{
    unsigned unused = 64u - im->space.desc->va_bits;
    return (uint64_t)((int64_t)(va << unused) >> unused);
}

static void min_enum_table(min_enum_state *st, uint64_t table, int level,
                           uint64_t va_base)
{
    const bench_image *im = st->im;
    int levels = im->space.desc->levels;
    int shift = 12 + 9 * (levels - 1 - level);
    if (table > im->flat_size - 4096)
        return;
    if (st->tables < st->cap)
        st->table_pas[st->tables] = table;
    st->tables++;
    const uint8_t *p = im->flat + table;
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t e;
        memcpy(&e, p + i * 8, 8);
        if (!(e & 1))
            continue;
        uint64_t va = va_base | (i << shift);
        if (level == levels - 1 || (level >= levels - 3 && (e & PS))) {
            st->leaves++;
            if (st->fn)
                st->fn(st->ctx, sext(im, va), 1ull << shift);
            continue;
        }
        min_enum_table(st, e & ADDR, level + 1, va);
    }
}

uint64_t bench_min_enum(const bench_image *im, bench_leaf_fn fn, void *ctx,
                        uint64_t *table_pas, size_t cap, size_t *tables)
{
    min_enum_state st = {im, fn, ctx, 0, table_pas, cap, 0};
    min_enum_table(&st, im->space.root, 0, 0);
    if (tables)
        *tables = st.tables;
    return st.leaves;
}

/* ---- synthetic tables ------------------------------------------------ */

typedef struct synth {
    uint8_t *mem;
    uint64_t size, next;
    int levels;
} synth;

static uint64_t synth_entry(synth *s, uint64_t table, uint64_t idx)
{
    uint64_t e;
    memcpy(&e, s->mem + table + idx * 8, 8);
    if (!(e & 1)) {
        e = s->next | 0x63; /* P RW A D */
        s->next += 4096;
        memcpy(s->mem + table + idx * 8, &e, 8);
    }
    return e & ADDR;
}

static void synth_map(synth *s, uint64_t va, uint64_t pa, int large)
{
    uint64_t t = 0x1000;
    int stop = large ? 2 : 1; /* levels above the leaf */
    for (int l = s->levels - 1; l >= stop; l--)
        t = synth_entry(s, t, (va >> (12 + 9 * l)) & 511);
    uint64_t e = pa | 0x163 | (large ? PS : 0) | (1ull << 63);
    memcpy(s->mem + t + ((va >> (12 + 9 * (stop - 1))) & 511) * 8, &e, 8);
}

int bench_synthetic(bench_image *im, int levels, uint64_t leaves)
{
    synth s = {NULL, 8u << 20, 0x2000, levels};
    s.mem = calloc(1, s.size);
    if (!s.mem)
        return -1;
    uint64_t rng = 0x5eed0000ull + (uint64_t)levels;
    uint64_t top = levels == 5 ? 0xff00000000000000ull : 0xffff800000000000ull;
    uint64_t span = levels == 5 ? (1ull << 56) : (1ull << 47);
    uint64_t done = 0;
    while (done < leaves) {
        /* A region of up to 1536 pages at a random 2M-aligned address. */
        uint64_t va = top + ((bench_rand(&rng) % span) & ~0x1fffffull);
        uint64_t n = 1 + bench_rand(&rng) % 1536;
        for (uint64_t i = 0; i < n && done < leaves; i++, done++)
            synth_map(&s, va + i * 4096, (bench_rand(&rng) % (1u << 28)) & ~0xfffull, 0);
        synth_map(&s, va + (2ull << 30), (bench_rand(&rng) % (1u << 28)) & ~0x1fffffull, 1);
        if (s.next > s.size - 64 * 4096)
            break;
    }
    memset(im, 0, sizeof *im);
    strcpy(im->name, levels == 5 ? "synthetic-5level" : "synthetic-4level");
    im->base = im->flat = s.mem;
    im->size = im->flat_size = s.size;
    im->runs[0] = (vtop_run){0, s.size, 0, s.mem};
    im->run_count = 1;
    vtop_physmem pm = {im->runs, 1, NULL};
    vtop_space_config cfg = {levels == 5 ? VTOP_MODE_5LEVEL : VTOP_MODE_4LEVEL,
                             0x1000, true, 0, 0, false};
    return vtop_space_init(&im->space, &cfg, &pm) == VTOP_OK ? 0 : -1;
}

/* ---- pointer chase ---------------------------------------------------- */

double bench_chase_ns(uint64_t bytes, uint64_t loads, uint64_t seed)
{
    uint64_t slots = bytes / 64;
    if (slots < 2)
        slots = 2;
    uint64_t *buf = aligned_alloc(64, slots * 64);
    if (!buf)
        return -1;
    uint64_t *perm = malloc(slots * sizeof *perm);
    for (uint64_t i = 0; i < slots; i++)
        perm[i] = i;
    for (uint64_t i = slots - 1; i > 0; i--) { /* Sattolo: one cycle */
        uint64_t j = bench_rand(&seed) % i;
        uint64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (uint64_t i = 0; i < slots; i++)
        buf[perm[i] * 8] = perm[(i + 1) % slots] * 8;
    free(perm);
    uint64_t p = 0;
    for (uint64_t i = 0; i < slots; i++) /* warm */
        p = buf[p];
    double t0 = bench_now_ns();
    for (uint64_t i = 0; i < loads; i++)
        p = buf[p];
    double t1 = bench_now_ns();
    volatile uint64_t sink = p;
    (void)sink;
    free(buf);
    return (t1 - t0) / (double)loads;
}
