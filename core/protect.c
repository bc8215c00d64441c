/* vtop core: firmware memory protections (protect.h): the scan into
 * pieces, and the joined walk.
 *
 * One pass over the physical address space [0, limit) at VA = PA (UEFI
 * spec 2.10 section 2.3.4) splits every piece at the memory-map, GCD and
 * image boundaries (the lists are sorted, so each has a cursor that only
 * moves forward) and feeds the checks that concern every page: W+X, MMIO
 * NX, unallocated and non-existent memory not present, the per-type table
 * and lone not-present pages (heap guards). Long mode's upper half is
 * walked too, for W+X only. The checks over named ranges (images, stack,
 * null page, MAT, protocol answers) are in protect_ranges.c.
 */
#include "protect_int.h"

#include "enum.h"

/* ---- pieces ---- */

typedef struct scan {
    uint64_t next, last;
    bool done;
    vtop_piece_fn fn;
    void *ctx;
    uint64_t leaves;
} scan;

static int scan_emit(scan *s, uint64_t va, uint64_t last, const vtop_leaf *l)
{
    vtop_prot_piece p = { .va = va, .size = last - va + 1 };
    if (l) {
        p.present = true;
        p.pa = l->pa + (va - l->va);
        p.rights = l->rights;
    }
    if (last == s->last)
        s->done = true;
    else
        s->next = last + 1;
    return s->fn(s->ctx, &p) || s->done;
}

static int scan_leaf(void *ctx, const vtop_leaf *l)
{
    scan *s = ctx;
    s->leaves++;
    uint64_t llast = l->va + (l->size - 1);
    if (llast < s->next)
        return 0;
    if (l->va > s->next && scan_emit(s, s->next, l->va - 1, NULL))
        return 1;
    uint64_t start = l->va > s->next ? l->va : s->next;
    return scan_emit(s, start, llast < s->last ? llast : s->last, l);
}

vtop_status vtop_prot_scan(const vtop_space *space, uint64_t va_start,
                           uint64_t va_end, vtop_piece_fn fn, void *ctx,
                           uint64_t *leaves)
{
    if (!space || !fn || va_start > va_end)
        return VTOP_BAD_ARGUMENT;
    scan s = { .next = va_start, .last = va_end, .fn = fn, .ctx = ctx };
    vtop_status st = vtop_enumerate(space, va_start, va_end, NULL, scan_leaf, &s);
    if (st == VTOP_OK && !s.done)
        scan_emit(&s, s.next, s.last, NULL);
    if (leaves)
        *leaves += s.leaves;
    return st;
}

/* ---- the joined walk ---- */

typedef struct join {
    const vtop_prot_sources *src;
    vtop_prot_report *rep;
    uint64_t limit;          /* top of the physical address space */
    bool prev_present;       /* the sub-piece before this one */
    bool hole_pending;       /* a one-page hole after a present page */
    vtop_prot_range hole;
} join;

static bool is_code_type(uint32_t t)
{
    return t == VTOP_EFI_LOADER_CODE || t == VTOP_EFI_BS_CODE ||
           t == VTOP_EFI_RT_CODE || t == VTOP_EFI_PAL_CODE;
}

static void count_type(join *j, const vtop_prot_range *r, uint64_t pages)
{
    if (r->memtype == VTOP_PROT_NONE)
        return;
    uint32_t row = r->memtype < VTOP_EFI_TYPES ? r->memtype : VTOP_EFI_TYPES;
    vtop_type_share *t = &j->rep->types[row];
    bool w = r->rights & VTOP_RIGHT_WRITE, x = r->rights & VTOP_RIGHT_EXEC;
    t->pages += pages;
    if (!r->present)
        return;
    t->present += pages;
    t->nx += !x ? pages : 0;
    t->ro += !w ? pages : 0;
    t->wx += w && x ? pages : 0;
    if (!is_code_type(r->memtype) && x)
        prot_offend(&j->rep->check[VTOP_CHECK_NX_POLICY], r, pages);
}

/* A lone not-present page between two present ones, inside the memory
 * map: what EDK2's heap guard leaves beside an allocation
 * (MdeModulePkg/Core/Dxe/Mem/HeapGuard.c). */
static void note_guard(join *j, const vtop_prot_range *r)
{
    if (j->hole_pending && r->present) {
        vtop_prot_report *rep = j->rep;
        rep->guard_pages++;
        if (rep->nguard < VTOP_PROT_FIRST)
            rep->first_guard[rep->nguard++] = j->hole;
    }
    j->hole_pending = !r->present && r->size == PROT_PAGE && j->prev_present &&
                      r->memtype != VTOP_PROT_NONE;
    if (j->hole_pending)
        j->hole = *r;
    j->prev_present = r->present;
}

static void check_physical(join *j, const vtop_prot_range *r, uint64_t pages,
                           bool gcd_free)
{
    vtop_check_result *c = j->rep->check;
    bool x = r->present && (r->rights & VTOP_RIGHT_EXEC);
    if (r->memtype == VTOP_EFI_MMIO || r->memtype == VTOP_EFI_MMIO_PORT ||
        r->gcdtype == VTOP_GCD_MMIO) {
        c[VTOP_CHECK_MMIO_NX].checked += pages;
        if (x)
            prot_offend(&c[VTOP_CHECK_MMIO_NX], r, pages);
    }
    if (r->memtype == VTOP_EFI_CONVENTIONAL ||
        (r->memtype == VTOP_PROT_NONE && r->gcdtype == VTOP_GCD_SYSTEM_MEMORY &&
         gcd_free)) {
        c[VTOP_CHECK_UNALLOCATED_RP].checked += pages;
        if (r->present)
            prot_offend(&c[VTOP_CHECK_UNALLOCATED_RP], r, pages);
    }
    if (r->memtype == VTOP_PROT_NONE &&
        (r->gcdtype == VTOP_PROT_NONE || r->gcdtype == VTOP_GCD_NONEXISTENT)) {
        c[VTOP_CHECK_OUTSIDE_RP].checked += pages;
        if (r->present)
            prot_offend(&c[VTOP_CHECK_OUTSIDE_RP], r, pages);
    }
    count_type(j, r, pages);
    note_guard(j, r);
}

static void join_sub(join *j, const vtop_prot_piece *p, bool gcd_free)
{
    vtop_prot_range r;
    vtop_prot_tag(j->src, p, &r);
    uint64_t pages = prot_pages(p->size);
    vtop_check_result *wx = &j->rep->check[VTOP_CHECK_NO_WX];
    if (r.present) {
        wx->checked += pages;
        if ((r.rights & VTOP_RIGHT_WRITE) && (r.rights & VTOP_RIGHT_EXEC))
            prot_offend(wx, &r, pages);
    }
    if (p->va < j->limit)
        check_physical(j, &r, pages, gcd_free);
}

/* Last byte of the stretch from va with one tag (vtop_prot_uniform_last),
 * and whether va is GCD free system memory. */
static uint64_t uniform_last(const join *j, uint64_t va, bool *gcd_free)
{
    uint32_t g = prot_gcd_at(j->src, va);
    *gcd_free = g != VTOP_PROT_NONE && !j->src->gcd[g].allocated;
    return vtop_prot_uniform_last(j->src, va, j->limit);
}

static int join_piece(void *ctx, const vtop_prot_piece *p)
{
    join *j = ctx;
    uint64_t va = p->va, last = p->va + (p->size - 1);
    for (;;) {
        bool gcd_free;
        uint64_t end = uniform_last(j, va, &gcd_free);
        if (end > last)
            end = last;
        vtop_prot_piece sub = *p;
        sub.va = va;
        sub.size = end - va + 1;
        sub.pa = p->pa + (va - p->va);
        join_sub(j, &sub, gcd_free);
        if (end == last)
            return 0;
        va = end + 1;
    }
}

/* ---- the whole check ---- */

static bool sources_sorted(const vtop_prot_sources *s)
{
    for (size_t i = 1; i < s->nmemmap; i++)
        if (s->memmap[i].start - s->memmap[i - 1].start <
            s->memmap[i - 1].pages * PROT_PAGE || s->memmap[i].start < s->memmap[i - 1].start)
            return false;
    for (size_t i = 1; i < s->ngcd; i++)
        if (s->gcd[i].start < s->gcd[i - 1].start ||
            s->gcd[i].start - s->gcd[i - 1].start < s->gcd[i - 1].length)
            return false;
    for (size_t i = 1; i < s->nimages; i++)
        if (s->images[i].base < s->images[i - 1].base ||
            s->images[i].base - s->images[i - 1].base < s->images[i - 1].size)
            return false;
    for (size_t i = 0; i < s->nimages; i++)
        if (s->images[i].first_section > s->nsections ||
            s->images[i].nsections > s->nsections - s->images[i].first_section)
            return false;
    return true;
}

static bool sources_valid(const vtop_prot_sources *s)
{
    return (s->memmap || !s->nmemmap) && (s->gcd || !s->ngcd) &&
           (s->mat || !s->nmat) && (s->images || !s->nimages) &&
           (s->sections || !s->nsections) &&
           (s->attr_answers || !s->nattr) && sources_sorted(s);
}

uint64_t vtop_prot_phys_limit(const vtop_space *space)
{
    unsigned m = space->cfg.maxphyaddr ? space->cfg.maxphyaddr : 52;
    unsigned v = space->desc->sign_extended ? space->desc->va_bits - 1u
                                            : space->desc->va_bits;
    return 1ull << (m < v ? m : v);
}

static vtop_status join_walk(const vtop_space *space,
                             const vtop_prot_sources *src,
                             vtop_prot_report *rep)
{
    join j = { .src = src, .rep = rep, .limit = vtop_prot_phys_limit(space) };
    vtop_status st = vtop_prot_scan(space, 0, j.limit - 1, join_piece, &j,
                                    &rep->leaves);
    if (st == VTOP_OK && space->desc->sign_extended) {
        uint64_t upper = ~0ull << (space->desc->va_bits - 1);
        st = vtop_prot_scan(space, upper, ~0ull, join_piece, &j, &rep->leaves);
    }
    return st;
}

static void nx_policy(vtop_prot_report *rep)
{
    vtop_check_result *c = &rep->check[VTOP_CHECK_NX_POLICY];
    for (uint32_t t = 0; t < VTOP_EFI_TYPES; t++) {
        const vtop_type_share *row = &rep->types[t];
        if (row->pages && row->nx == row->present)
            rep->nx_policy |= 1ull << t;
        if (!is_code_type(t))
            c->checked += row->present;
    }
    c->checked += rep->types[VTOP_EFI_TYPES].present;
}

static void decide(vtop_prot_report *rep, const vtop_prot_sources *src)
{
    for (int i = 0; i < VTOP_CHECK_COUNT; i++) {
        vtop_check_result *c = &rep->check[i];
        if (c->status == VTOP_CHECK_PASS && (c->count || c->nfirst))
            c->status = VTOP_CHECK_FAIL;
    }
    if (!src->ngcd) {
        rep->check[VTOP_CHECK_MMIO_NX].note = VTOP_NOTE_NO_GCD;
        rep->check[VTOP_CHECK_UNALLOCATED_RP].note = VTOP_NOTE_NO_GCD;
        rep->check[VTOP_CHECK_OUTSIDE_RP].note = VTOP_NOTE_NO_GCD;
    }
}

vtop_status vtop_protect_check(const vtop_space *space,
                               const vtop_prot_sources *src,
                               vtop_prot_report *report)
{
    if (!space || !src || !report || !space->desc)
        return VTOP_BAD_ARGUMENT;
    *report = (vtop_prot_report){ .leaves = 0 };
    if (!sources_valid(src))
        return VTOP_BAD_ARGUMENT;
    vtop_status st = join_walk(space, src, report);
    if (st == VTOP_OK)
        st = prot_check_images(space, src, report);
    if (st == VTOP_OK)
        st = prot_check_stack(space, src, report);
    if (st == VTOP_OK)
        st = prot_check_null(space, src, report);
    if (st == VTOP_OK)
        st = prot_check_mat(space, src, report);
    if (st == VTOP_OK)
        st = prot_check_attr_protocol(space, src, report);
    nx_policy(report);
    decide(report, src);
    return st;
}

