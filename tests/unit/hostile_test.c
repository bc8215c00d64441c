/* Hostile page tables (issue 11): structures a corrupt or malicious image
 * can hold. Every walk over them must finish, within bounds asserted here,
 * without reading outside the image: each image is a heap buffer of exactly
 * its size, so ASan (this binary is built with ASan+UBSan) flags any byte
 * read past either end.
 *
 * Shapes: a table whose entries point to itself (at every level), a cycle of
 * two tables across levels, every entry present and pointing to one page,
 * entries in the image's last bytes, a root in the last (possibly partial)
 * page, a root outside the image, memory at the top of the physical space.
 * Expected values are worked out by hand from the SDM layouts (Vol. 3A
 * 4.3-4.5): with every level resolving to page X, a VA translates to
 * X + (va & 0xfff) as a 4K page after exactly `levels` entry reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/enum.h"
#include "core/paging.h"
#include "core/physmem.h"
#include "core/ptov.h"
#include "core/status.h"

#define PAGE 4096u
#define P_RW_US (PTE_P | PTE_RW | PTE_US)
/* Wall-clock bound for any one hostile walk (ASan build, shared machine). */
#define TIME_BOUND_NS 2000000000ull

typedef struct image {
    uint8_t *bytes;
    uint64_t size;
    vtop_run run;
    vtop_physmem mem;
} image;

static void image_new(image *im, uint64_t size, uint64_t phys)
{
    im->bytes = calloc(1, size);
    assert_non_null(im->bytes);
    im->size = size;
    im->run = (vtop_run){phys, size, 0, im->bytes};
    im->mem = (vtop_physmem){&im->run, 1, NULL};
}

static void image_free(image *im)
{
    free(im->bytes);
}

static void put(image *im, uint64_t off, uint64_t v, unsigned esize)
{
    assert_true(off + esize <= im->size);
    for (unsigned i = 0; i < esize; i++) {
        im->bytes[off + i] = (uint8_t)(v >> (8 * i));
    }
}

/* Fill a table at offset off with `count` entries of value v. */
static void fill(image *im, uint64_t off, uint64_t v, unsigned count, unsigned esize)
{
    for (unsigned i = 0; i < count; i++) {
        put(im, off + (uint64_t)i * esize, v, esize);
    }
}

static void space(vtop_space *s, const image *im, vtop_mode mode, uint64_t cr3)
{
    vtop_space_config cfg = {mode, cr3, true, 52, 0, false};
    assert_int_equal(vtop_space_init(s, &cfg, &im->mem), VTOP_OK);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* VAs spread over the space: low, high indices, the canonical upper half. */
static const uint64_t probe_va[] = {
    0x0, 0x123, 0x7fffffffffff, 0x00000ff000401abc,
    0xffff800000000000, 0xfffffffffffff008, 0xffffffffffffffff,
};

static const uint64_t probe_va32[] = {0x0, 0x123, 0x00401abc, 0x7fffffff, 0xfffff008,
                                      0xffffffff};

/* Every level's table is page `target` (offset in the image): any VA must
 * translate to target + offset as a 4K page after `levels` reads. */
static void expect_all_to(const vtop_space *s, const uint64_t *vas, size_t n,
                          uint64_t target_pa, unsigned levels, bool writable)
{
    for (size_t i = 0; i < n; i++) {
        vtop_translation t;
        uint64_t t0 = now_ns();
        vtop_status st = vtop_translate(s, vas[i], &t);
        assert_true(now_ns() - t0 < TIME_BOUND_NS);
        if (st == VTOP_NON_CANONICAL) {
            /* 4-level: VAs with bits 63..47 unequal are refused, rightly. */
            assert_true(s->desc->sign_extended);
            continue;
        }
        assert_int_equal(st, VTOP_OK);
        assert_int_equal(t.page_size, PAGE);
        assert_int_equal(t.pa, target_pa + (vas[i] & 0xfff));
        assert_int_equal(t.nlevels, levels);
        assert_int_equal((t.rights & VTOP_RIGHT_WRITE) != 0, writable);
    }
}

/* A 4-level root whose 512 entries all point to the root itself. */
static void test_selfmap_4level(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0], 0, 4, true);
    image_free(&im);
}

static void test_selfmap_5level(void **state)
{
    (void)state;
    image im;
    image_new(&im, 2 * PAGE, 0);
    fill(&im, PAGE, PAGE | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_5LEVEL, PAGE);
    expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0], PAGE, 5, true);
    image_free(&im);
}

static void test_selfmap_32bit(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 1024, 4);
    vtop_space s;
    space(&s, &im, VTOP_MODE_32BIT, 0);
    expect_all_to(&s, probe_va32, sizeof probe_va32 / sizeof probe_va32[0], 0, 2, true);
    image_free(&im);
}

/* PAE: the PDPT is the first 32 bytes of the page that is also the PD and
 * the PT; PDPTEs take no R/W (reserved, SDM table 4-8), so every entry is
 * just P: not writable. */
static void test_selfmap_pae(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | PTE_P, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_PAE, 0);
    expect_all_to(&s, probe_va32, sizeof probe_va32 / sizeof probe_va32[0], 0, 3, false);
    image_free(&im);
}

/* Two tables pointing at each other: A -> B -> A -> B -> A (4-level), so
 * the PML4 and PD are A, the PDPT and PT are B, and the page is A. */
static void test_cycle_across_levels(void **state)
{
    (void)state;
    image im;
    image_new(&im, 2 * PAGE, 0);
    fill(&im, 0, PAGE | P_RW_US, 512, 8);     /* A: every entry -> B */
    fill(&im, PAGE, 0 | P_RW_US, 512, 8);     /* B: every entry -> A */
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0], 0, 4, true);
    /* 5-level: A B A B A, the page is B. */
    space(&s, &im, VTOP_MODE_5LEVEL, 0);
    expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0], PAGE, 5, true);
    image_free(&im);
}

/* The root's entries all point to page X, and X's entries all to X. */
static void test_every_entry_same_page(void **state)
{
    (void)state;
    image im;
    image_new(&im, 3 * PAGE, 0);
    fill(&im, 0, 2 * PAGE | P_RW_US, 512, 8);
    fill(&im, 2 * PAGE, 2 * PAGE | PTE_P | PTE_US, 512, 8);  /* read-only */
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0], 2 * PAGE, 4, false);
    image_free(&im);
}

/* The root is the last page; its last entry (the image's last 8 bytes)
 * points to a table past the end of the image: TABLE_NOT_IN_IMAGE at the
 * PDPT level, having read only the PML4E. */
static void test_last_entry_points_out(void **state)
{
    (void)state;
    image im;
    image_new(&im, 2 * PAGE, 0);
    put(&im, 2 * PAGE - 8, 5 * PAGE | P_RW_US, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, PAGE);
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0xfffffffffffff000, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.nlevels, 1);
    assert_int_equal(t.levels[0].entry_pa, 2 * PAGE - 8);
    assert_int_equal(t.levels[0].entry, 5 * PAGE | P_RW_US);
    assert_int_equal(t.fault_level, 1);
    image_free(&im);
}

/* The last entry of the last page points back at that page: the walk
 * reads the image's last 8 bytes at every level and ends on the root. */
static void test_last_entry_self(void **state)
{
    (void)state;
    image im;
    image_new(&im, 3 * PAGE, 0);
    put(&im, 3 * PAGE - 8, 2 * PAGE | P_RW_US, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 2 * PAGE);
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0xffffffffffffffff, &t), VTOP_OK);
    assert_int_equal(t.pa, 2 * PAGE + 0xfff);
    for (unsigned l = 0; l < 4; l++) {
        assert_int_equal(t.levels[l].entry_pa, 3 * PAGE - 8);
    }
    /* 32-bit: 4-byte entries, the last at the image's last 4 bytes. */
    image im32;
    image_new(&im32, 2 * PAGE, 0);
    put(&im32, 2 * PAGE - 4, PAGE | P_RW_US, 4);
    space(&s, &im32, VTOP_MODE_32BIT, PAGE);
    assert_int_equal(vtop_translate(&s, 0xffffffff, &t), VTOP_OK);
    assert_int_equal(t.pa, PAGE + 0xfff);
    image_free(&im32);
    image_free(&im);
}

/* The image ends in the middle of the root table: entries inside it are
 * read, entries past the end are TABLE_NOT_IN_IMAGE at level 0 (never a
 * read past the buffer). */
static void test_root_in_partial_last_page(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE + 0x808, 0);          /* root has 257 entries */
    put(&im, PAGE + 0x800, PAGE | P_RW_US, 8); /* entry 256 -> root */
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, PAGE);
    vtop_translation t;
    /* Index 256 at every level: 0xffff804020100000 (canonical upper half). */
    assert_int_equal(vtop_translate(&s, 0xffff804020100000, &t), VTOP_OK);
    assert_int_equal(t.pa, PAGE);
    /* Index 257 at the PML4: past the image. */
    assert_int_equal(vtop_translate(&s, 0xffff808000000000, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.nlevels, 0);
    assert_int_equal(t.fault_level, 0);
    image_free(&im);
}

static void test_root_outside_image(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0x100000);
    vtop_translation t;
    assert_int_equal(vtop_translate(&s, 0x1000, &t), VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(t.nlevels, 0);
    uint8_t buf[16];
    size_t done = 99;
    assert_int_equal(vtop_read_virtual(&s, 0x1000, buf, sizeof buf, &done),
                     VTOP_TABLE_NOT_IN_IMAGE);
    assert_int_equal(done, 0);
    image_free(&im);
}

/* Memory at the top of the 52-bit physical space: a self-mapping root in
 * the last page below 2^52. */
static void test_root_at_top_of_physical_space(void **state)
{
    (void)state;
    const uint64_t top = (1ull << 52) - PAGE;
    image im;
    image_new(&im, PAGE, top);
    fill(&im, 0, top | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, top);
    expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0], top, 4, true);
    /* A read running off the end of physical memory stops there. */
    uint8_t buf[32];
    size_t done = 0;
    assert_int_equal(vtop_read_physical(&s, top + PAGE - 16, buf, sizeof buf, &done),
                     VTOP_PARTIAL_READ);
    assert_int_equal(done, 16);
    image_free(&im);
}

/* A run ending exactly at 2^64: physmem lookups near the top must not wrap. */
static void test_run_at_end_of_64bit_space(void **state)
{
    (void)state;
    uint8_t *bytes = calloc(1, PAGE);
    assert_non_null(bytes);
    vtop_run run = {0 - (uint64_t)PAGE, PAGE, 0, bytes};
    assert_int_equal(vtop_physmem_validate(&run, 1), VTOP_OK);
    vtop_physmem mem = {&run, 1, NULL};
    assert_int_equal(vtop_physmem_find(&mem, 0xffffffffffffffff), 0);
    assert_null(vtop_physmem_span(&mem, 0xfffffffffffffff8, 16));
    assert_non_null(vtop_physmem_span(&mem, 0xfffffffffffffff8, 8));
    uint8_t buf[16];
    size_t done = 0;
    assert_int_equal(vtop_physmem_read(&mem, 0xfffffffffffffff8, buf, 16, &done),
                     VTOP_PARTIAL_READ);
    assert_int_equal(done, 8);
    /* A run that would wrap past 2^64 is refused. */
    vtop_run wrap = {0 - (uint64_t)PAGE + 1, PAGE, 0, bytes};
    assert_int_equal(vtop_physmem_validate(&wrap, 1), VTOP_FORMAT_CORRUPT);
    free(bytes);
}

/* Reading 4 MiB through a self-map: every page resolves to the root, the
 * read completes, and it takes bounded time. */
static void test_long_read_through_selfmap(void **state)
{
    (void)state;
    image im;
    image_new(&im, PAGE, 0);
    fill(&im, 0, 0 | P_RW_US, 512, 8);
    vtop_space s;
    space(&s, &im, VTOP_MODE_4LEVEL, 0);
    size_t len = 4u << 20;
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    size_t done = 0;
    uint64_t t0 = now_ns();
    assert_int_equal(vtop_read_virtual(&s, 0x7fffffc00000, buf, len, &done), VTOP_OK);
    assert_true(now_ns() - t0 < TIME_BOUND_NS);
    assert_int_equal(done, len);
    /* Every page holds the root's bytes: entry 0's low byte is 0x07. */
    assert_int_equal(buf[0], 0x07);
    assert_int_equal(buf[len - PAGE], 0x07);
    /* Running into the non-canonical hole at 2^47 stops the read there. */
    done = 0;
    assert_int_equal(vtop_read_virtual(&s, 0x7ffffffff000, buf, 2 * PAGE, &done),
                     VTOP_PARTIAL_READ);
    assert_int_equal(done, PAGE);
    free(buf);
    image_free(&im);
}

/* ---- Whole-space walks: enumeration, ptov, QEMU mem walk ---- */

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
    assert_true(now_ns() - t0 < TIME_BOUND_NS);
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
    assert_true(now_ns() - t0 < TIME_BOUND_NS);
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
    assert_true(now_ns() - t0 < TIME_BOUND_NS);
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
    assert_true(now_ns() - t0 < 2 * TIME_BOUND_NS);
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
    assert_true(now_ns() - t0 < TIME_BOUND_NS);
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
        cmocka_unit_test(test_selfmap_4level),
        cmocka_unit_test(test_selfmap_5level),
        cmocka_unit_test(test_selfmap_32bit),
        cmocka_unit_test(test_selfmap_pae),
        cmocka_unit_test(test_cycle_across_levels),
        cmocka_unit_test(test_every_entry_same_page),
        cmocka_unit_test(test_last_entry_points_out),
        cmocka_unit_test(test_last_entry_self),
        cmocka_unit_test(test_root_in_partial_last_page),
        cmocka_unit_test(test_root_outside_image),
        cmocka_unit_test(test_root_at_top_of_physical_space),
        cmocka_unit_test(test_run_at_end_of_64bit_space),
        cmocka_unit_test(test_long_read_through_selfmap),
        cmocka_unit_test(test_enum_selfmap_bounded),
        cmocka_unit_test(test_enum_selfmap_default_budget),
        cmocka_unit_test(test_enum_selfmap_callback_stops),
        cmocka_unit_test(test_enum_cycle_and_same_page),
        cmocka_unit_test(test_ptov_selfmap_bounded),
        cmocka_unit_test(test_qemu_mem_walk_selfmap_bounded),
        cmocka_unit_test(test_enum_tables_at_image_end),
    };
    return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
