/* Tests for cmd/fmt_audit.c: audit finding lines and the summary, text and
 * JSON, against lines written out by hand from the layouts in fmt_audit.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/fmt_audit.h"

static vtop_space four_level(void)
{
    vtop_space s;
    memset(&s, 0, sizeof s);
    s.desc = vtop_mode_describe(VTOP_MODE_4LEVEL);
    return s;
}

static const vtop_finding shared = {
    .kind = VTOP_FINDING_TABLE_SHARED, .va_start = 0xffff800000000000ull,
    .va_end = 0xffff8000001fffffull, .count = 1, .level = 2, .entry_pa = 0x3010,
    .entry = 0x4007, .pa = 0x4000, .other_entry_pa = 0x2008, .other_level = 1,
};

static void test_finding_text(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_space s = four_level();
    vtop_report r = {&out, &s};
    vtop_fmt_audit_finding(&r, &shared);
    assert_string_equal(b.text, "table-shared   ffff800000000000-ffff8000001fffff      1"
                                " PDE   at 0000000000003010 = 0000000000004007\n");
}

static void test_finding_json(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_space s = four_level();
    vtop_report r = {&out, &s};
    vtop_fmt_json_audit_finding(&r, &shared);
    assert_string_equal(b.text,
        "{\"cmd\":\"audit\",\"finding\":\"table-shared\",\"va_start\":\"0xffff800000000000\","
        "\"va_end\":\"0xffff8000001fffff\",\"count\":1,\"level\":\"PDE\",\"entry_pa\":\"0x3010\","
        "\"entry\":\"0x4007\",\"pa\":\"0x4000\",\"reserved_bits\":\"0x0\","
        "\"other_entry_pa\":\"0x2008\",\"other_level\":\"PDPTE\"}\n");
}

static void test_summary(void **state)
{
    (void)state;
    vtop_audit_stats st;
    memset(&st, 0, sizeof st);
    st.findings[VTOP_FINDING_WX] = 3;
    st.findings[VTOP_FINDING_TABLE_OUTSIDE] = 2;
    st.leaves = 7;
    st.tables = 4;
    st.refs_full = true;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_fmt_audit_summary(&out, &st);
    assert_string_equal(b.text, "audit: 5 finding(s) over 7 leaves, 4 tables: wx 3 "
                                "user-upper 0 null-page 0 table-shared 0 table-aliased 0 "
                                "reserved-bits 0 outside-memory 0 table-outside 2 "
                                "(table checks partial)\n");
    b.n = 0;
    vtop_fmt_json_audit_summary(&out, &st);
    assert_string_equal(b.text,
        "{\"cmd\":\"audit-summary\",\"findings\":5,\"wx\":3,\"user-upper\":0,\"null-page\":0,"
        "\"table-shared\":0,\"table-aliased\":0,\"reserved-bits\":0,\"outside-memory\":0,"
        "\"table-outside\":2,\"leaves\":7,\"tables\":4,\"refs_full\":true}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finding_text),
        cmocka_unit_test(test_finding_json),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests_name("fmt_audit", tests, NULL, NULL);
}
