/* Tests for cmd/lex.c: splitting command lines into words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/lex.h"

static void test_words_and_comments(void **state)
{
    (void)state;
    vtop_words w;
    assert_int_equal(vtop_lex("  vtop\t0x1000  fffff800`00000000 \r\n", &w),
                     VTOP_LEX_OK);
    assert_int_equal(w.argc, 3);
    assert_string_equal(w.argv[0], "vtop");
    assert_string_equal(w.argv[1], "0x1000");
    assert_string_equal(w.argv[2], "fffff800`00000000");
    assert_null(w.argv[3]);
    assert_int_equal(vtop_lex("tlb # the whole space", &w), VTOP_LEX_OK);
    assert_int_equal(w.argc, 1);
    assert_int_equal(vtop_lex("# only a comment", &w), VTOP_LEX_OK);
    assert_int_equal(w.argc, 0);
    assert_int_equal(vtop_lex("", &w), VTOP_LEX_OK);
    assert_int_equal(w.argc, 0);
    /* '#' inside a word is not a comment. */
    assert_int_equal(vtop_lex("open a#b", &w), VTOP_LEX_OK);
    assert_string_equal(w.argv[1], "a#b");
}

static void test_quotes(void **state)
{
    (void)state;
    vtop_words w;
    assert_int_equal(vtop_lex("open \"my dump.raw\" --cr3 1000", &w), VTOP_LEX_OK);
    assert_int_equal(w.argc, 4);
    assert_string_equal(w.argv[1], "my dump.raw");
    assert_int_equal(vtop_lex("open \"a\\\"b\\\\c\"d", &w), VTOP_LEX_OK);
    assert_string_equal(w.argv[1], "a\"b\\cd");
    assert_int_equal(vtop_lex("open \"\"", &w), VTOP_LEX_OK);
    assert_int_equal(w.argc, 2);
    assert_string_equal(w.argv[1], "");
    assert_int_equal(vtop_lex("open \"abc", &w), VTOP_LEX_UNTERMINATED);
    assert_int_equal(vtop_lex("open \"abc\\", &w), VTOP_LEX_UNTERMINATED);
    assert_string_equal(vtop_lex_message(VTOP_LEX_UNTERMINATED),
                        "unterminated quote");
}

static void test_limits(void **state)
{
    (void)state;
    vtop_words w;
    char line[VTOP_MAX_LINE + 8];
    memset(line, 'a', sizeof line);
    line[VTOP_MAX_LINE] = '\0';               /* 1024 chars: too long */
    assert_int_equal(vtop_lex(line, &w), VTOP_LEX_TOO_LONG);
    line[VTOP_MAX_LINE - 1] = '\0';           /* 1023 chars: one word */
    assert_int_equal(vtop_lex(line, &w), VTOP_LEX_OK);
    assert_int_equal(strlen(w.argv[0]), VTOP_MAX_LINE - 1);
    /* 32 words fit, 33 do not. */
    char many[200] = "";
    for (int i = 0; i < VTOP_MAX_ARGS; i++)
        strcat(many, "x ");
    assert_int_equal(vtop_lex(many, &w), VTOP_LEX_OK);
    assert_int_equal(w.argc, VTOP_MAX_ARGS);
    strcat(many, "y");
    assert_int_equal(vtop_lex(many, &w), VTOP_LEX_TOO_MANY);
    /* Worst case for the word buffer: 511 one-letter words. */
    for (int i = 0; i < VTOP_MAX_LINE - 2; i += 2) {
        line[i] = 'a';
        line[i + 1] = ' ';
    }
    line[VTOP_MAX_LINE - 2] = 'b';
    line[VTOP_MAX_LINE - 1] = '\0';
    assert_int_equal(vtop_lex(line, &w), VTOP_LEX_TOO_MANY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_comments),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests_name("lex", tests, NULL, NULL);
}
