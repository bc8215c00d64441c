/* Test fixture for the enumeration family (enum, ptov, audit, cache,
 * fmt_qemu tests): random page tables of any mode in pt_fixture.h's 8 MiB
 * buffer, and a leaf collector. The generator only stores bytes; expected
 * values come from vtop_translate (an independent path) or are hand-written
 * in the tests. */
#ifndef VTOP_TEST_ENUM_FIXTURE_H
#define VTOP_TEST_ENUM_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>

#include "core/enum.h"
#include "pt_fixture.h"

/* xorshift64*: deterministic per seed. */
static uint64_t rx_state = 88172645463325252ull;
static inline uint64_t rx_next(void)
{
    rx_state ^= rx_state >> 12;
    rx_state ^= rx_state << 25;
    rx_state ^= rx_state >> 27;
    return rx_state * 2685821657736338717ull;
}
static inline uint64_t rx_below(uint64_t n) { return n ? rx_next() % n : 0; }

static inline void fx_put(const vtop_space *s, uint64_t pa, uint64_t v)
{
    if (s->desc->entry_size == 4)
        fx_put32(pa, (uint32_t)v);
    else
        fx_put64(pa, v);
}

typedef struct gen {
    vtop_space *s;
    uint64_t next_table;      /* bump allocator in fx_mem */
    unsigned tables_left;
    unsigned present_per_mille;
    unsigned large_per_mille;
    unsigned reserved_per_mille;
} gen;

static inline uint64_t gen_flags(const gen *g, unsigned level, bool leaf)
{
    uint64_t f = PTE_P;
    /* upper levels mostly permissive so leaf rights vary */
    if (rx_below(10) < (leaf ? 6u : 9u)) f |= PTE_RW;
    if (rx_below(10) < (leaf ? 5u : 8u)) f |= PTE_US;
    if (leaf) {
        f |= rx_next() & (PTE_PWT | PTE_PCD | PTE_A | PTE_D | PTE_G);
        if (level + 1u == g->s->desc->levels && rx_below(2))
            f |= PTE_PAT_4K;
    }
    if (g->s->desc->entry_size == 8 && g->s->cfg.nxe && rx_below(3) == 0)
        f |= PTE_NX;
    if (g->s->desc->mode == VTOP_MODE_PAE && level == 0)
        f = PTE_P; /* PDPTE: RW/US/NX are reserved */
    return f;
}

/* Fill the table at pa (level) and below, recursively (test code only). */
static inline void gen_table(gen *g, uint64_t pa, unsigned level)
{
    const vtop_mode_desc *d = g->s->desc;
    unsigned n = 1u << d->level[level].index_bits;
    bool last = level + 1u == d->levels;
    for (unsigned i = 0; i < n; i++) {
        if (n > 4 && rx_below(1000) >= g->present_per_mille)
            continue;
        uint64_t epa = pa + (uint64_t)i * d->entry_size;
        bool large = !last && d->level[level].leaf_allowed &&
                     rx_below(1000) < g->large_per_mille;
        if (last || large) {
            uint64_t size = 1ull << d->level[level].shift;
            uint64_t frame = (rx_next() % (d->entry_size == 4 ? (1ull << 32) : (1ull << 36))) & ~(size - 1);
            uint64_t e = frame | gen_flags(g, level, true) | (large ? PTE_PS : 0);
            if (large && (rx_next() & 1))
                e |= PTE_PAT_LARGE;
            if (rx_below(1000) < g->reserved_per_mille)
                e |= d->entry_size == 8 ? (1ull << 51) : (1ull << 21);
            fx_put(g->s, epa, e);
        } else if (g->tables_left > 0) {
            g->tables_left--;
            uint64_t t = g->next_table;
            g->next_table += 4096;
            fx_put(g->s, epa, t | gen_flags(g, level, false));
            gen_table(g, t, level + 1);
        }
    }
}

/* Random tables for mode, root at 0x1000; returns the space. */
static inline void gen_space(vtop_space *s, vtop_mode mode, uint64_t seed,
                             unsigned tables, unsigned present, unsigned large)
{
    fx_reset();
    rx_state = seed * 0x9E3779B97F4A7C15ull + 1;
    fx_space(s, (fx_cfg){ mode, 0x1000, 1, 40, 0, 0 });
    gen g = { s, 0x2000, tables, present, large, 0 };
    gen_table(&g, 0x1000, 0);
}

/* Leaf collector. */
#define COLLECT_MAX 200000
typedef struct collect {
    vtop_leaf *v;
    size_t n, cap;
} collect;

static inline int collect_leaf(void *ctx, const vtop_leaf *l)
{
    collect *c = ctx;
    if (c->n < c->cap)
        c->v[c->n] = *l;
    c->n++;
    return 0;
}

static inline collect collect_new(void)
{
    collect c = { calloc(COLLECT_MAX, sizeof(vtop_leaf)), 0, COLLECT_MAX };
    return c;
}


/* Hand-written expectations of the enumeration tests. */
#define RW VTOP_RIGHT_WRITE
#define US VTOP_RIGHT_USER
#define EX VTOP_RIGHT_EXEC

typedef struct want {
    uint64_t va, pa, size;
    uint8_t level, rights, flags;
} want;

static inline void check_leaves(const collect *c, const want *w, size_t n)
{
    assert_int_equal(c->n, n);
    for (size_t i = 0; i < n; i++) {
        const vtop_leaf *l = &c->v[i];
        assert_int_equal(l->va, w[i].va);
        assert_int_equal(l->pa, w[i].pa);
        assert_int_equal(l->size, w[i].size);
        assert_int_equal(l->level, w[i].level);
        assert_int_equal(l->nlevels, w[i].level + 1);
        assert_int_equal(l->rights, w[i].rights);
        assert_int_equal(l->leaf_flags, w[i].flags);
    }
}

/* A 4-level space with every kind of leaf (1G, 2M, 4K, NX, G, PAT, a
 * reserved bit), built by hand from SDM tables 4-14..4-20. */
static inline void build_4level(void)
{
    fx_put64(0x1000, 0x2007);                  /* PML4[0] -> PDPT 0x2000 */
    fx_put64(0x1000 + 511 * 8, 0x3003);        /* PML4[511] -> PDPT 0x3000, no US */
    fx_put64(0x2000, 0x4007);                  /* PDPT[0] -> PD 0x4000 */
    fx_put64(0x2008, 0x400000E7);              /* PDPT[1]: 1G at 1G, P RW US A D PS */
    fx_put64(0x4000, 0x5007);                  /* PD[0] -> PT 0x5000 */
    fx_put64(0x4008, 0x8000000000200183ull);   /* PD[1]: 2M, NX G PS RW P */
    fx_put64(0x5008, 0x7025);                  /* PT[1]: P US A */
    fx_put64(0x5010, 0x8067);                  /* PT[2]: P RW US A D */
    fx_put64(0x5018, 0x0008000000009003ull);   /* PT[3]: bit 51 reserved (M=40) */
    fx_put64(0x3000 + 510 * 8, 0x6003);        /* PDPT[510] -> PD 0x6000 */
    fx_put64(0x6000, 0x10001E3);               /* 2M at 16M: G PS D A RW P */
    fx_put64(0x6008, 0x12010A1);               /* 2M at 18M, PAT(bit 12) PS A P */
}

static inline int count_leaf(void *ctx, const vtop_leaf *l)
{
    (void)l;
    ++*(uint64_t *)ctx;
    return 0;
}

#endif
