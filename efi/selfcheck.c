/* vtop EFI app: identity-map self-check (see selfcheck.h). */
#include "selfcheck.h"

#include <string.h>

#include "core/enum.h"

#define PAGE 4096ull
#define MIB2 (2ull << 20)
#define GIB  (1ull << 30)
#define MAX_REPORTED 8

typedef struct checker {
    const vtop_space *ours;
    const idmap *map;
    const idplan *plan;
    const vtop_out *out;
    selfcheck_result *res;
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

static void check_mapped(checker *c, uint64_t va)
{
    uint8_t attr = 0;
    uint64_t page = idmap_expected_page(c->map, c->plan, va, &attr);
    vtop_translation t;
    vtop_translate(c->ours, va, &t);
    c->res->addresses++;
    if (t.status != VTOP_OK || t.pa != va) {
        mismatch(c, va, "not identity mapped", &t);
        return;
    }
    bool w = t.rights & VTOP_RIGHT_WRITE, x = t.rights & VTOP_RIGHT_EXEC;
    if (w != !!(attr & IDMAP_W) || x != !!(attr & IDMAP_X) ||
        (t.rights & VTOP_RIGHT_USER))
        mismatch(c, va, "rights differ from the plan", &t);
    else if (t.page_size != page)
        mismatch(c, va, "page size differs from the plan", &t);
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
    if (r->end < c->plan->limit && idplan_query(c->plan, r->end, PAGE, &attr) == 0) {
        vtop_translation t;
        vtop_translate(c->ours, r->end, &t);
        c->res->unmapped++;
        if (t.status == VTOP_OK)
            mismatch(c, r->end, "mapped but outside the plan", &t);
    }
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
    vtop_translation t;
    vtop_translate(c->ours, a, &t);
    c->res->fw_identity++;
    if (t.status != VTOP_OK || t.pa != a)
        mismatch(c, a, "firmware maps it, we do not", &t);
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
    if (st != VTOP_OK)
        vtop_printf(c->out, "self-check: firmware tables only partly read (%s)\n",
                    vtop_status_name(st));
}

void selfcheck_run(const selfcheck_input *in, selfcheck_result *res)
{
    memset(res, 0, sizeof *res);
    checker c = { in->ours, in->map, in->plan, in->out, res };
    for (size_t i = 0; i < in->plan->count; i++)
        check_range(&c, &in->plan->ranges[i]);
    if (in->fw)
        check_firmware(&c, in->fw, in->top);
}

bool selfcheck_live_identity(const vtop_space *ours, uint64_t code, bool stack_nx,
                             const vtop_out *out)
{
    volatile int on_stack = 0;
    uint64_t stack = (uint64_t)(uintptr_t)&on_stack;
    vtop_translation tc, ts;
    vtop_translate(ours, code, &tc);
    vtop_translate(ours, stack, &ts);
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
