/* vtop EFI app: identity-map plan (see idplan.h). */
#include "idplan.h"

#include <stdlib.h>
#include <string.h>

#include "core/enum.h"

#define PAGE 4096ull

static EFI_STATUS push(idplan *p, uint64_t start, uint64_t end, uint8_t attr)
{
    if (start >= end)
        return EFI_SUCCESS;
    if (p->count >= p->cap || !p->ranges) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        idplan_range *r = realloc(p->ranges, cap * sizeof *r);
        if (!r)
            return EFI_OUT_OF_RESOURCES;
        p->ranges = r;
        p->cap = cap;
    }
    p->ranges[p->count++] = (idplan_range){ start, end, attr };
    return EFI_SUCCESS;
}

static int by_start(const void *a, const void *b)
{
    const idplan_range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static bool is_code(uint32_t type)
{
    return type == EfiLoaderCode || type == EfiBootServicesCode ||
           type == EfiRuntimeServicesCode;
}

/* UEFI spec 2.10 table 7-6 (memory attribute bits). */
#define ATTR_UC 0x1ull
#define ATTR_WB 0x8ull
#define ATTR_RO 0x20000ull
#define ATTR_XP 0x4000ull

static uint8_t attr_of(const EFI_MEMORY_DESCRIPTOR *d, bool use_nx)
{
    uint8_t a = IDMAP_W | IDMAP_X;
    bool mmio = d->Type == EfiMemoryMappedIO ||
                d->Type == EfiMemoryMappedIOPortSpace;
    if (use_nx && (!is_code(d->Type) || (d->Attribute & ATTR_XP)))
        a &= (uint8_t)~IDMAP_X;
    if (d->Attribute & ATTR_RO)
        a &= (uint8_t)~IDMAP_W;
    if (mmio || ((d->Attribute & ATTR_UC) && !(d->Attribute & ATTR_WB)))
        a |= IDMAP_UC;
    return a;
}

/* Firmware leaves met while planning one hole [from, to). */
typedef struct fw_scan {
    idplan *p;
    uint64_t from, to;
    uint8_t attr;
    bool keep_rights;        /* AArch64: each leaf's own rights and type */
    uint64_t mair;
    EFI_STATUS status;
} fw_scan;

/* x86 firmware's holes (LAPIC, IOAPIC, PCI windows) are planned RW, UC and
 * (with NX) non-executable. AArch64 firmware also runs code the memory
 * map omits (EDK2 ArmVirtQemu maps its flash, where parts of the firmware
 * execute in place, as Normal read-only executable memory next to the
 * Device windows): there each leaf keeps its own write and execute rights,
 * and Device memory (MAIR, Arm ARM D19.2) stays Device. */
static uint8_t fw_attr(const fw_scan *f, const vtop_leaf *l)
{
    if (!f->keep_rights)
        return f->attr;
    uint8_t attr = IDMAP_FIRMWARE;
    if (l->rights & VTOP_RIGHT_WRITE)
        attr |= IDMAP_W;
    if (l->rights & VTOP_RIGHT_EXEC)
        attr |= IDMAP_X;
    vtop_a64_memattr m = vtop_a64_mair_decode(f->mair, vtop_leaf_attr_index(l->leaf_flags));
    if (m.type != VTOP_A64_MEM_NORMAL && m.type != VTOP_A64_MEM_NORMAL_TAGGED)
        attr |= IDMAP_UC;
    return attr;
}

/* A firmware leaf: the part of it inside the hole that maps VA == PA is
 * planned (merged with the previous range when it continues it: OVMF maps
 * its whole 2^40 space as 2 MiB identity pages, half a million leaves). */
static int fw_leaf(void *ctx, const vtop_leaf *l)
{
    fw_scan *f = ctx;
    f->p->fw_probes++;
    if (l->pa != l->va)
        return 0;
    uint64_t start = l->va > f->from ? l->va : f->from;
    uint64_t last = l->va + (l->size - 1);
    uint64_t end = last < f->to - 1 ? last + 1 : f->to;
    idplan *p = f->p;
    uint8_t attr = fw_attr(f, l);
    idplan_range *prev = p->count ? &p->ranges[p->count - 1] : NULL;
    if (prev && prev->end == start && prev->attr == attr &&
        (prev->attr & IDMAP_FIRMWARE)) {
        prev->end = end;
        return 0;
    }
    f->status = push(p, start, end, attr);
    return EFI_ERROR(f->status) ? 1 : 0;
}

/* Add what the firmware maps identically inside [from, to): one walk of
 * its tables over the hole (vtop_enumerate, strict: exactly what the CPU
 * translates). */
static EFI_STATUS add_firmware(idplan *p, const vtop_space *fw, uint64_t from,
                               uint64_t to)
{
    fw_scan f = { .p = p, .from = from, .to = to,
                  .attr = IDMAP_W | IDMAP_UC | IDMAP_FIRMWARE,
                  .keep_rights = vtop_mode_is_a64(fw->desc), .mair = fw->cfg.mair,
                  .status = EFI_SUCCESS };
    if (!p->use_nx)
        f.attr |= IDMAP_X;
    vtop_status st = vtop_enumerate(fw, from, to - 1, NULL, fw_leaf, &f);
    if (EFI_ERROR(f.status))
        return f.status;
    /* A walk cut short (table budget spent) leaves part of the hole
     * unplanned: kept for the report, the self-check shows what is missing. */
    if (st != VTOP_OK && p->fw_status == VTOP_OK)
        p->fw_status = st;
    return EFI_SUCCESS;
}

/* Back in address order after pushes, neighbours with equal attributes
 * merged (fewer ranges, faster queries). */
static void sort_coalesce(idplan *p)
{
    qsort(p->ranges, p->count, sizeof *p->ranges, by_start);
    size_t m = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (m && p->ranges[m - 1].end == p->ranges[i].start &&
            p->ranges[m - 1].attr == p->ranges[i].attr)
            p->ranges[m - 1].end = p->ranges[i].end;
        else
            p->ranges[m++] = p->ranges[i];
    }
    p->count = m;
}

static EFI_STATUS add_memmap(idplan *p, const efi_memmap *map)
{
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        uint64_t start = d->PhysicalStart & ~(PAGE - 1);
        if (start >= p->limit)
            continue;
        /* Clip at the limit without overflowing on a huge page count. */
        uint64_t room = (p->limit - start) / PAGE;
        uint64_t pages = d->NumberOfPages < room ? d->NumberOfPages : room;
        uint64_t end = start + pages * PAGE;
        EFI_STATUS s = push(p, start, end, attr_of(d, p->use_nx));
        if (EFI_ERROR(s))
            return s;
    }
    qsort(p->ranges, p->count, sizeof *p->ranges, by_start);
    /* A broken map with overlaps: trim later ranges so the list stays
     * sorted and disjoint. */
    size_t m = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (m && p->ranges[i].start < p->ranges[m - 1].end)
            p->ranges[i].start = p->ranges[m - 1].end;
        if (p->ranges[i].start < p->ranges[i].end)
            p->ranges[m++] = p->ranges[i];
    }
    p->count = m;
    return EFI_SUCCESS;
}

EFI_STATUS idplan_build(idplan *p, const efi_memmap *map, const vtop_space *fw,
                        uint64_t limit, bool use_nx)
{
    memset(p, 0, sizeof *p);
    p->limit = limit;
    p->use_nx = use_nx;
    EFI_STATUS s = add_memmap(p, map);
    if (EFI_ERROR(s))
        return s;
    /* The holes between listed ranges, and everything above the last. */
    size_t listed = p->count;
    uint64_t prev = 0;
    for (size_t i = 0; i <= listed && !EFI_ERROR(s); i++) {
        uint64_t next = i < listed ? p->ranges[i].start : limit;
        if (next > prev && fw)
            s = add_firmware(p, fw, prev, next);
        if (i < listed)
            prev = p->ranges[i].end;
    }
    if (EFI_ERROR(s))
        return s;
    sort_coalesce(p);
    return EFI_SUCCESS;
}

EFI_STATUS idplan_add_unlisted(idplan *p, uint64_t from, uint64_t to, uint8_t attr)
{
    if (to > p->limit)
        to = p->limit;
    size_t listed = p->count;
    uint64_t prev = from;
    EFI_STATUS s = EFI_SUCCESS;
    for (size_t i = 0; i <= listed && prev < to && !EFI_ERROR(s); i++) {
        uint64_t next = i < listed ? p->ranges[i].start : to;
        if (next > to)
            next = to;
        if (next > prev)
            s = push(p, prev, next, attr | IDMAP_FIRMWARE);
        if (i < listed && p->ranges[i].end > prev)
            prev = p->ranges[i].end;
    }
    if (EFI_ERROR(s))
        return s;
    sort_coalesce(p);
    return EFI_SUCCESS;
}

void idplan_free(idplan *p)
{
    free(p->ranges);
    memset(p, 0, sizeof *p);
}

/* Index of the first range with end > addr (count when none). */
static size_t first_after(const idplan *p, uint64_t addr)
{
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->ranges[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int idplan_query(const idplan *p, uint64_t start, uint64_t size, uint8_t *attr)
{
    uint64_t end = start + size;   /* callers keep this below 2^57 */
    size_t i = first_after(p, start);
    if (i == p->count || p->ranges[i].start >= end)
        return 0;
    const idplan_range *r = &p->ranges[i];
    if (r->start > start)
        return 2;
    uint8_t a = r->attr;
    uint64_t covered = r->end;
    /* Ranges are coalesced, so a different neighbour means mixed. */
    for (i++; covered < end && i < p->count; i++) {
        if (p->ranges[i].start != covered || p->ranges[i].attr != a)
            return 2;
        covered = p->ranges[i].end;
    }
    if (covered < end)
        return 2;
    *attr = a;
    return 1;
}

uint64_t idplan_bytes(const idplan *p)
{
    uint64_t n = 0;
    for (size_t i = 0; i < p->count; i++)
        n += p->ranges[i].end - p->ranges[i].start;
    return n;
}
