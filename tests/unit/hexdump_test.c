/* Tests for cmd/hexdump.c: WinDbg `db`-style lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/hexdump.h"

static void test_full_and_short_lines(void **state)
{
    (void)state;
    const uint8_t data[20] = "Hello, vtop!\x00\x01\x7f\x80" "ABCD";
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_hexdump(&out, 0xfffff80000001000ull, data, sizeof data);
    assert_string_equal(b.text,
        "fffff80000001000  48 65 6c 6c 6f 2c 20 76-74 6f 70 21 00 01 7f 80  Hello, vtop!....\n"
        "fffff80000001010  41 42 43 44                                      ABCD\n");
}

static void test_dash_only_past_eight_bytes(void **state)
{
    (void)state;
    const uint8_t data[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    char line[96];
    size_t n = vtop_hexdump_line(line, 0x10, data, 8);
    assert_string_equal(line,
        "0000000000000010  00 01 02 03 04 05 06 07                          ........");
    assert_int_equal(n, strlen(line));
    vtop_hexdump_line(line, 0x10, data, 9);
    assert_string_equal(line,
        "0000000000000010  00 01 02 03 04 05 06 07-08                       .........");
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_hexdump(&out, 0, data, 0);
    assert_int_equal(b.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_and_short_lines),
        cmocka_unit_test(test_dash_only_past_eight_bytes),
    };
    return cmocka_run_group_tests_name("hexdump", tests, NULL, NULL);
}
