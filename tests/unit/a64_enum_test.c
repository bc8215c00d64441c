/* Tests for the AArch64 paths of core/enum.c, core/audit.c and core/ptov.c:
 * both halves in VA order with their canonical addresses, range clipping,
 * the path rights (APTable / XNTable folded in at the leaf), events for
 * descriptors that fault, audit findings and AF = 0 pages, ptov. Expected
 * values are hand-written from the Arm ARM D8.3/D8.4 layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/audit.h"
#include "core/enum.h"
#include "core/paging.h"
#include "core/ptov.h"
#include "a64_fixture.h"

#define TCR (T0SZ(16) | TG0_4K | T1SZ(25) | TG1_4K | IPS(2)) /* 40-bit PAs */
#define KVA 0xffffff8000000000ull /* first TTBR1 VA with T1SZ 25 */

/* TTBR0 0x1000 (L0..L3): VA 0x5000 page (EL0 RW), VA 0x40000000 2M block
 * under an L1 table with APTable[1]; TTBR1 0x10000 (L1..L3): KVA page
 * (W+X at EL1), KVA+4K page with AF = 0, KVA + 1G: an L1 entry too wide for
 * the 40-bit output, KVA + 2G: an L2 table with an EL0 page below. */
static void build(void)
{
    fx_reset();
    fx_put64(0x1000, 0x2000 | D_TABLE);
    fx_put64(0x2000, 0x3000 | D_TABLE);
    fx_put64(0x2008, 0x5000 | D_TABLE | D_APT1);
    fx_put64(0x3000, 0x4000 | D_TABLE);
    fx_put64(0x4000 + 5 * 8, 0x77000 | D_PAGE | D_AF | D_AP1 | D_UXN);
    fx_put64(0x5000, 0x200000 | D_BLOCK | D_AF | D_PXN);
    fx_put64(0x10000, 0x11000 | D_TABLE);
    fx_put64(0x11000, 0x12000 | D_TABLE);
    fx_put64(0x12000, 0x88000 | D_PAGE | D_AF | D_UXN);
    fx_put64(0x12008, 0x89000 | D_PAGE | D_UXN);
    fx_put64(0x10008, (1ull << 44) | 0x13000 | D_TABLE);
    fx_put64(0x10010, 0x14000 | D_TABLE | D_UXNT);
    fx_put64(0x14000, 0x15000 | D_TABLE);
    fx_put64(0x15000, 0x99000 | D_PAGE | D_AF | D_AP1 | D_PXN);
}

typedef struct seen {
    vtop_leaf v[16];
    unsigned n;
    unsigned reserved_events;
    uint64_t reserved_bits[4];
} seen;

static int on_leaf(void *ctx, const vtop_leaf *l)
{
    seen *s = ctx;
    if (s->n < 16)
        s->v[s->n] = *l;
    s->n++;
    return 0;
}

static int on_event(void *ctx, const vtop_enum_event *e)
{
    seen *s = ctx;
    if (e->kind == VTOP_EVENT_RESERVED && s->reserved_events < 4)
        s->reserved_bits[s->reserved_events++] = e->reserved_bits;
    return 0;
}

static vtop_space space(uint64_t tcr)
{
    vtop_space s;
    assert_int_equal(a64_space(&s, (a64_cfg){tcr, 0x1000, 0x10000, VTOP_A64_EL1, 0, 0}),
                     VTOP_OK);
    return s;
}

static void test_both_halves(void **state)
{
    (void)state;
    build();
    vtop_space s = space(TCR);
    seen got = {0};
    vtop_enum_options opt = {.on_event = on_event, .event_ctx = &got};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &opt, on_leaf, &got), VTOP_OK);
    assert_int_equal(got.n, 4);
    assert_int_equal(got.v[0].va, 0x5000);
    assert_int_equal(got.v[0].pa, 0x77000);
    assert_int_equal(got.v[0].size, 4096);
    assert_int_equal(got.v[0].level, 3);
    assert_int_equal(got.v[0].rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_USER);
    assert_int_equal(got.v[1].va, 0x40000000);
    assert_int_equal(got.v[1].size, 2u << 20);
    assert_int_equal(got.v[1].level, 2);
    assert_int_equal(got.v[1].rights, VTOP_RIGHT_UEXEC); /* APTable[1], PXN */
    assert_int_equal(got.v[2].va, KVA);
    assert_int_equal(got.v[2].raw_va, 0);
    assert_int_equal(got.v[2].level, 2); /* L3 of a walk starting at L1 */
    assert_int_equal(got.v[2].rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC);
    assert_int_equal(got.v[2].leaf_flags, VTOP_LEAF_AF);
    assert_int_equal(got.v[3].va, KVA + (2ull << 30));
    assert_int_equal(got.v[3].rights, VTOP_RIGHT_WRITE | VTOP_RIGHT_USER);
    /* the AF = 0 page and the wide L1 table are events, not leaves */
    assert_int_equal(got.reserved_events, 2);
    assert_int_equal(got.reserved_bits[0], VTOP_A64_AF);
    assert_int_equal(got.reserved_bits[1], 1ull << 44);
    /* every leaf is what vtop_translate says */
    for (unsigned i = 0; i < 4; i++) {
        vtop_translation t;
        assert_int_equal(vtop_translate(&s, got.v[i].va, &t), VTOP_OK);
        assert_int_equal(t.pa, got.v[i].pa);
        assert_int_equal(t.rights, got.v[i].rights);
        assert_int_equal(t.leaf_flags, got.v[i].leaf_flags);
    }
}

static void test_ranges_and_policy(void **state)
{
    (void)state;
    build();
    vtop_space s = space(TCR);
    seen got = {0};
    /* only the upper half */
    assert_int_equal(vtop_enumerate(&s, KVA + 1, ~0ull, NULL, on_leaf, &got), VTOP_OK);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.v[0].va, KVA);
    /* a range between the halves: nothing */
    memset(&got, 0, sizeof got);
    assert_int_equal(vtop_enumerate(&s, 1ull << 48, KVA - 1, NULL, on_leaf, &got), VTOP_OK);
    assert_int_equal(got.n, 0);
    /* the lower half only, QEMU policy (x86's monitor: strict on Arm) */
    memset(&got, 0, sizeof got);
    vtop_enum_options q = {.policy = VTOP_ENUM_QEMU};
    assert_int_equal(vtop_enumerate(&s, 0, 0x40000000, &q, on_leaf, &got), VTOP_OK);
    assert_int_equal(got.n, 2);
    /* EPD1: the upper half has no leaves */
    s = space(TCR | EPD1);
    memset(&got, 0, sizeof got);
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, NULL, on_leaf, &got), VTOP_OK);
    assert_int_equal(got.n, 2);
    /* a stop in the lower half ends the walk */
    memset(&got, 0, sizeof got);
    vtop_enum_stats st;
    vtop_enum_options so = {.stats = &st, .max_tables = 3};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &so, on_leaf, &got), VTOP_LIMIT_REACHED);
    assert_int_equal(vtop_qemu_mem_walk(&s, 0, NULL, NULL), VTOP_BAD_ARGUMENT);
}

static int qemu_unit(void *ctx, uint64_t end, unsigned prot)
{
    (void)ctx;
    (void)end;
    (void)prot;
    return 0;
}

static int stop_leaf(void *ctx, const vtop_leaf *l)
{
    (void)ctx;
    (void)l;
    return 1;
}

static void test_stop_and_info_mem(void **state)
{
    (void)state;
    build();
    vtop_space s = space(TCR);
    vtop_enum_stats st;
    vtop_enum_options opt = {.stats = &st};
    assert_int_equal(vtop_enumerate(&s, 0, ~0ull, &opt, stop_leaf, NULL), VTOP_OK);
    assert_true(st.stopped);
    assert_int_equal(st.leaves, 1);
    assert_int_equal(vtop_qemu_mem_walk(&s, 0, qemu_unit, NULL), VTOP_BAD_SPACE);
}

typedef struct findings {
    unsigned n[VTOP_FINDING_COUNT];
    uint64_t first_va[VTOP_FINDING_COUNT];
} findings;

static int on_finding(void *ctx, const vtop_finding *f)
{
    findings *fs = ctx;
    if (fs->n[f->kind]++ == 0)
        fs->first_va[f->kind] = f->va_start;
    return 0;
}

static void test_audit(void **state)
{
    (void)state;
    build();
    vtop_space s = space(TCR);
    findings fs = {{0}, {0}};
    vtop_audit_stats st;
    assert_int_equal(vtop_audit(&s, NULL, on_finding, &fs, &st), VTOP_OK);
    assert_int_equal(fs.n[VTOP_FINDING_WX], 1); /* the kernel page */
    assert_int_equal(fs.first_va[VTOP_FINDING_WX], KVA);
    assert_int_equal(fs.n[VTOP_FINDING_USER_UPPER], 1);
    assert_int_equal(fs.first_va[VTOP_FINDING_USER_UPPER], KVA + (2ull << 30));
    assert_int_equal(fs.n[VTOP_FINDING_RESERVED_BITS], 1); /* wide, not AF = 0 */
    assert_int_equal(fs.first_va[VTOP_FINDING_RESERVED_BITS], KVA + (1ull << 30));
    assert_int_equal(fs.n[VTOP_FINDING_NULL_PAGE], 0);
    assert_int_equal(st.leaves, 4);
}

static void test_ptov(void **state)
{
    (void)state;
    build();
    vtop_space s = space(TCR);
    vtop_ptov_hit hit[4];
    vtop_ptov_hits out = {.hit = hit, .cap = 4};
    assert_int_equal(vtop_ptov(&s, 0x99010, 0x99010, NULL, &out), VTOP_OK);
    assert_int_equal(out.total, 1);
    assert_int_equal(hit[0].va, KVA + (2ull << 30) + 0x10);
    assert_int_equal(hit[0].level, 2);
    assert_int_equal(out.stored, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_halves),
        cmocka_unit_test(test_ranges_and_policy),
        cmocka_unit_test(test_stop_and_info_mem),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_ptov),
    };
    return cmocka_run_group_tests_name("a64_enum", tests, NULL, NULL);
}
