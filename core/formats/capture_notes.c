/* vtop core/formats: the capture's notes (capture.h): QEMUCPUState for the
 * registers every ELF reader knows, then the VTOP machine and sources
 * notes (layout in docs/capture-format.md). All fields little-endian. */
#include "capture_int.h"

static void note_head(cap_sink *s, const char *name, uint32_t descsz, uint32_t type)
{
    uint8_t h[20] = { 0 };
    cap_put32(h, 5);
    cap_put32(h + 4, descsz);
    cap_put32(h + 8, type);
    for (int i = 0; i < 4; i++)
        h[12 + i] = (uint8_t)name[i];
    cap_emit(s, h, sizeof h);
}

static void pad4(cap_sink *s, uint64_t len)
{
    uint8_t z[4] = { 0 };
    cap_emit(s, z, (size_t)((4 - (len & 3)) & 3));
}

/* QEMU target/i386/arch_dump.c: version 1, size, cr[0..4] at 0x188. */
static void qemu_note(cap_sink *s, const vtop_capture_input *in)
{
    uint8_t d[CAP_QEMU_SIZE] = { 0 };
    cap_put32(d, 1);
    cap_put32(d + 4, CAP_QEMU_SIZE);
    cap_put64(d + 0x188, in->cr0);
    cap_put64(d + 0x1A0, in->space->cfg.cr3);
    cap_put64(d + 0x1A8, in->cr4);
    note_head(s, "QEMU", CAP_QEMU_SIZE, 0);
    cap_emit(s, d, sizeof d);
}

static void machine_note(cap_sink *s, const vtop_capture_input *in)
{
    uint8_t d[CAP_MACHINE_LEN] = { 0 };
    const vtop_space_config *c = &in->space->cfg;
    cap_put32(d, VTOP_CAPTURE_VERSION);
    cap_put32(d + 4, c->maxphyaddr ? c->maxphyaddr : 52);
    cap_put64(d + 8, in->efer);
    cap_put64(d + 16, in->cr0);
    cap_put64(d + 24, c->cr3);
    cap_put64(d + 32, in->cr4);
    cap_put32(d + 40, (uint32_t)c->mode);
    cap_put32(d + 44, c->nxe);
    note_head(s, "VTOP", CAP_MACHINE_LEN, VTOP_CAPTURE_MACHINE);
    cap_emit(s, d, sizeof d);
}

uint64_t cap_sources_len(const vtop_prot_sources *src)
{
    return CAP_SRC_HEAD + (src->nmemmap + src->nmat) * CAP_REC_MEM +
           src->ngcd * CAP_REC_GCD + src->nimages * CAP_REC_IMAGE +
           src->nsections * CAP_REC_SECTION + src->nattr * CAP_REC_ANSWER;
}

static void mem_recs(cap_sink *s, const vtop_prot_mem *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t r[CAP_REC_MEM] = { 0 };
        cap_put64(r, m[i].start);
        cap_put64(r + 8, m[i].pages);
        cap_put64(r + 16, m[i].attr);
        cap_put32(r + 24, m[i].type);
        cap_emit(s, r, sizeof r);
    }
}

static void source_head(cap_sink *s, const vtop_prot_sources *src)
{
    uint8_t h[CAP_SRC_HEAD] = { 0 };
    cap_put32(h, VTOP_CAPTURE_VERSION);
    cap_put32(h + 4, (src->has_mat ? 1u : 0) | (src->has_stack ? 2u : 0) |
                     (src->has_attr_protocol ? 4u : 0));
    cap_put64(h + 8, src->stack_base);
    cap_put64(h + 16, src->stack_size);
    cap_put64(h + 24, src->rsp);
    const size_t n[6] = { src->nmemmap, src->ngcd, src->nmat, src->nimages,
                          src->nsections, src->nattr };
    for (size_t i = 0; i < 6; i++)
        cap_put32(h + 32 + 4 * i, (uint32_t)n[i]);
    cap_emit(s, h, sizeof h);
}

static void source_recs(cap_sink *s, const vtop_prot_sources *src)
{
    mem_recs(s, src->memmap, src->nmemmap);
    for (size_t i = 0; i < src->ngcd; i++) {
        uint8_t r[CAP_REC_GCD] = { 0 };
        cap_put64(r, src->gcd[i].start);
        cap_put64(r + 8, src->gcd[i].length);
        cap_put64(r + 16, src->gcd[i].attr);
        cap_put32(r + 24, src->gcd[i].type);
        cap_put32(r + 28, src->gcd[i].allocated);
        cap_emit(s, r, sizeof r);
    }
    mem_recs(s, src->mat, src->nmat);
    for (size_t i = 0; i < src->nimages; i++) {
        const vtop_prot_image *im = &src->images[i];
        uint8_t r[CAP_REC_IMAGE] = { 0 };
        cap_put64(r, im->base);
        cap_put64(r + 8, im->size);
        cap_put32(r + 16, im->section_alignment);
        cap_put32(r + 20, im->first_section);
        cap_put32(r + 24, im->nsections);
        for (size_t k = 0; k + 1 < VTOP_PROT_NAME && im->name[k]; k++)
            r[32 + k] = (uint8_t)im->name[k];
        cap_emit(s, r, sizeof r);
    }
    for (size_t i = 0; i < src->nsections; i++) {
        const vtop_prot_section *sec = &src->sections[i];
        uint8_t r[CAP_REC_SECTION] = { 0 };
        cap_put64(r, sec->start);
        cap_put64(r + 8, sec->size);
        cap_put32(r + 16, sec->characteristics);
        cap_put32(r + 20, sec->image);
        for (size_t k = 0; k < 8 && sec->name[k]; k++)
            r[24 + k] = (uint8_t)sec->name[k];
        cap_emit(s, r, sizeof r);
    }
    for (size_t i = 0; i < src->nattr; i++) {
        const vtop_prot_attr_answer *a = &src->attr_answers[i];
        uint8_t r[CAP_REC_ANSWER] = { 0 };
        cap_put64(r, a->start);
        cap_put64(r + 8, a->length);
        cap_put64(r + 16, a->attr);
        cap_put32(r + 24, a->ok);
        cap_emit(s, r, sizeof r);
    }
}

void cap_emit_notes(cap_sink *s, const vtop_capture_input *in, uint64_t src_len)
{
    qemu_note(s, in);
    machine_note(s, in);
    if (!in->src)
        return;
    note_head(s, "VTOP", (uint32_t)src_len, VTOP_CAPTURE_SOURCES);
    source_head(s, in->src);
    source_recs(s, in->src);
    pad4(s, src_len);
}
