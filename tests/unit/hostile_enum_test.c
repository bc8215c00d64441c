/* Hostile page tables against the whole-space walks: enumeration (both
 * policies), ptov and QEMU's `info mem` walk over self-maps, cycles, one
 * shared page and tables at the image's end must finish within their
 * table budget (counts asserted here) without reading outside the image
 * (hostile_fixture.h).
 */
#include "hostile_fixture.h"

typedef struct leaf_count {
    uint64_t leaves;
    uint64_t other_pa;   /* leaves whose frame is not the expected page */
    uint64_t expect_pa;
    uint64_t stop_after; /* 0: never stop */
} leaf_count;

static int count_leaf(void *ctx, const vtop_leaf *l)
{
    leaf_count *c = ctx;
    c->leaves++;
    if (l->pa != c->expect_pa) {
        c->other_pa++;
    }
    return c->stop_after != 0 && c->leaves >= c->stop_after;
}

/* Enumerate the whole space with a table budget: the walk must end with
 * LIMIT_REACHED having visited at most `budget` tables (each at most 512
 * entries, 1024 in 32-bit mode), within the time bound, every leaf mapping the expected page. */
static void expect_bounded_enum(const vtop_space *s, vtop_enum_policy policy,
                                uint64_t budget, uint64_t expect_pa)
{
    vtop_enum_options opt = {policy, budget, NULL, NULL, NULL};
    vtop_enum_stats st;
    memset(&st, 0, sizeof st);
    leaf_count lc = {0, 0, expect_pa, 0};
    uint64_t t0 = now_ns();
    opt.stats = &st;
    assert_int_equal(vtop_enumerate(s, 0, ~0ull, &opt, count_leaf, &lc),
                     VTOP_LIMIT_REACHED);
    HANG_GUARD(t0);
    assert_true(st.tables <= budget);
    assert_true(st.entries <= budget * (s->desc->entry_size == 4 ? 1024 : 512));
    assert_true(lc.leaves > 0);
    assert_int_equal(lc.leaves, st.leaves);
    assert_int_equal(lc.other_pa, 0);
}

static void test_enum_selfmap_bounded(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    expect_bounded_enum(&s, VTOP_ENUM_STRICT, 1000, 0);
    expect_bounded_enum(&s, VTOP_ENUM_QEMU, 1000, 0);
    space(&s, &im, VTOP_MODE_5LEVEL, 0);
    expect_bounded_enum(&s, VTOP_ENUM_STRICT, 1000, 0);
    image_free(&im);

    image im32;
    image_new(&im32, PAGE, 0);
    fill(&im32, 0, 0 | P_RW_US, 1024, 4);
    space(&s, &im32, VTOP_MODE_32BIT, 0);
    /* 32-bit: 1 directory + 1024 tables exist in all; a budget of 100
     * stops it early. */
    expect_bounded_enum(&s, VTOP_ENUM_STRICT, 100, 0);
    image_free(&im32);
}

/* Regression for finding E1: with the default budget (no options) a
 * one-page self-map used to run 2^20 table visits (~5e8 leaves, ~18 s).
 * The default now scales with the memory that can hold tables:
 * pages * levels + 64 = 1 * 4 + 64 visits here (core/enum.c). */
static void test_enum_selfmap_default_budget(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    assert_int_equal(vtop_enum_default_budget(&s), 68);
    vtop_enum_stats st;
    memset(&st, 0, sizeof st);
    leaf_count lc = {0, 0, 0, 0};
    uint64_t t0 = now_ns();
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, count_leaf, &lc),
                     VTOP_LIMIT_REACHED);
    assert_true(st.tables <= 68);
    assert_true(lc.leaves <= 68 * 512);
    vtop_ptov_hit hits[4];
    vtop_ptov_hits r = {hits, 4, 0, 0};
    assert_int_equal(vtop_ptov(&s, 0, 0xfff, NULL, &r), VTOP_LIMIT_REACHED);
    assert_true(r.total <= 68 * 512);
    HANG_GUARD(t0);
    image_free(&im);
}

/* A callback asking to stop ends the walk at once, with OK and stopped. */
static void test_enum_selfmap_callback_stops(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    vtop_enum_stats st;
    memset(&st, 0, sizeof st);
    leaf_count lc = {0, 0, 0, 1000};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &(vtop_enum_options){.stats = &st}, count_leaf, &lc), VTOP_OK);
    assert_true(st.stopped);
    assert_int_equal(lc.leaves, 1000);
    image_free(&im);
}

static void test_enum_cycle_and_same_page(void **state)
{
    (void)state;
    image im;
    image_new(&im, 3 * PAGE, 0);
    fill(&im, 0, PAGE | P_RW_US, 512, 8);      /* A -> B */
    fill(&im, PAGE, 0 | P_RW_US, 512, 8);      /* B -> A */
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    /* PML4 A, PDPT B, PD A, PT B: the page is A. */
    expect_bounded_enum(&s, VTOP_ENUM_STRICT, 700, 0);
    /* Every entry of every level -> page X (2 * PAGE). */
    fill(&im, 0, 2 * PAGE | P_RW_US, 512, 8);
    fill(&im, 2 * PAGE, 2 * PAGE | P_RW_US, 512, 8);
    expect_bounded_enum(&s, VTOP_ENUM_QEMU, 700, 2 * PAGE);
    image_free(&im);
}

/* ptov of the page every VA maps to: the hit count explodes, so the
 * caller's cap and the table budget bound the answer. */
static void test_ptov_selfmap_bounded(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    vtop_enum_options opt = {VTOP_ENUM_STRICT, 200, NULL, NULL, NULL};
    vtop_ptov_hit hits[16];
    vtop_ptov_hits r = {hits, 16, 0, 0};
    uint64_t t0 = now_ns();
    assert_int_equal(vtop_ptov(&s, 0x10, 0x10, &opt, &r), VTOP_LIMIT_REACHED);
    HANG_GUARD(t0);
    assert_int_equal(r.stored, 16);
    assert_true(r.total >= 16 && r.total <= 200 * 512);
    for (size_t i = 0; i < r.stored; i++) {
        assert_int_equal(hits[i].pa, 0x10);
        assert_int_equal(hits[i].len, 1);
        assert_int_equal(hits[i].va & 0xfff, 0x10);
        assert_true(i == 0 || hits[i].va > hits[i - 1].va);
    }
    /* The first hit is VA 0x10: every index 0. */
    assert_int_equal(hits[0].va, 0x10);
    /* The whole map: more pairs than any cap; bounded by the budget. */
    vtop_ptov_pair pairs[8];
    size_t count = 0;
    vtop_status st = vtop_ptov_map(&s, &opt, pairs, 8, &count);
    assert_true(st == VTOP_LIMIT_REACHED || st == VTOP_BUFFER_TOO_SMALL);
    HANG_GUARD(t0);
    image_free(&im);
}

typedef struct unit_count {
    uint64_t units;
    uint64_t last_end;
    bool ordered;
} unit_count;

static int count_unit(void *ctx, uint64_t raw_end, unsigned prot)
{
    unit_count *u = ctx;
    (void)prot;
    if (u->units > 0 && raw_end < u->last_end) {
        u->ordered = false;
    }
    u->units++;
    u->last_end = raw_end;
    return 0;
}

static void test_qemu_mem_walk_selfmap_bounded(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    unit_count u = {0, 0, true};
    uint64_t t0 = now_ns();
    assert_int_equal(vtop_qemu_mem_walk(&s, 300, count_unit, &u), VTOP_LIMIT_REACHED);
    HANG_GUARD(t0);
    assert_true(u.units <= 300 * 512 + 1);
    assert_true(u.ordered);
    image_free(&im);
}

typedef struct event_count {
    uint64_t not_in_image;
    uint64_t last_table_pa;
} event_count;

static int count_event(void *ctx, const vtop_enum_event *e)
{
    event_count *c = ctx;
    if (e->kind == VTOP_EVENT_TABLE_NOT_IN_IMAGE) {
        c->not_in_image++;
        c->last_table_pa = e->table_pa;
    }
    return 0;
}

/* Root in the last page, its last entry (the image's last bytes) pointing
 * past the image; and a root table cut short by the end of the image. The
 * walk reads only bytes inside the image (ASan), reports the missing table
 * as an event, and finds no leaf. */
static void test_enum_tables_at_image_end(void **state)
{
    (void)state;
    image im;
    image_new(&im, 2 * PAGE, 0);
    put(&im, 2 * PAGE - 8, 7 * PAGE | P_RW_US, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, PAGE);
    event_count ec = {0, 0};
    vtop_enum_options opt = {VTOP_ENUM_STRICT, 0, count_event, &ec, NULL};
    leaf_count lc = {0, 0, 0, 0};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &opt, count_leaf, &lc), VTOP_OK);
    assert_int_equal(lc.leaves, 0);
    assert_int_equal(ec.not_in_image, 1);
    assert_int_equal(ec.last_table_pa, 7 * PAGE);
    image_free(&im);

    /* The image ends 0x808 bytes into the root: entry 256 is its last
     * whole entry and points to the root itself, which so serves as every
     * level; entries 257..511 lie past the image. */
    image_new(&im, PAGE + 0x808, 0);
    put(&im, PAGE + 0x800, PAGE | P_RW_US, 8);
    space(&s, &im, VTOP_MODE_4LEVEL, PAGE);
    memset(&ec, 0, sizeof ec);
    lc = (leaf_count){0, 0, PAGE, 0};
    vtop_status st = vtop_enumerate(&s, 0, ~0ull, &opt, count_leaf, &lc);
    assert_true(st == VTOP_OK);
    /* Exactly one leaf: index 256 at every level, 0xffff804020100000. */
    assert_int_equal(lc.leaves, 1);
    assert_int_equal(lc.other_pa, 0);
    image_free(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_selfmap_bounded),
        cmocka_unit_test(test_enum_selfmap_default_budget),
        cmocka_unit_test(test_enum_selfmap_callback_stops),
        cmocka_unit_test(test_enum_cycle_and_same_page),
        cmocka_unit_test(test_ptov_selfmap_bounded),
        cmocka_unit_test(test_qemu_mem_walk_selfmap_bounded),
        cmocka_unit_test(test_enum_tables_at_image_end),
    };
    return cmocka_run_group_tests_name("hostile_enum", tests, NULL, NULL);
}
