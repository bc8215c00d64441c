/* vtop core: firmware memory protections (protect.h): where an address
 * stands in the sorted source lists, tagging a range with its memory
 * type, GCD type, image and section, keeping the first offending ranges,
 * and the names of the checks. */
#include "protect_int.h"

static bool same_kind(const vtop_prot_range *a, const vtop_prot_range *b)
{
    return a->present == b->present && a->rights == b->rights &&
           a->memtype == b->memtype && a->gcdtype == b->gcdtype &&
           a->image == b->image && a->section == b->section &&
           a->entry == b->entry && a->why == b->why;
}

void prot_offend(vtop_check_result *c, const vtop_prot_range *r, uint64_t units)
{
    c->count += units;
    if (c->nfirst > 0) {
        vtop_prot_range *last = &c->first[c->nfirst - 1];
        if (last->va + last->size == r->va && same_kind(last, r)) {
            last->size += r->size;
            return;
        }
    }
    if (c->nfirst < VTOP_PROT_FIRST)
        c->first[c->nfirst++] = *r;
}

/* First index whose start is above pa (lists sorted by start). */
#define UPPER_BOUND(list, n, startf, pa, out)                            \
    do {                                                                 \
        size_t lo_ = 0, hi_ = (n);                                       \
        while (lo_ < hi_) {                                              \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                         \
            if ((list)[mid_].startf <= (pa))                             \
                lo_ = mid_ + 1;                                          \
            else                                                         \
                hi_ = mid_;                                              \
        }                                                                \
        (out) = lo_;                                                     \
    } while (0)

static list_pos pos_of(uint64_t pa, size_t ub, size_t n, uint64_t prev_start,
                       uint64_t prev_len, uint64_t next_start)
{
    list_pos p = { VTOP_PROT_NONE, 0, ub < n ? next_start : ~0ull };
    if (ub > 0 && pa - prev_start < prev_len) {
        p.idx = (uint32_t)(ub - 1);
        p.in_last = prev_start + (prev_len - 1);
    }
    return p;
}

list_pos prot_memmap_pos(const vtop_prot_sources *s, uint64_t pa)
{
    size_t ub;
    UPPER_BOUND(s->memmap, s->nmemmap, start, pa, ub);
    const vtop_prot_mem *prev = ub ? &s->memmap[ub - 1] : NULL;
    return pos_of(pa, ub, s->nmemmap, prev ? prev->start : 0,
                  prev ? prev->pages * PROT_PAGE : 0,
                  ub < s->nmemmap ? s->memmap[ub].start : 0);
}

list_pos prot_gcd_pos(const vtop_prot_sources *s, uint64_t pa)
{
    size_t ub;
    UPPER_BOUND(s->gcd, s->ngcd, start, pa, ub);
    const vtop_prot_gcd *prev = ub ? &s->gcd[ub - 1] : NULL;
    return pos_of(pa, ub, s->ngcd, prev ? prev->start : 0,
                  prev ? prev->length : 0, ub < s->ngcd ? s->gcd[ub].start : 0);
}

list_pos prot_image_pos(const vtop_prot_sources *s, uint64_t va)
{
    size_t ub;
    UPPER_BOUND(s->images, s->nimages, base, va, ub);
    const vtop_prot_image *prev = ub ? &s->images[ub - 1] : NULL;
    return pos_of(va, ub, s->nimages, prev ? prev->base : 0,
                  prev ? prev->size : 0, ub < s->nimages ? s->images[ub].base : 0);
}

uint32_t prot_memmap_at(const vtop_prot_sources *src, uint64_t pa)
{
    return prot_memmap_pos(src, pa).idx;
}

uint32_t prot_gcd_at(const vtop_prot_sources *src, uint64_t pa)
{
    return prot_gcd_pos(src, pa).idx;
}

uint32_t prot_image_at(const vtop_prot_sources *src, uint64_t va)
{
    return prot_image_pos(src, va).idx;
}

static uint32_t section_at(const vtop_prot_sources *src, uint32_t image,
                           uint64_t va)
{
    const vtop_prot_image *im = &src->images[image];
    for (uint32_t k = 0; k < im->nsections; k++) {
        const vtop_prot_section *s = &src->sections[im->first_section + k];
        if (va - s->start < s->size)
            return im->first_section + k;
    }
    return VTOP_PROT_NONE;
}

uint64_t vtop_prot_uniform_last(const vtop_prot_sources *s, uint64_t va,
                                uint64_t limit)
{
    list_pos pos[3] = { prot_memmap_pos(s, va), prot_gcd_pos(s, va),
                        prot_image_pos(s, va) };
    uint64_t last = va < limit ? limit - 1 : ~0ull;
    for (int k = 0; k < 3; k++) {
        uint64_t end = pos[k].idx != VTOP_PROT_NONE ? pos[k].in_last
                       : pos[k].next != ~0ull ? pos[k].next - 1 : ~0ull;
        if (end < last)
            last = end;
    }
    /* Whole pages: an image or GCD entry may end inside a page (ImageSize,
     * a 1 KiB HPET window), and a page is counted once, under the entry
     * holding its first byte. */
    return last | (PROT_PAGE - 1);
}

void vtop_prot_tag(const vtop_prot_sources *src, const vtop_prot_piece *p,
              vtop_prot_range *r)
{
    uint32_t m = prot_memmap_at(src, p->va), g = prot_gcd_at(src, p->va);
    *r = (vtop_prot_range){
        .va = p->va, .size = p->size, .pa = p->pa, .present = p->present,
        .rights = p->present ? p->rights : 0,
        .memtype = m == VTOP_PROT_NONE ? m : src->memmap[m].type,
        .gcdtype = g == VTOP_PROT_NONE ? g : src->gcd[g].type,
        .image = prot_image_at(src, p->va), .section = VTOP_PROT_NONE,
        .entry = VTOP_PROT_NONE,
    };
    if (r->image != VTOP_PROT_NONE)
        r->section = section_at(src, r->image, p->va);
}

const char *vtop_check_name(vtop_check_id id)
{
    static const char *const names[VTOP_CHECK_COUNT] = {
        [VTOP_CHECK_NO_WX] = "no-wx",
        [VTOP_CHECK_IMAGE_SECTIONS] = "image-sections",
        [VTOP_CHECK_MMIO_NX] = "mmio-nx",
        [VTOP_CHECK_UNALLOCATED_RP] = "unallocated-rp",
        [VTOP_CHECK_OUTSIDE_RP] = "outside-rp",
        [VTOP_CHECK_STACK_NX] = "stack-nx",
        [VTOP_CHECK_STACK_GUARD] = "stack-guard",
        [VTOP_CHECK_NULL_PAGE] = "null-page-rp",
        [VTOP_CHECK_ATTR_PROTOCOL] = "memory-attribute-protocol",
        [VTOP_CHECK_MAT] = "mat",
        [VTOP_CHECK_NX_POLICY] = "nx-by-type",
    };
    return (unsigned)id < VTOP_CHECK_COUNT ? names[id] : "unknown";
}

const char *vtop_check_status_name(vtop_check_status status)
{
    return status == VTOP_CHECK_PASS ? "PASS"
           : status == VTOP_CHECK_FAIL ? "FAIL"
           : status == VTOP_CHECK_NA ? "N/A" : "unknown";
}
