/* vtop EFI app: identity-map plan (see idplan.h). */
#include "idplan.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull

static EFI_STATUS push(idplan *p, uint64_t start, uint64_t end, uint8_t attr)
{
    if (start >= end)
        return EFI_SUCCESS;
    if (p->count == p->cap) {
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

/* When the firmware maps va (1 GiB aligned) with a 2 MiB leaf, is its whole
 * page directory 512 present identity 2 MiB leaves? Then one probe covers
 * 1 GiB: OVMF maps its whole 2^40 space this way (REFERENCE.md section 6),
 * and half a million walks would cost seconds under TCG. */
static bool whole_pd_identity(const vtop_space *fw, const vtop_translation *t,
                              uint64_t va)
{
    const uint64_t big = 2ull << 20;
    if ((va & ((1ull << 30) - 1)) || t->page_size != big || t->nlevels == 0)
        return false;
    uint64_t pd = t->levels[t->nlevels - 1].entry_pa & ~0xfffull;
    const uint8_t *bytes = vtop_physmem_span(&fw->mem, pd, 4096);
    if (!bytes)
        return false;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e;
        memcpy(&e, bytes + (size_t)i * 8, sizeof e);
        if ((e & (PTE_P | PTE_PS)) != (PTE_P | PTE_PS) ||
            (e & fw->addr_mask & ~(big - 1)) != va + i * big)
            return false;
    }
    return true;
}

/* Add what the firmware maps identically inside [from, to), skipping
 * unmapped stretches by the size of the entry that ended the walk. */
static EFI_STATUS add_firmware(idplan *p, const vtop_space *fw, uint64_t from,
                               uint64_t to)
{
    uint64_t va = from;
    while (va < to) {
        vtop_translation t;
        p->fw_probes++;
        vtop_translate(fw, va, &t);
        uint64_t step;
        if (t.status == VTOP_OK) {
            step = t.page_size - (va & (t.page_size - 1));
            if (t.pa == va && to - va >= (1ull << 30) && whole_pd_identity(fw, &t, va))
                step = 1ull << 30;
            if (t.pa == va) {
                uint64_t end = to - va < step ? to : va + step;
                uint8_t a = IDMAP_W | IDMAP_UC | IDMAP_FIRMWARE;
                if (!p->use_nx)
                    a |= IDMAP_X;
                EFI_STATUS s = push(p, va, end, a);
                if (EFI_ERROR(s))
                    return s;
            }
        } else if (t.fault_level >= 0) {
            uint64_t cover = 1ull << fw->desc->level[t.fault_level].shift;
            step = cover - (va & (cover - 1));
        } else {
            step = PAGE;
        }
        if (step > to - va)
            break;
        va += step;
    }
    return EFI_SUCCESS;
}

/* Merge neighbours with equal attributes (fewer ranges, faster queries). */
static void coalesce(idplan *p)
{
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
    qsort(p->ranges, p->count, sizeof *p->ranges, by_start);
    coalesce(p);
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
    qsort(p->ranges, p->count, sizeof *p->ranges, by_start);
    coalesce(p);
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
