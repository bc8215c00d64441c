/* vtop core: paging modes and address-space set-up.
 *
 * The mode is data (STYLE.md rule 2): one descriptor per mode, and
 * vtop_space_init turns a descriptor plus MAXPHYADDR/NXE/masks into the
 * per-level masks the walker applies (core/entry.h, core/walk.c).
 */
#include "paging.h"

#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

/* SDM Vol. 3A 4.3 (32-bit: 10/10 bits, 4-byte entries), 4.4 (PAE: 2/9/9),
 * 4.5 (4-level 9x4, 5-level 9x5, 8-byte entries). */
static const vtop_mode_desc mode_descs[VTOP_MODE_COUNT] = {
    [VTOP_MODE_NONE] = {VTOP_MODE_NONE, "none", 0, 0, 32, false, {{0}}},
    [VTOP_MODE_32BIT] = {VTOP_MODE_32BIT, "32bit", 2, 4, 32, false,
                         {{"PDE", 22, 10, false}, {"PTE", 12, 10, false}}},
    [VTOP_MODE_32BIT_PSE] = {VTOP_MODE_32BIT_PSE, "32bit-pse", 2, 4, 32, false,
                             {{"PDE", 22, 10, true}, {"PTE", 12, 10, false}}},
    [VTOP_MODE_PAE] = {VTOP_MODE_PAE, "pae", 3, 8, 32, false,
                       {{"PDPTE", 30, 2, false},
                        {"PDE", 21, 9, true},
                        {"PTE", 12, 9, false}}},
    [VTOP_MODE_4LEVEL] = {VTOP_MODE_4LEVEL, "4level", 4, 8, 48, true,
                          {{"PML4E", 39, 9, false},
                           {"PDPTE", 30, 9, true},
                           {"PDE", 21, 9, true},
                           {"PTE", 12, 9, false}}},
    [VTOP_MODE_5LEVEL] = {VTOP_MODE_5LEVEL, "5level", 5, 8, 57, true,
                          {{"PML5E", 48, 9, false},
                           {"PML4E", 39, 9, false},
                           {"PDPTE", 30, 9, true},
                           {"PDE", 21, 9, true},
                           {"PTE", 12, 9, false}}},
};

const vtop_mode_desc *vtop_mode_describe(vtop_mode mode)
{
    if (mode <= VTOP_MODE_NONE || mode >= VTOP_MODE_COUNT)
        return NULL;
    return &mode_descs[mode];
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

vtop_status vtop_mode_parse(const char *name, vtop_mode *out)
{
    static const struct {
        const char *name;
        vtop_mode mode;
    } names[] = {
        {"none", VTOP_MODE_NONE},     {"32bit", VTOP_MODE_32BIT},
        {"32bit-pse", VTOP_MODE_32BIT_PSE}, {"pse", VTOP_MODE_32BIT_PSE},
        {"pae", VTOP_MODE_PAE},       {"4level", VTOP_MODE_4LEVEL},
        {"5level", VTOP_MODE_5LEVEL},
    };
    if (!name || !out)
        return VTOP_BAD_ARGUMENT;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (str_eq(name, names[i].name)) {
            *out = names[i].mode;
            return VTOP_OK;
        }
    }
    return VTOP_BAD_ARGUMENT;
}

vtop_mode vtop_mode_from_registers(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
    /* SDM Vol. 3A 4.1.1 and table 4-1. With PG set, LME means IA-32e mode
     * (the CPU sets LMA when PG is set with LME). */
    if (!(cr0 & CR0_PG))
        return VTOP_MODE_NONE;
    if (!(cr4 & CR4_PAE))
        return (cr4 & CR4_PSE) ? VTOP_MODE_32BIT_PSE : VTOP_MODE_32BIT;
    if (efer & (EFER_LMA | EFER_LME))
        return (cr4 & CR4_LA57) ? VTOP_MODE_5LEVEL : VTOP_MODE_4LEVEL;
    return VTOP_MODE_PAE;
}

uint64_t vtop_canonical(const vtop_mode_desc *desc, uint64_t va)
{
    if (!desc || desc->va_bits == 0 || desc->va_bits >= 64)
        return va;
    unsigned unused = 64u - desc->va_bits;
    if (desc->sign_extended)
        return (uint64_t)((int64_t)(va << unused) >> unused);
    return va & (~0ull >> unused);
}

/* PSE-36: a 4M PDE's bits 13..(M'-20) are PA bits 32..M'-1, where
 * M' = min(MAXPHYADDR, 40) (SDM Vol. 3A 4.3, table 4-4). */
static uint64_t pse36_bits(unsigned m)
{
    unsigned mp = m < 40 ? m : 40;
    return (0xffull >> (40u - mp)) << 13; /* 4..8 bits for M in 36..52 */
}

/* Reserved bits of an entry at level l, pointing to a table (large=0) or
 * mapping a large page (large=1); the last level uses large=1 for its 4K
 * leaf as well. SDM Vol. 3A tables 4-6 (32-bit), 4-8..4-11 (PAE),
 * 4-15..4-20 (4/5-level). */
static uint64_t reserved_mask(const vtop_mode_desc *d, unsigned l, bool large,
                              unsigned m, bool nxe)
{
    bool last = l + 1u == d->levels;
    uint64_t nx = nxe ? 0 : PTE_NX;
    switch (d->mode) {
    case VTOP_MODE_32BIT_PSE:
        /* 4M PDE: bit 21 reserved, and PDE bits 13..20 not used by PSE-36
         * for PA bits 32..M-1. */
        if (l == 0 && large)
            return BITS(21, 21) | (BITS(20, 13) & ~pse36_bits(m));
        return 0;
    case VTOP_MODE_PAE:
        /* PDPTE: 2:1 and 63:M (no NX here). SDM table 4-8 also reserves
         * 8:5, but QEMU's TCG walker sets the A bit (5) in PDPTEs and
         * checks only 63:M/NX, so every PAE image from QEMU carries it
         * (tests/truth finding F1); a real CPU never sets 5..8. */
        if (l == 0)
            return BITS(2, 1) | BITS(63, m);
        return BITS(62, m) | nx | (large && !last ? BITS(20, 13) : 0);
    case VTOP_MODE_4LEVEL:
    case VTOP_MODE_5LEVEL: {
        uint64_t r = (m < 52 ? BITS(51, m) : 0) | nx;
        if (!d->level[l].leaf_allowed && !last)
            return r | PTE_PS; /* PS must be 0 in a PML4E/PML5E */
        if (large && !last)
            r |= BITS(d->level[l].shift - 1, 13); /* 1G: 29:13, 2M: 20:13 */
        return r;
    }
    default:
        return 0;
    }
}

/* The walk loop's copy of level l (vtop_level_fast): the entry's byte
 * offset is (va >> (shift - log2(entry_size))) & ((entries - 1) * size). */
static void init_fast(vtop_space *s, unsigned l)
{
    const vtop_mode_desc *d = s->desc;
    const vtop_level_desc *ld = &d->level[l];
    unsigned lg = d->entry_size == 8 ? 3 : 2;
    vtop_level_fast *f = &s->fast[l];
    f->reserved[0] = s->reserved[l][0];
    f->reserved[1] = s->reserved[l][1];
    f->ps_mask = ld->leaf_allowed ? PTE_PS : 0;
    f->fill = s->rights_fill[l];
    f->leaf_mask = s->leaf_mask[l];
    f->pse36_mask = s->pse36_mask[l];
    f->page_size = 1ull << ld->shift;
    f->off_shift = (uint8_t)(ld->shift - lg);
    f->off_mask = (uint16_t)((((1u << ld->index_bits) - 1) << lg));
    f->last = l + 1u == d->levels;
    f->stop_mask = f->reserved[0] | PTE_P;
    f->pat_shift = f->last ? 4 : 9;
}

static void init_levels(vtop_space *s, unsigned m)
{
    const vtop_mode_desc *d = s->desc;
    /* Windows transition PFN: bits 12..min(M,45)-1, in the entry's width. */
    unsigned wm = m < 45 ? m : 45;
    if (d->entry_size == 4)
        wm = 32;
    s->win_pfn_mask = BITS(wm - 1, 12) & ~s->cfg.pa_extra_mask;
    for (unsigned l = 0; l < VTOP_MAX_LEVELS; l++) {
        s->fast[l] = (vtop_level_fast){{0, 0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        s->reserved[l][0] = s->reserved[l][1] = 0;
        s->leaf_mask[l] = s->pse36_mask[l] = s->rights_fill[l] = 0;
        if (l >= d->levels)
            continue;
        bool last = l + 1u == d->levels;
        for (unsigned k = 0; k < 2; k++)
            s->reserved[l][k] = reserved_mask(d, l, k == 1 || last, m,
                                              s->cfg.nxe) &
                                ~s->cfg.pa_extra_mask;
        s->leaf_mask[l] = s->addr_mask & ~(((uint64_t)1 << d->level[l].shift) - 1);
        if (d->mode == VTOP_MODE_32BIT_PSE && l == 0)
            s->pse36_mask[l] = pse36_bits(m);
        if (d->mode == VTOP_MODE_PAE && l == 0)
            s->rights_fill[l] = PTE_RW | PTE_US;
        init_fast(s, l);
    }
}

vtop_status vtop_space_init(vtop_space *space, const vtop_space_config *cfg,
                            const vtop_physmem *mem)
{
    if (!space || !cfg || !mem || (mem->count && !mem->runs))
        return VTOP_BAD_ARGUMENT;
    if (cfg->mode < VTOP_MODE_NONE || cfg->mode >= VTOP_MODE_COUNT)
        return VTOP_BAD_SPACE;
    unsigned m = cfg->maxphyaddr ? cfg->maxphyaddr : 52;
    if (m < 36 || m > 52)
        return VTOP_BAD_SPACE;
    const vtop_mode_desc *d = &mode_descs[cfg->mode];
    /* CR3 is a 32-bit register outside IA-32e mode. */
    if (!d->sign_extended && (cfg->cr3 >> 32))
        return VTOP_BAD_SPACE;
    space->cfg = *cfg;
    space->cfg.maxphyaddr = (uint8_t)m;
    space->desc = d;
    space->mem = *mem;
    space->nx_mask = (cfg->nxe && d->entry_size == 8) ? PTE_NX : 0;
    /* Frame/table address bits: 31:12 with 4-byte entries, M-1:12 else. */
    space->addr_mask = (d->entry_size == 4 ? BITS(31, 12) : BITS(m - 1, 12)) &
                       ~cfg->pa_extra_mask;
    /* Root per mode (SDM 4.3, 4.4.1, 4.5.2): 32-bit CR3 bits 31:12; PAE
     * bits 31:5 (32-byte aligned PDPT); long mode bits M-1:12 (PCID and
     * PWT/PCD in 11:0, bit 63 no-flush and LAM bits dropped). */
    if (d->mode == VTOP_MODE_PAE)
        space->root = cfg->cr3 & BITS(31, 5);
    else if (d->levels == 0)
        space->root = 0;
    else
        space->root = cfg->cr3 & space->addr_mask;
    init_levels(space, m);
    ptrdiff_t run = vtop_physmem_find(mem, space->root);
    space->root_run = run < 0 ? 0 : (size_t)run;
    space->root_win_phys = space->root_win_span = 0;
    space->root_win_data = NULL;
    if (run >= 0 && mem->runs[run].data && mem->runs[run].len >= d->entry_size) {
        space->root_win_phys = mem->runs[run].phys;
        space->root_win_span = mem->runs[run].len - d->entry_size + 1;
        space->root_win_data = mem->runs[run].data;
    }
    return VTOP_OK;
}
