/* vtop core: one level of the page walk, shared by the walkers.
 *
 * Per level, as the hardware does (SDM Vol. 3A 4.3-4.5, 4.7): read the entry,
 * stop on P=0 (or classify a Windows software PTE), stop on a set reserved
 * bit, accumulate the access rights (4.6), then either map the page (a leaf)
 * or descend to the table the entry points to. walk_step does one level of
 * that for one walk whose state is a walk_cursor; walk.c runs it in a loop
 * (one address). batch.c walks the common case of many addresses itself,
 * level by level, with the same tests, and uses this file's window_move;
 * every other case it hands to walk.c. Every mode difference is
 * in the space's per-level data (vtop_space_level, derived by
 * vtop_space_init from the mode descriptor); entries are decoded by
 * core/entry.h, the decoder every walk-like module shares.
 *
 * Internal to core/ (walk.c, batch.c). Freestanding.
 */
#ifndef VTOP_WALK_STEP_H
#define VTOP_WALK_STEP_H

#include "entry.h"
#include "paging.h"

/* The run the previous entry came from: an entry at pa is inside it when
 * pa - phys < span (span = run length - entry size + 1, 0 if shorter). */
typedef struct walk_window {
    uint64_t phys, span;
    const uint8_t *data;
} walk_window;

/* The entry at pa, outside the current window, in the page cache (a
 * source run: kdump, flattened): w becomes that page. Inline in the walk:
 * every level of such a walk leaves the window (each table is its own
 * page), and an out-of-line call around this one hash and load cost more
 * than the lookup itself. False when the page is not cached, there is no
 * page source, or the entry does not fit in the page (then w may have
 * moved; window_search decides). */
static inline __attribute__((always_inline)) bool
window_cached(const vtop_space *s, walk_window *w, uint64_t pa, unsigned esize)
{
    const uint8_t *page = vtop_physmem_cached(&s->mem, pa);
    if (!page)
        return false;
    w->phys = pa & ~(uint64_t)(VTOP_PAGE_SIZE - 1);
    w->span = VTOP_PAGE_SIZE - esize + 1;
    w->data = page;
    return pa - w->phys < w->span;
}

/* Slow path, after window_cached: the run (direct: one window) or the page
 * (source run: fetched into the cache) holding pa, through the physmem.
 * False when the entry is not entirely inside one of them. */
__attribute__((cold)) static inline bool
window_search(const vtop_space *s, walk_window *w, uint64_t pa, unsigned esize)
{
    vtop_window win;
    if (vtop_physmem_window(&s->mem, pa, &win) != VTOP_OK)
        return false;
    w->phys = win.phys;
    w->span = win.len >= esize ? win.len - esize + 1 : 0;
    w->data = win.data;
    return pa - w->phys < w->span;
}

/* The entry is outside the current window: w becomes the window holding
 * it, the page cache first. False when it is not entirely inside any run
 * of the image. Out of line (cold) for the batch, whose unrolled group
 * would otherwise inline the lookup at every step; the one-address walk
 * inlines window_cached itself (walk_step). */
__attribute__((cold)) static inline bool
window_move(const vtop_space *s, walk_window *w, uint64_t pa, unsigned esize)
{
    return window_cached(s, w, pa, esize) || window_search(s, w, pa, esize);
}

static inline vtop_status walk_stop(vtop_translation *out, unsigned l,
                             vtop_status status)
{
    out->fault_level = (int8_t)l;
    out->status = status;
    return status;
}

static inline vtop_status walk_done(vtop_translation *out, uint64_t base,
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
static inline vtop_status walk_not_present(const vtop_space *s, vtop_translation *out,
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

static inline void record_start(vtop_translation *out, uint64_t va)
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
__attribute__((cold)) static inline vtop_status
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
__attribute__((cold)) static inline vtop_status
walk_slow(const vtop_space *s, vtop_translation *out, unsigned l, uint64_t e,
          uint64_t *table)
{
    if (!(e & PTE_P))
        return walk_not_present(s, out, l, e, table);
    out->reserved_bits = e & s->level[l].reserved[0];
    return walk_stop(out, l, VTOP_RESERVED_BIT);
}

/* The leaf at level l: reserved bits of the leaf form, frame, attributes. */
static inline vtop_status walk_leaf(const vtop_space *s, vtop_translation *out,
                             unsigned l, uint64_t e, uint64_t and_acc,
                             uint64_t or_acc)
{
    const vtop_space_level *f = &s->level[l];
    uint64_t rsvd = e & f->reserved[1];
    if (rsvd) {
        out->reserved_bits = rsvd;
        return walk_stop(out, l, VTOP_RESERVED_BIT);
    }
    out->leaf_flags = (uint16_t)vtop_level_leaf_flags(f, e);
    return walk_done(out, vtop_level_leaf_base(f, e), f->page_size,
                     vtop_rights_of(s, and_acc & (e | f->fill), or_acc | e));
}

/* The leaf without the record's extras (rights, flags): reserved bits of
 * the leaf form, then pa and page_size. */
static inline vtop_status walk_leaf_pa(const vtop_space *s, vtop_translation *out,
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

/* An AArch64 entry that failed the stop test at level l (cold): invalid
 * or wrong type, else address bits too wide (vtop_a64_stop_status). */
__attribute__((cold)) static inline vtop_status
walk_a64_stop(vtop_translation *out, unsigned l, const vtop_space_level *f,
              uint64_t e)
{
    vtop_status st = vtop_a64_stop_status(f, e);
    if (st == VTOP_ADDRESS_SIZE_FAULT)
        out->reserved_bits = e & f->reserved[0];
    return walk_stop(out, l, st);
}

/* An AArch64 leaf's own fault (cold): AF = 0 without TCR.HA, or address
 * bits (reserved_bits says which bits). */
__attribute__((cold)) static inline vtop_status
walk_a64_leaf_fault(vtop_translation *out, unsigned l, uint64_t bits)
{
    out->reserved_bits = bits;
    return walk_stop(out, l, (bits & ~VTOP_A64_AF) ? VTOP_ADDRESS_SIZE_FAULT
                                                   : VTOP_ACCESS_FLAG_FAULT);
}

/* walk_begin's answer for an AArch64 space whose VA the x86 test refused
 * (an upper-half or tagged VA): the caller takes the AArch64 walk, which
 * checks the range itself. Never stored in a record. */
#define WALK_A64_BEGIN ((vtop_status)VTOP_STATUS_COUNT)

/* Checks shared by both entry points; VTOP_OK when the walk may start.
 * The AArch64 test sits on the refused path only, so x86 walks pay
 * nothing for it (an AArch64 VA the x86 test accepts reaches the
 * dispatch, whose walk_levels sends it to the AArch64 walk). */
static inline __attribute__((always_inline)) vtop_status
walk_begin(const vtop_space *s, uint64_t va, vtop_translation *out)
{
    if (!s || !s->desc) {
        out->status = VTOP_BAD_ARGUMENT;
        return VTOP_BAD_ARGUMENT;
    }
    if (!vtop_va_valid(s->desc, va)) {
        if (vtop_mode_is_a64(s->desc))
            return WALK_A64_BEGIN;
        out->status = s->desc->sign_extended ? VTOP_NON_CANONICAL : VTOP_ADDRESS_WIDTH;
        return out->status;
    }
    return VTOP_OK;
}

/* One walk in progress: the address of the entry to read next, the
 * rights accumulated so far (AND of entry | fill, OR of the entries), and
 * the window (the run the last entry came from), which several walks may
 * share: every read checks it, so a shared window is only a better guess.
 * half: the AArch64 half being walked (its level data), NULL for x86. */
typedef struct walk_cursor {
    uint64_t pa, and_acc, or_acc;
    uint64_t va; /* the address walked: the indices come from a register,
                    not from the record the step writes */
    walk_window *win;
    const vtop_space_half *half;
} walk_cursor;

/* Compile-time walk flags: keep the record (levels, rights, flags), and
 * take the geometry and entry tests from the AArch64 half's data instead
 * of the x86 constants. One source, two instantiations. */
#define WALK_REC 1u
#define WALK_A64 2u

/* Index geometry from the level count alone: 2 levels are 32-bit paging
 * with 4-byte entries and 10 index bits, every other mode 8-byte entries
 * and 9 bits above bit 12 (SDM 4.3-4.5; the descriptors in paging.c say
 * the same, and tests/unit/paging_test.c checks it). The PAE PDPT's 2-bit
 * index needs no own mask: the VA was checked to be below 2^32. */
#define WALK_ESIZE(levels) ((levels) == 2 ? 4u : 8u)
#define WALK_BITS(levels) ((levels) == 2 ? 10u : 9u)

/* Physical address of level l's entry for va in the table at table. */
static inline __attribute__((always_inline)) uint64_t
walk_entry_pa(uint64_t table, uint64_t va, const unsigned l,
              const unsigned levels)
{
    const unsigned bits = WALK_BITS(levels);
    const uint64_t idx_mask = (1u << bits) - 1;
    return table +
           ((va >> (12 + bits * (levels - 1 - l))) & idx_mask) * WALK_ESIZE(levels);
}

/* The space's root window (the run holding the top table). */
static inline walk_window walk_root_window(const vtop_space *s)
{
    return (walk_window){s->root_win_phys, s->root_win_span, s->root_win_data};
}

/* The same from level data (AArch64: shift and index width per half). */
static inline __attribute__((always_inline)) uint64_t
walk_entry_pa_data(uint64_t table, uint64_t va, const vtop_space_level *f)
{
    return table + ((va >> f->off_shift) & f->off_mask);
}

static inline __attribute__((always_inline)) void
walk_cursor_start(const vtop_space *s, walk_cursor *k, uint64_t va,
                  walk_window *win, const unsigned levels)
{
    k->pa = walk_entry_pa(s->root, va, 0, levels);
    k->and_acc = ~0ull;
    k->or_acc = 0;
    k->va = va;
    k->win = win;
    k->half = NULL;
}

/* An AArch64 walk of half h: its root, its start level's index. */
static inline __attribute__((always_inline)) void
walk_cursor_start_a64(const vtop_space_half *h, walk_cursor *k, uint64_t va,
                      walk_window *win)
{
    k->pa = walk_entry_pa_data(h->a64.root, va, &h->level[0]);
    k->and_acc = ~0ull;
    k->or_acc = 0;
    k->va = va;
    k->win = win;
    k->half = h;
}

/* The AArch64 leaf: its fault, frame, rights and attributes (rec), or only
 * the frame. */
static inline __attribute__((always_inline)) vtop_status
walk_leaf_a64(const vtop_space *s, const walk_cursor *k, vtop_translation *out,
              unsigned l, uint64_t e, const bool rec)
{
    const vtop_space_level *f = &k->half->level[l];
    uint64_t bad = vtop_level_leaf_fault(f, e);
    if (__builtin_expect(bad != 0, 0))
        return walk_a64_leaf_fault(out, l, bad);
    uint64_t base = vtop_a64_leaf_base(f, e);
    if (!rec) {
        out->page_size = f->page_size;
        out->pa = base | (out->va & (f->page_size - 1));
        out->status = VTOP_OK;
        return VTOP_OK;
    }
    out->leaf_flags = (uint16_t)vtop_a64_leaf_flags(k->half, e);
    return walk_done(out, base, f->page_size,
                     vtop_a64_rights(s, k->half, e, k->or_acc));
}

/* walk_step's answer when the walk goes on to the next level; any other
 * value is the walk's final status (also in out->status). */
#define WALK_MORE (-1)

/* Level l of the walk of out->va. levels and rec are compile-time
 * constants at every call (the entry load is one mov, and each unrolled
 * level keeps its own branch sites, which the branch predictor needs to
 * keep several walks in flight). Per level: window check, load, record
 * (rec), one test for P=0-or-reserved, one for a leaf, then the next
 * entry's address. Leaving the window is the slow path (a binary search
 * over the runs). Returns WALK_MORE with k->pa set to the next level's
 * entry, else the status. */
static inline __attribute__((always_inline)) int
walk_step(const vtop_space *s, walk_cursor *k, vtop_translation *out,
          const unsigned l, const unsigned levels, const unsigned flags)
{
    const bool rec = flags & WALK_REC, a64 = flags & WALK_A64;
    const unsigned esize = a64 ? 8u : WALK_ESIZE(levels);
    const bool last = l + 1 == levels;
    const vtop_space_level *f = a64 ? &k->half->level[l] : &s->level[l];
    vtop_level_read *r = &out->levels[l];
    uint64_t pa = k->pa;
    uint64_t off = pa - k->win->phys;
    if (rec) {
        r->entry_pa = pa;
        r->level = (uint8_t)l;
    }
    if (__builtin_expect(off >= k->win->span, 0)) {
        walk_window w = *k->win; /* a copy: the cursor's window stays in registers */
        if (!window_cached(s, &w, pa, esize) && !window_search(s, &w, pa, esize))
            return walk_not_in_image(out, l, pa);
        *k->win = w;
        off = pa - w.phys;
    }
    const uint8_t *p = k->win->data + off;
    uint64_t e = esize == 8 ? vtop_load_le64(p) : vtop_load_le32(p);
    if (rec)
        r->entry = e;
    uint64_t table;
    const uint64_t expect = a64 ? VTOP_A64_VALID | VTOP_A64_TABLE : PTE_P;
    if (__builtin_expect(((e ^ expect) & f->stop_mask) != 0, 0)) {
        out->nlevels = (uint8_t)(l + 1);
        if (a64)
            return walk_a64_stop(out, l, f, e);
        uint64_t next = 0; /* table's own address must not escape */
        vtop_status st = walk_slow(s, out, l, e, &next);
        if (st != VTOP_OK)
            return st;
        if (last) { /* transition page: W from the entry only */
            k->and_acc &= (e & PTE_RW) | ~PTE_RW;
            return walk_done(out, next, 4096, vtop_rights_of(s, k->and_acc, k->or_acc));
        }
        table = next;
    } else if (last || ((a64 ? ~e : e) & f->ps_mask)) { /* vtop_level_is_leaf,
                                   `last` constant, leaf_xor 0 or 2 */
        out->nlevels = (uint8_t)(l + 1);
        if (a64)
            return walk_leaf_a64(s, k, out, l, e, rec);
        if (!rec)
            return walk_leaf_pa(s, out, l, e);
        return walk_leaf(s, out, l, e, k->and_acc, k->or_acc);
    } else {
        if (rec) {
            k->and_acc &= e | f->fill;
            k->or_acc |= e;
        }
        table = a64 ? (e & f->table_mask) | ((e & f->pse36_mask) << f->hi_shift)
                    : e & s->addr_mask;
    }
    if (!last) /* always true here; keeps l + 1 in range for the compiler */
        k->pa = a64 ? walk_entry_pa_data(table, k->va, &k->half->level[l + 1])
                    : walk_entry_pa(table, k->va, l + 1, levels);
    return WALK_MORE;
}

#endif
