/* vtop core: the page walker (one loop for every mode, STYLE.md rule 1).
 *
 * Per level, as the hardware does (SDM Vol. 3A 4.3-4.5, 4.7): read the entry,
 * stop on P=0 (or classify a Windows software PTE), stop on a set reserved
 * bit, accumulate the access rights (4.6), then either map the page (a leaf)
 * or descend to the table the entry points to. That step is
 * core/walk_step.h's walk_step; this file runs it in a loop for one
 * address (and for every address the batched walk, batch.c, hands over). Every mode difference is in
 * the space's per-level data (vtop_space_level, derived by vtop_space_init
 * from the mode descriptor), so the loop has no per-mode code; entries are
 * decoded by core/entry.h, the decoder every walk-like module shares.
 */
#include "paging.h"
#include "walk_step.h"

/* The loop, instantiated per level count (compile-time constants for
 * walk_step): the only mode dispatch, made once per walk from the
 * descriptor; the source is one loop for every mode. Profile (callgrind):
 * instruction-bound, the entry load is the one hot spot. flags: WALK_REC,
 * WALK_A64 (h: the AArch64 half walked; x86 passes its space's first half,
 * which it does not read). */
static inline __attribute__((always_inline)) vtop_status
walk_loop(const vtop_space *s, vtop_translation *out, const unsigned levels,
          const unsigned flags, const vtop_space_half *h)
{
    walk_window w;
    walk_cursor k;
    if (flags & WALK_A64) {
        w = (walk_window){h->root_win_phys, h->root_win_span, h->root_win_data};
        walk_cursor_start_a64(h, &k, out->va, &w);
    } else {
        w = walk_root_window(s);
        walk_cursor_start(s, &k, out->va, &w, levels);
    }
#pragma GCC unroll 5
    for (unsigned l = 0; l < levels; l++) {
        int st = walk_step(s, &k, out, l, levels, flags);
        if (st != WALK_MORE)
            return (vtop_status)st;
    }
    return walk_stop(out, levels - 1, VTOP_BAD_SPACE); /* not reached */
}

/* AArch64 (Arm ARM D8.2): the half by VA bit 55; a half the regime lacks,
 * or a VA whose bits from the input size up to bit 63 (55 with TBI) are not
 * all equal to bit 55, is out of range (VTOP_NON_CANONICAL, the x86
 * analogue); EPDn = 1 is a translation fault and a too-wide TTBR.BADDR an
 * address-size fault, both at the start level; then the half's walk, one
 * instantiation per level count. */
static vtop_status walk_a64(const vtop_space *s, uint64_t va,
                            vtop_translation *out, const unsigned flags)
{
    unsigned hi = (unsigned)((va >> 55) & 1);
    const vtop_space_half *h = &s->half[hi];
    if (!h->a64.present)
        return out->status = VTOP_NON_CANONICAL;
    if (!h->a64.enabled)
        return walk_stop(out, 0, VTOP_TRANSLATION_FAULT);
    unsigned top = h->a64.tbi ? 55u : 63u;
    uint64_t range = (~0ull >> (63u - top)) & ~((1ull << h->a64.va_bits) - 1);
    if ((va & range) != (hi ? range : 0))
        return out->status = VTOP_NON_CANONICAL;
    if (h->a64.root_fault)
        return walk_stop(out, 0, VTOP_ADDRESS_SIZE_FAULT);
    switch (h->desc->levels) {
    case 5:
        return walk_loop(s, out, 5, flags | WALK_A64, h);
    case 4:
        return walk_loop(s, out, 4, flags | WALK_A64, h);
    case 3:
        return walk_loop(s, out, 3, flags | WALK_A64, h);
    case 2:
        return walk_loop(s, out, 2, flags | WALK_A64, h);
    default: /* 1: the start level is L3 (input sizes 16..21 with 4K) */
        return walk_loop(s, out, 1, flags | WALK_A64, h);
    }
}

/* The mode dispatch (the space's walk_levels, from the descriptor), with
 * or without the record. */
static inline __attribute__((always_inline)) vtop_status
walk_dispatch(const vtop_space *s, uint64_t va, vtop_translation *out,
              const unsigned flags)
{
    switch (s->walk_levels) {
    case 0: /* paging disabled: linear = physical */
        return walk_done(out, va & ~0xfffull, 4096, VTOP_RIGHTS_ALL);
    case 5:
        return walk_loop(s, out, 5, flags, s->half);
    case 4:
        return walk_loop(s, out, 4, flags, s->half);
    case 3:
        return walk_loop(s, out, 3, flags, s->half);
    default: /* 2: 32-bit paging, 4-byte entries; or AArch64 (a test
                here keeps the switch the x86 compare chain it was) */
        if (__builtin_expect(s->walk_levels == VTOP_WALK_A64, 0))
            return walk_a64(s, va, out, flags);
        return walk_loop(s, out, 2, flags, s->half);
    }
}

vtop_status vtop_translate(const vtop_space *s, uint64_t va,
                           vtop_translation *out)
{
    if (!out)
        return VTOP_BAD_ARGUMENT;
    record_start(out, va);
    vtop_status st = walk_begin(s, va, out);
    if (__builtin_expect(st != VTOP_OK, 0))
        return st == WALK_A64_BEGIN ? walk_a64(s, va, out, WALK_REC) : st;
    return walk_dispatch(s, va, out, WALK_REC);
}

vtop_status vtop_translate_pa(const vtop_space *s, uint64_t va, uint64_t *pa,
                              uint64_t *page_size)
{
    vtop_translation t; /* scratch: only va, status, pa, page_size matter */
    t.va = va;
    t.pa = 0; /* every VTOP_OK path sets both; the analyzer cannot see it */
    t.page_size = 0;
    vtop_status st = walk_begin(s, va, &t);
    if (st == VTOP_OK)
        st = walk_dispatch(s, va, &t, 0);
    else if (st == WALK_A64_BEGIN)
        st = walk_a64(s, va, &t, 0);
    if (st == VTOP_OK) {
        if (pa)
            *pa = t.pa;
        if (page_size)
            *page_size = t.page_size;
    }
    return st;
}
