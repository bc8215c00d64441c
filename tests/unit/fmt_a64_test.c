/* Tests for cmd/fmt_a64.c and cmd/fmt_ptdump.c: the AArch64 `pte`, `tlb`,
 * `vtop` and `mem` text, expected lines written by hand from the formats in
 * fmt_a64.h and fmt_ptdump.h and the descriptor layouts of the Arm ARM
 * (DDI 0487 D8.3) for a small 4K-granule, 48-bit EL1&0 space:
 *   TTBR1 root 0x1000: L0[256] -> 0x2000, L1[0] -> 0x3000,
 *     L2[0x40] 2M block PA 0, AP=10 (kernel read-only), UXN: kernel text
 *     L2[0x41] -> L3 0x4000: [0] page PA 0x22000 AP=10 UXN PXN
 *                            [2], [3] pages PA 0x24000, 0x25000 AP=00 UXN PXN
 *                            [4] page PA 0x26000 AP=00 UXN PXN nG, attr 4
 *   TTBR0 root 0x10000: L0[0] -> 0x11000, L1[0] -> 0x12000, L2[2] -> 0x13000,
 *     L3[0] page PA 0x23000 AP=01 (EL0 read/write) nG UXN PXN. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/fmt_a64.h"
#include "cmd/fmt_ptdump.h"
#include "cmd/fmt_windbg.h"
#include "pt_fixture.h"

static text_sink out_buf;
static const vtop_out out = {text_sink_write, &out_buf};
static vtop_space sp;

#define TCR_4K_48 0x5b0103010ull   /* T0SZ=T1SZ=16, TG1=4K, IPS=48, SH=IS */
#define LINUX_MAIR 0x000000040044f0ffull
#define PAGE_RO (0x0060000000000783ull)    /* UXN PXN AF SH=IS AP=10 page */
#define PAGE_RW (0x0060000000000703ull)    /* UXN PXN AF SH=IS AP=00 page */

static int reset(void **state)
{
    (void)state;
    fx_reset();
    fx_put64(0x1000 + 256 * 8, 0x2003);
    fx_put64(0x2000, 0x3003);
    fx_put64(0x3000 + 0x40 * 8, 0x0040000000000781ull);
    fx_put64(0x3000 + 0x41 * 8, 0x4003);
    fx_put64(0x4000, PAGE_RO | 0x22000);
    fx_put64(0x4010, PAGE_RW | 0x24000);
    fx_put64(0x4018, PAGE_RW | 0x25000);
    fx_put64(0x4020, PAGE_RW | 0x26000 | 0x800 | (4u << 2));
    fx_put64(0x10000, 0x11003);
    fx_put64(0x11000, 0x12003);
    fx_put64(0x12010, 0x13003);
    fx_put64(0x13000, 0x0060000000000f43ull | 0x23000);
    vtop_space_config cfg = {.mode = VTOP_MODE_AARCH64, .ttbr0 = 0x10000,
                             .ttbr1 = 0x1000, .tcr = TCR_4K_48,
                             .mair = LINUX_MAIR};
    assert_int_equal(vtop_space_init(&sp, &cfg, &fx_phys), VTOP_OK);
    out_buf.n = 0;
    out_buf.text[0] = 0;
    return 0;
}

static const char *view(uint64_t va, void (*fn)(const vtop_out *,
                                               const vtop_space *,
                                               const vtop_translation *))
{
    vtop_translation t;
    (void)vtop_translate(&sp, va, &t);
    out_buf.n = 0;
    out_buf.text[0] = 0;
    fn(&out, &sp, &t);
    return out_buf.text;
}

static void test_rights(void **state)
{
    (void)state;
    char r[8];
    vtop_fmt_a64_rights(0, r);
    assert_string_equal(r, "r--/---");
    vtop_fmt_a64_rights(VTOP_RIGHT_WRITE | VTOP_RIGHT_USER, r);
    assert_string_equal(r, "rw-/rw-");
    vtop_fmt_a64_rights(VTOP_RIGHT_EXEC, r);
    assert_string_equal(r, "r-x/---");
    vtop_fmt_a64_rights(VTOP_RIGHT_UEXEC, r);
    assert_string_equal(r, "r--/--x");
    vtop_fmt_a64_rights(VTOP_RIGHT_USER | VTOP_RIGHT_UEXEC, r);
    assert_string_equal(r, "r--/r-x");
}

static void test_pte_page(void **state)
{
    (void)state;
    assert_string_equal(view(0xffff800008200123ull, vtop_fmt_windbg_pte),
        "VA ffff800008200123 TTBR1_EL1, 4K granule, 48-bit, start L0\n"
        "L0    at 0000000000001800 contains 0000000000002003 table   0000000000002000\n"
        "L1    at 0000000000002000 contains 0000000000003003 table   0000000000003000\n"
        "L2    at 0000000000003208 contains 0000000000004003 table   0000000000004000\n"
        "L3    at 0000000000004000 contains 0060000000022783 page    0000000000022000"
        " AP=10 UXN PXN AF -- SH=IS - --- attr0 Normal-WB\n"
        "pa 0000000000022123 size 4K rights r--/---\n"
        "status 0x00000000 ok\n");
}

static void test_pte_block_and_fault(void **state)
{
    (void)state;
    assert_string_equal(view(0xffff800008000000ull, vtop_fmt_windbg_pte),
        "VA ffff800008000000 TTBR1_EL1, 4K granule, 48-bit, start L0\n"
        "L0    at 0000000000001800 contains 0000000000002003 table   0000000000002000\n"
        "L1    at 0000000000002000 contains 0000000000003003 table   0000000000003000\n"
        "L2    at 0000000000003200 contains 0040000000000781 block   0000000000000000"
        " AP=10 UXN --- AF -- SH=IS - --- attr0 Normal-WB\n"
        "pa 0000000000000000 size 2M rights r-x/---\n"
        "status 0x00000000 ok\n");
    assert_string_equal(view(0xffff800008201000ull, vtop_fmt_windbg_pte),
        "VA ffff800008201000 TTBR1_EL1, 4K granule, 48-bit, start L0\n"
        "L0    at 0000000000001800 contains 0000000000002003 table   0000000000002000\n"
        "L1    at 0000000000002000 contains 0000000000003003 table   0000000000003000\n"
        "L2    at 0000000000003208 contains 0000000000004003 table   0000000000004000\n"
        "L3    at 0000000000004008 contains 0000000000000000 invalid 0000000000000000\n"
        "fault at L3: translation-fault\n"
        "status 0xD0000147 translation-fault\n");
}

static void test_vtop_lines(void **state)
{
    (void)state;
    assert_string_equal(view(0x400010, vtop_fmt_windbg_vtop),
        "va 0000000000400010 pa 0000000000023010 size 4K rights rw-/rw- "
        "status 0x00000000 ok\n");
    assert_string_equal(view(0xffff800008201000ull, vtop_fmt_windbg_vtop),
        "va ffff800008201000 status 0xD0000147 translation-fault at L3\n");
}

static void test_tlb_lines(void **state)
{
    (void)state;
    vtop_report r = {&out, &sp};
    assert_int_equal(vtop_enumerate(&sp, 0xffff800008000000ull, 0xffff800008200fffull,
                                    NULL, vtop_fmt_a64_tlb_leaf, &r), VTOP_OK);
    assert_string_equal(out_buf.text,
        "ffff800008000000: 0000000000000000   2M L2  r-x/--- AP=10 UXN --- AF -- "
        "SH=IS - --- attr0 Normal-WB\n"
        "ffff800008200000: 0000000000022000   4K L3  r--/--- AP=10 UXN PXN AF -- "
        "SH=IS - --- attr0 Normal-WB\n");
}

static void test_ptdump_level_names(void **state)
{
    (void)state;
    assert_string_equal(vtop_fmt_ptdump_level_name(0, 0), "PGD");
    assert_string_equal(vtop_fmt_ptdump_level_name(0, 1), "PUD");
    assert_string_equal(vtop_fmt_ptdump_level_name(0, 2), "PMD");
    assert_string_equal(vtop_fmt_ptdump_level_name(0, 3), "PTE");
    assert_string_equal(vtop_fmt_ptdump_level_name(1, 1), "PGD");
    assert_string_equal(vtop_fmt_ptdump_level_name(-1, -1), "PGD");
    assert_string_equal(vtop_fmt_ptdump_level_name(-1, 0), "P4D");
    assert_string_equal(vtop_fmt_ptdump_level_name(2, 3), "PTE");
}

/* The prot fields of dump_prot, each " %s" (fmt_ptdump.h). */
#define USR_CLR "    "
#define NG_CLR "   "
#define CON_CLR "    "
#define GP_CLR "   "

static void test_ptdump_merge(void **state)
{
    (void)state;
    vtop_report r = {&out, &sp};
    assert_int_equal(vtop_fmt_ptdump(&r, 0, UINT64_MAX), VTOP_OK);
    assert_string_equal(out_buf.text,
        "---[ TTBR0_EL1 ]---\n"
        "0x0000000000400000-0x0000000000401000           4K PTE  "
        " USR RW NX SHD AF NG" CON_CLR "    " " UXN" GP_CLR " MEM/NORMAL\n"
        "---[ TTBR1_EL1 ]---\n"
        "0xffff800008000000-0xffff800008200000           2M PMD  "
        USR_CLR " ro x  SHD AF" NG_CLR CON_CLR " BLK UXN" GP_CLR " MEM/NORMAL\n"
        "0xffff800008200000-0xffff800008201000           4K PTE  "
        USR_CLR " ro NX SHD AF" NG_CLR CON_CLR "    " " UXN" GP_CLR " MEM/NORMAL\n"
        "0xffff800008202000-0xffff800008204000           8K PTE  "
        USR_CLR " RW NX SHD AF" NG_CLR CON_CLR "    " " UXN" GP_CLR " MEM/NORMAL\n"
        "0xffff800008204000-0xffff800008205000           4K PTE  "
        USR_CLR " RW NX SHD AF NG" CON_CLR "    " " UXN" GP_CLR " DEVICE/nGnRE\n");
}

static void test_memtype_names(void **state)
{
    (void)state;
    char buf[40];
    vtop_fmt_ptdump_memtype(&sp, 2, buf, sizeof buf);
    assert_string_equal(buf, "MEM/NORMAL-NC");
    vtop_fmt_ptdump_memtype(&sp, 3, buf, sizeof buf);
    assert_string_equal(buf, "DEVICE/nGnRnE");
    vtop_fmt_ptdump_memtype(&sp, 1, buf, sizeof buf);
    assert_string_equal(buf, "MEM/NORMAL-TAGGED");
    sp.cfg.mair = 0;
    vtop_fmt_ptdump_memtype(&sp, 5, buf, sizeof buf);
    assert_string_equal(buf, "ATTR5");
}

static void test_ttbr_names(void **state)
{
    (void)state;
    assert_string_equal(vtop_fmt_a64_ttbr_name(&sp, 0), "TTBR0_EL1");
    assert_string_equal(vtop_fmt_a64_ttbr_name(&sp, 1), "TTBR1_EL1");
    sp.cfg.a64_regime = VTOP_A64_EL2_E2H;
    assert_string_equal(vtop_fmt_a64_ttbr_name(&sp, 1), "TTBR1_EL2");
    assert_string_equal(vtop_fmt_a64_sh(3u << VTOP_LEAF_SH_SHIFT), "IS");
    assert_string_equal(vtop_fmt_a64_sh(1u << VTOP_LEAF_SH_SHIFT), "??");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rights, reset),
        cmocka_unit_test_setup(test_pte_page, reset),
        cmocka_unit_test_setup(test_pte_block_and_fault, reset),
        cmocka_unit_test_setup(test_vtop_lines, reset),
        cmocka_unit_test_setup(test_tlb_lines, reset),
        cmocka_unit_test_setup(test_ptdump_level_names, reset),
        cmocka_unit_test_setup(test_ptdump_merge, reset),
        cmocka_unit_test_setup(test_memtype_names, reset),
        cmocka_unit_test_setup(test_ttbr_names, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
