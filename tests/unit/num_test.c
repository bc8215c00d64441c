/* Tests for cmd/num.c: addresses, lengths, counts and ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/num.h"

static uint64_t addr_ok(const char *text)
{
    uint64_t v = 0xdeadbeef;
    assert_true(vtop_parse_addr(text, &v));
    return v;
}

static void addr_bad(const char *text)
{
    uint64_t v = 0x1234;
    assert_false(vtop_parse_addr(text, &v));
    assert_int_equal(v, 0x1234); /* unchanged on failure */
}

static void test_addresses(void **state)
{
    (void)state;
    assert_int_equal(addr_ok("1000"), 0x1000);
    assert_int_equal(addr_ok("0x1000"), 0x1000);
    assert_int_equal(addr_ok("0X1a2B"), 0x1a2b);
    assert_int_equal(addr_ok("fffff800`00001000"), 0xfffff80000001000ull);
    assert_int_equal(addr_ok("0xffffffff`ffffffff"), UINT64_MAX);
    assert_int_equal(addr_ok("0n4096"), 4096);
    assert_int_equal(addr_ok("0"), 0);
    assert_int_equal(addr_ok("00000000000000000001"), 1); /* leading zeros */
    addr_bad("");
    addr_bad("0x");
    addr_bad("0n");
    addr_bad("1g");
    addr_bad("0x10 ");
    addr_bad("`1000");
    addr_bad("1000`");
    addr_bad("10``00");
    addr_bad("1ffffffffffffffff");          /* 65 bits */
    addr_bad("0n18446744073709551616");     /* 2^64 */
    addr_bad("0n12a");
    addr_bad("-1");
    assert_int_equal(addr_ok("0n18446744073709551615"), UINT64_MAX);
}

static void test_lengths(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(vtop_parse_len("100", &v));
    assert_int_equal(v, 0x100);
    assert_true(vtop_parse_len("4k", &v));
    assert_int_equal(v, 4096);
    assert_true(vtop_parse_len("16K", &v));
    assert_int_equal(v, 16384);
    assert_true(vtop_parse_len("2m", &v));
    assert_int_equal(v, 0x200000);
    assert_true(vtop_parse_len("1G", &v));
    assert_int_equal(v, 0x40000000);
    assert_true(vtop_parse_len("0n100", &v));
    assert_int_equal(v, 100);
    assert_false(vtop_parse_len("k", &v));
    assert_false(vtop_parse_len("0x4k", &v));
    assert_false(vtop_parse_len("", &v));
    assert_false(vtop_parse_len("17179869184g", &v)); /* 2^34 G overflows */
}

static void test_counts(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(vtop_parse_count("46", 52, &v));
    assert_int_equal(v, 46);
    assert_false(vtop_parse_count("53", 52, &v));
    assert_false(vtop_parse_count("0x10", 100, &v));
    assert_false(vtop_parse_count("1`0", 100, &v));
    assert_false(vtop_parse_count("", 100, &v));
}

static void test_ranges(void **state)
{
    (void)state;
    vtop_range r;
    int bad;
    char *dash[] = {"1000-2000"};
    assert_true(vtop_parse_range(1, dash, &r, &bad));
    assert_int_equal(r.start, 0x1000);
    assert_int_equal(r.end, 0x2000);
    assert_false(r.end_is_top);
    char *two[] = {"fffff800`00000000", "fffff800`00200000"};
    assert_true(vtop_parse_range(2, two, &r, &bad));
    assert_int_equal(r.start, 0xfffff80000000000ull);
    assert_int_equal(r.end, 0xfffff80000200000ull);
    char *l1[] = {"400000", "L1000"};
    assert_true(vtop_parse_range(2, l1, &r, &bad));
    assert_int_equal(r.end, 0x401000);
    char *l3[] = {"400000", "l", "4k"};
    assert_true(vtop_parse_range(3, l3, &r, &bad));
    assert_int_equal(r.end, 0x401000);
    char *top[] = {"ffffffff`fffff000", "L1000"};
    assert_true(vtop_parse_range(2, top, &r, &bad));
    assert_true(r.end_is_top);
    assert_int_equal(r.end, 0);
    char *over[] = {"ffffffff`fffff000", "L1001"};
    assert_false(vtop_parse_range(2, over, &r, &bad));
    assert_int_equal(bad, 1);
    char *backwards[] = {"2000-1000"};
    assert_false(vtop_parse_range(1, backwards, &r, &bad));
    char *empty[] = {"1000", "1000"};
    assert_false(vtop_parse_range(2, empty, &r, &bad));
    assert_int_equal(bad, 1);
    char *junk[] = {"zz", "1000"};
    assert_false(vtop_parse_range(2, junk, &r, &bad));
    assert_int_equal(bad, 0);
    char *notl[] = {"1000", "X", "10"};
    assert_false(vtop_parse_range(3, notl, &r, &bad));
    assert_int_equal(bad, 1);
    char *zero[] = {"1000", "L0"};
    assert_false(vtop_parse_range(2, zero, &r, &bad));
    char *single[] = {"1000"};
    assert_false(vtop_parse_range(1, single, &r, &bad));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_ranges),
    };
    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
