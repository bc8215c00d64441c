/* Tests for cmd/hexfmt.c: the pieces equal printf's "%0*" PRIx64 /
 * "%0*" PRIX64 / "%s" (the independent reference) over random values and
 * every width, and a line that does not fit is cut, never overrun; a line
 * started with vtop_line_init holds exactly what was written to it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/hexfmt.h"
#include "text_sink.h"

static void test_hex_vs_printf(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    unsigned checked = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned digits = 1 + (unsigned)(x % 16);
        uint64_t v = digits == 16 ? x : x & ((1ull << (4 * digits)) - 1);
        char want[40];
        vtop_line l = {.n = 0};
        snprintf(want, sizeof want, "%0*" PRIx64 "-%0*" PRIX64 "|", (int)digits, v,
                 (int)digits, v);
        vtop_line_hex(&l, v, digits);
        vtop_line_str(&l, "-");
        vtop_line_hex_upper(&l, v, digits);
        vtop_line_str(&l, "|");
        assert_int_equal(l.n, strlen(want));
        assert_memory_equal(l.buf, want, l.n);
        assert_false(l.cut);
        checked++;
    }
    assert_int_equal(checked, 20000);
}

static void test_cut_and_flush(void **state)
{
    (void)state;
    vtop_line l = {.n = 0};
    for (int i = 0; i < 40; i++)
        vtop_line_hex(&l, 0x0123456789abcdefull, 16);
    assert_true(l.cut);
    assert_int_equal(l.n, 256); /* 16 whole pieces of 16 */
    vtop_line_str(&l, "x");
    assert_int_equal(l.n, 256);
    text_sink sink = {.n = 0};
    vtop_out out = {text_sink_write, &sink};
    vtop_line m = {.n = 0};
    vtop_line_str(&m, "va ");
    vtop_line_hex(&m, 0xffff800000001000ull, 16);
    vtop_line_str(&m, "\n");
    vtop_line_flush(&m, &out);
    assert_int_equal(m.n, 0);
    assert_string_equal(sink.text, "va ffff800000001000\n");
}

/* vtop_line_init leaves buf as it was and the line empty: what follows is
 * exactly the pieces written, whatever the stack held, and a cut line
 * started again is no longer cut. */
static void test_init_without_clearing(void **state)
{
    (void)state;
    vtop_line l;
    memset(&l, 0xAA, sizeof l);
    vtop_line_init(&l);
    assert_int_equal(l.n, 0);
    assert_false(l.cut);
    assert_int_equal((unsigned char)l.buf[0], 0xAA);
    VTOP_LINE_LIT(&l, "pa ");
    vtop_line_hex(&l, 0x1234, 16);
    assert_int_equal(l.n, 19);
    assert_memory_equal(l.buf, "pa 0000000000001234", 19);
    assert_int_equal((unsigned char)l.buf[19], 0xAA); /* nothing beyond n */
    for (int i = 0; i < 20; i++)
        vtop_line_hex(&l, 1, 16);
    assert_true(l.cut);
    vtop_line_init(&l);
    assert_false(l.cut);
    assert_int_equal(l.n, 0);
    text_sink sink = {.n = 0};
    vtop_out out = {text_sink_write, &sink};
    VTOP_LINE_LIT(&l, "ok\n");
    vtop_line_flush(&l, &out);
    assert_string_equal(sink.text, "ok\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_vs_printf),
        cmocka_unit_test(test_cut_and_flush),
        cmocka_unit_test(test_init_without_clearing),
    };
    return cmocka_run_group_tests_name("hexfmt", tests, NULL, NULL);
}
