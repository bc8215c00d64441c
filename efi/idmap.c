/* vtop EFI app: identity-map page tables (see idmap.h). */
#include "idmap.h"

#include <string.h>

#include "core/paging.h"
#include "efi_env.h"

#define PAGE 4096ull
#define ENTRIES 512u

typedef struct builder {
    idmap *map;
    const idplan *plan;
    bool counting;     /* first pass: count tables only */
    UINTN tables;
} builder;

/* Bytes one entry covers at level l (0 = top) of an n-level map. */
static uint64_t cover(unsigned levels, unsigned l)
{
    return 1ull << (12 + 9 * (levels - 1 - l));
}

static bool leaf_allowed(const idmap *m, uint64_t size)
{
    return size == PAGE || size == (2ull << 20) ||
           (size == (1ull << 30) && m->use_1g);
}

static uint64_t leaf_entry(uint64_t pa, uint64_t size, uint8_t attr)
{
    uint64_t e = pa | PTE_P;
    if (attr & IDMAP_W)
        e |= PTE_RW;
    if (!(attr & IDMAP_X))
        e |= PTE_NX;
    if (attr & IDMAP_UC)
        e |= PTE_PCD | PTE_PWT;
    if (size != PAGE)
        e |= PTE_PS;
    return e;
}

static uint64_t *table_at(uint64_t pa)
{
    return (uint64_t *)(uintptr_t)pa;
}

static uint64_t alloc_table(builder *b)
{
    UINTN i = b->tables++;
    if (b->counting)
        return 0;
    if (i >= b->map->pool_pages)
        return UINT64_MAX;
    uint64_t pa = b->map->pool + i * PAGE;
    memset(table_at(pa), 0, PAGE);
    return pa;
}

/* Fill the table at pa (level l) for VA/PA base. Depth <= 5. */
static bool fill(builder *b, unsigned l, uint64_t pa, uint64_t base)
{
    uint64_t size = cover(b->map->levels, l);
    for (unsigned i = 0; i < ENTRIES; i++) {
        uint64_t a = base + i * size;
        if (a >= b->plan->limit)
            break;
        uint8_t attr = 0;
        int q = idplan_query(b->plan, a, size, &attr);
        if (q == 0)
            continue;
        if (q == 1 && leaf_allowed(b->map, size)) {
            if (!b->counting) {
                table_at(pa)[i] = leaf_entry(a, size, attr);
                b->map->leaves[size == PAGE ? 0 : size == (2ull << 20) ? 1 : 2]++;
            }
            continue;
        }
        if (size == PAGE)
            continue;   /* cannot happen: ranges are page aligned */
        uint64_t child = alloc_table(b);
        if (child == UINT64_MAX || !fill(b, l + 1, child, a))
            return false;
        if (!b->counting)
            table_at(pa)[i] = child | PTE_P | PTE_RW;
    }
    return true;
}

EFI_STATUS idmap_build(idmap *m, const idplan *plan, unsigned levels,
                       bool use_1g)
{
    memset(m, 0, sizeof *m);
    m->levels = levels;
    m->use_1g = use_1g;
    builder b = { m, plan, true, 0 };
    alloc_table(&b);
    fill(&b, 0, 0, 0);
    UINTN pages = b.tables;
    EFI_PHYSICAL_ADDRESS pool = 0;
    EFI_STATUS s = g_efi.bs->AllocatePages(AllocateAnyPages, EfiLoaderData,
                                           pages, &pool);
    if (EFI_ERROR(s))
        return s;
    m->pool = pool;
    m->pool_pages = pages;
    b = (builder){ m, plan, false, 0 };
    m->root = alloc_table(&b);
    if (!fill(&b, 0, m->root, 0)) {
        idmap_free(m);
        return EFI_OUT_OF_RESOURCES;
    }
    m->used = b.tables;
    return EFI_SUCCESS;
}

void idmap_free(idmap *m)
{
    if (m->pool_pages)
        g_efi.bs->FreePages(m->pool, m->pool_pages);
    m->pool_pages = 0;
    m->root = 0;
}

uint64_t idmap_expected_page(const idmap *m, const idplan *plan, uint64_t addr,
                             uint8_t *attr)
{
    static const uint64_t sizes[3] = { 1ull << 30, 2ull << 20, PAGE };
    for (unsigned i = 0; i < 3; i++) {
        if (!leaf_allowed(m, sizes[i]))
            continue;
        uint64_t base = addr & ~(sizes[i] - 1);
        if (base >= plan->limit)
            continue;
        if (idplan_query(plan, base, sizes[i], attr) == 1)
            return sizes[i];
    }
    return 0;
}
