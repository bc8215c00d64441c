/* vtop core: the page walker (one loop for every mode, STYLE.md rule 1).
 *
 * Per level, as the hardware does (SDM Vol. 3A 4.3-4.5, 4.7): read the entry,
 * stop on P=0 (or classify a Windows software PTE), stop on a set reserved
 * bit, accumulate the access rights (4.6), then either map the page (a leaf)
 * or descend to the table the entry points to. Every mode difference is in
 * the space's per-level data (vtop_space_level, derived by vtop_space_init
 * from the mode descriptor), so the loop has no per-mode code; entries are
 * decoded by core/entry.h, the decoder every walk-like module shares.
 */
#include "entry.h"
#include "paging.h"

/* The run the previous entry came from: an entry at pa is inside it when
 * pa - phys < span (span = run length - entry size + 1, 0 if shorter). */
typedef struct walk_window {
    uint64_t phys, span;
    const uint8_t *data;
} walk_window;

/* Slow path: the entry is outside the current run. NULL when it is not
 * entirely inside any run of the image. A page-source run's window is one
 * page: its cached bytes first (one hash and load), else the physmem. */
__attribute__((cold)) static const uint8_t *
window_move(const vtop_space *s, walk_window *w, uint64_t pa, unsigned esize)
{
    const uint8_t *cached = vtop_physmem_cached(&s->mem, pa);
    vtop_window win = {pa & ~(uint64_t)(VTOP_PAGE_SIZE - 1), VTOP_PAGE_SIZE, cached};
    if (!cached && vtop_physmem_window(&s->mem, pa, &win) != VTOP_OK)
        return NULL;
    /* A direct run is one window; a source run's window is one page. */
    w->phys = win.phys;
    w->span = win.len >= esize ? win.len - esize + 1 : 0;
    w->data = win.data;
    uint64_t off = pa - w->phys;
    return off < w->span ? w->data + off : NULL;
}

static vtop_status walk_stop(vtop_translation *out, unsigned l,
                             vtop_status status)
{
    out->fault_level = (int8_t)l;
    out->status = status;
    return status;
}

static vtop_status walk_done(vtop_translation *out, uint64_t base,
                             uint64_t size, unsigned rights)
{
    out->page_size = size;
    out->pa = base | (out->va & (size - 1));
    out->rights = (uint8_t)rights;
    out->status = VTOP_OK;
    return VTOP_OK;
}

/* P=0 at level l. With windows_pte, a transition entry keeps the walk going
 * (its frame is still in RAM: a table at an upper level, the page at the
 * last); the other kinds stop it (Volatility 3 WindowsIntel32e). Returns VTOP_OK
 * with *next set when the walk goes on. */
static vtop_status walk_not_present(const vtop_space *s, vtop_translation *out,
                                    unsigned l, uint64_t e, uint64_t *next)
{
    if (!s->cfg.windows_pte)
        return walk_stop(out, l, VTOP_NOT_PRESENT);
    out->swpte = vtop_entry_swpte(s, e);
    if (out->swpte != VTOP_SWPTE_TRANSITION)
        return walk_stop(out, l, VTOP_SOFTWARE_PTE);
    *next = vtop_entry_transition_base(s, e);
    return VTOP_OK;
}

static void record_start(vtop_translation *out, uint64_t va)
{
    out->va = va;
    out->pa = 0;
    out->page_size = 0;
    out->nlevels = 0;
    out->fault_level = -1;
    out->reserved_bits = 0;
    out->swpte = VTOP_SWPTE_NONE;
    out->rights = 0;
    out->leaf_flags = 0;
}

/* Level l's entry at pa is not (entirely) in the image: the record still
 * says where it is (GetVirtualTranslationPhysicalOffsets' last offset). */
__attribute__((cold)) static vtop_status
walk_not_in_image(vtop_translation *out, unsigned l, uint64_t pa)
{
    out->levels[l].entry_pa = pa;
    out->levels[l].level = (uint8_t)l;
    out->levels[l].entry = 0;
    out->nlevels = (uint8_t)l;
    return walk_stop(out, l, VTOP_TABLE_NOT_IN_IMAGE);
}

/* A present entry that failed stop_mask, or P=0: why, and whether the walk
 * goes on (a Windows transition table). Returns VTOP_OK to go on. */
__attribute__((cold)) static vtop_status
walk_slow(const vtop_space *s, vtop_translation *out, unsigned l, uint64_t e,
          uint64_t *table)
{
    if (!(e & PTE_P))
        return walk_not_present(s, out, l, e, table);
    out->reserved_bits = e & s->level[l].reserved[0];
    return walk_stop(out, l, VTOP_RESERVED_BIT);
}

/* The leaf at level l: reserved bits of the leaf form, frame, attributes. */
static vtop_status walk_leaf(const vtop_space *s, vtop_translation *out,
                             unsigned l, uint64_t e, uint64_t and_acc,
                             uint64_t or_acc)
{
    const vtop_space_level *f = &s->level[l];
    uint64_t rsvd = e & f->reserved[1];
    if (rsvd) {
        out->reserved_bits = rsvd;
        return walk_stop(out, l, VTOP_RESERVED_BIT);
    }
    out->leaf_flags = (uint8_t)vtop_level_leaf_flags(f, e);
    return walk_done(out, vtop_level_leaf_base(f, e), f->page_size,
                     vtop_rights_of(s, and_acc & (e | f->fill), or_acc | e));
}

/* The leaf without the record's extras (rights, flags): reserved bits of
 * the leaf form, then pa and page_size. */
static vtop_status walk_leaf_pa(const vtop_space *s, vtop_translation *out,
                                unsigned l, uint64_t e)
{
    const vtop_space_level *f = &s->level[l];
    uint64_t rsvd = e & f->reserved[1];
    if (rsvd) {
        out->reserved_bits = rsvd;
        return walk_stop(out, l, VTOP_RESERVED_BIT);
    }
    out->page_size = f->page_size;
    out->pa = vtop_level_leaf_base(f, e) | (out->va & (f->page_size - 1));
    out->status = VTOP_OK;
    return VTOP_OK;
}

/* The loop, instantiated per entry size and level count (compile-time
 * constants: the entry load is one mov, and the unrolled levels give every
 * level its own branch sites, which the branch predictor needs to keep
 * several walks in flight): the only mode dispatch, made once per walk from
 * the descriptor; the source is one loop for every mode. Per level: entry
 * address, window check, load, record (rec), one test for
 * P=0-or-reserved, one for a leaf. The window (the run the last entry came
 * from) lives in registers; leaving it is the slow path (a binary search
 * over the runs). Profiled: instruction-bound, the entry load is the one
 * hot spot. */
static inline __attribute__((always_inline)) vtop_status
walk_loop(const vtop_space *s, uint64_t va, vtop_translation *out,
          const unsigned esize, const unsigned levels, const bool rec)
{
    /* Index geometry from the two constants: every level indexes the next
     * 9 (8-byte entries) or 10 (4-byte entries) VA bits above bit 12
     * (SDM 4.3-4.5; the descriptors in paging.c say the same, and
     * tests/unit/paging_test.c checks it). The PAE PDPT's 2-bit index needs
     * no own mask: the VA was checked to be below 2^32. */
    const unsigned bits = esize == 8 ? 9 : 10;
    const uint64_t idx_mask = (1u << bits) - 1;
    uint64_t wphys = s->root_win_phys, wspan = s->root_win_span;
    const uint8_t *wdata = s->root_win_data;
    uint64_t table = s->root, and_acc = ~0ull, or_acc = 0;
    const vtop_space_level *f = s->level;
    vtop_level_read *r = out->levels;
#pragma GCC unroll 5
    for (unsigned l = 0; l < levels; l++, f++, r++) {
        const bool last = l + 1 == levels;
        uint64_t pa = table + ((va >> (12 + bits * (levels - 1 - l))) & idx_mask) * esize;
        uint64_t off = pa - wphys;
        if (rec) {
            r->entry_pa = pa;
            r->level = (uint8_t)l;
        }
        if (__builtin_expect(off >= wspan, 0)) {
            walk_window w = {wphys, wspan, NULL};
            if (!window_move(s, &w, pa, esize))
                return walk_not_in_image(out, l, pa);
            wphys = w.phys;
            wspan = w.span;
            wdata = w.data;
            off = pa - wphys;
        }
        const uint8_t *p = wdata + off;
        uint64_t e = esize == 8 ? vtop_load_le64(p) : vtop_load_le32(p);
        if (rec)
            r->entry = e;
        if (__builtin_expect(((e ^ PTE_P) & f->stop_mask) != 0, 0)) {
            out->nlevels = (uint8_t)(l + 1);
            uint64_t next = 0; /* table's own address must not escape */
            vtop_status st = walk_slow(s, out, l, e, &next);
            if (st != VTOP_OK)
                return st;
            if (last) { /* transition page: W from the entry only */
                and_acc &= (e & PTE_RW) | ~PTE_RW;
                return walk_done(out, next, 4096, vtop_rights_of(s, and_acc, or_acc));
            }
            table = next;
            continue;
        }
        if (last || (e & f->ps_mask)) { /* vtop_level_is_leaf, `last` constant */
            out->nlevels = (uint8_t)(l + 1);
            if (!rec)
                return walk_leaf_pa(s, out, l, e);
            return walk_leaf(s, out, l, e, and_acc, or_acc);
        }
        if (rec) {
            and_acc &= e | f->fill;
            or_acc |= e;
        }
        table = e & s->addr_mask;
    }
    return walk_stop(out, levels - 1, VTOP_BAD_SPACE); /* not reached */
}

/* Checks shared by both entry points; VTOP_OK when the walk may start. */
static inline __attribute__((always_inline)) vtop_status
walk_begin(const vtop_space *s, uint64_t va, vtop_translation *out)
{
    if (!s || !s->desc) {
        out->status = VTOP_BAD_ARGUMENT;
        return VTOP_BAD_ARGUMENT;
    }
    if (!vtop_va_valid(s->desc, va)) {
        out->status = s->desc->sign_extended ? VTOP_NON_CANONICAL : VTOP_ADDRESS_WIDTH;
        return out->status;
    }
    return VTOP_OK;
}

/* The mode dispatch (from the descriptor), with or without the record. */
static inline __attribute__((always_inline)) vtop_status
walk_dispatch(const vtop_space *s, uint64_t va, vtop_translation *out,
              const bool rec)
{
    switch (s->desc->levels) {
    case 0: /* paging disabled: linear = physical */
        return walk_done(out, va & ~0xfffull, 4096, VTOP_RIGHTS_ALL);
    case 5:
        return walk_loop(s, va, out, 8, 5, rec);
    case 4:
        return walk_loop(s, va, out, 8, 4, rec);
    case 3:
        return walk_loop(s, va, out, 8, 3, rec);
    default: /* 2: 32-bit paging, 4-byte entries */
        return walk_loop(s, va, out, 4, 2, rec);
    }
}

vtop_status vtop_translate(const vtop_space *s, uint64_t va,
                           vtop_translation *out)
{
    if (!out)
        return VTOP_BAD_ARGUMENT;
    record_start(out, va);
    vtop_status st = walk_begin(s, va, out);
    if (st != VTOP_OK)
        return st;
    return walk_dispatch(s, va, out, true);
}

vtop_status vtop_translate_pa(const vtop_space *s, uint64_t va, uint64_t *pa,
                              uint64_t *page_size)
{
    vtop_translation t; /* scratch: only va, status, pa, page_size matter */
    t.va = va;
    vtop_status st = walk_begin(s, va, &t);
    if (st == VTOP_OK)
        st = walk_dispatch(s, va, &t, false);
    if (st == VTOP_OK) {
        if (pa)
            *pa = t.pa;
        if (page_size)
            *page_size = t.page_size;
    }
    return st;
}
