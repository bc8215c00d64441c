/* vtop EFI app: identity-map page tables (see idmap.h). */
#include "idmap.h"

#include <string.h>

#include "core/paging.h"
#include "efi_env.h"

#define PAGE 4096ull
#define MAX_LEVELS 5

/* One layout as data: per level (0 = top) the bytes an entry covers, the
 * entries the table holds, and whether a leaf may sit there. */
typedef struct layout_desc {
    unsigned levels;
    unsigned entry_bytes;
    unsigned shift[MAX_LEVELS];
    unsigned entries[MAX_LEVELS];
    bool leaf_ok[MAX_LEVELS];
    uint64_t table_flags[MAX_LEVELS];   /* bits of a non-leaf entry */
} layout_desc;

typedef struct builder {
    idmap *map;
    const idplan *plan;
    layout_desc d;
    bool counting;     /* first pass: count tables only */
    UINTN tables;
} builder;

/* VMSAv8-64 descriptor bits, 4 KiB granule (Arm ARM DDI 0487 D8.3). */
#define A64_VALID    0x1ull
#define A64_TABLE    0x3ull        /* table (levels 0-2) or page (level 3) */
#define A64_ATTRIDX(i) ((uint64_t)(i) << 2)
#define A64_AP1      (1ull << 6)   /* EL0 access; RES1 in the EL2 regime */
#define A64_AP2      (1ull << 7)   /* read-only */
#define A64_SH_INNER (3ull << 8)
#define A64_AF       (1ull << 10)
#define A64_PXN      (1ull << 53)
#define A64_UXN      (1ull << 54)  /* XN in the one-range EL2 regime */

/* Levels from the input range: 9 bits a level above the 12-bit page
 * offset; the top table holds what is left (D8.2.x, "initial lookup
 * level"). Blocks: 1 GiB at level 1, 2 MiB at level 2 (none at
 * level 0 without FEAT_LPA2). */
static layout_desc describe_a64(const idmap *m)
{
    layout_desc d = { 0 };
    unsigned va = m->a64.va_bits;
    d.levels = (va - 12 + 8) / 9;
    d.entry_bytes = 8;
    for (unsigned l = 0; l < d.levels; l++) {
        d.shift[l] = 12 + 9 * (d.levels - 1 - l);
        d.entries[l] = 512;
        d.table_flags[l] = A64_TABLE;
        d.leaf_ok[l] = d.shift[l] == 12 || d.shift[l] == 21 || d.shift[l] == 30;
    }
    d.entries[0] = 1u << (va - d.shift[0]);
    return d;
}

static layout_desc describe(const idmap *m)
{
    if (m->layout == IDMAP_A64)
        return describe_a64(m);
    layout_desc d = { 0 };
    d.levels = m->levels;
    d.entry_bytes = m->layout == IDMAP_32BIT ? 4 : 8;
    for (unsigned l = 0; l < d.levels; l++) {
        unsigned from_bottom = d.levels - 1 - l;
        d.shift[l] = m->layout == IDMAP_32BIT ? 12 + 10 * from_bottom : 12 + 9 * from_bottom;
        d.entries[l] = m->layout == IDMAP_32BIT ? 1024 : 512;
        d.table_flags[l] = PTE_P | PTE_RW;
        d.leaf_ok[l] = d.shift[l] == 12 ||
                       ((d.shift[l] == 21 || d.shift[l] == 22) && m->use_large) ||
                       (d.shift[l] == 30 && m->layout == IDMAP_LONG && m->use_1g);
    }
    if (m->layout == IDMAP_PAE) {
        d.entries[0] = 4;
        d.table_flags[0] = PTE_P;   /* SDM 4.4.1: PDPTE R/W, U/S, NX reserved */
    }
    return d;
}

uint64_t idmap_a64_leaf(const idmap_a64_attrs *a, uint64_t pa, uint64_t size,
                        uint8_t attr)
{
    uint64_t e = pa | A64_AF | (size == PAGE ? A64_TABLE : A64_VALID);
    e |= attr & IDMAP_UC ? A64_ATTRIDX(a->device_idx)
                         : A64_ATTRIDX(a->normal_idx) | A64_SH_INNER;
    if (!(attr & IDMAP_W))
        e |= A64_AP2;
    if (a->one_range) {
        e |= A64_AP1;
        if (!(attr & IDMAP_X))
            e |= A64_UXN;
    } else {
        e |= A64_UXN;
        if (!(attr & IDMAP_X))
            e |= A64_PXN;
    }
    return e;
}

static uint64_t leaf_entry(const idmap *m, uint64_t pa, uint64_t size,
                           uint8_t attr)
{
    if (m->layout == IDMAP_A64)
        return idmap_a64_leaf(&m->a64, pa, size, attr);
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

/* The counting pass has no tables (table 0): nothing to write. */
static void set_entry(const builder *b, uint64_t table, unsigned i, uint64_t e)
{
    uint8_t *t = (uint8_t *)(uintptr_t)table;
    if (b->counting || !t)
        return;
    if (b->d.entry_bytes == 4) {
        uint32_t v = (uint32_t)e;   /* 32-bit paging: no NX, PA < 4 GiB */
        memcpy(t + (size_t)i * 4, &v, 4);
    } else {
        memcpy(t + (size_t)i * 8, &e, 8);
    }
}

static uint64_t alloc_table(builder *b)
{
    UINTN i = b->tables++;
    if (b->counting)
        return 0;
    if (i >= b->map->pool_pages)
        return UINT64_MAX;
    uint64_t pa = b->map->pool + i * PAGE;
    memset((void *)(uintptr_t)pa, 0, PAGE);
    return pa;
}

static void count_leaf(idmap *m, uint64_t size)
{
    m->leaves[size == PAGE ? 0 : size == (1ull << 30) ? 2 : 1]++;
}

/* Fill the table at pa (level l) for VA/PA base. Depth <= 5. */
static bool fill(builder *b, unsigned l, uint64_t pa, uint64_t base)
{
    uint64_t size = 1ull << b->d.shift[l];
    for (unsigned i = 0; i < b->d.entries[l]; i++) {
        uint64_t a = base + i * size;
        if (a >= b->plan->limit)
            break;
        uint8_t attr = 0;
        int q = idplan_query(b->plan, a, size, &attr);
        if (q == 0)
            continue;
        if (q == 1 && b->d.leaf_ok[l]) {
            uint64_t e = leaf_entry(b->map, a, size, attr);
            set_entry(b, pa, i, b->plan->use_nx ? e : e & ~PTE_NX);
            if (!b->counting)
                count_leaf(b->map, size);
            continue;
        }
        if (l + 1 == b->d.levels)
            continue;   /* cannot happen: ranges are page aligned */
        uint64_t child = alloc_table(b);
        if (child == UINT64_MAX || !fill(b, l + 1, child, a))
            return false;
        set_entry(b, pa, i, child | b->d.table_flags[l]);
    }
    return true;
}

static EFI_STATUS build(idmap *m, const idplan *plan)
{
    builder b = { m, plan, describe(m), true, 0 };
    alloc_table(&b);
    fill(&b, 0, 0, 0);
    UINTN pages = b.tables;
    /* CR3 of the 32-bit layouts holds a 32-bit address (SDM 4.3, 4.4). */
    bool low = m->layout == IDMAP_PAE || m->layout == IDMAP_32BIT;
    EFI_PHYSICAL_ADDRESS pool = low ? 0xFFFFFFFFull : 0;
    EFI_STATUS s = g_efi.bs->AllocatePages(low ? AllocateMaxAddress : AllocateAnyPages,
                                           EfiLoaderData, pages, &pool);
    if (EFI_ERROR(s))
        return s;
    m->pool = pool;
    m->pool_pages = pages;
    b.counting = false;
    b.tables = 0;
    m->root = alloc_table(&b);
    if (!fill(&b, 0, m->root, 0)) {
        idmap_free(m);
        return EFI_OUT_OF_RESOURCES;
    }
    m->used = b.tables;
    return EFI_SUCCESS;
}

EFI_STATUS idmap_build(idmap *m, const idplan *plan, unsigned levels,
                       bool use_1g)
{
    *m = (idmap){ .layout = IDMAP_LONG, .levels = levels, .use_1g = use_1g,
                  .use_large = true };
    return build(m, plan);
}

EFI_STATUS idmap_build_legacy(idmap *m, const idplan *plan,
                              idmap_layout layout, bool use_large)
{
    *m = (idmap){ .layout = layout, .levels = layout == IDMAP_PAE ? 3 : 2,
                  .use_large = use_large };
    return build(m, plan);
}

EFI_STATUS idmap_build_a64(idmap *m, const idplan *plan,
                           const idmap_a64_attrs *attrs)
{
    if (attrs->va_bits < 25 || attrs->va_bits > 48)
        return EFI_INVALID_PARAMETER;
    *m = (idmap){ .layout = IDMAP_A64, .levels = (attrs->va_bits - 12 + 8) / 9,
                  .use_1g = true, .use_large = true, .a64 = *attrs };
    return build(m, plan);
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
    layout_desc d = describe(m);
    for (unsigned l = 0; l < d.levels; l++) {
        uint64_t size = 1ull << d.shift[l];
        if (!d.leaf_ok[l])
            continue;
        uint64_t base = addr & ~(size - 1);
        if (base >= plan->limit)
            continue;
        if (idplan_query(plan, base, size, attr) == 1)
            return size;
    }
    return 0;
}
