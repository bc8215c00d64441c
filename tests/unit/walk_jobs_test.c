/* Tests for cmd/walk_jobs.c: `ptov` over the whole space split into jobs
 * gives, pair for pair and hit for hit, what one core walk gives
 * (vtop_ptov_map, vtop_ptov) over random tables of every x86 mode, with
 * jobs run in an order unlike the sequential one; the progress it reports
 * adds up to the total it announced; a hostile self-map (every entry
 * pointing back to the root) ends as the one walk does; a map larger
 * than its bound, sorted in PA windows (cmd/walk_windows.c), is the same
 * map; `audit` with progress reports the findings vtop_audit reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/scan.h"
#include "core/audit.h"
#include "core/ptov.h"
#include "enum_fixture.h"

/* ---- services: jobs run one after the other, last first ---- */

typedef struct fake {
    bool show;
    uint64_t total, done;
    unsigned begun, ended, parallel_calls;
} fake;

static fake fk;

static void fake_progress(void *ctx, uint64_t bytes)
{
    ((fake *)ctx)->done += bytes;
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
    f->done = 0;
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

static void fake_parallel(void *ctx, unsigned n, void (*fn)(void *, unsigned),
                          void *arg)
{
    ((fake *)ctx)->parallel_calls++;
    for (unsigned i = n; i-- > 0;)
        fn(arg, i);
}

static vtop_scan_services services(unsigned jobs, bool show)
{
    fk = (fake){.show = show};
    return (vtop_scan_services){.progress_begin = fake_begin,
                                .shows_progress = fake_shows,
                                .progress_end = fake_end,
                                .parallel = fake_parallel, .jobs = jobs,
                                .ctx = &fk};
}

/* ---- what reaches the callbacks ---- */

#define MAX_OUT 200000

typedef struct got {
    vtop_ptov_pair *pairs;
    vtop_ptov_hit *hits;
    size_t n;
} got;

static void got_pair(void *ctx, const vtop_ptov_pair *p)
{
    got *g = ctx;
    assert_true(g->n < MAX_OUT);
    g->pairs[g->n++] = *p;
}

static void got_hit(void *ctx, const vtop_ptov_hit *h)
{
    got *g = ctx;
    assert_true(g->n < MAX_OUT);
    g->hits[g->n++] = *h;
}

static got got_new(void)
{
    got g = {calloc(MAX_OUT, sizeof(vtop_ptov_pair)),
             calloc(MAX_OUT, sizeof(vtop_ptov_hit)), 0};
    assert_non_null(g.pairs);
    assert_non_null(g.hits);
    return g;
}

static void got_free(got *g)
{
    free(g->pairs);
    free(g->hits);
}

static int reset(void **state)
{
    (void)state;
    fx_reset();
    return 0;
}

/* Field by field: the structs' padding is not part of the answer. */
static void same_pairs(const vtop_ptov_pair *a, const vtop_ptov_pair *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].pa, b[i].pa);
        assert_int_equal(a[i].va, b[i].va);
        assert_int_equal(a[i].size, b[i].size);
        assert_int_equal(a[i].level, b[i].level);
        assert_int_equal(a[i].rights, b[i].rights);
    }
}

static void same_hits(const vtop_ptov_hit *a, const vtop_ptov_hit *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].va, b[i].va);
        assert_int_equal(a[i].pa, b[i].pa);
        assert_int_equal(a[i].len, b[i].len);
        assert_int_equal(a[i].leaf_va, b[i].leaf_va);
        assert_int_equal(a[i].leaf_pa, b[i].leaf_pa);
        assert_int_equal(a[i].leaf_size, b[i].leaf_size);
        assert_int_equal(a[i].level, b[i].level);
        assert_int_equal(a[i].rights, b[i].rights);
    }
}

/* Progress, when shown, began once, ended once, and added up to its total. */
static void check_progress(bool show)
{
    if (!show) {
        assert_int_equal(fk.begun, 0);
        return;
    }
    assert_true(fk.begun >= 1); /* more: a split in vain, PA windows */
    assert_int_equal(fk.ended, 1);
    assert_true(fk.total > 0);
    assert_int_equal(fk.done, fk.total);
}

/* vtop_ptov_scan.max_pairs of the next check_map (0: the default). */
static size_t map_bound;

/* The map through the jobs against vtop_ptov_map. */
static void check_map(const vtop_space *s, unsigned jobs, bool show)
{
    size_t n = 0;
    static vtop_ptov_pair want[MAX_OUT];
    vtop_status wst = vtop_ptov_map(s, NULL, want, MAX_OUT, &n);
    got g = got_new();
    vtop_scan_services svc = services(jobs, show);
    vtop_ptov_scan q = {.space = s, .svc = &svc, .on_pair = got_pair,
                        .max_pairs = map_bound, .ctx = &g};
    assert_int_equal(vtop_ptov_scan_run(&q), wst);
    assert_false(q.no_memory);
    if (wst == VTOP_OK) {
        assert_int_equal(g.n, n);
        same_pairs(g.pairs, want, n);
    } else {
        assert_int_equal(g.n, 0);
    }
    check_progress(show);
    got_free(&g);
}

/* A query through the jobs against vtop_ptov with the same cap. */
static void check_query(const vtop_space *s, uint64_t first, uint64_t last,
                        size_t keep, unsigned jobs, bool show)
{
    static vtop_ptov_hit want[MAX_OUT];
    vtop_ptov_hits r = {want, keep, 0, 0};
    vtop_status wst = vtop_ptov(s, first, last, NULL, &r);
    got g = got_new();
    vtop_scan_services svc = services(jobs, show);
    vtop_ptov_scan q = {.space = s, .svc = &svc, .on_hit = got_hit,
                        .pa_first = first, .pa_last = last, .keep = keep,
                        .ctx = &g};
    vtop_status st = vtop_ptov_scan_run(&q);
    /* the core call says BUFFER_TOO_SMALL where total > keep: the same walk */
    assert_int_equal(st, wst == VTOP_BUFFER_TOO_SMALL ? VTOP_OK : wst);
    assert_int_equal(q.total, r.total);
    assert_int_equal(q.stored, r.stored);
    assert_int_equal(g.n, r.stored);
    same_hits(g.hits, want, r.stored);
    check_progress(show);
    got_free(&g);
}

static const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE,
                                  VTOP_MODE_PAE, VTOP_MODE_4LEVEL,
                                  VTOP_MODE_5LEVEL};

static void test_map_same_with_jobs(void **state)
{
    (void)state;
    for (unsigned m = 0; m < 5; m++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            vtop_space s;
            gen_space(&s, modes[m], seed * 13 + m, 60, 120, 150);
            for (unsigned jobs = 1; jobs <= 3; jobs++) {
                check_map(&s, jobs, false);
                check_map(&s, jobs, true);
                /* jobs > 1 split the walk: the random tables have many
                 * occupied spans */
                if (jobs > 1)
                    assert_int_equal(fk.parallel_calls, 2); /* walk, sort */
            }
        }
    }
}

static void test_query_same_with_jobs(void **state)
{
    (void)state;
    for (unsigned m = 0; m < 5; m++) {
        vtop_space s;
        gen_space(&s, modes[m], 77 + m, 60, 120, 150);
        collect c = collect_new();
        assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, collect_leaf, &c), VTOP_OK);
        assert_true(c.n > 10);
        for (unsigned jobs = 1; jobs <= 3; jobs++) {
            /* one leaf's frame; everything (cut at 7 hits, and whole) */
            const vtop_leaf *l = &c.v[c.n / 2];
            check_query(&s, l->pa, l->pa + 10, 4096, jobs, jobs == 2);
            check_query(&s, 0, ~0ull, 7, jobs, jobs == 3);
            check_query(&s, 0, ~0ull, MAX_OUT, jobs, true);
            check_query(&s, ~0ull - 1, ~0ull, 16, jobs, false); /* none */
        }
        free(c.v);
    }
}

/* Every PML4E points at the PML4: 2^18 occupied spans, too many to list,
 * so one walk, which spends the default budget as vtop_ptov_map's does. */
static void test_self_map_loop(void **state)
{
    (void)state;
    vtop_space s;
    for (int i = 0; i < 512; i++)
        fx_put64(0x1000 + i * 8, 0x1007);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    check_map(&s, 2, true);
    check_query(&s, 0x1000, 0x1fff, 16, 2, true);
}

/* PML4[0] -> one PDPT whose first n PDPTEs point to one PD, whose 512
 * PDEs all point to one page table mapping one page: one walk visits
 * 2 + n * 513 tables, the split (n spans of 1 GiB) n * 515 and its probes
 * 3 per span and 2 more. */
static void build_shared(unsigned n)
{
    fx_reset();
    fx_put64(0x1000, 0x2003);
    for (unsigned i = 0; i < n; i++)
        fx_put64(0x2000 + i * 8, 0x3003);
    for (int i = 0; i < 512; i++)
        fx_put64(0x3000 + i * 8, 0x4003);
    fx_put64(0x4000, 0x5003);
}

/* The default budget of the fixture's 8 MiB is 4 * 2048 + 64 = 8256
 * tables (vtop_enum_default_budget): 8 spans fit (the split stands: a
 * walk and a sort in parallel), 16 fit one walk (8210) but not the split
 * (8290: the answer is the one walk's, the sort never runs), 17 fit
 * neither (the one walk's LIMIT_REACHED). */
static void test_budget_decides_the_split(void **state)
{
    (void)state;
    const unsigned n[3] = {8, 16, 17};
    const unsigned calls[3] = {2, 1, 1};
    for (int k = 0; k < 3; k++) {
        vtop_space s;
        build_shared(n[k]);
        fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
        assert_int_equal(vtop_enum_default_budget(&s), 8256);
        check_map(&s, 3, true);
        assert_int_equal(fk.parallel_calls, calls[k]);
        check_query(&s, 0x5000, 0x5000, 4096, 2, false);
    }
    size_t count;
    vtop_space s;
    build_shared(17);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    assert_int_equal(vtop_ptov_map(&s, NULL, NULL, 0, &count), VTOP_LIMIT_REACHED);
}

/* Maps larger than the bound: held window of PAs by window, the same
 * pairs in the same order (a bound of 1 puts every PA in its own window,
 * and a PA several leaves map exceeds it). */
static void test_map_in_windows(void **state)
{
    (void)state;
    const size_t bounds[3] = {1, 7, 100};
    for (unsigned m = 0; m < 5; m++) {
        vtop_space s;
        gen_space(&s, modes[m], 31 + m, 20, 60, 150);
        for (unsigned b = 0; b < 3; b++) {
            map_bound = bounds[b];
            for (unsigned jobs = 1; jobs <= 3; jobs += 2) {
                check_map(&s, jobs, false);
                check_map(&s, jobs, true);
                /* the windows ran: two census walks and one per window
                 * began progress over */
                if (bounds[b] < 100)
                    assert_true(fk.begun >= 4);
            }
        }
    }
    /* every entry of the PT maps PA 0x5000: one window beyond the bound */
    build_shared(16);
    vtop_space s;
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    map_bound = 3;
    check_map(&s, 2, true);
    build_shared(17);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    check_map(&s, 1, true); /* LIMIT_REACHED, nothing printed */
    map_bound = 0;
}

typedef struct findings {
    vtop_finding v[4096];
    size_t n;
} findings;

static int keep_finding(void *ctx, const vtop_finding *f)
{
    findings *fs = ctx;
    if (fs->n < 4096)
        fs->v[fs->n++] = *f;
    return 0;
}

static void test_audit_with_progress(void **state)
{
    (void)state;
    static findings a, b;
    static vtop_table_ref refs_a[1024], refs_b[1024];
    for (unsigned m = 0; m < 5; m++) {
        vtop_space s;
        gen_space(&s, modes[m], 5 + m, 60, 120, 150);
        a.n = b.n = 0;
        vtop_audit_options oa = {.refs = refs_a, .refs_cap = 1024};
        vtop_audit_options ob = {.refs = refs_b, .refs_cap = 1024};
        vtop_audit_stats sa, sb;
        vtop_status st = vtop_audit(&s, &oa, keep_finding, &a, &sa);
        vtop_scan_services svc = services(2, true);
        assert_int_equal(vtop_audit_scan(&s, &svc, &ob, keep_finding, &b, &sb), st);
        assert_int_equal(a.n, b.n);
        for (size_t i = 0; i < a.n; i++) {
            assert_int_equal(a.v[i].kind, b.v[i].kind);
            assert_int_equal(a.v[i].va_start, b.v[i].va_start);
            assert_int_equal(a.v[i].va_end, b.v[i].va_end);
            assert_int_equal(a.v[i].count, b.v[i].count);
            assert_int_equal(a.v[i].level, b.v[i].level);
            assert_int_equal(a.v[i].entry_pa, b.v[i].entry_pa);
            assert_int_equal(a.v[i].entry, b.v[i].entry);
            assert_int_equal(a.v[i].pa, b.v[i].pa);
            assert_int_equal(a.v[i].other_entry_pa, b.v[i].other_entry_pa);
        }
        for (int k = 0; k < VTOP_FINDING_COUNT; k++)
            assert_int_equal(sa.findings[k], sb.findings[k]);
        assert_int_equal(sa.leaves, sb.leaves);
        assert_int_equal(sa.tables, sb.tables);
        assert_true(sa.leaves > 0);
        check_progress(true);
        assert_int_equal(fk.parallel_calls, 0); /* audit: one job */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_map_same_with_jobs, reset),
        cmocka_unit_test_setup(test_query_same_with_jobs, reset),
        cmocka_unit_test_setup(test_self_map_loop, reset),
        cmocka_unit_test_setup(test_budget_decides_the_split, reset),
        cmocka_unit_test_setup(test_map_in_windows, reset),
        cmocka_unit_test_setup(test_audit_with_progress, reset),
    };
    return cmocka_run_group_tests_name("walk_jobs", tests, NULL, NULL);
}
