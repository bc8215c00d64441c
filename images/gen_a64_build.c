/* gen_a64: building AArch64 stage 1 tables in a small sparse physical
 * memory and the map lines that describe them (gen_a64_int.h). The rights
 * of a map line are derived here, from the descriptors and the table bits
 * on the path (DDI 0487 D8.4.1, stage 1 data access permissions; D8.4.2,
 * execute-never; APTable/XNTable ignored with TCR.HPDn), independently of
 * the core. */
#include "images/gen_a64_int.h"

#include <stdlib.h>
#include <string.h>

#include "images/writers.h"

void a64_die(const char *what, const char *name)
{
    fprintf(stderr, "gen_a64: %s %s\n", what, name);
    exit(1);
}

static unsigned stride(const a64gen *g) { return g->gbits - 3; }

static const a64_half *half_of(const a64gen *g, uint64_t va)
{
    return &g->half[g->regime != REG_EL2 && ((va >> 55) & 1)];
}

/* Start level from granule and TnSZ (DDI 0487 D8.2.6): as many levels of
 * stride bits as the input size needs above the page offset. */
static int start_level(const a64gen *g, const a64_half *h)
{
    unsigned ia = 64 - h->tnsz, s = stride(g);
    return 4 - (int)((ia - g->gbits + s - 1) / s);
}

static unsigned shift_of(const a64gen *g, int level)
{
    return g->gbits + (unsigned)(3 - level) * stride(g);
}

static uint64_t index_of(const a64gen *g, const a64_half *h, uint64_t va, int l)
{
    unsigned sh = shift_of(g, l);
    unsigned w = l == start_level(g, h) ? 64 - h->tnsz - sh : stride(g);
    return (va >> sh) & ((1ull << w) - 1);
}

/* Output address field of a descriptor (D8.3.1): bits 47:g; with TCR.DS
 * OA[51:50] in bits 9:8 and OA[49:48] in place; 64K LPA: OA[51:48] in
 * bits 15:12. */
uint64_t a64_oa_bits(const a64gen *g, uint64_t pa)
{
    uint64_t low = ~(g->gsize - 1);
    if (g->ds)
        return (pa & 0x0003ffffffffffffull & low) | ((pa >> 50) & 3) << 8;
    if (g->lpa)
        return (pa & 0x0000ffffffff0000ull) | ((pa >> 48) & 0xf) << 12;
    return pa & 0x0000ffffffffffffull & low;
}

static uint64_t get64(const a64gen *g, uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)g->mem[pa + i] << (8 * i);
    return v;
}

uint64_t a64_alloc_table(a64gen *g)
{
    int r = g->turn;
    g->turn ^= 1;
    uint64_t pa = (r ? g->r1_base : 0) + g->next[r] * g->gsize;
    if (++g->next[r] > g->region / g->gsize - (r ? 2u : 0u))
        a64_die("out of table granules in", g->name);
    memset(g->mem + pa, 0, g->gsize);
    return pa;
}

/* The table that holds va's entry at level, creating tables above it;
 * returns the entry's address. Tables in the image are below 2^48. */
static uint64_t slot(a64gen *g, uint64_t va, int level)
{
    const a64_half *h = half_of(g, va);
    uint64_t table = h->root;
    for (int l = start_level(g, h); l < level; l++) {
        uint64_t e_pa = table + index_of(g, h, va, l) * 8;
        uint64_t e = get64(g, e_pa);
        if (!(e & 1)) {
            e = a64_oa_bits(g, a64_alloc_table(g)) | D_PAGE;
            put64(g->mem, e_pa, e);
        }
        table = e & 0x0000ffffffffffffull & ~(g->gsize - 1) & ~0x3ffull;
    }
    return table + index_of(g, h, va, level) * 8;
}

static void add_leaf(a64gen *g, uint64_t va, int level)
{
    if (g->nleaves == MAX_LEAVES)
        a64_die("too many leaves in", g->name);
    g->leaf_va[g->nleaves] = va;
    g->leaf_level[g->nleaves++] = level;
}

/* A block (levels < 3) or page; SH inner shareable where the descriptor
 * holds it (with TCR.DS it comes from TCR.SHn). */
void a64_map(a64gen *g, uint64_t va, uint64_t pa, int level, uint64_t attrs)
{
    uint64_t d = a64_oa_bits(g, pa) | attrs | (level == 3 ? D_PAGE : D_BLOCK);
    if (!g->ds)
        d |= D_SH_IS;
    put64(g->mem, slot(g, va, level), d);
    add_leaf(g, va, level);
}

void a64_map_pages(a64gen *g, uint64_t va, uint64_t pa, uint64_t len,
                      uint64_t attrs)
{
    for (uint64_t o = 0; o < len; o += g->gsize)
        a64_map(g, va + o, pa + o, 3, attrs);
}

/* OR table bits into the table descriptor at level for va. */
void a64_table_bits(a64gen *g, uint64_t va, int level, uint64_t bits)
{
    slot(g, va, level + 1);           /* the entry at level is a table */
    uint64_t t = slot(g, va, level);
    put64(g->mem, t, get64(g, t) | bits);
}

void a64_fault(a64gen *g, uint64_t va, const char *kind, int level)
{
    if (level < -1)
        fprintf(g->map, "fault 0x%016llx %s -\n", (unsigned long long)va, kind);
    else
        fprintf(g->map, "fault 0x%016llx %s L%d\n", (unsigned long long)va,
                kind, level);
}

/* A raw descriptor at level for va, and the fault it must give (at
 * fault_level; NULL kind: none). */
void a64_raw(a64gen *g, uint64_t va, int level, uint64_t d,
                const char *kind, int fault_level)
{
    put64(g->mem, slot(g, va, level), d);
    if (kind)
        a64_fault(g, va, kind, fault_level);
}

/* ---- the map lines: rights from the descriptors on the path ---- */

static void rights_text(char out[4], bool r, bool w, bool x)
{
    out[0] = r ? 'r' : '-';
    out[1] = w ? 'w' : '-';
    out[2] = x ? 'x' : '-';
    out[3] = 0;
}

void a64_leaf_line(a64gen *g, uint64_t va, int level)
{
    const a64_half *h = half_of(g, va);
    uint64_t tbl = 0, table = h->root, d = 0;
    for (int l = start_level(g, h); l <= level; l++) {
        d = get64(g, table + index_of(g, h, va, l) * 8);
        if (l < level)
            tbl |= d;
        table = d & 0x0000ffffffffffffull & ~(g->gsize - 1) & ~0x3ffull;
    }
    if (h->hpd)
        tbl = 0;
    uint64_t size = 1ull << shift_of(g, level);
    uint64_t pa;
    if (g->ds)
        pa = (d & 0x0003ffffffffffffull & ~(size - 1)) | ((d >> 8) & 3) << 50;
    else if (g->lpa)
        pa = (d & 0x0000ffffffffffffull & ~(size - 1)) | ((d >> 12) & 0xf) << 48;
    else
        pa = d & 0x0000ffffffffffffull & ~(size - 1);
    bool ro = (d & D_AP_RO) || (tbl & T_RO);
    char priv[4], user[4];
    if (g->regime == REG_EL2) {   /* one privilege level: AP[1] RES1 */
        rights_text(priv, true, !ro, !((d & D_UXN) || (tbl & T_UXN)));
        rights_text(user, false, false, false);
    } else {
        bool el0 = (d & D_AP_EL0) && !(tbl & T_NOEL0);
        /* memory writable at EL0 is PXN for EL1 (D8.4.2) */
        bool pxn = (d & D_PXN) || (tbl & T_PXN) || (el0 && !ro);
        rights_text(priv, true, !ro, !pxn);
        rights_text(user, el0, el0 && !ro, !((d & D_UXN) || (tbl & T_UXN)));
    }
    static const char *const sh[4] = {"NS", "??", "OS", "IS"};
    fprintf(g->map, "map 0x%016llx 0x%016llx 0x%llx L%d priv=%s user=%s "
            "attr=%u sh=%s af=%u ng=%u cont=%u dbm=%u\n",
            (unsigned long long)va, (unsigned long long)pa,
            (unsigned long long)size, level, priv, user,
            (unsigned)((d >> 2) & 7), g->ds ? "IS" : sh[(d >> 8) & 3],
            (unsigned)((d >> 10) & 1), (unsigned)((d >> 11) & 1),
            (unsigned)((d >> 52) & 1), (unsigned)((d >> 51) & 1));
}

/* ---- the spaces ---- */

uint64_t a64_data_page(const a64gen *g, unsigned i)
{
    return g->r1_base + g->region - (2 - i) * g->gsize;
}
