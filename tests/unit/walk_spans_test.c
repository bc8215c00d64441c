/* Tests for cmd/walk_spans.c: the occupied spans of a hand-built 4-level
 * space (SDM Vol. 3A 4.5: one span per present PDPTE, 1 GiB each), and of
 * random tables of every x86 mode against the spans of the leaves one
 * whole walk (vtop_enumerate) meets; the progress a watch reports over
 * them, with hand-written VA covered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/walk_spans.h"
#include "enum_fixture.h"

#define GIB (1ull << 30)

/* ---- services that record the progress they are given ---- */

typedef struct fake {
    bool show;
    uint64_t total, done;
    unsigned begun, ended, calls;
} fake;

static fake fk;

static void fake_progress(void *ctx, uint64_t bytes)
{
    ((fake *)ctx)->done += bytes;
    ((fake *)ctx)->calls++;
}

static void fake_begin(void *ctx, const char *what, uint64_t total,
                       vtop_scan_hooks *h)
{
    fake *f = ctx;
    (void)what;
    if (!f->show)
        return;
    f->begun++;
    f->total = total;
    h->progress = fake_progress;
    h->progress_ctx = f;
}

static bool fake_shows(void *ctx)
{
    return ((fake *)ctx)->show;
}

static void fake_end(void *ctx)
{
    ((fake *)ctx)->ended++;
}

static vtop_scan_services services(bool show)
{
    fk = (fake){.show = show};
    return (vtop_scan_services){.progress_begin = fake_begin,
                                .shows_progress = fake_shows,
                                .progress_end = fake_end, .ctx = &fk};
}

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

/* build_4level's space: PML4[0] -> PDPT[0] (a PD) and PDPT[1] (a 1G leaf);
 * PML4[511] -> PDPT[510] (a PD): three 1 GiB spans, the last at
 * 0xFFFFFF8000000000 + 510 GiB (sign-extended, SDM 3.3.7.1). */
static void find_4level(vtop_space *s, span_list *sl)
{
    assert_int_equal(fx_space(s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0}),
                     VTOP_OK);
    build_4level();
    assert_true(walk_spans_find(s, sl));
}

static void test_spans_of_4level(void **state)
{
    (void)state;
    vtop_space s;
    span_list sl;
    find_4level(&s, &sl);
    assert_false(sl.coarse);
    assert_int_equal(sl.n, 3);
    assert_int_equal(sl.v[0].lo, 0);
    assert_int_equal(sl.v[0].hi, GIB - 1);
    assert_int_equal(sl.v[1].lo, GIB);
    assert_int_equal(sl.v[1].hi, 2 * GIB - 1);
    assert_int_equal(sl.v[2].lo, 0xFFFFFFFF80000000ull);
    assert_int_equal(sl.v[2].hi, 0xFFFFFFFFBFFFFFFFull);
    assert_int_equal(sl.before[0], 0);
    assert_int_equal(sl.before[1], GIB);
    assert_int_equal(sl.before[2], 2 * GIB);
    assert_int_equal(sl.total, 3 * GIB);
    assert_true(sl.probe_tables > 0);
    walk_spans_free(&sl);
    assert_null(sl.v);
    assert_int_equal(sl.n, 0);
}

static const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE,
                                  VTOP_MODE_PAE, VTOP_MODE_4LEVEL,
                                  VTOP_MODE_5LEVEL};
/* The largest leaf per mode (SDM Vol. 3A 4.3, 4.4, 4.5): a 4 MiB PDE in
 * 32-bit paging (the PDE's span even without PSE), a 2 MiB PDE in PAE,
 * a 1 GiB PDPTE in 4- and 5-level paging. */
static const uint64_t span_size[] = {4ull << 20, 4ull << 20, 2ull << 20, GIB, GIB};

/* The spans random tables hold are the blocks of span_size that the
 * leaves of one whole walk fall in, in VA order. */
static void test_spans_are_the_leaves_blocks(void **state)
{
    (void)state;
    for (unsigned m = 0; m < 5; m++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            vtop_space s;
            gen_space(&s, modes[m], seed * 7 + m, 60, 120, 150);
            collect c = collect_new();
            assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c),
                             VTOP_OK);
            assert_true(c.n > 10 && c.n <= c.cap);
            span_list sl;
            assert_true(walk_spans_find(&s, &sl));
            assert_false(sl.coarse);
            uint64_t size = span_size[m], total = 0;
            size_t k = 0;
            for (size_t i = 0; i < c.n; i++) {
                uint64_t lo = c.v[i].va & ~(size - 1);
                if (i > 0 && lo == (c.v[i - 1].va & ~(size - 1)))
                    continue;
                assert_true(k < sl.n);
                assert_int_equal(sl.v[k].lo, lo);
                assert_int_equal(sl.v[k].hi, lo + (size - 1));
                assert_int_equal(sl.before[k], total);
                total += size;
                k++;
            }
            assert_int_equal(sl.n, k);
            assert_int_equal(sl.total, total);
            walk_spans_free(&sl);
            free(c.v);
        }
    }
}

static vtop_enum_event table_at(uint64_t va)
{
    return (vtop_enum_event){.kind = VTOP_EVENT_TABLE, .va = va};
}

/* Every 64th table reports the VA covered up to it: the spans before its
 * span and the part of its own below it; a VA in a hole counts the spans
 * below it; the end reports the rest once. */
static void test_progress_over_spans(void **state)
{
    (void)state;
    vtop_space s;
    span_list sl;
    find_4level(&s, &sl);
    vtop_scan_services svc = services(true);
    assert_true(walk_progress_wanted(&svc));
    vtop_scan_hooks h;
    walk_progress_begin(&svc, "ptov", &sl, &h);
    assert_int_equal(fk.begun, 1);
    assert_int_equal(fk.total, 3 * GIB);
    watch w = {.sl = &sl, .h = &h};
    vtop_enum_event e = table_at(GIB + 0x1000);
    for (int i = 0; i < 63; i++)
        assert_int_equal(walk_watch_event(&w, &e), 0);
    assert_int_equal(fk.calls, 0);
    vtop_enum_event other = {.kind = VTOP_EVENT_RESERVED, .va = 2 * GIB};
    assert_int_equal(walk_watch_event(&w, &other), 0); /* not a table */
    assert_int_equal(fk.calls, 0);
    assert_int_equal(walk_watch_event(&w, &e), 0);
    assert_int_equal(fk.done, GIB + 0x1000);
    e = table_at(0x00007F0000000000ull);               /* the hole below span 2 */
    for (int i = 0; i < 64; i++)
        walk_watch_event(&w, &e);
    assert_int_equal(fk.done, 2 * GIB);
    walk_watch_advance(&w, GIB);                       /* backwards: nothing */
    assert_int_equal(fk.done, 2 * GIB);
    walk_watch_advance(&w, sl.total);
    walk_watch_advance(&w, sl.total);
    assert_int_equal(fk.done, 3 * GIB);
    assert_int_equal(fk.calls, 3);
    walk_progress_end(&svc, &h);
    assert_int_equal(fk.ended, 1);

    /* a job's walk of span 2 counts from where that span starts */
    watch j = {.sl = &sl, .h = &h};
    walk_watch_span(&j, 2);
    walk_watch_advance(&j, sl.before[2] + GIB);
    assert_int_equal(fk.done, 4 * GIB);                /* 3 GiB + span 2 */
    walk_spans_free(&sl);
}

/* A platform that shows no progress: no hooks, no end. */
static void test_no_progress_shown(void **state)
{
    (void)state;
    vtop_scan_services svc = services(false);
    span_list sl = {.total = GIB};
    vtop_scan_hooks h;
    assert_false(walk_progress_wanted(&svc));
    assert_false(walk_progress_wanted(NULL));
    walk_progress_begin(&svc, "audit", &sl, &h);
    assert_null(h.progress);
    walk_progress_end(&svc, &h);
    assert_int_equal(fk.begun, 0);
    assert_int_equal(fk.ended, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_spans_of_4level, reset),
        cmocka_unit_test_setup(test_spans_are_the_leaves_blocks, reset),
        cmocka_unit_test_setup(test_progress_over_spans, reset),
        cmocka_unit_test_setup(test_no_progress_shown, reset),
    };
    return cmocka_run_group_tests_name("walk_spans", tests, NULL, NULL);
}
