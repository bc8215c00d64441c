/* Tests for core/enum.c and core/enum_qemu.c: leaves of hand-built tables in
 * every mode (a table of cases; expected values written by hand from the
 * SDM layouts), events, range clipping, reserved bits (strict vs QEMU
 * policy), self-maps and loops of tables (bounded), stops and bad spaces.
 * Random tables are enum_random_test.c's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/enum.h"
#include "enum_fixture.h"

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}




/* 4-level image shared with fmt_qemu_test.c (same layout, see there). */

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
/* Hand-built tables, one row per mode: the entries written, then the
 * leaves expected in VA order (worked out from the SDM layouts, Vol. 3A
 * 4.3-4.5). 32-bit: PD[1] is a PSE-36 4M page at 0x3_0040_0000; without
 * CR4.PSE its PS bit is ignored, so PD[1] is a table at 0x406000 (zeros
 * here) and only the 4K page remains. PAE: PT[1] NX, PD[511] a 2M page with
 * PAT. 5-level: a 4K page at VA 1 << 48 and a 1G page at the top. */
typedef struct put {
    uint64_t pa, value;
    unsigned size;       /* 4 or 8 bytes; 0 ends the list */
} put;

typedef struct mode_case {
    const char *name;
    vtop_mode mode;
    int nxe;
    put puts[9];
    want leaves[3];
    size_t nleaves;
    uint64_t last_raw_va; /* raw VA of the last leaf (0: not checked) */
} mode_case;

#define PSE_PUTS {{0x1000, 0x2007, 4}, {0x1004, 0x00400000 | (0x3 << 13) | 0x83, 4}, \
                  {0x2000 + 5 * 4, 0x9005, 4}}

static const mode_case mode_cases[] = {
    {"32-bit PSE, PSE-36", VTOP_MODE_32BIT_PSE, 0, PSE_PUTS,
     {{0x5000, 0x9000, 0x1000, 1, US | EX, 0},
      {0x400000, 0x300400000ull, 0x400000, 0, RW | EX, 0}}, 2, 0},
    {"32-bit without PSE", VTOP_MODE_32BIT, 0, PSE_PUTS,
     {{0x5000, 0x9000, 0x1000, 1, US | EX, 0}}, 1, 0},
    {"PAE", VTOP_MODE_PAE, 1,
     {{0x1000, 0x2001, 8}, {0x1018, 0x3001, 8}, {0x2000, 0x4007, 8},
      {0x4008, 0x8000000000005007ull, 8}, {0x3000 + 511 * 8, 0xE01083, 8}},
     {{0x1000, 0x5000, 0x1000, 2, RW | US, 0},
      {0xFFE00000, 0xE00000, 0x200000, 1, RW | EX, VTOP_LEAF_PAT}}, 2, 0},
    {"5-level", VTOP_MODE_5LEVEL, 1,
     {{0x1008, 0x2007, 8}, {0x2000, 0x3007, 8}, {0x3000, 0x4007, 8},
      {0x4000, 0x5007, 8}, {0x5000, 0x6003, 8}, {0x1000 + 511 * 8, 0x7003, 8},
      {0x7000 + 511 * 8, 0x8003, 8}, {0x8000 + 511 * 8, 0x80000083, 8}},
     {{0x0001000000000000ull, 0x6000, 0x1000, 4, RW | EX, 0},
      {0xFFFFFFFFC0000000ull, 0x80000000, 0x40000000, 2, RW | EX, 0}}, 2,
     0x1FFFFFFC0000000ull},
};

static void test_mode_cases(void **state)
{
    (void)state;
    size_t n = sizeof mode_cases / sizeof mode_cases[0];
    for (size_t k = 0; k < n; k++) {
        const mode_case *m = &mode_cases[k];
        print_message("# %s\n", m->name);
        fx_reset();
        for (const put *p = m->puts; p->size; p++) {
            if (p->size == 4)
                fx_put32(p->pa, (uint32_t)p->value);
            else
                fx_put64(p->pa, p->value);
        }
        vtop_space s;
        assert_int_equal(fx_space(&s, (fx_cfg){m->mode, 0x1000, m->nxe, 40, 0, 0}),
                         VTOP_OK);
        collect c = collect_new();
        assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
        check_leaves(&c, m->leaves, m->nleaves);
        if (m->last_raw_va)
            assert_int_equal(c.v[c.n - 1].raw_va, m->last_raw_va);
        free(c.v);
    }
    assert_int_equal(n, 4);
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
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 40, .pa_extra_mask = 0, .windows_pte = false};
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


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_4level_leaves_and_events, reset),
        cmocka_unit_test_setup(test_4level_qemu_policy_keeps_reserved, reset),
        cmocka_unit_test_setup(test_range_clipping, reset),
        cmocka_unit_test_setup(test_callback_stops, reset),
        cmocka_unit_test_setup(test_mode_cases, reset),
        cmocka_unit_test_setup(test_windows_transition_and_software_ptes, reset),
        cmocka_unit_test_setup(test_split_and_missing_tables, reset),
        cmocka_unit_test_setup(test_stops_and_bad_spaces, reset),
    };
    return cmocka_run_group_tests_name("enum", tests, NULL, NULL);
}
