/* Tests for cmd/fmt_json.c: the JSON layouts of mem ranges, ptov pairs and
 * roots candidates, each against an object written out by hand. (tlb
 * leaves and ptov hits are checked field by field on a real image by
 * tests/cli/json_check.py.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/fmt_json.h"

static void test_mem_range(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_qemu_range user_rw = {0x400000, 0x402000, 0x2000, VTOP_QEMU_PROT_USER | VTOP_QEMU_PROT_RW};
    vtop_qemu_range kernel_ro = {0xffff800000000000ull, 0xffff800000200000ull, 0x200000, 0};
    vtop_fmt_json_mem_range(&out, &user_rw);
    vtop_fmt_json_mem_range(&out, &kernel_ro);
    assert_string_equal(b.text,
        "{\"cmd\":\"mem\",\"start\":\"0x400000\",\"end\":\"0x402000\",\"size\":\"0x2000\","
        "\"prot\":\"urw\",\"user\":true,\"writable\":true}\n"
        "{\"cmd\":\"mem\",\"start\":\"0xffff800000000000\",\"end\":\"0xffff800000200000\","
        "\"size\":\"0x200000\",\"prot\":\"-r-\",\"user\":false,\"writable\":false}\n");
}

static void test_ptov_pair(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_space s;
    memset(&s, 0, sizeof s);
    s.desc = vtop_mode_describe(VTOP_MODE_4LEVEL);
    vtop_report r = {&out, &s};
    vtop_ptov_pair p = {.pa = 0x200000, .va = 0x600000, .size = 0x200000, .level = 2,
                        .rights = VTOP_RIGHT_WRITE};
    vtop_fmt_json_ptov_pair(&r, &p);
    p.level = 7; /* no such level in 4-level paging */
    vtop_fmt_json_ptov_pair(&r, &p);
    assert_string_equal(b.text,
        "{\"cmd\":\"ptov\",\"pa\":\"0x200000\",\"va\":\"0x600000\",\"size\":\"0x200000\","
        "\"level\":\"PDE\",\"rights\":\"rw-k\"}\n"
        "{\"cmd\":\"ptov\",\"pa\":\"0x200000\",\"va\":\"0x600000\",\"size\":\"0x200000\","
        "\"level\":\"-\",\"rights\":\"rw-k\"}\n");
}

static void test_root(void **state)
{
    (void)state;
    text_sink b = {.n = 0};
    vtop_out out = {text_sink_write, &b};
    vtop_root_candidate c = {.root = 0x1000, .mode = VTOP_MODE_PAE, .score = -5,
                             .present = 4, .kernel = 1, .self_index = -1, .sharers = 2,
                             .leaves = 9, .sound = 3, .linear = 8, .top_bad = 0,
                             .bad = 1, .missing = 0, .user_leaves = 6, .user_dirty = 5};
    vtop_fmt_json_root(&out, 3, &c, "kernel-half,process");
    assert_string_equal(b.text,
        "{\"cmd\":\"roots\",\"rank\":3,\"root\":\"0x1000\",\"mode\":\"pae\",\"score\":-5,"
        "\"evidence\":\"kernel-half,process\",\"present\":4,\"kernel\":1,\"self_index\":-1,"
        "\"sharers\":2,\"leaves\":9,\"sound\":3,\"linear\":8,\"top_bad\":0,\"bad\":1,"
        "\"missing\":0,\"user_leaves\":6,\"user_dirty\":5}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_range),
        cmocka_unit_test(test_ptov_pair),
        cmocka_unit_test(test_root),
    };
    return cmocka_run_group_tests_name("fmt_json", tests, NULL, NULL);
}
