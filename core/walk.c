/* vtop core: the page walker (one loop for every mode, STYLE.md rule 1).
 *
 * Per level, as the hardware does (SDM Vol. 3A 4.3-4.5, 4.7): read the entry,
 * stop on P=0 (or classify a Windows software PTE), stop on a set reserved
 * bit, accumulate the access rights (4.6), then either map the page (a leaf)
 * or descend to the table the entry points to. That step is
 * core/walk_step.h's walk_step, shared with the batched walk (batch.c);
 * this file runs it in a loop for one address. Every mode difference is in
 * the space's per-level data (vtop_space_level, derived by vtop_space_init
 * from the mode descriptor), so the loop has no per-mode code; entries are
 * decoded by core/entry.h, the decoder every walk-like module shares.
 */
#include "paging.h"
#include "walk_step.h"

/* The loop, instantiated per level count (compile-time constants for
 * walk_step): the only mode dispatch, made once per walk from the
 * descriptor; the source is one loop for every mode. Profile (callgrind):
 * instruction-bound, the entry load is the one hot spot. */
static inline __attribute__((always_inline)) vtop_status
walk_loop(const vtop_space *s, vtop_translation *out, const unsigned levels,
          const bool rec)
{
    walk_window w = walk_root_window(s);
    walk_cursor k;
    walk_cursor_start(s, &k, out->va, &w, levels);
#pragma GCC unroll 5
    for (unsigned l = 0; l < levels; l++) {
        int st = walk_step(s, &k, out, l, levels, rec);
        if (st != WALK_MORE)
            return (vtop_status)st;
    }
    return walk_stop(out, levels - 1, VTOP_BAD_SPACE); /* not reached */
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
        return walk_loop(s, out, 5, rec);
    case 4:
        return walk_loop(s, out, 4, rec);
    case 3:
        return walk_loop(s, out, 3, rec);
    default: /* 2: 32-bit paging, 4-byte entries */
        return walk_loop(s, out, 2, rec);
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
