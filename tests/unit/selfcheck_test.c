/* Tests for efi/selfcheck.c on the host: the self-check translates its
 * probes in batches (vtop_translate_batch); its counts and its mismatch
 * lines must be those of the check done one address at a time with
 * vtop_translate (the reference below, the algorithm the app used before:
 * the same samples in the same order, one walk each).
 *
 * The tables are the app's own builder's (efi/idmap.c, 4- and 5-level) over
 * random plans, in host memory handed out by a fake AllocatePages, and are
 * then damaged at random entries (present bit, R/W, U/S, NX, the address)
 * so that the check has something to find: not identity mapped, rights or
 * page size differing from the plan, mapped outside it, firmware addresses
 * lost. A second random plan's tables play the firmware's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/enum.h"
#include "core/paging.h"
#include "efi/efi_env.h"
#include "efi/idmap.h"
#include "efi/idplan.h"
#include "efi/selfcheck.h"
#include "text_sink.h"

#define PAGE 4096ull
#define MIB2 (2ull << 20)
#define GIB (1ull << 30)

/* ---- the firmware services idmap.c calls: pages from the host heap ---- */

static EFI_STATUS EFIAPI fake_allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE mt,
                                             UINTN pages, EFI_PHYSICAL_ADDRESS *memory)
{
    (void)type;
    (void)mt;
    void *p = aligned_alloc(PAGE, (size_t)pages * PAGE);
    if (!p)
        return EFI_OUT_OF_RESOURCES;
    *memory = (EFI_PHYSICAL_ADDRESS)(uintptr_t)p;
    return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_free_pages(EFI_PHYSICAL_ADDRESS memory, UINTN pages)
{
    (void)pages;
    free((void *)(uintptr_t)memory);
    return EFI_SUCCESS;
}

static EFI_BOOT_SERVICES fake_bs;
efi_env g_efi;

static int setup(void **state)
{
    (void)state;
    fake_bs.AllocatePages = fake_allocate_pages;
    fake_bs.FreePages = fake_free_pages;
    g_efi.bs = &fake_bs;
    return 0;
}

/* ---- random plans ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static const uint8_t attrs[] = {0, IDMAP_W, IDMAP_X, IDMAP_W | IDMAP_X, IDMAP_W | IDMAP_UC};

/* Sorted, non-overlapping, coalesced (touching neighbours differ in
 * attributes), 4 KiB aligned, below limit: what idplan_build makes. Sizes
 * from a page to a few GiB, often 2 MiB or 1 GiB aligned, so that every
 * leaf size appears. */
static void random_plan(idplan *p, uint64_t *rng, uint64_t limit)
{
    memset(p, 0, sizeof *p);
    p->cap = 64;
    p->ranges = calloc(p->cap, sizeof *p->ranges);
    assert_non_null(p->ranges);
    p->limit = limit;
    p->use_nx = true;
    uint64_t at = 0;
    uint8_t prev = 0xFF;
    while (p->count < p->cap) {
        uint64_t r = rng_next(rng);
        uint64_t unit = (r & 3) == 0 ? GIB : (r & 3) == 1 ? MIB2 : PAGE;
        uint64_t gap = (r >> 2) % 3 == 0 ? 0 : unit * (1 + (r >> 8) % 5);
        uint64_t len = unit * (1 + (r >> 16) % 4);
        uint64_t start = (at + gap + unit - 1) & ~(unit - 1);
        if (start + len > limit || start + len < start)
            break;
        uint8_t a = attrs[(r >> 32) % sizeof attrs];
        if (start == at && a == prev)
            a = attrs[((r >> 32) + 1) % sizeof attrs];
        p->ranges[p->count++] = (idplan_range){start, start + len, a};
        at = start + len;
        prev = a;
    }
}

static void space_over(const idmap *im, vtop_mode mode, vtop_run *run, vtop_space *sp)
{
    *run = (vtop_run){im->pool, (uint64_t)im->pool_pages * PAGE, 0,
                      (const uint8_t *)(uintptr_t)im->pool};
    vtop_physmem pm = {run, 1, NULL};
    vtop_space_config cfg = {.mode = mode, .cr3 = im->root, .nxe = true, .maxphyaddr = 52};
    assert_int_equal(vtop_space_init(sp, &cfg, &pm), VTOP_OK);
}

/* Damage n random present entries of the tables: a bit flipped, or the
 * entry copied into an empty neighbour. */
static void damage(const idmap *im, uint64_t *rng, unsigned n)
{
    static const uint64_t flips[] = {1ull << 0, 1ull << 1, 1ull << 2, 1ull << 63,
                                     1ull << 21, 1ull << 12, 1ull << 7};
    for (unsigned k = 0, tries = 0; k < n && tries < 100000; tries++) {
        uint64_t r = rng_next(rng);
        uint64_t *table = (uint64_t *)(uintptr_t)(im->pool + (r % im->used) * PAGE);
        unsigned i = (unsigned)((r >> 20) % 511);
        uint64_t *e = &table[i];
        if (!*e)
            continue;
        if ((r >> 50) % 4 == 0 && !e[1])
            e[1] = *e; /* the next block mapped too, past the plan's range */
        else
            *e ^= flips[(r >> 40) % (sizeof flips / sizeof flips[0])];
        k++;
    }
}

/* ---- the reference: one vtop_translate per sample, in the order the
 * self-check takes them (efi/selfcheck.h) ---- */

typedef struct ref {
    const vtop_space *ours;
    const idmap *map;
    const idplan *plan;
    const vtop_out *out;
    selfcheck_result *res;
} ref;

static void ref_mismatch(ref *c, uint64_t va, const char *what, const vtop_translation *t)
{
    if (c->res->mismatches++ < 8)
        vtop_printf(c->out,
                    "self-check: mismatch at 0x%llx: %s (status %s, pa 0x%llx, "
                    "page 0x%llx, rights 0x%x)\n",
                    (unsigned long long)va, what, vtop_status_name(t->status),
                    (unsigned long long)t->pa, (unsigned long long)t->page_size,
                    (unsigned)t->rights);
}

static void ref_mapped(ref *c, uint64_t va)
{
    uint8_t attr = 0;
    uint64_t page = idmap_expected_page(c->map, c->plan, va, &attr);
    vtop_translation t;
    vtop_translate(c->ours, va, &t);
    c->res->addresses++;
    if (t.status != VTOP_OK || t.pa != va) {
        ref_mismatch(c, va, "not identity mapped", &t);
        return;
    }
    bool w = t.rights & VTOP_RIGHT_WRITE, x = t.rights & VTOP_RIGHT_EXEC;
    if (w != !!(attr & IDMAP_W) || x != !!(attr & IDMAP_X) || (t.rights & VTOP_RIGHT_USER))
        ref_mismatch(c, va, "rights differ from the plan", &t);
    else if (t.page_size != page)
        ref_mismatch(c, va, "page size differs from the plan", &t);
}

static void ref_range(ref *c, const idplan_range *r)
{
    c->res->ranges++;
    ref_mapped(c, r->start);
    uint64_t step = r->start >= (4ull << 30) ? GIB : MIB2;
    for (uint64_t a = (r->start | (step - 1)) + 1; a < r->end - PAGE && a > r->start; a += step)
        ref_mapped(c, a);
    if (r->end - r->start > PAGE)
        ref_mapped(c, r->end - PAGE);
    uint8_t attr;
    if (r->end < c->plan->limit && idplan_query(c->plan, r->end, PAGE, &attr) == 0) {
        vtop_translation t;
        vtop_translate(c->ours, r->end, &t);
        c->res->unmapped++;
        if (t.status == VTOP_OK)
            ref_mismatch(c, r->end, "mapped but outside the plan", &t);
    }
}

typedef struct ref_fw {
    ref *c;
    uint64_t low_top;
} ref_fw;

static int ref_fw_leaf(void *ctx, const vtop_leaf *l)
{
    const ref_fw *f = ctx;
    uint64_t limit = f->c->plan->limit;
    if (l->pa != l->va || l->va >= limit)
        return 0;
    uint64_t end = limit - l->va < l->size ? limit : l->va + l->size;
    uint64_t step = l->va < f->low_top ? MIB2 : GIB;
    uint64_t a = (l->va + step - 1) & ~(step - 1);
    if ((a >= end || a < l->va) && l->size < MIB2)
        a = l->va;
    for (; a < end && a >= l->va; a += step) {
        vtop_translation t;
        vtop_translate(f->c->ours, a, &t);
        f->c->res->fw_identity++;
        if (t.status != VTOP_OK || t.pa != a)
            ref_mismatch(f->c, a, "firmware maps it, we do not", &t);
    }
    return 0;
}

static void ref_run(const selfcheck_input *in, selfcheck_result *res)
{
    memset(res, 0, sizeof *res);
    ref c = {in->ours, in->map, in->plan, in->out, res};
    for (size_t i = 0; i < in->plan->count; i++)
        ref_range(&c, &in->plan->ranges[i]);
    if (in->fw) {
        ref_fw f = {&c, in->top};
        vtop_status st = vtop_enumerate(in->fw, 0, in->plan->limit - 1, NULL, ref_fw_leaf, &f);
        if (st != VTOP_OK)
            vtop_printf(in->out, "self-check: firmware tables only partly read (%s)\n",
                        vtop_status_name(st));
    }
}

/* ---- the checks ---- */

static void same_as_reference(const selfcheck_input *in, const text_sink *want_text,
                              const selfcheck_result *want)
{
    static text_sink got_text;
    memset(&got_text, 0, sizeof got_text);
    vtop_out out = {text_sink_write, &got_text};
    selfcheck_input batched = *in;
    batched.out = &out;
    selfcheck_result got;
    selfcheck_run(&batched, &got);
    assert_int_equal(got.ranges, want->ranges);
    assert_int_equal(got.addresses, want->addresses);
    assert_int_equal(got.fw_identity, want->fw_identity);
    assert_int_equal(got.unmapped, want->unmapped);
    assert_int_equal(got.mismatches, want->mismatches);
    assert_string_equal(got_text.text, want_text->text);
}

static const char *const kinds[] = {"not identity mapped", "rights differ from the plan",
                                    "page size differs from the plan",
                                    "mapped but outside the plan",
                                    "firmware maps it, we do not"};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static void one_case(uint64_t seed, unsigned levels, bool use_1g, unsigned damaged,
                     unsigned *with_mismatches, uint64_t *probes, unsigned *seen)
{
    uint64_t rng = seed;
    const uint64_t limit = 1ull << 36;
    const vtop_mode mode = levels == 5 ? VTOP_MODE_5LEVEL : VTOP_MODE_4LEVEL;
    idplan plan, fw_plan;
    random_plan(&plan, &rng, limit);
    random_plan(&fw_plan, &rng, limit);
    idmap im, fw_im;
    assert_int_equal(idmap_build(&im, &plan, levels, use_1g), EFI_SUCCESS);
    assert_int_equal(idmap_build(&fw_im, &fw_plan, 4, true), EFI_SUCCESS);
    damage(&im, &rng, damaged);
    /* 1 GiB leaves built, 2 MiB expected: every 1 GiB sample's leaf is
     * then the wrong size (identity and rights intact) */
    if (use_1g && damaged % 2 == 1)
        im.use_1g = false;
    vtop_run run, fw_run;
    vtop_space ours, fw;
    space_over(&im, mode, &run, &ours);
    space_over(&fw_im, VTOP_MODE_4LEVEL, &fw_run, &fw);
    static text_sink want_text;
    memset(&want_text, 0, sizeof want_text);
    vtop_out out = {text_sink_write, &want_text};
    selfcheck_input in = {.ours = &ours, .fw = &fw, .map = &im, .plan = &plan,
                          .top = 4ull << 30, .out = &out};
    selfcheck_result want;
    ref_run(&in, &want);
    same_as_reference(&in, &want_text, &want);
    for (unsigned k = 0; k < NKINDS; k++)
        seen[k] += strstr(want_text.text, kinds[k]) != NULL;
    in.fw = NULL; /* and without the firmware part */
    memset(&want_text, 0, sizeof want_text);
    ref_run(&in, &want);
    same_as_reference(&in, &want_text, &want);
    *with_mismatches += want.mismatches > 0;
    *probes += want.addresses + want.unmapped;
    idmap_free(&im);
    idmap_free(&fw_im);
    idplan_free(&plan);
    idplan_free(&fw_plan);
}

/* Intact tables pass with no mismatch (the check finds nothing where
 * there is nothing); damaged ones give the reference's lines and counts. */
static void test_batched_equals_one_by_one(void **state)
{
    (void)state;
    unsigned with_mismatches = 0, intact_failures = 0, seen[NKINDS] = {0};
    uint64_t probes = 0;
    for (unsigned i = 0; i < 60; i++) {
        unsigned levels = i % 3 == 2 ? 5 : 4;
        unsigned damaged = i % 4 == 0 ? 0 : 3 + i % 9;
        unsigned before = with_mismatches;
        one_case(0x5E1FC4EC00ull + i, levels, i % 2 == 0, damaged, &with_mismatches, &probes, seen);
        if (damaged == 0)
            intact_failures += with_mismatches != before;
    }
    assert_int_equal(intact_failures, 0);
    assert_true(with_mismatches >= 20); /* the damage was found, and compared */
    for (unsigned k = 0; k < NKINDS; k++) /* every kind of finding at least once */
        if (!seen[k]) fail_msg("never found: %s", kinds[k]);
    assert_true(probes > 60 * 32);      /* many batches, partial ones too */
}

/* The live check: code and stack translated in one batch. The stack is a
 * local of selfcheck_live_identity, so the plan maps this test's stack
 * region (writable) and one page of "code" (executable). */
static void test_live_identity(void **state)
{
    (void)state;
    volatile int here = 0;
    uint64_t stack = (uint64_t)(uintptr_t)&here & ~(PAGE - 1);
    uint64_t code = 0x40000000ull;
    idplan plan;
    memset(&plan, 0, sizeof plan);
    plan.cap = 2;
    plan.ranges = calloc(2, sizeof *plan.ranges);
    assert_non_null(plan.ranges);
    plan.limit = 1ull << 47;
    plan.use_nx = true;
    plan.ranges[plan.count++] = (idplan_range){code, code + PAGE, IDMAP_X};
    plan.ranges[plan.count++] = (idplan_range){stack - (1u << 20), stack + (1u << 20), IDMAP_W};
    idmap im;
    assert_int_equal(idmap_build(&im, &plan, 4, false), EFI_SUCCESS);
    vtop_run run;
    vtop_space ours;
    space_over(&im, VTOP_MODE_4LEVEL, &run, &ours);
    static text_sink t;
    memset(&t, 0, sizeof t);
    vtop_out out = {text_sink_write, &t};
    assert_true(selfcheck_live_identity(&ours, code + 0x123, true, &out));
    unsigned long long c, cp, s, sp;
    char tail[16];
    assert_int_equal(sscanf(t.text, "live check: code 0x%llx -> 0x%llx X, stack 0x%llx -> "
                            "0x%llx W NX: %15s", &c, &cp, &s, &sp, tail), 5);
    assert_int_equal(c, code + 0x123);
    assert_int_equal(cp, code + 0x123);
    assert_int_equal(s, sp);
    assert_true(s >= stack - (1u << 20) && s < stack + (1u << 20));
    assert_string_equal(tail, "pass");
    /* Code that is not executable fails, and says so. */
    memset(&t, 0, sizeof t);
    assert_false(selfcheck_live_identity(&ours, stack, true, &out));
    assert_non_null(strstr(t.text, " NX, stack "));
    assert_non_null(strstr(t.text, ": FAIL\n"));
    idmap_free(&im);
    idplan_free(&plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_batched_equals_one_by_one, setup),
        cmocka_unit_test_setup(test_live_identity, setup),
    };
    return cmocka_run_group_tests_name("selfcheck", tests, NULL, NULL);
}
