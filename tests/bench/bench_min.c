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

/* An entry of `size` (8, or 4 in 32-bit paging) bytes at pa, little-endian
 * (the host's order), zero-extended; *bad when outside the flat view. */
static inline uint64_t ld_n(const bench_image *im, uint64_t pa, unsigned size, int *bad)
{
    uint64_t v = 0;
    if (pa > im->flat_size - size) {
        *bad = 1;
        return 0;
    }
    memcpy(&v, im->flat + pa, size);
    return v;
}

static inline uint64_t ld(const bench_image *im, uint64_t pa, int *bad)
{
    return ld_n(im, pa, 8, bad);
}

static inline uint64_t ld32(const bench_image *im, uint64_t pa, int *bad)
{
    return ld_n(im, pa, 4, bad);
}

/* The PDE (PS: a 2M page) and PTE levels of 8-byte tables, from the page
 * directory at pd: the last two levels of PAE, 4- and 5-level paging. */
static inline uint64_t min_pd_pt(const bench_image *im, uint64_t pd, uint64_t va)
{
    int bad = 0;
    uint64_t e = ld(im, pd + ((va >> 18) & 0xff8), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    if (e & PS)
        return (e & ADDR & ~0x1fffffull) | (va & 0x1fffff);
    e = ld(im, (e & ADDR) + ((va >> 9) & 0xff8), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    return (e & ADDR) | (va & 0xfff);
}

/* PAE (3 levels, PS at the PDE) and 32-bit paging (2 levels of 4-byte
 * entries, PS at the PDE with CR4.PSE; PSE-36 high bits ignored). */
static uint64_t min_walk_small(const bench_image *im, uint64_t va)
{
    int bad = 0;
    uint64_t e, t = im->space.root;
    if (im->space.desc->levels == 3) {
        e = ld(im, t + ((va >> 27) & 0x18), &bad);
        if (!(e & 1) || bad)
            return ~0ull;
        return min_pd_pt(im, e & ADDR, va);
    }
    e = ld32(im, t + ((va >> 20) & 0xffc), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    if ((e & PS) && im->space.desc->mode == VTOP_MODE_32BIT_PSE)
        return (e & 0xffc00000ull) | (va & 0x3fffff);
    e = ld32(im, (e & 0xfffff000ull) + ((va >> 10) & 0xffc), &bad);
    if (!(e & 1) || bad)
        return ~0ull;
    return (e & 0xfffff000ull) | (va & 0xfff);
}

/* Hand-unrolled: one line per level, PS honoured at PDPTE and PDE. */
uint64_t bench_min_walk(const bench_image *im, uint64_t va)
{
    int bad = 0;
    uint64_t e, t = im->space.root;
    if (im->space.desc->levels < 4)
        return min_walk_small(im, va);
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
    return min_pd_pt(im, e & ADDR, va);
}

/* May a PS=1 entry at this level be a leaf (minimal rules per mode)? */
static int min_large_ok(const bench_image *im, int level)
{
    int levels = im->space.desc->levels;
    if (levels == 3)
        return level == 1;
    if (levels == 2)
        return level == 0 && im->space.desc->mode == VTOP_MODE_32BIT_PSE;
    return level >= levels - 3 && level < levels - 1;
}

/* The minimal walk that also writes the record: every field
 * vtop_translate writes on a leaf (levels[] with entry_pa, entry and
 * level; status, va, pa, page_size, nlevels, fault_level, reserved_bits,
 * swpte, rights, leaf_flags), each by the simplest rule (rights: AND of
 * R/W, U/S and the OR of NX; flags: bits 6:3), and only the P and PS tests.
 * The floor under a record-filling walk: what the stores of the record
 * cost on top of bench_min_walk. levels is a constant at each call. */
static inline __attribute__((always_inline)) void
min_walk_record(const bench_image *im, uint64_t va, vtop_translation *o,
                const int levels)
{
    const unsigned esize = levels == 2 ? 4u : 8u, bits = levels == 2 ? 10u : 9u;
    const uint64_t addr = levels == 2 ? 0xfffff000ull : ADDR;
    uint64_t t = im->space.root, and_acc = ~0ull, or_acc = 0;
    int bad = 0;
    o->va = va;
#pragma GCC unroll 5
    for (int l = 0; l < levels; l++) {
        unsigned shift = 12 + bits * (unsigned)(levels - 1 - l);
        uint64_t pa = t + ((va >> shift) & ((1u << bits) - 1)) * esize;
        uint64_t e = ld_n(im, pa, esize, &bad);
        o->levels[l].entry_pa = pa;
        o->levels[l].entry = e;
        o->levels[l].level = (uint8_t)l;
        if (!(e & 1) || bad) {
            o->status = VTOP_NOT_PRESENT;
            return;
        }
        and_acc &= e;
        or_acc |= e;
        if (l + 1 == levels || ((e & PS) && min_large_ok(im, l))) {
            uint64_t size = 1ull << shift;
            o->status = VTOP_OK;
            o->page_size = size;
            o->pa = (e & addr & ~(size - 1)) | (va & (size - 1));
            o->nlevels = (uint8_t)(l + 1);
            o->fault_level = -1;
            o->reserved_bits = 0;
            o->swpte = VTOP_SWPTE_NONE;
            o->rights = (uint8_t)(((and_acc >> 1) & 3) | ((or_acc >> 63) ? 0 : VTOP_RIGHT_EXEC));
            o->leaf_flags = (uint16_t)((e >> 3) & 15);
            return;
        }
        t = e & addr;
    }
}

void bench_min_walk_record(const bench_image *im, uint64_t va, vtop_translation *out)
{
    switch (im->space.desc->levels) {
    case 5:
        min_walk_record(im, va, out, 5);
        break;
    case 4:
        min_walk_record(im, va, out, 4);
        break;
    case 3:
        min_walk_record(im, va, out, 3);
        break;
    default:
        min_walk_record(im, va, out, 2);
    }
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
    if (!im->space.desc->sign_extended)
        return va;
    unsigned unused = 64u - im->space.desc->va_bits;
    return (uint64_t)((int64_t)(va << unused) >> unused);
}

static void min_enum_table(min_enum_state *st, uint64_t table, int level,
                           uint64_t va_base)
{
    const bench_image *im = st->im;
    int levels = im->space.desc->levels;
    unsigned esize = levels == 2 ? 4 : 8, bits = levels == 2 ? 10 : 9;
    uint64_t count = levels == 3 && level == 0 ? 4 : 1u << bits;
    uint64_t amask = esize == 4 ? 0xfffff000ull : ADDR;
    int shift = 12 + (int)bits * (levels - 1 - level);
    if (table > im->flat_size - count * esize)
        return;
    if (st->tables < st->cap)
        st->table_pas[st->tables] = table;
    st->tables++;
    const uint8_t *p = im->flat + table;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t e = 0;
        memcpy(&e, p + i * esize, esize);
        if (!(e & 1))
            continue;
        uint64_t va = va_base | (i << shift);
        if (level == levels - 1 || (min_large_ok(im, level) && (e & PS))) {
            st->leaves++;
            if (st->fn)
                st->fn(st->ctx, sext(im, va), 1ull << shift);
            continue;
        }
        min_enum_table(st, e & amask, level + 1, va);
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
    vtop_space_config cfg = {.mode = levels == 5 ? VTOP_MODE_5LEVEL : VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
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
