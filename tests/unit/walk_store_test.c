/* Tests for cmd/walk_store.c: the stores of the whole-space `ptov` walks
 * keep what their bounds say, in arrival order, with hand-written counts:
 * hits counted past `keep` but not held; pairs outside the PA range
 * skipped; the walk stopped (over) at the pair past the limit; no limit
 * holds every pair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cmd/walk_store.h"

static void test_max_pairs_default(void **state)
{
    (void)state;
    vtop_ptov_scan q = {0};
    assert_int_equal(walk_max_pairs(&q), (size_t)4 << 20); /* 128 MiB / 32 */
    assert_int_equal(sizeof(vtop_ptov_pair), 32);
    q.max_pairs = 9;
    assert_int_equal(walk_max_pairs(&q), 9);
}

static void test_hits_kept_up_to_keep(void **state)
{
    (void)state;
    hit_store s = {.keep = 3};
    for (uint64_t i = 0; i < 5; i++) {
        vtop_ptov_hit h = {.va = 0x1000 * i, .pa = 0x9000 + i, .len = 1};
        assert_int_equal(walk_store_hit(&s, &h), 0); /* the walk goes on */
    }
    assert_int_equal(s.total, 5);
    assert_int_equal(s.n, 3);
    assert_false(s.no_memory);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(s.v[i].va, 0x1000 * i);
        assert_int_equal(s.v[i].pa, 0x9000 + i);
    }
    free(s.v);

    hit_store none = {.keep = 0};
    vtop_ptov_hit h = {.va = 1};
    assert_int_equal(walk_store_hit(&none, &h), 0);
    assert_int_equal(none.total, 1);
    assert_int_equal(none.n, 0);
    assert_null(none.v);
}

static int put(pair_store *s, uint64_t pa, uint64_t va)
{
    vtop_ptov_pair p = {.pa = pa, .va = va, .size = 4096};
    return walk_store_pair(s, &p);
}

static void test_pairs_limit_stops_the_walk(void **state)
{
    (void)state;
    pair_store s = walk_pairs_all(2);
    assert_int_equal(s.pa_lo, 0);
    assert_int_equal(s.pa_hi, ~0ull);
    assert_int_equal(put(&s, 0x5000, 0x1000), 0);
    assert_int_equal(put(&s, 0x3000, 0x2000), 0);
    assert_false(s.over);
    assert_int_equal(put(&s, 0x4000, 0x3000), 1);   /* the third: stop */
    assert_true(s.over);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].pa, 0x5000);            /* arrival order */
    assert_int_equal(s.v[1].pa, 0x3000);
    free(s.v);
}

static void test_pairs_in_pa_range(void **state)
{
    (void)state;
    pair_store s = walk_pairs_all(0);
    s.pa_lo = 0x2000;
    s.pa_hi = 0x2fff;
    assert_int_equal(put(&s, 0x1fff, 0x1000), 0);   /* below: skipped */
    assert_int_equal(put(&s, 0x2000, 0x2000), 0);
    assert_int_equal(put(&s, 0x2fff, 0x3000), 0);
    assert_int_equal(put(&s, 0x3000, 0x4000), 0);   /* above: skipped */
    assert_int_equal(s.n, 2);
    assert_int_equal(s.v[0].va, 0x2000);
    assert_int_equal(s.v[1].va, 0x3000);
    free(s.v);
}

/* No limit: more pairs than the first allocation, all held. */
static void test_pairs_without_limit(void **state)
{
    (void)state;
    pair_store s = walk_pairs_all(0);
    for (uint64_t i = 0; i < 5000; i++)
        assert_int_equal(put(&s, i << 12, i << 21), 0);
    assert_int_equal(s.n, 5000);
    assert_false(s.over);
    assert_false(s.no_memory);
    assert_int_equal(s.v[4999].pa, 4999ull << 12);
    assert_int_equal(s.v[4999].va, 4999ull << 21);
    free(s.v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_pairs_default),
        cmocka_unit_test(test_hits_kept_up_to_keep),
        cmocka_unit_test(test_pairs_limit_stops_the_walk),
        cmocka_unit_test(test_pairs_in_pa_range),
        cmocka_unit_test(test_pairs_without_limit),
    };
    return cmocka_run_group_tests_name("walk_store", tests, NULL, NULL);
}
