/* vtop EFI app: identity-map self-check (see selfcheck.h). */
#include "selfcheck.h"

#include <string.h>

#include "core/batch.h"
#include "core/enum.h"

#define PAGE 4096ull
#define MIB2 (2ull << 20)
#define GIB  (1ull << 30)
#define MAX_REPORTED 8
/* Probes translated together by vtop_translate_batch (core/batch.h): the
 * walks of a batch overlap in the memory system. The records are exactly
 * vtop_translate's, and the verdicts are taken in the order the probes
 * were made, so the counts and mismatch lines are those of one by one. */
#define PROBE_BATCH 32

/* What a probe must show. */
typedef enum probe_kind {
    PROBE_PLANNED,   /* in a planned range: identity, planned rights and leaf */
    PROBE_HOLE,      /* just after a range, nothing planned: not present */
    PROBE_KEPT       /* a firmware identity address: still identity */
} probe_kind;

typedef struct checker {
    const vtop_space *ours;
    const idmap *map;
    const idplan *plan;
    const vtop_out *out;
    selfcheck_result *res;
    size_t n;                        /* probes waiting in va[], kind[] */
    uint64_t va[PROBE_BATCH];
    uint8_t kind[PROBE_BATCH];
    vtop_translation t[PROBE_BATCH];
} checker;

static void mismatch(checker *c, uint64_t va, const char *what,
                     const vtop_translation *t)
{
    if (c->res->mismatches++ < MAX_REPORTED)
        vtop_printf(c->out,
                    "self-check: mismatch at 0x%llx: %s (status %s, pa 0x%llx, "
                    "page 0x%llx, rights 0x%x)\n",
                    (unsigned long long)va, what, vtop_status_name(t->status),
                    (unsigned long long)t->pa, (unsigned long long)t->page_size,
                    (unsigned)t->rights);
}

static void verdict_planned(checker *c, uint64_t va, const vtop_translation *t)
{
    uint8_t attr = 0;
    uint64_t page = idmap_expected_page(c->map, c->plan, va, &attr);
    c->res->addresses++;
    if (t->status != VTOP_OK || t->pa != va) {
        mismatch(c, va, "not identity mapped", t);
        return;
    }
    bool w = t->rights & VTOP_RIGHT_WRITE, x = t->rights & VTOP_RIGHT_EXEC;
    if (w != !!(attr & IDMAP_W) || x != !!(attr & IDMAP_X) ||
        (t->rights & VTOP_RIGHT_USER))
        mismatch(c, va, "rights differ from the plan", t);
    else if (t->page_size != page)
        mismatch(c, va, "page size differs from the plan", t);
}

static void verdict(checker *c, probe_kind kind, uint64_t va,
                    const vtop_translation *t)
{
    switch (kind) {
    case PROBE_PLANNED:
        verdict_planned(c, va, t);
        break;
    case PROBE_HOLE:
        c->res->unmapped++;
        if (t->status == VTOP_OK)
            mismatch(c, va, "mapped but outside the plan", t);
        break;
    case PROBE_KEPT:
        c->res->fw_identity++;
        if (t->status != VTOP_OK || t->pa != va)
            mismatch(c, va, "firmware maps it, we do not", t);
        break;
    }
}

/* Translate the waiting probes in one batch and judge them in order. The
 * batch's own status (the first failure) says nothing a record does not. */
static void flush(checker *c)
{
    if (c->n == 0)
        return;
    vtop_translate_batch(c->ours, c->va, c->n, c->t);
    for (size_t i = 0; i < c->n; i++)
        verdict(c, (probe_kind)c->kind[i], c->va[i], &c->t[i]);
    c->n = 0;
}

static void probe(checker *c, uint64_t va, probe_kind kind)
{
    c->va[c->n] = va;
    c->kind[c->n] = (uint8_t)kind;
    if (++c->n == PROBE_BATCH)
        flush(c);
}

static void check_mapped(checker *c, uint64_t va)
{
    probe(c, va, PROBE_PLANNED);
}

static void check_range(checker *c, const idplan_range *r)
{
    c->res->ranges++;
    check_mapped(c, r->start);
    uint64_t step = r->start >= (4ull << 30) ? GIB : MIB2;
    for (uint64_t a = (r->start | (step - 1)) + 1; a < r->end - PAGE && a > r->start;
         a += step)
        check_mapped(c, a);
    if (r->end - r->start > PAGE)
        check_mapped(c, r->end - PAGE);
    /* The page after the range, when nothing else is planned there. */
    uint8_t attr;
    if (r->end < c->plan->limit && idplan_query(c->plan, r->end, PAGE, &attr) == 0)
        probe(c, r->end, PROBE_HOLE);
}

/* The firmware leaves walked once (vtop_enumerate): every identity one,
 * sampled every 2 MiB below the top of RAM and every 1 GiB above (a 4K
 * leaf between two samples at its own page), must still be identity in our
 * tables. */
typedef struct fw_check {
    checker *c;
    uint64_t low_top;
} fw_check;

static void check_kept(checker *c, uint64_t a)
{
    probe(c, a, PROBE_KEPT);
}

static int fw_leaf(void *ctx, const vtop_leaf *l)
{
    const fw_check *f = ctx;
    uint64_t limit = f->c->plan->limit;
    if (l->pa != l->va || l->va >= limit)
        return 0;
    uint64_t end = limit - l->va < l->size ? limit : l->va + l->size;
    uint64_t step = l->va < f->low_top ? MIB2 : GIB;
    uint64_t a = (l->va + step - 1) & ~(step - 1);
    if ((a >= end || a < l->va) && l->size < MIB2)
        a = l->va; /* a 4K page between the samples: its own */
    for (; a < end && a >= l->va; a += step)
        check_kept(f->c, a);
    return 0;
}

static void check_firmware(checker *c, const vtop_space *fw, uint64_t low_top)
{
    fw_check f = {c, low_top};
    vtop_status st = vtop_enumerate(fw, 0, c->plan->limit - 1, NULL, fw_leaf, &f);
    flush(c); /* the verdicts before the line below, as one by one */
    if (st != VTOP_OK)
        vtop_printf(c->out, "self-check: firmware tables only partly read (%s)\n",
                    vtop_status_name(st));
}

void selfcheck_run(const selfcheck_input *in, selfcheck_result *res)
{
    memset(res, 0, sizeof *res);
    checker c = {.ours = in->ours, .map = in->map, .plan = in->plan,
                 .out = in->out, .res = res, .n = 0};
    for (size_t i = 0; i < in->plan->count; i++)
        check_range(&c, &in->plan->ranges[i]);
    flush(&c);
    if (in->fw)
        check_firmware(&c, in->fw, in->top);
}

bool selfcheck_live_identity(const vtop_space *ours, uint64_t code, bool stack_nx,
                             const vtop_out *out)
{
    volatile int on_stack = 0;
    uint64_t stack = (uint64_t)(uintptr_t)&on_stack;
    const uint64_t va[2] = {code, stack};
    vtop_translation t[2];
    vtop_translate_batch(ours, va, 2, t); /* records as vtop_translate's */
    const vtop_translation tc = t[0], ts = t[1];
    bool ok = tc.status == VTOP_OK && tc.pa == code &&
              (tc.rights & VTOP_RIGHT_EXEC) && ts.status == VTOP_OK &&
              ts.pa == stack && (ts.rights & VTOP_RIGHT_WRITE) &&
              (!stack_nx || !(ts.rights & VTOP_RIGHT_EXEC));
    vtop_printf(out,
                "live check: code 0x%llx -> 0x%llx%s, stack 0x%llx -> 0x%llx%s%s: %s\n",
                (unsigned long long)code, (unsigned long long)tc.pa,
                (tc.rights & VTOP_RIGHT_EXEC) ? " X" : " NX",
                (unsigned long long)stack, (unsigned long long)ts.pa,
                (ts.rights & VTOP_RIGHT_WRITE) ? " W" : " RO",
                (ts.rights & VTOP_RIGHT_EXEC) ? " X" : " NX", ok ? "pass" : "FAIL");
    return ok;
}
