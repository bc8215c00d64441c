/* Tests for core/audit.c: one hand-built 4-level image carrying every kind
 * of finding, with each finding's range and entry written by hand; a
 * self-map (tables shared between levels); a full reference set; stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/audit.h"
#include "pt_fixture.h"

typedef struct found {
    vtop_finding v[256];
    size_t n;
} found;

static int on_finding(void *ctx, const vtop_finding *f)
{
    found *x = ctx;
    if (x->n < 256)
        x->v[x->n] = *f;
    x->n++;
    return 0;
}

static size_t count_kind(const found *x, vtop_finding_kind k, const vtop_finding **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < x->n && i < 256; i++) {
        if (x->v[i].kind != k)
            continue;
        if (!n)
            *first = &x->v[i];
        n++;
    }
    return n;
}

static int reset(void **state)
{
    (void)state;
    fx_reset();
    fx_put64(0x1000, 0x2007);
    fx_put64(0x1000 + 511 * 8, 0x3007);
    fx_put64(0x2000, 0x4007);
    fx_put64(0x4000, 0x5007);
    fx_put64(0x4008, 0x5007);                  /* same PT again: aliased */
    fx_put64(0x4010, 0x10000007);              /* PT outside the 8 MiB image */
    fx_put64(0x5000, 0x6007);                  /* VA 0: user, RW, exec */
    fx_put64(0x5008, 0x7007);
    fx_put64(0x5010, 0x8007);
    fx_put64(0x5018, 0x0008000000009003ull);   /* reserved bit 51 (M=40) */
    fx_put64(0x5020, 0x40000001);              /* frame at 1 GiB: not in image */
    fx_put64(0x3000 + 511 * 8, 0xA007);
    fx_put64(0xA000, 0x8000000000400087ull);   /* 2M user RW NX, upper half */
    return 0;
}

static void test_every_kind(void **state)
{
    (void)state;
    vtop_space s;
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    vtop_table_ref refs[64];
    vtop_audit_options o = {0, refs, 64};
    vtop_audit_stats st;
    found x = {0};
    assert_int_equal(vtop_audit(&s, &o, on_finding, &x, &st), VTOP_OK);
    const vtop_finding *f;

    assert_int_equal(count_kind(&x, VTOP_FINDING_WX, &f), 2);
    assert_int_equal(f->va_start, 0);
    assert_int_equal(f->va_end, 0x2fff);
    assert_int_equal(f->count, 3);
    assert_int_equal(f->entry_pa, 0x5000);
    assert_int_equal(f->entry, 0x6007);
    assert_int_equal(f->level, 3);

    assert_int_equal(count_kind(&x, VTOP_FINDING_NULL_PAGE, &f), 1);
    assert_int_equal(f->va_end, 0xfff);
    assert_int_equal(f->pa, 0x6000);

    assert_int_equal(count_kind(&x, VTOP_FINDING_RESERVED_BITS, &f), 2);
    assert_int_equal(f->va_start, 0x3000);
    assert_int_equal(f->entry_pa, 0x5018);
    assert_int_equal(f->reserved_bits, 1ull << 51);

    assert_int_equal(count_kind(&x, VTOP_FINDING_OUTSIDE_MEMORY, &f), 2);
    assert_int_equal(f->va_start, 0x4000);
    assert_int_equal(f->pa, 0x40000000);

    assert_int_equal(count_kind(&x, VTOP_FINDING_TABLE_ALIASED, &f), 1);
    assert_int_equal(f->pa, 0x5000);
    assert_int_equal(f->entry_pa, 0x4008);
    assert_int_equal(f->other_entry_pa, 0x4000);
    assert_int_equal(f->level, 2);
    assert_int_equal(f->va_start, 0x200000);
    assert_int_equal(f->va_end, 0x3fffff);

    assert_int_equal(count_kind(&x, VTOP_FINDING_TABLE_OUTSIDE, &f), 1);
    assert_int_equal(f->pa, 0x10000000);
    assert_int_equal(f->entry_pa, 0x4010);
    assert_int_equal(f->level, 2);
    assert_int_equal(f->va_start, 0x400000);
    assert_int_equal(f->va_end, 0x5fffff);

    assert_int_equal(count_kind(&x, VTOP_FINDING_USER_UPPER, &f), 1);
    assert_int_equal(f->va_start, 0xffffffffc0000000ull);
    assert_int_equal(f->va_end, 0xffffffffc01fffffull);
    assert_int_equal(f->level, 2);

    assert_int_equal(count_kind(&x, VTOP_FINDING_TABLE_SHARED, &f), 0);
    assert_int_equal(st.findings[VTOP_FINDING_WX], 2);
    assert_int_equal(st.leaves, 9);
    assert_false(st.refs_full);
    assert_string_equal(vtop_finding_name(VTOP_FINDING_TABLE_SHARED), "table-shared");
    assert_string_equal(vtop_finding_name(VTOP_FINDING_COUNT), "unknown");
}

static void test_self_map_shared(void **state)
{
    (void)state;
    vtop_space s;
    fx_put64(0x1000 + 0x1ed * 8, 0x1003);
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    vtop_table_ref refs[64];
    vtop_audit_options o = {0, refs, 64};
    found x = {0};
    assert_int_equal(vtop_audit(&s, &o, on_finding, &x, NULL), VTOP_OK);
    const vtop_finding *f;
    assert_true(count_kind(&x, VTOP_FINDING_TABLE_SHARED, &f) >= 3);
    /* first: the PML4 (the root, no entry) met again as a PDPT through
     * PML4[0x1ed] */
    assert_int_equal(f->pa, 0x1000);
    assert_int_equal(f->entry_pa, 0x1000 + 0x1ed * 8);
    assert_int_equal(f->other_entry_pa, ~0ull);
    assert_int_equal(f->va_start, 0xFFFFF68000000000ull);
}

static void test_refs_full_and_no_refs(void **state)
{
    (void)state;
    vtop_space s;
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    vtop_table_ref refs[2];
    vtop_audit_options o = {0, refs, 2};
    vtop_audit_stats st;
    found x = {0};
    assert_int_equal(vtop_audit(&s, &o, on_finding, &x, &st), VTOP_OK);
    assert_true(st.refs_full);
    x.n = 0;
    assert_int_equal(vtop_audit(&s, NULL, on_finding, &x, &st), VTOP_OK);
    const vtop_finding *f;
    assert_int_equal(count_kind(&x, VTOP_FINDING_TABLE_ALIASED, &f), 0);
    assert_int_equal(count_kind(&x, VTOP_FINDING_WX, &f), 2);
    assert_int_equal(vtop_audit(NULL, NULL, on_finding, &x, &st), VTOP_BAD_ARGUMENT);
}

static int stop_first(void *ctx, const vtop_finding *f)
{
    (void)f;
    ++*(int *)ctx;
    return 1;
}

static void test_stop(void **state)
{
    (void)state;
    vtop_space s;
    fx_space(&s, (fx_cfg){VTOP_MODE_4LEVEL, 0x1000, 1, 40, 0, 0});
    int n = 0;
    vtop_audit_stats st;
    assert_int_equal(vtop_audit(&s, NULL, stop_first, &n, &st), VTOP_OK);
    assert_int_equal(n, 1);
    assert_true(st.stopped);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_kind, reset),
        cmocka_unit_test_setup(test_self_map_shared, reset),
        cmocka_unit_test_setup(test_refs_full_and_no_refs, reset),
        cmocka_unit_test_setup(test_stop, reset),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
