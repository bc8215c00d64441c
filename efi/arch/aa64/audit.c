/* vtop EFI app, AArch64: AArch64 audit findings (see audit.h). */
#include "audit.h"

#include "core/enum.h"
#include "efi/live.h"

#define GCD_MMIO 3u                /* EfiGcdMemoryTypeMemoryMappedIo (PI vol. 2 7.2.4.1) */
#define MAX_SHOWN 4

enum { F_WX, F_DEVICE_X, F_MMIO_NORMAL, F_COUNT };
static const char *const finding_name[F_COUNT] = { "wx-el", "device-exec", "mmio-normal" };

typedef struct finding {
    uint64_t leaves, pages;
    uint64_t start[MAX_SHOWN], end[MAX_SHOWN];
    unsigned shown;
} finding;

typedef struct scan {
    const a64_audit_input *in;
    finding f[F_COUNT];
} scan;

static bool is_mmio(const a64_audit_input *in, uint64_t pa)
{
    const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_find(in->map, pa);
    if (d && (d->Type == EfiMemoryMappedIO || d->Type == EfiMemoryMappedIOPortSpace))
        return true;
    for (size_t i = 0; i < in->ngcd; i++)
        if (in->gcd[i].type == GCD_MMIO && pa - in->gcd[i].start < in->gcd[i].length)
            return true;
    return false;
}

/* Count the leaf; keep its range, merged with the previous one it extends. */
static void note(finding *f, const vtop_leaf *l)
{
    f->leaves++;
    f->pages += l->size >> 12;
    if (f->shown && f->end[f->shown - 1] == l->va) {
        f->end[f->shown - 1] = l->va + l->size;
        return;
    }
    if (f->shown < MAX_SHOWN) {
        f->start[f->shown] = l->va;
        f->end[f->shown++] = l->va + l->size;
    }
}

static int leaf(void *ctx, const vtop_leaf *l)
{
    scan *s = ctx;
    vtop_a64_memattr a = vtop_a64_mair_decode(s->in->fw->cfg.mair,
                                              vtop_leaf_attr_index(l->leaf_flags));
    bool normal = a.type == VTOP_A64_MEM_NORMAL || a.type == VTOP_A64_MEM_NORMAL_TAGGED;
    bool x = l->rights & VTOP_RIGHT_EXEC;
    if (x && (l->rights & VTOP_RIGHT_WRITE))
        note(&s->f[F_WX], l);
    if (x && !normal)
        note(&s->f[F_DEVICE_X], l);
    if (normal && is_mmio(s->in, l->pa))
        note(&s->f[F_MMIO_NORMAL], l);
    return 0;
}

long a64_audit_print(const a64_audit_input *in)
{
    scan s = { .in = in };
    vtop_status st = vtop_enumerate(in->fw, 0, ~0ull, NULL, leaf, &s);
    unsigned wxn = (unsigned)(in->m->sctlr >> 19) & 1u;
    vtop_printf(in->out,
                "aarch64 audit: SCTLR_EL%u.WXN=%u (%s), W+X at EL%u %llu leaves (%llu pages), "
                "executable Device %llu leaves (%llu pages), MMIO mapped Normal %llu leaves "
                "(%llu pages) (%s)\n",
                in->m->el, wxn, wxn ? "writable memory is execute-never" :
                "off: writable memory may execute", in->m->el,
                (unsigned long long)s.f[F_WX].leaves, (unsigned long long)s.f[F_WX].pages,
                (unsigned long long)s.f[F_DEVICE_X].leaves,
                (unsigned long long)s.f[F_DEVICE_X].pages,
                (unsigned long long)s.f[F_MMIO_NORMAL].leaves,
                (unsigned long long)s.f[F_MMIO_NORMAL].pages, vtop_status_name(st));
    for (unsigned k = 0; k < F_COUNT; k++)
        for (unsigned i = 0; i < s.f[k].shown; i++)
            vtop_printf(in->out, "%-14s %016llx-%016llx\n", finding_name[k],
                        (unsigned long long)s.f[k].start[i],
                        (unsigned long long)(s.f[k].end[i] - 1));
    if (st != VTOP_OK)
        return -1;
    return (long)(s.f[F_WX].leaves + s.f[F_DEVICE_X].leaves + s.f[F_MMIO_NORMAL].leaves);
}
