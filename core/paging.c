/* vtop core: paging modes and address-space set-up.
 *
 * The mode is data (STYLE.md rule 2): one descriptor per mode, and
 * vtop_space_init turns a descriptor plus MAXPHYADDR/NXE/masks into the
 * per-level masks the walker applies (core/entry.h, core/walk.c).
 */
#include "paging.h"
#include "paging_a64.h"

#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

/* QEMU 7.2 target/i386/monitor.c: tlb_info_32 / mem_info_32 use cr3 and
 * entries & ~0xfff, tlb_info_pae32 cr3 & ~0x1f, tlb_info_la48/la57
 * cr3 & 0x3fffffffff000 and the same mask for every entry (bits 12..49). */
#define QEMU_32 {0xFFFFF000ull, 0xFFFFF000ull, 0}
#define QEMU_PAE {~0x1Full, 0x3fffffffff000ull, 0}
#define QEMU_LA48 {0x3fffffffff000ull, 0x3fffffffff000ull, 0}
/* mem_info_la57 in QEMU 7.2 tests `!(pdpe & PG_PRESENT_MASK)` and
 * `!(pde & ...)` the wrong way round: levels 2 (PDPTE) and 3 (PDE). */
#define QEMU_LA57 {0x3fffffffff000ull, 0x3fffffffff000ull, (1u << 2) | (1u << 3)}

/* Levels, top first (SDM Vol. 3A 4.3: 32-bit, 10/10 bits, 4-byte entries;
 * 4.4: PAE, 2/9/9; 4.5: 4-level 9x4, 5-level 9x5, 8-byte entries). */
#define L_PML5 {"PML5E", 48, 9, false, false, false, PTE_PS}
#define L_PML4 {"PML4E", 39, 9, false, false, false, PTE_PS}
#define L_PDPT_LONG {"PDPTE", 30, 9, true, false, false, 0}
#define L_PD {"PDE", 21, 9, true, false, false, 0}
#define L_PT {"PTE", 12, 9, false, false, false, 0}
/* The PAE PDPTE rule, written once: no R/W, U/S or NX; bits 2:1 and
 * 63:MAXPHYADDR reserved (SDM table 4-8). The table also reserves 8:5,
 * but QEMU's TCG walker sets the A bit (5) in PDPTEs and checks only
 * 63:M/NX, so every PAE image from QEMU carries it (real i386 PAE guests,
 * seen in the truth tests); a real CPU never sets 5..8. */
#define L_PDPT_PAE {"PDPTE", 30, 2, false, true, false, (3ull << 1)}

static const vtop_mode_desc mode_descs[VTOP_MODE_COUNT] = {
    [VTOP_MODE_NONE] = {
        .mode = VTOP_MODE_NONE, .name = "none",
        .reason = "CR0.PG=0: paging disabled", .va_bits = 32, .cr3_bits = 32,
    },
    [VTOP_MODE_32BIT] = {
        .mode = VTOP_MODE_32BIT, .scan_as = VTOP_MODE_32BIT_PSE, .name = "32bit",
        .reason = "CR0.PG=1, CR4.PAE=0, CR4.PSE=0: 32-bit, 4K pages only",
        .levels = 2, .entry_size = 4, .va_bits = 32, .root_low = 12,
        .cr3_bits = 32, .qemu = QEMU_32,
        .level = {{"PDE", 22, 10, false, false, false, 0},
                  {"PTE", 12, 10, false, false, false, 0}},
    },
    [VTOP_MODE_32BIT_PSE] = {
        .mode = VTOP_MODE_32BIT_PSE, .scan_as = VTOP_MODE_32BIT_PSE, .name = "32bit-pse",
        .reason = "CR0.PG=1, CR4.PAE=0, CR4.PSE=1: 32-bit with 4M pages",
        .levels = 2, .entry_size = 4, .va_bits = 32, .root_low = 12,
        .cr3_bits = 32, .qemu = QEMU_32,
        .level = {{"PDE", 22, 10, true, false, true, 0},
                  {"PTE", 12, 10, false, false, false, 0}},
    },
    [VTOP_MODE_PAE] = {
        .mode = VTOP_MODE_PAE, .scan_as = VTOP_MODE_PAE, .name = "pae",
        .reason = "CR0.PG=1, CR4.PAE=1, not long mode: PAE",
        .levels = 3, .entry_size = 8, .va_bits = 32, .has_nx = true,
        .rsvd_top = 62, .root_low = 5, .cr3_bits = 32, .qemu = QEMU_PAE,
        .level = {L_PDPT_PAE, L_PD, L_PT},
    },
    [VTOP_MODE_4LEVEL] = {
        .mode = VTOP_MODE_4LEVEL, .scan_as = VTOP_MODE_4LEVEL, .name = "4level",
        .reason = "CR0.PG=1, CR4.PAE=1, long mode, CR4.LA57=0: 4-level",
        .levels = 4, .entry_size = 8, .va_bits = 48, .sign_extended = true,
        .has_nx = true, .rsvd_top = 51, .root_low = 12, .qemu = QEMU_LA48,
        .level = {L_PML4, L_PDPT_LONG, L_PD, L_PT},
    },
    [VTOP_MODE_5LEVEL] = {
        .mode = VTOP_MODE_5LEVEL, .scan_as = VTOP_MODE_5LEVEL, .name = "5level",
        .reason = "CR0.PG=1, CR4.PAE=1, long mode, CR4.LA57=1: 5-level",
        .levels = 5, .entry_size = 8, .va_bits = 57, .sign_extended = true,
        .has_nx = true, .rsvd_top = 51, .root_low = 12, .qemu = QEMU_LA57,
        .level = {L_PML5, L_PML4, L_PDPT_LONG, L_PD, L_PT},
    },
    /* Name and reason only: the geometry is per granule, input size and
     * half (core/paging_a64.c); vtop_mode_describe gives the 4K 48-bit one. */
    [VTOP_MODE_AARCH64] = {
        .mode = VTOP_MODE_AARCH64, .name = "aarch64",
        .reason = "AArch64 stage 1: TCR and TTBR0/TTBR1", .va_bits = 48,
        .a64_granule = 12,
    },
};

const vtop_mode_desc *vtop_mode_describe(vtop_mode mode)
{
    if (mode <= VTOP_MODE_NONE || mode >= VTOP_MODE_COUNT)
        return NULL;
    if (mode == VTOP_MODE_AARCH64)
        return &vtop_a64_default_desc;
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
    if (!name || !out)
        return VTOP_BAD_ARGUMENT;
    for (unsigned m = 0; m < VTOP_MODE_COUNT; m++) {
        if (str_eq(name, mode_descs[m].name)) {
            *out = mode_descs[m].mode;
            return VTOP_OK;
        }
    }
    if (str_eq(name, "pse")) { /* Linux's and QEMU's short name */
        *out = VTOP_MODE_32BIT_PSE;
        return VTOP_OK;
    }
    if (str_eq(name, "arm64")) { /* Linux's and Debian's name */
        *out = VTOP_MODE_AARCH64;
        return VTOP_OK;
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

const char *vtop_mode_reason(vtop_mode mode)
{
    if (mode < VTOP_MODE_NONE || mode >= VTOP_MODE_COUNT)
        return "?";
    return mode_descs[mode].reason;
}

/* PSE-36: a 4M PDE's bits 13..(M'-20) are PA bits 32..M'-1, where
 * M' = min(MAXPHYADDR, 40) (SDM Vol. 3A 4.3, table 4-4). */
static uint64_t pse36_bits(unsigned m)
{
    unsigned mp = m < 40 ? m : 40;
    return (0xffull >> (40u - mp)) << 13; /* 0..8 bits for M in 32..52 */
}

/* Reserved bits of an entry at level l, pointing to a table (large=0) or
 * mapping a leaf (large=1; the last level's 4K leaf uses large=1 too), from
 * the level's template (SDM Vol. 3A tables 4-6 (32-bit), 4-8..4-11 (PAE),
 * 4-14..4-20 (4/5-level)): the fixed bits, the address bits from
 * MAXPHYADDR up (to bit 63 where the entry has no NX), NX without NXE, and
 * in a large leaf the low address bits 13..shift-1 (minus PSE-36's). */
static uint64_t reserved_mask(const vtop_mode_desc *d, unsigned l, bool large,
                              unsigned m, bool nxe)
{
    const vtop_level_desc *ld = &d->level[l];
    uint64_t r = ld->rsvd_fixed;
    unsigned top = ld->no_rights ? 63u : d->rsvd_top;
    if (top && m <= top)
        r |= BITS(top, m);
    if (d->has_nx && !nxe)
        r |= PTE_NX;
    if (large && ld->leaf_allowed && l + 1u != d->levels)
        r |= BITS(ld->shift - 1, 13) & ~(ld->pse36 ? pse36_bits(m) : 0);
    return r;
}

/* Level l's masks: the entry's byte offset in its table is
 * (va >> (shift - log2(entry_size))) & ((entries - 1) * size). */
static void init_level(vtop_space *s, unsigned l, unsigned m)
{
    const vtop_mode_desc *d = s->desc;
    const vtop_level_desc *ld = &d->level[l];
    unsigned lg = d->entry_size == 8 ? 3 : 2;
    vtop_space_level *f = &s->level[l];
    f->last = l + 1u == d->levels;
    for (unsigned k = 0; k < 2; k++)
        f->reserved[k] = reserved_mask(d, l, k == 1 || f->last, m, s->cfg.nxe) &
                         ~s->cfg.pa_extra_mask;
    f->ps_mask = ld->leaf_allowed ? PTE_PS : 0;
    f->fill = ld->no_rights ? (PTE_RW | PTE_US) : 0;
    f->leaf_mask = s->addr_mask & ~((1ull << ld->shift) - 1);
    f->pse36_mask = ld->pse36 ? pse36_bits(m) : 0;
    f->page_size = 1ull << ld->shift;
    f->off_shift = (uint8_t)(ld->shift - lg);
    f->off_mask = (uint16_t)((((1u << ld->index_bits) - 1) << lg));
    f->stop_mask = f->reserved[0] | PTE_P;
    f->pat_shift = f->last ? 4 : 9;
    f->hi_shift = 19;
    f->expect = PTE_P;
    f->table_mask = s->addr_mask;
}

static void init_levels(vtop_space *s, unsigned m)
{
    const vtop_mode_desc *d = s->desc;
    /* Windows transition PFN: bits 12..min(M,45)-1, in the entry's width. */
    unsigned wm = d->entry_size == 4 ? 32u : (m < 45 ? m : 45);
    s->win_pfn_mask = d->levels ? BITS(wm - 1, 12) & ~s->cfg.pa_extra_mask : 0;
    for (unsigned l = 0; l < VTOP_MAX_LEVELS; l++) {
        s->level[l] = (vtop_space_level){.last = 0};
        if (l < d->levels)
            init_level(s, l, m);
    }
}

/* Root per mode (SDM 4.3, 4.4.1, 4.5.2): CR3 bits (width-1):root_low, the
 * width being 32 outside IA-32e mode (PAE: bits 31:5, a 32-byte aligned
 * PDPT) and MAXPHYADDR in it (PCID and PWT/PCD in 11:0, bit 63 no-flush
 * and LAM bits dropped). */
static uint64_t root_of(const vtop_mode_desc *d, const vtop_space_config *cfg,
                        unsigned m)
{
    if (!d->levels)
        return 0;
    if (vtop_mode_is_a64(d)) /* TTBR BADDR 47:1 (the table size needs TCR) */
        return cfg->cr3 & BITS(47, 1);
    unsigned width = d->cr3_bits ? d->cr3_bits : m;
    return cfg->cr3 & BITS(width - 1, d->root_low) & ~cfg->pa_extra_mask;
}

/* CR3 is a 32-bit register outside IA-32e mode. */
static bool cr3_too_wide(const vtop_mode_desc *d, uint64_t cr3)
{
    return d->cr3_bits && (cr3 >> d->cr3_bits);
}

uint64_t vtop_mode_root(vtop_mode mode, uint64_t cr3, unsigned maxphyaddr)
{
    const vtop_mode_desc *d = vtop_mode_describe(mode);
    unsigned m = maxphyaddr ? maxphyaddr : 52;
    if (!d || m < 32 || m > 52)
        return 0;
    vtop_space_config cfg = {.mode = mode, .cr3 = cr3};
    return root_of(d, &cfg, m);
}

static void init_root_window(vtop_space *space)
{
    const vtop_physmem *mem = &space->mem;
    ptrdiff_t run = vtop_physmem_find(mem, space->root);
    space->root_run = run < 0 ? 0 : (size_t)run;
    space->root_win_phys = space->root_win_span = 0;
    space->root_win_data = NULL;
    if (run >= 0 && mem->runs[run].data &&
        mem->runs[run].len >= space->desc->entry_size) {
        space->root_win_phys = mem->runs[run].phys;
        space->root_win_span = mem->runs[run].len - space->desc->entry_size + 1;
        space->root_win_data = mem->runs[run].data;
    }
}

vtop_status vtop_space_init(vtop_space *space, const vtop_space_config *cfg,
                            const vtop_physmem *mem)
{
    if (!space || !cfg || !mem || (mem->count && !mem->runs))
        return VTOP_BAD_ARGUMENT;
    if (cfg->mode < VTOP_MODE_NONE || cfg->mode >= VTOP_MODE_COUNT)
        return VTOP_BAD_SPACE;
    /* SDM Vol. 3A 4.1.4: MAXPHYADDR is at most 52; 32 on a CPU without
     * PAE or PSE-36 (36 when CPUID leaf 80000008H is absent but PAE is
     * there). */
    unsigned m = cfg->maxphyaddr ? cfg->maxphyaddr : 52;
    if (m < 32 || m > 52)
        return VTOP_BAD_SPACE;
    const vtop_mode_desc *d = vtop_mode_describe(cfg->mode);
    if (!d)
        d = &mode_descs[VTOP_MODE_NONE];
    if (cr3_too_wide(d, cfg->cr3))
        return VTOP_BAD_SPACE;
    space->cfg = *cfg;
    space->cfg.maxphyaddr = (uint8_t)m;
    space->desc = d;
    space->mem = *mem;
    space->half[0] = space->half[1] = (vtop_space_half){.desc = NULL};
    if (vtop_mode_is_a64(d))
        return vtop_a64_space_init(space);
    space->nx_mask = (cfg->nxe && d->has_nx) ? PTE_NX : 0;
    /* Frame/table address bits: M-1:12, within the entry's width (31:12
     * with 4-byte entries). */
    unsigned top = d->entry_size == 4 ? 32u : m;
    space->addr_mask = BITS(top - 1, 12) & ~cfg->pa_extra_mask;
    space->root = root_of(d, cfg, m);
    init_levels(space, m);
    init_root_window(space);
    return VTOP_OK;
}

vtop_status vtop_space_set_root(vtop_space *space, uint64_t cr3)
{
    if (!space || !space->desc)
        return VTOP_BAD_ARGUMENT;
    if (vtop_mode_is_a64(space->desc))
        return vtop_a64_set_root(space, cr3);
    if (cr3_too_wide(space->desc, cr3))
        return VTOP_BAD_SPACE;
    space->cfg.cr3 = cr3;
    space->root = root_of(space->desc, &space->cfg, space->cfg.maxphyaddr);
    init_root_window(space);
    return VTOP_OK;
}
