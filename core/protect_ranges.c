/* vtop core: the protection checks over named ranges (protect.h): image
 * sections, the BSP stack and its guard page, the null page, the Memory
 * Attributes Table and EFI_MEMORY_ATTRIBUTE_PROTOCOL's answers. Each
 * scans only its range (vtop_prot_scan) and judges the pieces by a rule.
 */
#include "protect_int.h"

typedef enum rule { RULE_RO, RULE_NX, RULE_RP } rule;

typedef struct range_eval {
    const vtop_prot_sources *src;
    vtop_check_result *c;    /* NULL: only count */
    rule rule;
    uint32_t image, section; /* tags to force (NONE: from the sources) */
    uint64_t pages, bad_pages;
    bool seen, mixed, first_present;
    uint8_t first_rights;
} range_eval;

#define RW_X (VTOP_RIGHT_WRITE | VTOP_RIGHT_EXEC)

static bool breaks(rule r, const vtop_prot_piece *p)
{
    if (!p->present)
        return false;
    return r == RULE_RP || (r == RULE_RO && (p->rights & VTOP_RIGHT_WRITE)) ||
           (r == RULE_NX && (p->rights & VTOP_RIGHT_EXEC));
}

static int eval_piece(void *ctx, const vtop_prot_piece *p)
{
    range_eval *e = ctx;
    uint64_t pages = prot_pages(p->size);
    e->pages += pages;
    if (!e->seen) {
        e->seen = true;
        e->first_present = p->present;
        e->first_rights = p->rights & RW_X;
    } else if (p->present != e->first_present ||
               (p->present && (p->rights & RW_X) != e->first_rights)) {
        e->mixed = true;
    }
    if (!breaks(e->rule, p))
        return 0;
    e->bad_pages += pages;
    if (e->c) {
        vtop_prot_range r;
        vtop_prot_tag(e->src, p, &r);
        if (e->image != VTOP_PROT_NONE)
            r.image = e->image, r.section = e->section;
        r.why = VTOP_WHY_RIGHTS;
        prot_offend(e->c, &r, pages);
    }
    return 0;
}

/* Judge [start, start + size) (page-rounded) by rule. */
static vtop_status eval_range(const vtop_space *space, range_eval *e,
                              uint64_t start, uint64_t size)
{
    uint64_t first = start & ~(PROT_PAGE - 1);
    uint64_t last = (start + size + PROT_PAGE - 1) / PROT_PAGE * PROT_PAGE - 1;
    if (!size || last < first)
        return VTOP_OK;
    return vtop_prot_scan(space, first, last, eval_piece, e, NULL);
}

static range_eval eval_for(const vtop_prot_sources *src, vtop_check_result *c,
                           rule r)
{
    return (range_eval){ .src = src, .c = c, .rule = r,
                         .image = VTOP_PROT_NONE, .section = VTOP_PROT_NONE };
}

static vtop_prot_range whole(const vtop_prot_sources *src, uint64_t start,
                             uint64_t size, uint32_t why)
{
    vtop_prot_piece p = { .va = start, .size = size };
    vtop_prot_range r;
    vtop_prot_tag(src, &p, &r);
    r.why = why;
    return r;
}

/* Microsoft's UEFI CA memory mitigation requirements: code sections RO,
 * data sections NX, which needs sections aligned to pages. */
vtop_status prot_check_images(const vtop_space *space,
                              const vtop_prot_sources *src,
                              vtop_prot_report *rep)
{
    vtop_check_result *c = &rep->check[VTOP_CHECK_IMAGE_SECTIONS];
    if (!src->nimages) {
        c->status = VTOP_CHECK_NA;
        c->note = VTOP_NOTE_NO_IMAGES;
        return VTOP_OK;
    }
    vtop_status st = VTOP_OK;
    for (uint32_t i = 0; i < src->nimages && st == VTOP_OK; i++) {
        const vtop_prot_image *im = &src->images[i];
        if (im->section_alignment && im->section_alignment < PROT_PAGE) {
            vtop_prot_range r = whole(src, im->base, im->size, VTOP_WHY_ALIGNMENT);
            c->checked += prot_pages(im->size);
            prot_offend(c, &r, prot_pages(im->size));
            continue;
        }
        for (uint32_t k = 0; k < im->nsections && st == VTOP_OK; k++) {
            const vtop_prot_section *s = &src->sections[im->first_section + k];
            bool code = s->characteristics & (VTOP_SCN_MEM_EXECUTE | VTOP_SCN_CNT_CODE);
            range_eval e = eval_for(src, c, code ? RULE_RO : RULE_NX);
            e.image = i;
            e.section = im->first_section + k;
            st = eval_range(space, &e, s->start, s->size);
            c->checked += e.pages;
        }
    }
    return st;
}

/* EDK2 DxeIpl (MdeModulePkg/Core/DxeIplPeim/X64/VirtualMemory.c): with
 * PcdSetNxForStack the stack allocation is NX; with PcdCpuStackGuard its
 * first page is left not present. */
vtop_status prot_check_stack(const vtop_space *space,
                             const vtop_prot_sources *src,
                             vtop_prot_report *rep)
{
    vtop_check_result *nx = &rep->check[VTOP_CHECK_STACK_NX];
    vtop_check_result *guard = &rep->check[VTOP_CHECK_STACK_GUARD];
    if (!src->has_stack) {
        nx->status = guard->status = VTOP_CHECK_NA;
        nx->note = guard->note = VTOP_NOTE_NO_STACK;
        return VTOP_OK;
    }
    uint64_t base = src->stack_base & ~(PROT_PAGE - 1);
    uint64_t size = src->stack_base + src->stack_size - base;
    range_eval first = eval_for(src, NULL, RULE_RP);
    vtop_status st = eval_range(space, &first, base, PROT_PAGE);
    guard->checked = 1;
    if (st == VTOP_OK && !first.bad_pages) {
        guard->note = VTOP_NOTE_GUARD_FIRST;
        base += PROT_PAGE;
        size = size > PROT_PAGE ? size - PROT_PAGE : 0;
    } else if (st == VTOP_OK && base >= PROT_PAGE) {
        range_eval below = eval_for(src, guard, RULE_RP);
        st = eval_range(space, &below, base - PROT_PAGE, PROT_PAGE);
        if (!below.bad_pages)
            guard->note = VTOP_NOTE_GUARD_BELOW;
    }
    range_eval e = eval_for(src, nx, RULE_NX);
    if (st == VTOP_OK)
        st = eval_range(space, &e, base, size);
    nx->checked = e.pages;
    return st;
}

vtop_status prot_check_null(const vtop_space *space,
                            const vtop_prot_sources *src, vtop_prot_report *rep)
{
    range_eval e = eval_for(src, &rep->check[VTOP_CHECK_NULL_PAGE], RULE_RP);
    rep->check[VTOP_CHECK_NULL_PAGE].checked = 1;
    return eval_range(space, &e, 0, PROT_PAGE);
}

/* UEFI spec 2.10 section 4.6.4 (EFI_MEMORY_ATTRIBUTES_TABLE) and Project
 * Mu's MemmapAndMatTestApp: runtime types only, EFI_MEMORY_RUNTIME set,
 * code RO and data XP (RuntimeServicesData XP; RuntimeServicesCode RO
 * over an image's code sections, RO or XP elsewhere), 4 KiB aligned, ascending without overlap, each
 * inside a memory-map entry of the same type. */
/* Does the entry overlap an executable image section? */
static bool mat_in_code(const vtop_prot_sources *src, const vtop_prot_mem *m)
{
    uint64_t end = m->start + m->pages * PROT_PAGE;
    for (size_t k = 0; k < src->nsections; k++) {
        const vtop_prot_section *s = &src->sections[k];
        if ((s->characteristics & (VTOP_SCN_MEM_EXECUTE | VTOP_SCN_CNT_CODE)) &&
            s->size && s->start < end && m->start < s->start + s->size)
            return true;
    }
    return false;
}

static uint32_t mat_form(const vtop_prot_sources *src, size_t i)
{
    const vtop_prot_mem *m = &src->mat[i];
    uint32_t why = 0;
    if (m->type != VTOP_EFI_RT_CODE && m->type != VTOP_EFI_RT_DATA)
        why |= VTOP_WHY_MAT_TYPE;
    if (!(m->attr & VTOP_EFI_MEMORY_RUNTIME))
        why |= VTOP_WHY_MAT_RUNTIME;
    /* EDK2 (MdeModulePkg/Core/Dxe/Misc/MemoryAttributesTable.c) splits a
     * runtime image into RuntimeServicesCode entries: code sections RO,
     * headers and data sections XP. */
    bool ro = m->attr & VTOP_EFI_MEMORY_RO, xp = m->attr & VTOP_EFI_MEMORY_XP;
    if (m->type == VTOP_EFI_RT_CODE ? (!ro && !xp) || (!ro && mat_in_code(src, m))
                                    : !xp)
        why |= VTOP_WHY_MAT_ATTR;
    if ((m->start & (PROT_PAGE - 1)) || !m->pages)
        why |= VTOP_WHY_MAT_ALIGN;
    if (i > 0) {
        const vtop_prot_mem *p = &src->mat[i - 1];
        if (m->start < p->start || m->start - p->start < p->pages * PROT_PAGE)
            why |= VTOP_WHY_MAT_ORDER;
    }
    uint32_t k = prot_memmap_at(src, m->start);
    const vtop_prot_mem *d = k == VTOP_PROT_NONE ? NULL : &src->memmap[k];
    if (!d || d->type != m->type || m->pages > d->pages ||
        (m->start - d->start) / PROT_PAGE > d->pages - m->pages)
        why |= VTOP_WHY_MAT_MEMMAP;
    return why;
}

vtop_status prot_check_mat(const vtop_space *space,
                           const vtop_prot_sources *src, vtop_prot_report *rep)
{
    vtop_check_result *c = &rep->check[VTOP_CHECK_MAT];
    if (!src->has_mat) {
        c->status = VTOP_CHECK_NA;
        c->note = VTOP_NOTE_NO_MAT;
        return VTOP_OK;
    }
    vtop_status st = VTOP_OK;
    for (size_t i = 0; i < src->nmat && st == VTOP_OK; i++) {
        const vtop_prot_mem *m = &src->mat[i];
        uint32_t why = mat_form(src, i);
        uint64_t bytes = m->pages * PROT_PAGE;
        /* The tables must honour what the entry promises. */
        for (int k = 0; k < 2 && st == VTOP_OK; k++) {
            uint64_t bit = k ? VTOP_EFI_MEMORY_XP : VTOP_EFI_MEMORY_RO;
            range_eval e = eval_for(src, NULL, k ? RULE_NX : RULE_RO);
            if (m->attr & bit)
                st = eval_range(space, &e, m->start, bytes);
            why |= e.bad_pages ? VTOP_WHY_RIGHTS : 0;
        }
        c->checked++;
        if (why) {
            vtop_prot_range r = whole(src, m->start, bytes, why);
            r.memtype = m->type;
            r.entry = (uint32_t)i;
            r.attr = m->attr;
            prot_offend(c, &r, 1);
        }
    }
    return st;
}

/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI spec 2.10): GetMemoryAttributes must
 * say what the tables do, RP for not present, XP for NX, RO for
 * read-only. Project Mu's PagingAudit fails a platform without it. */
vtop_status prot_check_attr_protocol(const vtop_space *space,
                                     const vtop_prot_sources *src,
                                     vtop_prot_report *rep)
{
    vtop_check_result *c = &rep->check[VTOP_CHECK_ATTR_PROTOCOL];
    if (!src->has_attr_protocol) {
        c->status = VTOP_CHECK_FAIL;
        c->note = VTOP_NOTE_NO_PROTOCOL;
        return VTOP_OK;
    }
    const uint64_t mask = VTOP_EFI_MEMORY_RP | VTOP_EFI_MEMORY_XP | VTOP_EFI_MEMORY_RO;
    vtop_status st = VTOP_OK;
    for (size_t i = 0; i < src->nattr && st == VTOP_OK; i++) {
        const vtop_prot_attr_answer *a = &src->attr_answers[i];
        range_eval e = eval_for(src, NULL, RULE_RP);
        st = eval_range(space, &e, a->start, a->length);
        uint64_t tables = !e.first_present ? VTOP_EFI_MEMORY_RP
            : ((e.first_rights & VTOP_RIGHT_EXEC) ? 0 : VTOP_EFI_MEMORY_XP) |
              ((e.first_rights & VTOP_RIGHT_WRITE) ? 0 : VTOP_EFI_MEMORY_RO);
        uint32_t why = !a->ok ? (e.mixed ? 0 : VTOP_WHY_NO_ANSWER)
                       : e.mixed ? VTOP_WHY_MIXED
                       : (a->attr & mask) != tables ? VTOP_WHY_RIGHTS : 0;
        c->checked++;
        if (why) {
            vtop_prot_range r = whole(src, a->start, a->length, why);
            r.entry = (uint32_t)i;
            r.attr = a->attr;
            r.present = e.first_present;
            r.rights = e.first_rights;
            prot_offend(c, &r, 1);
        }
    }
    return st;
}
