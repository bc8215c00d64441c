/* Tests for cmd/json.c: the streaming JSON writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/json.h"

static void test_object_with_every_kind(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_json j;
    vtop_json_begin(&j, &out);
    vtop_json_str(&j, "cmd", "vtop");
    vtop_json_hex(&j, "va", 0xfffff80000001000ull);
    vtop_json_uint(&j, "n", 18446744073709551615ull);
    vtop_json_int(&j, "level", -1);
    vtop_json_bool(&j, "ok", true);
    vtop_json_null(&j, "pa");
    vtop_json_array(&j, "levels");
    vtop_json_object(&j, NULL);
    vtop_json_hex(&j, "entry", 0x63);
    vtop_json_close(&j, '}');
    vtop_json_hex(&j, NULL, 0);
    vtop_json_close(&j, ']');
    vtop_json_end(&j);
    assert_string_equal(b.text,
        "{\"cmd\":\"vtop\",\"va\":\"0xfffff80000001000\","
        "\"n\":18446744073709551615,\"level\":-1,\"ok\":true,\"pa\":null,"
        "\"levels\":[{\"entry\":\"0x63\"},\"0x0\"]}\n");
}

static void test_escapes(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_json_quote(&out, "a\"b\\c\nd\te\x01" "f\r");
    assert_string_equal(b.text, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\r\"");
    b.n = 0;
    vtop_json_quote(&out, "");
    assert_string_equal(b.text, "\"\"");
}

/* Valid UTF-8 passes through; bytes outside a valid sequence (a lone
 * continuation byte, an overlong form, a surrogate, a cut sequence) become
 * \u00XX. Expected strings worked out by hand from RFC 3629's table. */
static void test_utf8(void **state)
{
    (void)state;
    static const struct { const char *in, *want; } cases[] = {
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
        { "\x80x", "\"\\u0080x\"" },
        { "\xc0\xaf", "\"\\u00c0\\u00af\"" },
        { "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" },
        { "\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"" },
        { "\xe2\x82", "\"\\u00e2\\u0082\"" },
        { "\xff", "\"\\u00ff\"" },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++, n++) {
        text_sink b = {.n = 0};
        vtop_out out = {text_sink_write, &b};
        vtop_json_quote(&out, cases[i].in);
        assert_string_equal(b.text, cases[i].want);
    }
    assert_int_equal(n, 7);
}

static void test_end_closes_open_containers(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_json j;
    vtop_json_begin(&j, &out);
    vtop_json_object(&j, "x");
    vtop_json_bool(&j, "y", false);
    vtop_json_end(&j);
    assert_string_equal(b.text, "{\"x\":{\"y\":false}}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_with_every_kind),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_end_closes_open_containers),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
