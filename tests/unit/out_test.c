/* Tests for cmd/out.c: formatted output through a sink, short and long. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/out.h"

static void test_short_text(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_printf(&out, "va %016llx %s\n", 0xffff800000001234ull, "ok");
    vtop_puts(&out, "end\n");
    assert_string_equal(b.text, "va ffff800000001234 ok\nend\n");
}

/* Longer than the 512-byte stack buffer: written whole, no cut marker. */
static void test_long_text_whole(void **state)
{
    (void)state;
    static char word[3001];
    memset(word, 'x', 3000);
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_printf(&out, "<%s|%d>", word, 42);
    assert_int_equal(b.n, 3000 + 5);
    assert_int_equal(b.text[0], '<');
    assert_memory_equal(b.text + 1, word, 3000);
    assert_string_equal(b.text + 3001, "|42>");
    assert_null(strstr(b.text, VTOP_OUT_CUT));
}

/* The boundary: 511 characters fit the stack buffer, 512 do not. */
static void test_boundary(void **state)
{
    (void)state;
    static const size_t lens[] = {511, 512, 513};
    for (size_t i = 0; i < 3; i++) {
        static char word[600];
        memset(word, 'a' + (int)i, lens[i]);
        word[lens[i]] = '\0';
        text_sink b = {.n = 0};
        vtop_out out = {text_sink_write, &b};
        vtop_printf(&out, "%s", word);
        assert_int_equal(b.n, lens[i]);
        assert_string_equal(b.text, word);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_text),
        cmocka_unit_test(test_long_text_whole),
        cmocka_unit_test(test_boundary),
    };
    return cmocka_run_group_tests_name("out", tests, NULL, NULL);
}
