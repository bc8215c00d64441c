/* Hostile page tables against the walker: structures a corrupt or
 * malicious image can hold. Every walk over them must finish without
 * reading outside the image (hostile_fixture.h).
 *
 * Shapes, one table row each where every level resolves to one page: a
 * table whose entries point to itself (every mode), a cycle of two tables
 * across levels, every entry pointing to one read-only page. Then entries
 * in the image's last bytes, a root in the last (possibly partial) page, a
 * root outside the image, memory at the top of the physical space.
 * Expected values are worked out by hand from the SDM layouts (Vol. 3A
 * 4.3-4.5): with every level resolving to page X, a VA translates to
 * X + (va & 0xfff) as a 4K page after exactly `levels` entry reads.
 */
#include "hostile_fixture.h"

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
        HANG_GUARD(t0);
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


/* Tables filled with one value each. */
typedef struct table_fill {
    uint64_t off, value;
    unsigned count, esize;
} table_fill;

typedef struct one_page_case {
    const char *name;
    uint64_t pages;          /* image size in pages, at physical 0 */
    table_fill fill[2];      /* count 0: unused */
    vtop_mode mode;
    uint64_t cr3;
    bool wide;               /* probe_va (long mode) or probe_va32 */
    uint64_t target;         /* the page every VA lands in */
    unsigned levels;         /* entries read */
    bool writable;
} one_page_case;

/* PAE: the PDPT is the first 32 bytes of the page that is also the PD and
 * the PT; PDPTEs take no R/W (reserved, SDM table 4-8), so every entry is
 * just P: not writable. A cycle A -> B -> A -> B -> A (4-level) has the
 * PML4 and PD in A, the PDPT and PT in B, and the page is A; with 5
 * levels the page is B. */
static const one_page_case one_page_cases[] = {
    {"self-map 4-level", 1, {{0, 0 | P_RW_US, 512, 8}}, VTOP_MODE_4LEVEL, 0,
     true, 0, 4, true},
    {"self-map 5-level", 2, {{PAGE, PAGE | P_RW_US, 512, 8}}, VTOP_MODE_5LEVEL,
     PAGE, true, PAGE, 5, true},
    {"self-map 32-bit", 1, {{0, 0 | P_RW_US, 1024, 4}}, VTOP_MODE_32BIT, 0,
     false, 0, 2, true},
    {"self-map PAE", 1, {{0, 0 | PTE_P, 512, 8}}, VTOP_MODE_PAE, 0, false, 0, 3,
     false},
    {"cycle 4-level", 2, {{0, PAGE | P_RW_US, 512, 8}, {PAGE, 0 | P_RW_US, 512, 8}},
     VTOP_MODE_4LEVEL, 0, true, 0, 4, true},
    {"cycle 5-level", 2, {{0, PAGE | P_RW_US, 512, 8}, {PAGE, 0 | P_RW_US, 512, 8}},
     VTOP_MODE_5LEVEL, 0, true, PAGE, 5, true},
    {"every entry one read-only page", 3,
     {{0, 2 * PAGE | P_RW_US, 512, 8}, {2 * PAGE, 2 * PAGE | PTE_P | PTE_US, 512, 8}},
     VTOP_MODE_4LEVEL, 0, true, 2 * PAGE, 4, false},
};

static void test_one_page_cases(void **state)
{
    (void)state;
    size_t n = sizeof one_page_cases / sizeof one_page_cases[0];
    for (size_t k = 0; k < n; k++) {
        const one_page_case *c = &one_page_cases[k];
        print_message("# %s\n", c->name);
        image im;
        image_new(&im, c->pages * PAGE, 0);
        for (unsigned f = 0; f < 2 && c->fill[f].count; f++)
            fill(&im, c->fill[f].off, c->fill[f].value, c->fill[f].count,
                 c->fill[f].esize);
        vtop_space s;
        space(&s, &im, c->mode, c->cr3);
        if (c->wide)
            expect_all_to(&s, probe_va, sizeof probe_va / sizeof probe_va[0],
                          c->target, c->levels, c->writable);
        else
            expect_all_to(&s, probe_va32, sizeof probe_va32 / sizeof probe_va32[0],
                          c->target, c->levels, c->writable);
        image_free(&im);
    }
    assert_int_equal(n, 7);
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
    HANG_GUARD(t0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_page_cases),
        cmocka_unit_test(test_last_entry_points_out),
        cmocka_unit_test(test_last_entry_self),
        cmocka_unit_test(test_root_in_partial_last_page),
        cmocka_unit_test(test_root_outside_image),
        cmocka_unit_test(test_root_at_top_of_physical_space),
        cmocka_unit_test(test_run_at_end_of_64bit_space),
        cmocka_unit_test(test_long_read_through_selfmap),
    };
    return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
