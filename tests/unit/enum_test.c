#define _POSIX_C_SOURCE 200809L
/* Tests for core/enum.c and core/enum_qemu.c: leaves of hand-built tables in
 * every mode (expected values written by hand from the SDM layouts), range
 * clipping, reserved bits (strict vs QEMU policy), self-maps and loops of
 * tables (bounded), random tables against vtop_translate, and the 75k-leaf
 * timing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/enum.h"
#include "enum_fixture.h"

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

typedef struct want {
    uint64_t va, pa, size;
    uint8_t level, rights, flags;
} want;

static void check_leaves(const collect *c, const want *w, size_t n)
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

#define RW VTOP_RIGHT_WRITE
#define US VTOP_RIGHT_USER
#define EX VTOP_RIGHT_EXEC

/* 4-level image shared with fmt_qemu_test.c (same layout, see there). */
static void build_4level(void)
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

static const want want_4level[] = {
    {0x1000, 0x7000, 0x1000, 3, US | EX, VTOP_LEAF_A},
    {0x2000, 0x8000, 0x1000, 3, RW | US | EX, VTOP_LEAF_A | VTOP_LEAF_D},
    {0x200000, 0x200000, 0x200000, 2, RW, VTOP_LEAF_G},
    {0x40000000, 0x40000000, 0x40000000, 1, RW | US | EX, VTOP_LEAF_A | VTOP_LEAF_D},
    {0xffffffff80000000ull, 0x1000000, 0x200000, 2, RW | EX,
     VTOP_LEAF_G | VTOP_LEAF_D | VTOP_LEAF_A},
    {0xffffffff80200000ull, 0x1200000, 0x200000, 2, EX, VTOP_LEAF_A | VTOP_LEAF_PAT},
};

typedef struct events {
    vtop_enum_event v[64];
    size_t n;
} events;

static int on_event(void *ctx, const vtop_enum_event *e)
{
    events *ev = ctx;
    if (ev->n < 64)
        ev->v[ev->n] = *e;
    ev->n++;
    return 0;
}

static void test_4level_leaves_and_events(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0}), VTOP_OK);
    collect c = collect_new();
    events ev = {0};
    vtop_enum_stats st;
    vtop_enum_options o = {VTOP_ENUM_STRICT, 0, on_event, &ev, &st};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, collect_leaf, &c), VTOP_OK);
    check_leaves(&c, want_4level, 6);
    /* levels[] of the 4K leaf at 0x2000 */
    assert_int_equal(c.v[1].levels[0].entry_pa, 0x1000);
    assert_int_equal(c.v[1].levels[1].entry_pa, 0x2000);
    assert_int_equal(c.v[1].levels[2].entry_pa, 0x4000);
    assert_int_equal(c.v[1].levels[3].entry_pa, 0x5010);
    assert_int_equal(c.v[1].entry, 0x8067);
    assert_int_equal(c.v[5].levels[0].entry_pa, 0x1000 + 511 * 8);
    /* tables: PML4, PDPT 0x2000, PD 0x4000, PT 0x5000, PDPT 0x3000, PD 0x6000 */
    assert_int_equal(st.tables, 6);
    assert_int_equal(st.leaves, 6);
    /* every entry of the six tables is read once, zeros, leaves and the
     * reserved-bit PT[3] alike (the zero-skipping scan keeps the count) */
    assert_int_equal(st.entries, 6 * 512);
    size_t tables = 0, rsv = 0;
    for (size_t i = 0; i < ev.n; i++) {
        if (ev.v[i].kind == VTOP_EVENT_TABLE)
            tables++;
        if (ev.v[i].kind == VTOP_EVENT_RESERVED) {
            rsv++;
            assert_int_equal(ev.v[i].va, 0x3000);
            assert_int_equal(ev.v[i].entry_pa, 0x5018);
            assert_int_equal(ev.v[i].reserved_bits, 1ull << 51);
            assert_int_equal(ev.v[i].level, 3);
        }
    }
    assert_int_equal(tables, 6);
    assert_int_equal(rsv, 1);
    assert_int_equal(ev.v[0].table_pa, 0x1000);
    assert_int_equal(ev.v[0].entry_pa, ~0ull);
    assert_int_equal(ev.v[0].level, 0);
    assert_int_equal(ev.v[0].table_level, 0);
    /* the PDPT at 0x2000: named by the PML4E (level 0) pointing to it */
    assert_int_equal(ev.v[1].kind, VTOP_EVENT_TABLE);
    assert_int_equal(ev.v[1].table_pa, 0x2000);
    assert_int_equal(ev.v[1].entry_pa, 0x1000);
    assert_int_equal(ev.v[1].level, 0);
    assert_int_equal(ev.v[1].table_level, 1);
    free(c.v);
}

static void test_4level_qemu_policy_keeps_reserved(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    collect c = collect_new();
    vtop_enum_options o = {VTOP_ENUM_QEMU, 0, NULL, NULL, NULL};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, collect_leaf, &c), VTOP_OK);
    assert_int_equal(c.n, 7);
    assert_int_equal(c.v[2].va, 0x3000);
    assert_int_equal(c.v[2].pa, 0x9000);   /* 0x3fffffffff000 keeps bits 12..49 */
    assert_int_equal(c.v[2].reserved_bits, 1ull << 51);
    assert_int_equal(c.v[5].raw_va, 0xffff80000000ull);
    assert_int_equal(c.v[5].va, 0xffffffff80000000ull);
    free(c.v);
}

static void test_range_clipping(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    collect c = collect_new();
    /* [0x2000, 0x200000]: the 4K leaf at 0x2000 and the 2M leaf overlapping */
    assert_int_equal(vtop_enumerate(&s, 0x2000, 0x200000, NULL, collect_leaf, &c), VTOP_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.v[0].va, 0x2000);
    assert_int_equal(c.v[1].va, 0x200000);
    /* a range inside the 1G page reports it once */
    c.n = 0;
    vtop_enumerate(&s, 0x50000000, 0x50000fff, NULL, collect_leaf, &c);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.v[0].va, 0x40000000);
    /* start in the non-canonical hole: clipped to the upper half */
    c.n = 0;
    vtop_enumerate(&s, 0x0000900000000000ull, ~0ull, NULL, collect_leaf, &c);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.v[0].va, 0xffffffff80000000ull);
    /* entirely in the hole: nothing */
    c.n = 0;
    assert_int_equal(vtop_enumerate(&s, 0x0000900000000000ull, 0x0000a00000000000ull,
                                    NULL, collect_leaf, &c), VTOP_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(vtop_enumerate(&s, 5, 4, NULL, collect_leaf, &c), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_enumerate(NULL, 0, 4, NULL, collect_leaf, &c), VTOP_BAD_ARGUMENT);
    free(c.v);
}

static int stop_after_two(void *ctx, const vtop_leaf *l)
{
    (void)l;
    return ++*(int *)ctx >= 2;
}

static void test_callback_stops(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    int n = 0;
    vtop_enum_stats st;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, stop_after_two, &n), VTOP_OK);
    assert_int_equal(n, 2);
    assert_true(st.stopped);
    /* PML4[0], PDPT[0], PD[0], then PT[0] (zero), PT[1], PT[2] (the stop) */
    assert_int_equal(st.entries, 6);
    assert_int_equal(st.leaves, 2);
}

/* 32-bit with CR4.PSE: a 4M page whose PA has PSE-36 high bits. */
static void build_32bit(void)
{
    fx_put32(0x1000, 0x2007);                  /* PD[0] -> PT 0x2000 */
    fx_put32(0x1004, 0x00400000 | (0x3 << 13) | 0x83); /* PD[1]: 4M at 0x3_0040_0000 */
    fx_put32(0x2000 + 5 * 4, 0x9005);          /* PT[5]: P US */
}

static void test_32bit_pse_and_pse36(void **state)
{
    (void)state;
    vtop_space s;
    build_32bit();
    fx_space(&s, (fx_cfg){VTOP_MODE_32BIT_PSE, 0x1000, 0, 40, 0, 0});
    collect c = collect_new();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
    const want w[] = {
        {0x5000, 0x9000, 0x1000, 1, US | EX, 0},
        {0x400000, 0x300400000ull, 0x400000, 0, RW | EX, 0},
    };
    check_leaves(&c, w, 2);
    /* Without CR4.PSE the PS bit is ignored: PD[1] is a table at 0x406000
     * (all zeros here), so only the 4K page remains. */
    fx_space(&s, (fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 40, 0, 0});
    c.n = 0;
    vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c);
    check_leaves(&c, w, 1);
    free(c.v);
}

static void test_pae(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2001);                  /* PDPT[0] -> PD 0x2000 */
    fx_put64(0x1018, 0x3001);                  /* PDPT[3] -> PD 0x3000 */
    fx_put64(0x2000, 0x4007);                  /* PD[0] -> PT 0x4000 */
    fx_put64(0x4008, 0x8000000000005007ull);   /* PT[1]: NX P RW US */
    fx_put64(0x3000 + 511 * 8, 0xE01083);      /* PD[511]: 2M, PAT, PS RW P */
    fx_space(&s, (fx_cfg){VTOP_MODE_PAE, 0x1000, 1, 40, 0, 0});
    collect c = collect_new();
    vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c);
    const want w[] = {
        {0x1000, 0x5000, 0x1000, 2, RW | US, 0},
        {0xFFE00000, 0xE00000, 0x200000, 1, RW | EX, VTOP_LEAF_PAT},
    };
    check_leaves(&c, w, 2);
    free(c.v);
}

static void test_5level(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1008, 0x2007);                  /* PML5[1] -> PML4 0x2000 */
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x4000, 0x5007);
    fx_put64(0x5000, 0x6003);                  /* 4K at VA 1 << 48 */
    fx_put64(0x1000 + 511 * 8, 0x7003);        /* PML5[511] -> PML4 0x7000 */
    fx_put64(0x7000 + 511 * 8, 0x8003);
    fx_put64(0x8000 + 511 * 8, 0x80000083);    /* 1G at 2G */
    fx_space(&s, (fx_cfg){VTOP_MODE_5LEVEL, 0x1000, 1, 40, 0, 0});
    collect c = collect_new();
    vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c);
    const want w[] = {
        {0x0001000000000000ull, 0x6000, 0x1000, 4, RW | EX, 0},
        {0xFFFFFFFFC0000000ull, 0x80000000, 0x40000000, 2, RW | EX, 0},
    };
    check_leaves(&c, w, 2);
    assert_int_equal(c.v[1].raw_va, 0x1FFFFFFC0000000ull);
    free(c.v);
}

/* Windows-style self-map: PML4[0x1ed] points at the PML4 itself. */
static void test_self_map_bounded(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x4000, 0x5003);
    fx_put64(0x1000 + 0x1ed * 8, 0x1003);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    collect c = collect_new();
    vtop_enum_stats st;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, collect_leaf, &c), VTOP_OK);
    const want w[] = {
        {0, 0x5000, 0x1000, 3, RW | EX, 0},
        {0xFFFFF68000000000ull, 0x4000, 0x1000, 3, RW | EX, 0}, /* the PT */
        {0xFFFFF6FB40000000ull, 0x3000, 0x1000, 3, RW | EX, 0}, /* the PD */
        {0xFFFFF6FB7DA00000ull, 0x2000, 0x1000, 3, RW | EX, 0}, /* the PDPT */
        {0xFFFFF6FB7DBED000ull, 0x1000, 0x1000, 3, RW | EX, 0}, /* the PML4 */
    };
    check_leaves(&c, w, 5);
    assert_true(st.tables <= 10);
    free(c.v);
}

static int count_leaf(void *ctx, const vtop_leaf *l)
{
    (void)l;
    ++*(uint64_t *)ctx;
    return 0;
}

/* Every PML4 entry points back at the PML4: 512^4 leaves if unbounded. The
 * table budget ends it; the test asserts the bound. */
static void test_table_loop_budget(void **state)
{
    (void)state;
    vtop_space s;
    for (int i = 0; i < 512; i++)
        fx_put64(0x1000 + i * 8, 0x1007);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    uint64_t n = 0;
    vtop_enum_stats st;
    vtop_enum_options o = {VTOP_ENUM_STRICT, 1000, NULL, NULL, &st};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, count_leaf, &n),
                     VTOP_LIMIT_REACHED);
    assert_int_equal(st.tables, 1000);
    assert_true(st.entries <= 1000 * 512);
    assert_true(n > 0 && n <= 1000 * 512);
    /* a PDPT entry looping back to the PML4, default budget: finishes */
    fx_reset();
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2008, 0x1007);
    n = 0;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, count_leaf, &n), VTOP_OK);
    /* PDPT[1] -> PML4 as PD: PML4[0] -> PDPT as PT: PDPT[1] is a 4K leaf */
    assert_int_equal(n, 1);
}

/* Random tables in every mode: every enumerated leaf translates to the same
 * record; VAs between leaves do not translate; order is strictly
 * increasing. */
static void check_against_translate(vtop_mode mode, uint64_t seed)
{
    vtop_space s;
    gen_space(&s, mode, seed, 60, 60, 200);
    collect c = collect_new();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
    assert_true(c.n > 0 && c.n <= c.cap);
    for (size_t i = 0; i < c.n; i++) {
        const vtop_leaf *l = &c.v[i];
        if (i > 0)
            assert_true(c.v[i - 1].va + c.v[i - 1].size - 1 < l->va);
        uint64_t off = rx_below(l->size);
        vtop_translation t;
        assert_int_equal(vtop_translate(&s, l->va + off, &t), VTOP_OK);
        assert_int_equal(t.pa, l->pa + off);
        assert_int_equal(t.page_size, l->size);
        assert_int_equal(t.rights, l->rights);
        assert_int_equal(t.leaf_flags, l->leaf_flags);
        assert_int_equal(t.nlevels, l->nlevels);
        for (unsigned k = 0; k < t.nlevels; k++) {
            assert_int_equal(t.levels[k].entry_pa, l->levels[k].entry_pa);
            assert_int_equal(t.levels[k].entry, l->levels[k].entry);
        }
        /* the page just after this leaf, when it is not the next leaf */
        uint64_t after = vtop_canonical(s.desc, l->va + l->size);
        bool next_is_leaf = i + 1 < c.n && c.v[i + 1].va == after;
        if (!next_is_leaf && after != 0 && vtop_canonical(s.desc, after) == after)
            assert_int_not_equal(vtop_translate(&s, after, &t), VTOP_OK);
    }
    free(c.v);
}

static void test_random_tables_agree_with_translate(void **state)
{
    (void)state;
    const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE, VTOP_MODE_PAE,
                               VTOP_MODE_4LEVEL, VTOP_MODE_5LEVEL};
    for (unsigned m = 0; m < 5; m++)
        for (uint64_t seed = 1; seed <= 4; seed++)
            check_against_translate(modes[m], seed * 31 + m);
}

/* ~75,000 4K leaves: PML4 -> PDPT -> PD -> 147 full PTs. */
static void test_75k_leaves_timing(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    for (uint64_t i = 0; i < 147; i++) {
        uint64_t pt = 0x10000 + i * 0x1000;
        fx_put64(0x3000 + i * 8, pt | 7);
        for (uint64_t j = 0; j < 512; j++)
            fx_put64(pt + j * 8, ((i * 512 + j) << 12) | 0x63);
    }
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    double best = 1e9;
    for (int run = 0; run < 5; run++) {
        uint64_t n = 0;
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, count_leaf, &n), VTOP_OK);
        clock_gettime(CLOCK_MONOTONIC, &b);
        assert_int_equal(n, 147 * 512);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        if (ms < best)
            best = ms;
    }
    printf("# enumerate 75264 leaves: %.3f ms (best of 5)\n", best);
    /* 5 ms is the goal for the -O2 build (0.74 ms measured); this binary
     * runs under ASan+UBSan on a shared, loaded machine, hence the slack:
     * the bound still catches a walk that is not linear in the entries. */
    assert_true(best < 250.0);
}


/* Windows software PTEs (windows_pte): a transition PTE is a leaf (the page
 * is still in RAM), a transition PDE is followed, other P=0 kinds are
 * events; every leaf agrees with vtop_translate. */
static void test_windows_transition_and_software_ptes(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x3008, 0x5000 | 0x800 | 0x6);     /* PDE: transition to PT 0x5000 */
    fx_put64(0x4008, 0x7000 | 0x800 | 0x2);     /* PTE: transition, RW */
    fx_put64(0x4010, 0x0000000500000080ull);    /* page file */
    fx_put64(0x4018, 0x400);                    /* prototype */
    fx_put64(0x5000, 0x9005);                   /* under the transition PDE */
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 1});
    collect c = collect_new();
    events ev = {0};
    vtop_enum_options o = {VTOP_ENUM_STRICT, 0, on_event, &ev, NULL};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, collect_leaf, &c), VTOP_OK);
    const want w[] = {
        {0x1000, 0x7000, 0x1000, 3, RW | US | EX, 0},
        {0x200000, 0x9000, 0x1000, 3, US | EX, 0},
    };
    check_leaves(&c, w, 2);
    for (size_t i = 0; i < c.n; i++) {
        vtop_translation t;
        assert_int_equal(vtop_translate(&s, c.v[i].va, &t), VTOP_OK);
        assert_int_equal(t.pa, c.v[i].pa);
        assert_int_equal(t.rights, c.v[i].rights);
    }
    size_t sw = 0;
    for (size_t i = 0; i < ev.n; i++)
        if (ev.v[i].kind == VTOP_EVENT_SOFTWARE_PTE)
            sw++;
    assert_int_equal(sw, 2);
    /* the QEMU policy looks at P only */
    vtop_enum_options q = {VTOP_ENUM_QEMU, 0, NULL, NULL, NULL};
    c.n = 0;
    vtop_enumerate(&s, 0, ~0ull, &q, collect_leaf, &c);
    assert_int_equal(c.n, 0);
    free(c.v);
}

/* A table split over two runs is read entry by entry; a table outside the
 * image is an event (strict) or zeros (QEMU). */
static void test_split_and_missing_tables(void **state)
{
    (void)state;
    vtop_space s;
    static vtop_run split[2];
    split[0] = (vtop_run){0, 0x4800, 0, fx_mem};
    split[1] = (vtop_run){0x4800, 0x100000, 0x4800, fx_mem + 0x4800};
    vtop_physmem pm = {split, 2, NULL};
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x2008, 0x4000007);                /* PD outside the image */
    fx_put64(0x4008, 0x8000e3);                 /* PD[1] 2M, first half */
    fx_put64(0x4900, 0xa000e3);                 /* PD[0x120] 2M, second half */
    vtop_space_config cfg = {VTOP_MODE_4LEVEL, 0x1000, true, 40, 0, false};
    assert_int_equal(vtop_space_init(&s, &cfg, &pm), VTOP_OK);
    collect c = collect_new();
    events ev = {0};
    vtop_enum_options o = {VTOP_ENUM_STRICT, 0, on_event, &ev, NULL};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, collect_leaf, &c), VTOP_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.v[0].va, 0x200000);
    assert_int_equal(c.v[1].va, 0x120ull << 21);
    assert_int_equal(c.v[1].pa, 0xa00000);
    size_t missing = 0;
    for (size_t i = 0; i < ev.n; i++)
        if (ev.v[i].kind == VTOP_EVENT_TABLE_NOT_IN_IMAGE) {
            missing++;
            assert_int_equal(ev.v[i].table_pa, 0x4000000);
            assert_int_equal(ev.v[i].entry_pa, 0x2008);
            assert_int_equal(ev.v[i].va, 0x40000000);
        }
    assert_int_equal(missing, 1);
    vtop_enum_options q = {VTOP_ENUM_QEMU, 0, NULL, NULL, NULL};
    c.n = 0;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &q, collect_leaf, &c), VTOP_OK);
    assert_int_equal(c.n, 2);
    free(c.v);
}

static int stop_on_event(void *ctx, const vtop_enum_event *e)
{
    (void)e;
    return ++*(int *)ctx >= 2;
}

static int stop_unit(void *ctx, uint64_t end, unsigned prot)
{
    (void)end;
    return prot && ++*(int *)ctx >= 1;
}

static void test_stops_and_bad_spaces(void **state)
{
    (void)state;
    vtop_space s;
    build_4level();
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    int n = 0;
    uint64_t leaves = 0;
    vtop_enum_stats st;
    vtop_enum_options o = {VTOP_ENUM_STRICT, 0, stop_on_event, &n, &st};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &o, count_leaf, &leaves), VTOP_OK);
    assert_true(st.stopped);
    assert_int_equal(leaves, 0);
    n = 0;
    assert_int_equal(vtop_qemu_mem_walk(&s, 0, stop_unit, &n), VTOP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(vtop_qemu_mem_walk(NULL, 0, stop_unit, &n), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_qemu_mem_walk(&s, 2, stop_unit, &n), VTOP_LIMIT_REACHED);
    vtop_space none;
    fx_space(&none, (fx_cfg){VTOP_MODE_NONE, 0, 0, 40, 0, 0});
    assert_int_equal(vtop_enumerate(&none, 0, ~0ull, NULL, count_leaf, &leaves), VTOP_BAD_SPACE);
    assert_int_equal(vtop_qemu_mem_walk(&none, 0, stop_unit, &n), VTOP_BAD_SPACE);
    /* 32-bit: a range above 4 GiB holds nothing */
    vtop_space s32;
    fx_space(&s32, (fx_cfg){VTOP_MODE_32BIT, 0x1000, 0, 40, 0, 0});
    leaves = 0;
    assert_int_equal(vtop_enumerate(&s32, 1ull << 32, ~0ull, NULL, count_leaf, &leaves), VTOP_OK);
    assert_int_equal(leaves, 0);
}

/* Fuzz finding E1: a one-page image whose 512 entries all point at itself.
 * The default budget follows the image size: 4 levels * 1 page + 64. */
static void test_default_budget_follows_image_size(void **state)
{
    (void)state;
    static uint8_t page[4096];
    for (int i = 0; i < 512; i++)
        page[i * 8] = 0x07;
    vtop_run run = {0, 4096, 0, page};
    vtop_physmem pm = {&run, 1, NULL};
    vtop_space_config cfg = {VTOP_MODE_4LEVEL, 0, true, 52, 0, false};
    vtop_space s;
    assert_int_equal(vtop_space_init(&s, &cfg, &pm), VTOP_OK);
    assert_int_equal(vtop_enum_default_budget(&s), 68);
    uint64_t n = 0;
    vtop_enum_stats st;
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, count_leaf, &n),
                     VTOP_LIMIT_REACHED);
    assert_int_equal(st.tables, 68);
    assert_true(n <= 68 * 512);
    /* the 8 MiB fixture: 2048 pages * 4 + 64 */
    vtop_space big;
    fx_space(&big, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_int_equal(vtop_enum_default_budget(&big), 2048 * 4 + 64);
}

/* Random VAs (not derived from leaves): translate succeeds exactly when the
 * VA lies in an enumerated leaf, with the same physical address. */
static void random_vas(vtop_mode mode, uint64_t seed)
{
    vtop_space s;
    gen_space(&s, mode, seed, 30, 300, 300);
    collect c = collect_new();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
    assert_true(c.n <= c.cap);
    uint64_t hits = 0;
    for (int q = 0; q < 20000; q++) {
        uint64_t va = rx_next();
        if (q & 1 && c.n) {   /* near a random leaf: up to 4 sizes either side */
            const vtop_leaf *l = &c.v[rx_below(c.n)];
            va = l->va + rx_below(9 * l->size) - 4 * l->size;
        }
        va = vtop_canonical(s.desc, va);
        if (!s.desc->sign_extended)
            va &= 0xffffffffull;
        size_t lo = 0, hi = c.n;            /* last leaf with va >= leaf.va */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (c.v[mid].va <= va)
                lo = mid;
            else
                hi = mid;
        }
        bool in = c.n && c.v[lo].va <= va && va - c.v[lo].va < c.v[lo].size;
        vtop_translation t;
        vtop_status st = vtop_translate(&s, va, &t);
        assert_int_equal(st == VTOP_OK, in);
        if (in) {
            assert_int_equal(t.pa, c.v[lo].pa + (va - c.v[lo].va));
            hits++;
        }
    }
    assert_true(hits > 0);
    free(c.v);
}

static void test_random_vas_agree_with_enumeration(void **state)
{
    (void)state;
    random_vas(VTOP_MODE_32BIT, 3);
    random_vas(VTOP_MODE_32BIT_PSE, 4);
    random_vas(VTOP_MODE_PAE, 5);
    random_vas(VTOP_MODE_4LEVEL, 6);
    random_vas(VTOP_MODE_5LEVEL, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_4level_leaves_and_events, reset),
        cmocka_unit_test_setup(test_4level_qemu_policy_keeps_reserved, reset),
        cmocka_unit_test_setup(test_range_clipping, reset),
        cmocka_unit_test_setup(test_callback_stops, reset),
        cmocka_unit_test_setup(test_32bit_pse_and_pse36, reset),
        cmocka_unit_test_setup(test_pae, reset),
        cmocka_unit_test_setup(test_5level, reset),
        cmocka_unit_test_setup(test_self_map_bounded, reset),
        cmocka_unit_test_setup(test_table_loop_budget, reset),
        cmocka_unit_test_setup(test_random_tables_agree_with_translate, reset),
        cmocka_unit_test_setup(test_75k_leaves_timing, reset),
        cmocka_unit_test_setup(test_windows_transition_and_software_ptes, reset),
        cmocka_unit_test_setup(test_split_and_missing_tables, reset),
        cmocka_unit_test_setup(test_stops_and_bad_spaces, reset),
        cmocka_unit_test_setup(test_default_budget_follows_image_size, reset),
        cmocka_unit_test_setup(test_random_vas_agree_with_enumeration, reset),
    };
    return cmocka_run_group_tests_name("enum", tests, NULL, NULL);
}
