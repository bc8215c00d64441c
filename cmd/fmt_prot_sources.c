/* vtop report layer: the sources of the `protections` checks, one line per
 * entry (fmt_protections.h), so a reader (or a test) sees exactly what the
 * tables were joined with. */
#include "fmt_protections.h"

#include <inttypes.h>

static void mem_lines(const char *tag, const vtop_prot_mem *m, size_t n,
                      const vtop_out *out)
{
    for (size_t i = 0; i < n; i++) {
        char b[16];
        vtop_printf(out, "%s %016" PRIx64 "-%016" PRIx64 " %-24s %8" PRIu64
                    " pages attr %016" PRIx64 "\n", tag, m[i].start,
                    m[i].start + m[i].pages * 4096, vtop_fmt_memtype(m[i].type, b),
                    m[i].pages, m[i].attr);
    }
}

static void image_lines(const vtop_prot_sources *src, const vtop_out *out)
{
    for (size_t i = 0; i < src->nimages; i++) {
        const vtop_prot_image *im = &src->images[i];
        vtop_printf(out, "image %016" PRIx64 "-%016" PRIx64 " align 0x%" PRIx32
                    " sections %" PRIu32 " %s\n", im->base, im->base + im->size,
                    im->section_alignment, im->nsections, im->name);
        for (uint32_t k = 0; k < im->nsections; k++) {
            const vtop_prot_section *s = &src->sections[im->first_section + k];
            vtop_printf(out, "  section %016" PRIx64 "-%016" PRIx64 " %08" PRIx32
                        " %s\n", s->start, s->start + s->size, s->characteristics,
                        s->name);
        }
    }
}

void vtop_fmt_prot_sources(const vtop_prot_sources *src, const vtop_out *out)
{
    vtop_printf(out, "sources: memory map %zu, GCD %zu, MAT %s%zu, images %zu "
                "(%zu sections), stack %s, memory attribute protocol %s\n",
                src->nmemmap, src->ngcd, src->has_mat ? "" : "none/", src->nmat,
                src->nimages, src->nsections, src->has_stack ? "found" : "not found",
                src->has_attr_protocol ? "present" : "absent");
    mem_lines("memmap", src->memmap, src->nmemmap, out);
    for (size_t i = 0; i < src->ngcd; i++) {
        const vtop_prot_gcd *g = &src->gcd[i];
        char b[16];
        vtop_printf(out, "gcd %016" PRIx64 "-%016" PRIx64 " %-16s attr %016" PRIx64
                    "%s\n", g->start, g->start + g->length,
                    vtop_fmt_gcdtype(g->type, b), g->attr,
                    g->allocated ? " allocated" : "");
    }
    mem_lines("mat", src->mat, src->nmat, out);
    image_lines(src, out);
    if (src->has_stack)
        vtop_printf(out, "stack %016" PRIx64 "-%016" PRIx64 " rsp %016" PRIx64 "\n",
                    src->stack_base, src->stack_base + src->stack_size, src->rsp);
    for (size_t i = 0; i < src->nattr; i++) {
        const vtop_prot_attr_answer *a = &src->attr_answers[i];
        vtop_printf(out, "attributes %016" PRIx64 "-%016" PRIx64 " %s %016" PRIx64 "\n",
                    a->start, a->start + a->length, a->ok ? "ok" : "error", a->attr);
    }
}
