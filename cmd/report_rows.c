/* vtop report layer: rows of the physical address space (report_rows.h).
 * The findings repeat the rules of core/protect.c per piece, so a reader
 * of the page can filter the ranges behind each check's count. */
#include "report_rows.h"

#include <stdlib.h>

typedef struct row_scan {
    const vtop_prot_sources *src;
    report_rows *out;
    uint64_t limit;
} row_scan;

static bool in_stack(const vtop_prot_sources *src, uint64_t va)
{
    return src->has_stack && va - src->stack_base < src->stack_size;
}

static uint32_t findings_of(const vtop_prot_sources *src, const vtop_prot_range *r)
{
    bool w = r->present && (r->rights & VTOP_RIGHT_WRITE);
    bool x = r->present && (r->rights & VTOP_RIGHT_EXEC);
    bool mmio = r->memtype == VTOP_EFI_MMIO || r->memtype == VTOP_EFI_MMIO_PORT ||
                r->gcdtype == VTOP_GCD_MMIO;
    bool unalloc = r->memtype == VTOP_EFI_CONVENTIONAL;
    bool outside = r->memtype == VTOP_PROT_NONE &&
                   (r->gcdtype == VTOP_PROT_NONE || r->gcdtype == VTOP_GCD_NONEXISTENT);
    uint32_t f = (w && x ? ROW_WX : 0) | (mmio && x ? ROW_MMIO_X : 0) |
                 (unalloc && r->present ? ROW_UNALLOC_P : 0) |
                 (outside && r->present ? ROW_OUTSIDE_P : 0) |
                 (r->va == 0 && r->present ? ROW_NULL : 0) |
                 (in_stack(src, r->va) && x ? ROW_STACK_X : 0);
    if (r->section != VTOP_PROT_NONE) {
        uint32_t ch = src->sections[r->section].characteristics;
        bool code = ch & (VTOP_SCN_MEM_EXECUTE | VTOP_SCN_CNT_CODE);
        if ((code && w) || (!code && x))
            f |= ROW_IMAGE;
    }
    return f;
}

static bool same_row(const report_row *a, const vtop_prot_range *r, uint32_t f)
{
    const vtop_prot_range *b = &a->r;
    return b->va + b->size == r->va && b->present == r->present &&
           b->rights == r->rights && b->memtype == r->memtype &&
           b->gcdtype == r->gcdtype && b->image == r->image &&
           b->section == r->section && a->findings == f &&
           (!r->present || b->pa + b->size == r->pa);
}

/* Also cut where a section or the stack begins or ends. */
static uint64_t cut(const vtop_prot_sources *src, const vtop_prot_range *r,
                    uint64_t last)
{
    uint64_t va = r->va;
    const uint64_t edges[2] = { src->stack_base, src->stack_base + src->stack_size };
    for (int k = 0; k < 2 && src->has_stack; k++)
        if (edges[k] > va && edges[k] - 1 < last)
            last = edges[k] - 1;
    if (r->image != VTOP_PROT_NONE) {
        const vtop_prot_image *im = &src->images[r->image];
        for (uint32_t k = 0; k < im->nsections; k++) {
            const vtop_prot_section *sec = &src->sections[im->first_section + k];
            const uint64_t e[2] = { sec->start & ~0xfffull,
                              (sec->start + sec->size + 0xfff) & ~0xfffull };
            for (int i = 0; i < 2; i++)
                if (e[i] > va && e[i] - 1 < last)
                    last = e[i] - 1;
        }
    }
    return last;
}

static int row_piece(void *ctx, const vtop_prot_piece *p)
{
    row_scan *s = ctx;
    report_rows *o = s->out;
    uint64_t plast = p->va + (p->size - 1);
    for (uint64_t va = p->va;;) {
        vtop_prot_piece sub = { .va = va, .size = plast - va + 1,
                                .pa = p->pa + (va - p->va), .present = p->present,
                                .rights = p->rights };
        vtop_prot_range r;
        vtop_prot_tag(s->src, &sub, &r);
        uint64_t last = cut(s->src, &r, vtop_prot_uniform_last(s->src, va, s->limit));
        if (last > plast)
            last = plast;
        r.size = last - va + 1;
        uint32_t f = findings_of(s->src, &r);
        if (o->count && same_row(&o->rows[o->count - 1], &r, f)) {
            o->rows[o->count - 1].r.size += r.size;
        } else {
            if (o->count == o->cap) {
                size_t cap = o->cap ? o->cap * 2 : 256;
                report_row *g = realloc(o->rows, cap * sizeof *g);
                if (!g)
                    return 1;
                o->rows = g;
                o->cap = cap;
            }
            o->rows[o->count++] = (report_row){ r, f };
        }
        if (last == plast)
            return 0;
        va = last + 1;
    }
}

void report_rows_build(const vtop_space *space, const vtop_prot_sources *src,
                       report_rows *out)
{
    *out = (report_rows){ .rows = NULL };
    uint64_t limit = vtop_prot_phys_limit(space);
    /* The picture spans what the memory map describes (RAM and the MMIO
     * it lists); the table goes on to the top of the physical space. */
    for (size_t i = 0; i < src->nmemmap; i++) {
        uint64_t end = src->memmap[i].start + src->memmap[i].pages * 4096;
        out->top = end > out->top && end <= limit ? end : out->top;
    }
    row_scan s = { src, out, limit };
    out->status = vtop_prot_scan(space, 0, limit - 1, row_piece, &s, NULL);
}

void report_rows_free(report_rows *rows)
{
    free(rows->rows);
    *rows = (report_rows){ .rows = NULL };
}

const char *report_finding_name(unsigned bit)
{
    static const char *const names[ROW_FINDINGS] = {
        "wx", "mmio-x", "unallocated-present", "outside-present", "null-page",
        "stack-x", "image-sections",
    };
    return bit < ROW_FINDINGS ? names[bit] : "unknown";
}
