/* Tests for core/batch.c: vtop_translate_batch gives, address by address,
 * the record and status vtop_translate gives (the independent reference:
 * one walk at a time), in every mode, over random tables with large pages,
 * reserved bits, Windows software PTEs and tables outside the image, with
 * batch sizes that are and are not multiples of the group (16 walks, with
 * and without the record); the pa-only
 * batch gives vtop_translate_pa's status and address. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "a64_fixture.h"
#include "core/batch.h"
#include "enum_fixture.h"
#include "record_check.h"

#define MAXN 4096

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

/* Batch vs one by one over va[0..n); returns the number of VTOP_OK. */
static size_t check_batch(const vtop_space *s, const uint64_t *va, size_t n)
{
    static vtop_translation one[MAXN], many[MAXN];
    assert_true(n <= MAXN);
    memset(one, 0xAA, sizeof one);
    memset(many, 0x55, sizeof many);
    vtop_status first = VTOP_OK;
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        vtop_status st = vtop_translate(s, va[i], &one[i]);
        if (first == VTOP_OK)
            first = st;
        ok += st == VTOP_OK;
    }
    assert_int_equal(vtop_translate_batch(s, va, n, many), first);
    for (size_t i = 0; i < n; i++)
        same_record(&one[i], &many[i]);
    static uint64_t pa[MAXN];
    static vtop_status st[MAXN];
    memset(pa, 0xAA, sizeof pa);
    memset(st, 0xAA, sizeof st);
    assert_int_equal(vtop_translate_batch_pa(s, va, n, pa, st), first);
    for (size_t i = 0; i < n; i++) {
        uint64_t want = 0;
        assert_int_equal(st[i], vtop_translate_pa(s, va[i], &want, NULL));
        assert_int_equal(st[i], one[i].status);
        assert_int_equal(pa[i], st[i] == VTOP_OK ? want : 0);
    }
    return ok;
}

/* Addresses: inside leaves, random canonical, a few beyond the mode's
 * width (non-canonical, or above 4 GiB in 32-bit modes). */
static size_t make_vas(const vtop_space *s, const collect *l, uint64_t *va,
                       size_t n)
{
    size_t leaves = l->n < l->cap ? l->n : l->cap;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rx_below(16);
        if (r == 0)
            va[i] = rx_next() | (1ull << 62) >> (rx_next() & 1);
        else if (r < 5 || leaves == 0)
            va[i] = vtop_canonical(s->desc, rx_next());
        else {
            const vtop_leaf *lf = &l->v[rx_below(leaves)];
            va[i] = lf->va + rx_below(lf->size);
        }
    }
    return leaves;
}

/* A page source over fx_mem: each fetch copies the page into the slot. */
static vtop_status fetch_copy(void *ctx, uint64_t pa, uint8_t *slot,
                              const uint8_t **page)
{
    (void)ctx;
    memcpy(slot, fx_mem + pa, VTOP_PAGE_SIZE);
    *page = slot;
    return VTOP_OK;
}

static vtop_space *source_space(vtop_space *t, const vtop_space_config *cfg)
{
    enum { SLOTS = 8 };
    static uint8_t data[SLOTS * VTOP_PAGE_SIZE];
    static vtop_page_slot slots[SLOTS];
    static vtop_page_slot buckets[SLOTS];
    static vtop_page_cache cache;
    static vtop_page_source src;
    static vtop_run run;
    memset(slots, 0, sizeof slots);
    memset(buckets, 0, sizeof buckets);
    cache = (vtop_page_cache){.data = data, .slots = slots, .buckets = buckets,
                              .nslots = SLOTS};
    src = (vtop_page_source){.fetch = fetch_copy, .cache = &cache};
    run = (vtop_run){.phys = 0, .len = FX_MEM_SIZE};
    vtop_physmem mem = {.runs = &run, .count = 1, .source = &src};
    assert_int_equal(vtop_space_init(t, cfg, &mem), VTOP_OK);
    return t;
}

static void random_mode(vtop_mode mode, uint64_t seed, int windows, int nxe)
{
    vtop_space s;
    fx_reset();
    rx_state = seed * 0x9E3779B97F4A7C15ull + 1;
    fx_space(&s, (fx_cfg){mode, 0x1000, nxe, 40, 0, windows});
    gen g = {&s, 0x2000, 60, 120, 150, 20}; /* 2% reserved-bit entries */
    gen_table(&g, 0x1000, 0);
    /* Windows software PTEs: not-present entries with bit 11 (transition)
     * or bit 10 (prototype) next to the leaves */
    for (uint64_t pa = 0x2000; windows && pa < g.next_table; pa += s.desc->entry_size)
        if (rx_below(50) == 0)
            fx_put(&s, pa, (rx_next() & 0xffff000) | (rx_below(2) ? 1u << 11 : 1u << 10));
    collect l = collect_new();
    vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &l);
    static uint64_t va[MAXN];
    size_t ok = 0, done = 0;
    /* 100k fresh addresses in batches of MAXN, then odd sizes */
    for (unsigned r = 0; r < (100000 + MAXN - 1) / MAXN; r++, done += MAXN) {
        assert_true(make_vas(&s, &l, va, MAXN) > 0);
        ok += check_batch(&s, va, MAXN);
    }
    assert_true(done >= 100000);
    size_t sizes[] = {MAXN, 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 1000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        ok += check_batch(&s, va + (k * 13) % 64, sizes[k] - (k ? 0 : 64));
    assert_true(ok > 10000);
    /* The same tables with the image cut short: tables beyond it are not
     * in the image (the walk says where it stopped). */
    vtop_run cut = {0, g.next_table / 2, 0, fx_mem};
    vtop_physmem short_mem = {.runs = &cut, .count = 1};
    vtop_space_config cfg = s.cfg;
    vtop_space t;
    assert_int_equal(vtop_space_init(&t, &cfg, &short_mem), VTOP_OK);
    check_batch(&t, va, MAXN);
    /* The same tables behind a page source (pages fetched into an 8-slot
     * cache, as compressed dumps are read): the walks of a group fetch
     * more pages than the cache holds. */
    check_batch(source_space(&t, &s.cfg), va, MAXN);
    free(l.v);
}

static void test_every_mode(void **state)
{
    (void)state;
    static const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE,
                                      VTOP_MODE_PAE, VTOP_MODE_4LEVEL,
                                      VTOP_MODE_5LEVEL};
    for (unsigned i = 0; i < 5; i++) {
        random_mode(modes[i], 100 + i, 0, 1);
        random_mode(modes[i], 200 + i, 1, 1);
        random_mode(modes[i], 300 + i, 0, 0); /* without NXE: NX is a reserved bit */
    }
}

/* AArch64 (4K granule, 48-bit halves, TTBR0 and TTBR1 over the same
 * random tables): invalid, table, block and page descriptors, AF clear
 * and address bits above the output size, tables beyond the image;
 * addresses in both halves, tagged and outside both ranges. */
#define A64_EL1_48_4K (T0SZ(16) | TG0_4K | T1SZ(16) | TG1_4K | IPS(2) | TBI1)
#define A64_TABLES 64u

static uint64_t a64_random_desc(void)
{
    uint64_t r = rx_below(32);
    uint64_t frame = (rx_next() & 0xfffff000ull) & ((1ull << 40) - 1);
    if (r < 10)
        return r & 1 ? rx_next() & ~1ull : 0; /* invalid */
    if (r < 22) /* a table inside the area, sometimes beyond the image */
        return (r == 21 ? 0x7f000000ull : 0x1000ull * (1 + rx_below(A64_TABLES))) | D_TABLE;
    uint64_t d = frame | D_AF | D_SH(3) | D_ATTR(rx_below(8)) | (rx_next() & (D_AP1 | D_AP2 | D_NG | D_PXN | D_UXN));
    if (r == 31)
        d &= ~D_AF;
    if (r == 30)
        d |= 1ull << 44; /* above the 40-bit output size */
    return d | (r & 1 ? D_BLOCK : D_PAGE);
}

static void test_aarch64(void **state)
{
    (void)state;
    fx_reset();
    rx_state = 0xa64;
    for (uint64_t pa = 0x1000; pa < 0x1000ull * (1 + A64_TABLES); pa += 8)
        fx_put64(pa, a64_random_desc());
    vtop_space s;
    assert_int_equal(a64_space(&s, (a64_cfg){A64_EL1_48_4K, 0x1000, 0x2000, VTOP_A64_EL1, 0, 0}),
                     VTOP_OK);
    static uint64_t va[MAXN];
    size_t ok = 0;
    for (unsigned r = 0; r < 8; r++) {
        for (size_t i = 0; i < MAXN; i++) {
            uint64_t x = rx_next() & 0x0000ffffffffffffull;
            switch (rx_below(8)) {
            case 0: va[i] = x; break;
            case 1: va[i] = x | 0xff00000000000000ull >> (rx_below(2) * 8); break;
            case 2: va[i] = rx_next(); break; /* mostly outside both ranges */
            default: va[i] = x | 0xffff000000000000ull; break;
            }
        }
        ok += check_batch(&s, va, MAXN - r);
    }
    assert_true(ok > 100);
}

/* Named cases: empty batch, NULL arrays, no space, paging disabled. */
static void test_edges(void **state)
{
    (void)state;
    vtop_translation out[3];
    uint64_t va[3] = {0x1000, 0x2345, 0x0000800000000000ull};
    assert_int_equal(vtop_translate_batch(NULL, va, 0, NULL), VTOP_OK);
    assert_int_equal(vtop_translate_batch(NULL, NULL, 1, out), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_translate_batch(NULL, va, 1, NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_translate_batch(NULL, va, 3, out), VTOP_BAD_ARGUMENT);
    uint64_t pa[3] = {1, 2, 3};
    vtop_status st[3];
    assert_int_equal(vtop_translate_batch_pa(NULL, va, 0, NULL, NULL), VTOP_OK);
    assert_int_equal(vtop_translate_batch_pa(NULL, NULL, 1, pa, st), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_translate_batch_pa(NULL, va, 1, NULL, st), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_translate_batch_pa(NULL, va, 1, pa, NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(pa[0], 1); /* nothing written */
    assert_int_equal(vtop_translate_batch_pa(NULL, va, 3, pa, st), VTOP_BAD_ARGUMENT);
    assert_int_equal(st[2], VTOP_BAD_ARGUMENT);
    assert_int_equal(pa[2], 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(out[i].status, VTOP_BAD_ARGUMENT);
    vtop_space s;
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_NONE, 0, 0, 40, 0, 0}), VTOP_OK);
    assert_int_equal(check_batch(&s, va, 3), 2); /* the third is above 4 GiB */
    assert_int_equal(out[0].status, VTOP_BAD_ARGUMENT); /* untouched by check_batch */
    /* One 4-level 4K page: the first failure's status is returned. */
    fx_put64(0x1000, 0x2007);
    fx_put64(0x2000, 0x3007);
    fx_put64(0x3000, 0x4007);
    fx_put64(0x4008, 0x9063);
    assert_int_equal(fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0}), VTOP_OK);
    assert_int_equal(vtop_translate_batch(&s, va, 2, out), VTOP_NOT_PRESENT);
    assert_int_equal(out[0].status, VTOP_OK);
    assert_int_equal(out[0].pa, 0x9000);
    assert_int_equal(out[1].status, VTOP_NOT_PRESENT);
    assert_int_equal(vtop_translate_batch(&s, va + 2, 1, out), VTOP_NON_CANONICAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_mode, reset),
        cmocka_unit_test_setup(test_edges, reset),
        cmocka_unit_test_setup(test_aarch64, reset),
    };
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
