/* vtop core: AArch64 VMSAv8-64 stage 1 geometry and space set-up.
 *
 * The AArch64 mode is data like the x86 ones (STYLE.md rule 2): one static
 * descriptor per granule, input size and half lists the levels of that
 * walk (start level first, named L-1..L3), and vtop_space_init turns TCR and
 * the TTBRs into each half's per-level masks, which the one walker
 * (core/walk_step.h) and the shared decoder (core/entry.h) apply.
 *
 * Sources: Arm ARM DDI 0487 D8.1 (translation regimes), D8.2 (the walk:
 * input size, starting level, TTBR base address), D8.3 (descriptor
 * formats, 52-bit OA with FEAT_LPA and FEAT_LPA2), D19.2 (TCR_EL1, TCR_EL2,
 * TTBRn_ELx layouts). The pseudocode functions named in comments are the
 * Arm ARM's (AArch64.TTBaseAddress, AArch64.BlockDescSupported).
 */
#include "paging_a64.h"

#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

/* Geometry as constant expressions of granule g (log2 bytes) and input
 * size va: b index bits per level (8-byte entries), levels walked, and for
 * level index i its shift and absolute level (D8.2.x: the starting level
 * follows from the bits the levels below leave). */
#define A64_B(g) ((g) - 3)
#define A64_LEVELS(g, va) (((va) - (g) + A64_B(g) - 1) / A64_B(g))
#define A64_HAS(g, va, i) ((i) < A64_LEVELS(g, va))
#define A64_SHIFT(g, va, i) \
    (A64_HAS(g, va, i) ? (g) + A64_B(g) * (A64_LEVELS(g, va) - 1 - (i)) : 0)
#define A64_ABS(g, va, i) (4 - A64_LEVELS(g, va) + (i))
#define A64_NAME(a) \
    ((a) == -1 ? "L-1" : (a) == 0 ? "L0" : (a) == 1 ? "L1" : (a) == 2 ? "L2" : "L3")
/* A block is possible at this level in some configuration
 * (AArch64.BlockDescSupported: 4K L1/L2, L0 with DS; 16K L2, L1 with DS;
 * 64K L2, L1 with 52-bit PAs); the space's data says where it is allowed. */
#define A64_BLOCKS(g, a) \
    ((a) == 2 || (a) == 1 || ((g) == 12 && (a) == 0))
#define A64_LVL(g, va, i)                                                      \
    {A64_HAS(g, va, i) ? A64_NAME(A64_ABS(g, va, i)) : (const char *)0,        \
     A64_SHIFT(g, va, i),                                                      \
     !A64_HAS(g, va, i) ? 0 : (i) == 0 ? (va) - A64_SHIFT(g, va, 0) : A64_B(g), \
     A64_HAS(g, va, i) && (i) + 1 < A64_LEVELS(g, va) &&                       \
         A64_BLOCKS(g, A64_ABS(g, va, i)),                                     \
     false, false, 0}
#define A64_DESC(g, va, up)                                                    \
    {.mode = VTOP_MODE_AARCH64, .name = "aarch64",                             \
     .reason = "AArch64 stage 1: TCR and TTBR0/TTBR1",                         \
     .levels = A64_LEVELS(g, va), .entry_size = 8, .va_bits = (va),            \
     .scan_as = VTOP_MODE_AARCH64, .root_low = 3, .a64_granule = (g),          \
     .a64_upper = (up),                                                        \
     .level = {A64_LVL(g, va, 0), A64_LVL(g, va, 1), A64_LVL(g, va, 2),        \
               A64_LVL(g, va, 3), A64_LVL(g, va, 4)}}
#define A64_4(g, va, up) A64_DESC(g, (va), up), A64_DESC(g, (va) + 1, up), \
    A64_DESC(g, (va) + 2, up), A64_DESC(g, (va) + 3, up)
#define A64_ALL(g, up)                                                       \
    {A64_4(g, 16, up), A64_4(g, 20, up), A64_4(g, 24, up), A64_4(g, 28, up), \
     A64_4(g, 32, up), A64_4(g, 36, up), A64_4(g, 40, up), A64_4(g, 44, up), \
     A64_4(g, 48, up), A64_DESC(g, 52, up)}

#define A64_VA_MIN 16
#define A64_VA_MAX 52
#define A64_VAS (A64_VA_MAX - A64_VA_MIN + 1)

/* [granule: 4K, 16K, 64K][half][input size - 16] */
static const vtop_mode_desc a64_descs[3][2][A64_VAS] = {
    {A64_ALL(12, false), A64_ALL(12, true)},
    {A64_ALL(14, false), A64_ALL(14, true)},
    {A64_ALL(16, false), A64_ALL(16, true)},
};

const vtop_mode_desc vtop_a64_default_desc = A64_DESC(12, 48, false);

const vtop_mode_desc *vtop_a64_desc(unsigned granule, unsigned va_bits,
                                    unsigned half)
{
    if (granule < 12 || granule > 16 || (granule & 1) || half > 1 ||
        va_bits < A64_VA_MIN || va_bits > A64_VA_MAX)
        return NULL;
    const vtop_mode_desc *d = &a64_descs[(granule - 12) / 2][half][va_bits - A64_VA_MIN];
    return d->levels ? d : NULL;
}

/* The TCR fields of one half (D19.2: TCR_EL1 for EL1&0 and EL2&0 with
 * E2H; TCR_EL2's own layout without E2H, one range only). */
typedef struct tcr_fields {
    unsigned tsz, tg, epd, sh, tbi, hpd, ips, ha, hd, ds;
} tcr_fields;

static unsigned fld(uint64_t v, unsigned lo, unsigned width)
{
    return (unsigned)((v >> lo) & ((1u << width) - 1));
}

static tcr_fields tcr_fields_of(uint64_t tcr, vtop_a64_regime regime,
                                unsigned half)
{
    if (regime == VTOP_A64_EL2) /* T0SZ 5:0, SH0 13:12, TG0 15:14, PS 18:16,
                                   TBI 20, HA 21, HD 22, HPD 24, DS 32 */
        return (tcr_fields){fld(tcr, 0, 6), fld(tcr, 14, 2), 0, fld(tcr, 12, 2),
                            fld(tcr, 20, 1), fld(tcr, 24, 1), fld(tcr, 16, 3),
                            fld(tcr, 21, 1), fld(tcr, 22, 1), fld(tcr, 32, 1)};
    tcr_fields f = {0};
    if (half == 0) { /* T0SZ 5:0, EPD0 7, SH0 13:12, TG0 15:14, TBI0 37, HPD0 41 */
        f = (tcr_fields){fld(tcr, 0, 6), fld(tcr, 14, 2), fld(tcr, 7, 1),
                         fld(tcr, 12, 2), fld(tcr, 37, 1), fld(tcr, 41, 1), 0,
                         0, 0, 0};
    } else { /* T1SZ 21:16, EPD1 23, SH1 29:28, TG1 31:30, TBI1 38, HPD1 42;
                TG1 is encoded differently: 01 16K, 10 4K, 11 64K */
        static const unsigned tg1_as_tg0[4] = {3, 2, 0, 1};
        f = (tcr_fields){fld(tcr, 16, 6), tg1_as_tg0[fld(tcr, 30, 2)],
                         fld(tcr, 23, 1), fld(tcr, 28, 2), fld(tcr, 38, 1),
                         fld(tcr, 42, 1), 0, 0, 0, 0};
    }
    f.ips = fld(tcr, 32, 3); /* IPS 34:32, HA 39, HD 40, DS 59 */
    f.ha = fld(tcr, 39, 1);
    f.hd = fld(tcr, 40, 1);
    f.ds = fld(tcr, 59, 1);
    return f;
}

/* Output size (D19.2 TCR.IPS / TCR_EL2.PS): 32..52 bits; 0b111 (56 bits,
 * FEAT_D128 only) as 52. 52 needs the 64K granule or LPA2 (TCR.DS), else
 * the output is 48 bits (AArch64.PAMax, D8.2.x). */
static unsigned oa_bits_of(unsigned ips, unsigned granule, bool ds,
                           unsigned maxphyaddr)
{
    static const uint8_t sizes[8] = {32, 36, 40, 42, 44, 48, 52, 52};
    unsigned oa = sizes[ips];
    if (oa == 52 && granule != 16 && !ds)
        oa = 48;
    unsigned m = maxphyaddr ? maxphyaddr : 52;
    return oa < m ? oa : m;
}

/* TTBRn.BADDR as the start table's address (AArch64.TTBaseAddress): bits
 * 47:1, or with 52-bit tables (64K with IPS 52, or DS) BADDR[51:48] in
 * bits 5:2 and at least 64-byte alignment; aligned to the table's size. */
static uint64_t root_of(uint64_t ttbr, bool wide, unsigned top_index_bits)
{
    unsigned tsize = top_index_bits + 3;
    uint64_t base = ttbr & BITS(47, 1);
    if (wide) {
        tsize = tsize < 6 ? 6 : tsize;
        base = (ttbr & BITS(47, 6)) | (((ttbr >> 2) & 0xf) << 48);
    }
    return base & ~((1ull << tsize) - 1);
}

vtop_status vtop_a64_decode(uint64_t tcr, uint64_t ttbr, vtop_a64_regime regime,
                            unsigned half, unsigned maxphyaddr,
                            vtop_a64_half *out)
{
    if (!out || half > 1 || (unsigned)regime > VTOP_A64_EL2_E2H)
        return VTOP_BAD_ARGUMENT;
    *out = (vtop_a64_half){0};
    if (regime == VTOP_A64_EL2 && half == 1)
        return VTOP_OK; /* EL2 without E2H has one VA range (D8.1.x) */
    tcr_fields f = tcr_fields_of(tcr, regime, half);
    static const uint8_t granules[4] = {12, 16, 14, 0}; /* TG0: 00 4K, 01 64K, 10 16K */
    unsigned g = granules[f.tg];
    bool ds = f.ds && g != 16; /* LPA2 is for the 4K and 16K granules */
    unsigned va = 64u - f.tsz;
    /* TnSZ 16..48 (FEAT_TTST beyond 39); below 16 only with FEAT_LVA (64K)
     * or LPA2 (DS), to 12 (52-bit input). */
    const vtop_mode_desc *d = vtop_a64_desc(g, va, half);
    if (!g || f.tsz > 48 || f.tsz < 12 || (f.tsz < 16 && g != 16 && !ds))
        d = NULL;
    out->present = true;
    if (!d && f.epd) /* a disabled half's other fields do not matter */
        return VTOP_OK;
    if (!d) {
        out->present = false;
        return VTOP_BAD_SPACE;
    }
    out->enabled = !f.epd;
    out->granule = (uint8_t)g;
    out->tsz = (uint8_t)f.tsz;
    out->va_bits = (uint8_t)va;
    out->levels = d->levels;
    out->start_level = (int8_t)(4 - d->levels);
    out->oa_bits = (uint8_t)oa_bits_of(f.ips, g, ds, maxphyaddr);
    out->tbi = f.tbi;
    out->hpd = f.hpd;
    out->ha = f.ha;
    out->hd = f.hd;
    out->ds = ds;
    out->sh = (uint8_t)f.sh;
    bool wide = ds || (g == 16 && f.ips == 6);
    out->root = root_of(ttbr, wide, d->level[0].index_bits);
    out->root_fault = out->oa_bits < 64 && (out->root >> out->oa_bits) != 0;
    return VTOP_OK;
}

/* Blocks allowed at absolute level a (AArch64.BlockDescSupported): 4K L1
 * and L2, L0 with DS; 16K L2, L1 with DS; 64K L2, L1 when PAs are 52 bits
 * (the implementation's size: maxphyaddr). */
static bool blocks_at(const vtop_a64_half *a, int lvl, unsigned maxphyaddr)
{
    if (lvl == 2)
        return true;
    if (a->granule == 12)
        return lvl == 1 || (lvl == 0 && a->ds);
    if (a->granule == 14)
        return lvl == 1 && a->ds;
    return lvl == 1 && maxphyaddr == 52;
}

/* Where a descriptor holds its address (D8.3): bits 47:g, with LPA2 bits
 * 49:g plus OA[51:50] in bits 9:8, with 64K OA[51:48] in bits 15:12; and
 * the bits of that address at or above the output size (an address-size
 * fault in a table and in a leaf alike). */
typedef struct a64_addr {
    unsigned top, hi_shift;
    uint64_t hi_mask, fault;
} a64_addr;

static a64_addr addr_layout(const vtop_a64_half *a)
{
    a64_addr f = {a->ds ? 49u : 47u, 0, 0, 0};
    if (a->granule == 16) {
        f.hi_mask = 0xf000;
        f.hi_shift = 36;
    } else if (a->ds) {
        f.hi_mask = 0x300;
        f.hi_shift = 42;
    }
    uint64_t bad = a->oa_bits < 52 ? BITS(51, a->oa_bits) : 0;
    f.fault = (bad & BITS(f.top, 0)) | ((bad >> f.hi_shift) & f.hi_mask);
    return f;
}

/* Level i of half h: the stop, leaf and fault tests of core/entry.h as
 * masks (paging.h, vtop_space_level). */
static void init_level(vtop_space_half *h, unsigned i, unsigned maxphyaddr)
{
    const vtop_level_desc *ld = &h->desc->level[i];
    const vtop_a64_half *a = &h->a64;
    a64_addr ad = addr_layout(a);
    vtop_space_level *f = &h->level[i];
    f->last = i + 1u == h->desc->levels;
    bool blk = !f->last && blocks_at(a, a->start_level + (int)i, maxphyaddr);
    f->reserved[0] = ad.fault;
    f->reserved[1] = ad.fault | (a->ha ? 0 : VTOP_A64_AF);
    f->expect = VTOP_A64_VALID | VTOP_A64_TABLE;
    f->stop_mask = (blk ? VTOP_A64_VALID : VTOP_A64_VALID | VTOP_A64_TABLE) | ad.fault;
    f->ps_mask = blk ? VTOP_A64_TABLE : 0;
    f->leaf_xor = VTOP_A64_TABLE;
    f->leaf_expect = VTOP_A64_AF;
    f->leaf_mask = BITS(ad.top, ld->shift);
    f->table_mask = BITS(ad.top, a->granule);
    f->pse36_mask = ad.hi_mask;
    f->hi_shift = (uint8_t)ad.hi_shift;
    f->page_size = 1ull << ld->shift;
    f->off_shift = (uint8_t)(ld->shift - 3);
    f->off_mask = (uint16_t)(((1u << ld->index_bits) - 1) << 3);
}

/* The root window of half h (the run holding its start table). */
static void init_window(vtop_space_half *h, const vtop_physmem *mem)
{
    ptrdiff_t run = vtop_physmem_find(mem, h->a64.root);
    h->root_run = run < 0 ? 0 : (size_t)run;
    h->root_win_phys = h->root_win_span = 0;
    h->root_win_data = NULL;
    if (run >= 0 && mem->runs[run].data && mem->runs[run].len >= 8) {
        h->root_win_phys = mem->runs[run].phys;
        h->root_win_span = mem->runs[run].len - 8 + 1;
        h->root_win_data = mem->runs[run].data;
    }
}

/* Half `half` of s from TCR and ttbr; s->half[half] changes only on
 * VTOP_OK. */
static vtop_status init_half(vtop_space *s, unsigned half, uint64_t ttbr)
{
    const vtop_space_config *cfg = &s->cfg;
    vtop_space_half h = {0};
    vtop_status st = vtop_a64_decode(cfg->tcr, ttbr, (vtop_a64_regime)cfg->a64_regime,
                                     half, cfg->maxphyaddr, &h.a64);
    if (st != VTOP_OK)
        return st;
    h.desc = vtop_a64_desc(h.a64.granule, h.a64.va_bits, half);
    if (h.desc) {
        h.addr_mask = BITS(h.a64.ds ? 49 : 47, h.a64.granule);
        for (unsigned i = 0; i < h.desc->levels; i++)
            init_level(&h, i, cfg->maxphyaddr);
        init_window(&h, &s->mem);
    }
    s->half[half] = h;
    return VTOP_OK;
}

/* The space's own fields (desc, root, level[], window) from half h. */
static void take_half(vtop_space *s, const vtop_space_half *h)
{
    s->desc = h->desc;
    s->root = h->a64.root;
    s->addr_mask = h->addr_mask;
    for (unsigned l = 0; l < VTOP_MAX_LEVELS; l++)
        s->level[l] = h->level[l];
    s->root_run = h->root_run;
    s->root_win_phys = h->root_win_phys;
    s->root_win_span = h->root_win_span;
    s->root_win_data = h->root_win_data;
}

vtop_status vtop_a64_space_init(vtop_space *s)
{
    if ((unsigned)s->cfg.a64_regime > VTOP_A64_EL2_E2H)
        return VTOP_BAD_SPACE;
    vtop_status st = init_half(s, 0, s->cfg.ttbr0);
    if (st == VTOP_OK)
        st = init_half(s, 1, s->cfg.ttbr1);
    if (st != VTOP_OK)
        return VTOP_BAD_SPACE;
    const vtop_space_half *first = s->half[0].desc ? &s->half[0] : &s->half[1];
    if (!first->desc)
        return VTOP_BAD_SPACE; /* neither half has tables */
    s->nx_mask = 0;
    s->win_pfn_mask = 0;
    s->walk_levels = VTOP_WALK_A64;
    take_half(s, first);
    return VTOP_OK;
}

vtop_status vtop_a64_set_root(vtop_space *s, uint64_t ttbr)
{
    unsigned half = s->desc->a64_upper ? 1u : 0u;
    vtop_status st = init_half(s, half, ttbr);
    if (st != VTOP_OK || !s->half[half].desc)
        return VTOP_BAD_SPACE;
    if (half)
        s->cfg.ttbr1 = ttbr;
    else
        s->cfg.ttbr0 = ttbr;
    take_half(s, &s->half[half]);
    return VTOP_OK;
}

const vtop_mode_desc *vtop_space_desc_of(const vtop_space *space, uint64_t va)
{
    if (!space || !space->desc)
        return NULL;
    if (!vtop_mode_is_a64(space->desc))
        return space->desc;
    return space->half[(va >> 55) & 1].desc;
}

vtop_status vtop_space_half_view(const vtop_space *space, unsigned half,
                                 vtop_space *view)
{
    if (!space || !space->desc || !view || half > 1)
        return VTOP_BAD_ARGUMENT;
    if (!vtop_mode_is_a64(space->desc)) {
        if (half)
            return VTOP_BAD_SPACE;
        *view = *space;
        return VTOP_OK;
    }
    const vtop_space_half *h = &space->half[half];
    if (!h->desc || !h->a64.enabled)
        return VTOP_BAD_SPACE;
    *view = *space;
    take_half(view, h);
    return VTOP_OK;
}
