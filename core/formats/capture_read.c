/* vtop core/formats: reading a capture's VTOP notes (capture.h). Every
 * offset is checked against the span before it is read. */
#include "capture_int.h"

static bool has(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

bool cap_machine_note(const uint8_t *d, uint64_t len, uint64_t *efer,
                      uint8_t *maxphyaddr)
{
    if (len < CAP_MACHINE_LEN || cap_get(d, 4) != VTOP_CAPTURE_VERSION)
        return false;
    uint64_t m = cap_get(d + 4, 4);
    if (m < 32 || m > 52)
        return false;
    *efer = cap_get(d + 8, 8);
    *maxphyaddr = (uint8_t)m;
    return true;
}

static void sources_counts(const uint8_t *d, vtop_capture_info *info)
{
    size_t *n[6] = { &info->nmemmap, &info->ngcd, &info->nmat, &info->nimages,
                     &info->nsections, &info->nattr };
    for (size_t i = 0; i < 6; i++)
        *n[i] = (size_t)cap_get(d + 32 + 4 * i, 4);
}

static vtop_status one_note(const uint8_t *b, uint64_t size, uint64_t off,
                            uint64_t end, vtop_capture_info *info, uint64_t *next)
{
    if (end - off < 12)
        return VTOP_FORMAT_TRUNCATED;
    uint64_t namesz = cap_get(b + off, 4), descsz = cap_get(b + off + 4, 4);
    uint64_t type = cap_get(b + off + 8, 4), name = off + 12;
    uint64_t desc = name + ((namesz + 3) & ~3ull);
    if (desc > end || descsz > end - desc)
        return VTOP_FORMAT_CORRUPT;
    bool vtop = namesz == 5 && b[name] == 'V' && b[name + 1] == 'T' &&
                b[name + 2] == 'O' && b[name + 3] == 'P' && b[name + 4] == 0;
    if (vtop && type == VTOP_CAPTURE_MACHINE)
        info->has_machine = cap_machine_note(b + desc, descsz, &info->efer,
                                             &info->maxphyaddr);
    if (vtop && type == VTOP_CAPTURE_SOURCES && descsz >= CAP_SRC_HEAD &&
        cap_get(b + desc, 4) == VTOP_CAPTURE_VERSION) {
        info->has_sources = true;
        info->sources_off = desc;
        info->sources_len = descsz;
        sources_counts(b + desc, info);
    }
    (void)size;
    *next = desc + ((descsz + 3) & ~3ull);
    return VTOP_OK;
}

vtop_status vtop_capture_probe(const uint8_t *b, uint64_t size,
                               vtop_capture_info *info)
{
    if (!b || !info)
        return VTOP_BAD_ARGUMENT;
    *info = (vtop_capture_info){ .has_machine = false };
    if (size < CAP_EHDR || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' ||
        b[3] != 'F' || b[4] != 2 || b[5] != 1)
        return VTOP_FORMAT_UNKNOWN;
    uint64_t phoff = cap_get(b + 0x20, 8), phent = cap_get(b + 0x36, 2);
    uint64_t phnum = cap_get(b + 0x38, 2);
    if (phent < CAP_PHDR || phoff > size || phnum > (size - phoff) / phent)
        return VTOP_FORMAT_TRUNCATED;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *p = b + phoff + i * phent;
        if (cap_get(p, 4) != 4)                  /* PT_NOTE */
            continue;
        uint64_t off = cap_get(p + 8, 8), len = cap_get(p + 32, 8);
        if (!has(size, off, len))
            return VTOP_FORMAT_TRUNCATED;
        for (uint64_t end = off + len; off < end;) {
            vtop_status st = one_note(b, size, off, end, info, &off);
            if (st != VTOP_OK)
                return st;
        }
    }
    return VTOP_OK;
}

static void copy_name(char *dst, size_t cap, const uint8_t *src, size_t max)
{
    size_t k = 0;
    for (; k + 1 < cap && k < max && src[k]; k++)
        dst[k] = (char)src[k];
    dst[k] = '\0';
}

static void mem_decode(const uint8_t *r, vtop_prot_mem *m)
{
    *m = (vtop_prot_mem){ cap_get(r, 8), cap_get(r + 8, 8), cap_get(r + 16, 8),
                          (uint32_t)cap_get(r + 24, 4) };
}

vtop_status vtop_capture_sources(const uint8_t *b, uint64_t size,
                                 const vtop_capture_info *info,
                                 const vtop_capture_buffers *buf,
                                 vtop_prot_sources *src)
{
    if (!b || !info || !buf || !src || !info->has_sources)
        return VTOP_BAD_ARGUMENT;
    vtop_prot_sources want = { .nmemmap = info->nmemmap, .ngcd = info->ngcd,
                               .nmat = info->nmat, .nimages = info->nimages,
                               .nsections = info->nsections, .nattr = info->nattr };
    if (!has(size, info->sources_off, info->sources_len) ||
        cap_sources_len(&want) != info->sources_len)
        return VTOP_FORMAT_CORRUPT;
    const uint8_t *h = b + info->sources_off, *r = h + CAP_SRC_HEAD;
    uint64_t flags = cap_get(h + 4, 4);
    *src = want;
    src->has_mat = flags & 1;
    src->has_stack = flags & 2;
    src->has_attr_protocol = flags & 4;
    src->stack_base = cap_get(h + 8, 8);
    src->stack_size = cap_get(h + 16, 8);
    src->rsp = cap_get(h + 24, 8);
    for (size_t i = 0; i < want.nmemmap; i++, r += CAP_REC_MEM)
        mem_decode(r, &buf->memmap[i]);
    for (size_t i = 0; i < want.ngcd; i++, r += CAP_REC_GCD)
        buf->gcd[i] = (vtop_prot_gcd){ cap_get(r, 8), cap_get(r + 8, 8), cap_get(r + 16, 8),
                                       (uint32_t)cap_get(r + 24, 4), cap_get(r + 28, 4) != 0 };
    for (size_t i = 0; i < want.nmat; i++, r += CAP_REC_MEM)
        mem_decode(r, &buf->mat[i]);
    for (size_t i = 0; i < want.nimages; i++, r += CAP_REC_IMAGE) {
        vtop_prot_image *im = &buf->images[i];
        *im = (vtop_prot_image){ cap_get(r, 8), cap_get(r + 8, 8), (uint32_t)cap_get(r + 16, 4),
                                 (uint32_t)cap_get(r + 20, 4), (uint32_t)cap_get(r + 24, 4),
                                 "" };
        copy_name(im->name, sizeof im->name, r + 32, VTOP_PROT_NAME);
    }
    for (size_t i = 0; i < want.nsections; i++, r += CAP_REC_SECTION) {
        vtop_prot_section *s = &buf->sections[i];
        *s = (vtop_prot_section){ cap_get(r, 8), cap_get(r + 8, 8), (uint32_t)cap_get(r + 16, 4),
                                  (uint32_t)cap_get(r + 20, 4), "" };
        copy_name(s->name, sizeof s->name, r + 24, 8);
    }
    for (size_t i = 0; i < want.nattr; i++, r += CAP_REC_ANSWER)
        buf->answers[i] = (vtop_prot_attr_answer){ cap_get(r, 8), cap_get(r + 8, 8),
                                                   cap_get(r + 16, 8), cap_get(r + 24, 4) != 0 };
    src->memmap = buf->memmap;
    src->gcd = buf->gcd;
    src->mat = buf->mat;
    src->images = buf->images;
    src->sections = buf->sections;
    src->attr_answers = buf->answers;
    return VTOP_OK;
}
