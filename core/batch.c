/* vtop core: batched translation (batch.h).
 *
 * A group of BATCH_GROUP walks advances one level at a time: at level l
 * every walk still going reads its level-l entry, so those loads do not
 * depend on each other and the out-of-order core (and the prefetch of the
 * next level's entry, issued as soon as its address is known) keeps
 * several table reads in flight instead of one. A walk that stops (a leaf,
 * a fault) leaves the group's live mask; the next group starts when every
 * walk of this one is done. The per-level work is walk_step, the same
 * function vtop_translate loops over, so checks and records are the same.
 */
#include "batch.h"

#include "walk_step.h"

/* Eight walks: enough to cover a DRAM or host-TLB miss with the others'
 * work; 16 measured no faster (the cursors then spill out of registers
 * into a larger frame). */
#ifndef BATCH_GROUP
#define BATCH_GROUP 8u
#endif

/* Prefetch the entry a walk reads next. Only for the last two levels
 * (the upper tables are few and stay cached); no window check: a prefetch
 * never faults, and the address is computed as an integer, so an entry
 * outside the window (the step's slow path) prefetches a useless line
 * and nothing else. */
static inline __attribute__((always_inline)) void
batch_prefetch(const walk_cursor *k, const unsigned l, const unsigned levels)
{
    if (l + 2 >= levels)
        __builtin_prefetch((const void *)((uintptr_t)k->win->data +
                                          (uintptr_t)(k->pa - k->win->phys)));
}

/* Walk out[0..n) (n <= BATCH_GROUP, records started, live = the walks
 * whose address passed walk_begin) level by level; the group shares one
 * window. Shared, not one per walk: a page-source run's window is one
 * fetched page in a caller-owned cache (physmem.h), which another walk's
 * fetch may reuse; the one window is always the latest fetch, and every
 * step checks it before reading. The walks are visited by pointer, skipping the finished ones
 * with a branch that is taken rarely (a leaf above the last level, a
 * fault), which costs fewer instructions than a bit scan per walk. */
static inline __attribute__((always_inline)) void
batch_group(const vtop_space *s, vtop_translation *out, unsigned n,
            unsigned live, const unsigned levels)
{
    walk_window w = walk_root_window(s);
    walk_cursor k[BATCH_GROUP];
    for (unsigned i = 0; i < n; i++)
        walk_cursor_start(s, &k[i], out[i].va, &w, levels);
#pragma GCC unroll 5
    for (unsigned l = 0; l < levels; l++) {
        walk_cursor *kp = k;
        vtop_translation *op = out;
        for (unsigned bit = 1; bit < 1u << n; bit <<= 1, kp++, op++) {
            if (!(live & bit))
                continue;
            if (walk_step(s, kp, op, l, levels, WALK_REC) != WALK_MORE)
                live &= ~bit;
            else
                batch_prefetch(kp, l + 1, levels);
        }
    }
}

/* Start the records of one group; returns the mask of walks to run
 * (those whose address and space passed walk_begin). */
static unsigned batch_start(const vtop_space *s, const uint64_t *va,
                            unsigned n, vtop_translation *out)
{
    unsigned live = 0;
    for (unsigned i = 0; i < n; i++) {
        record_start(&out[i], va[i]);
        if (walk_begin(s, va[i], &out[i]) == VTOP_OK)
            live |= 1u << i;
    }
    return live;
}

/* Every group of the batch, at one level count (a compile-time constant
 * for walk_step: the mode dispatch is made once per batch). */
static inline __attribute__((always_inline)) void
batch_run(const vtop_space *s, const uint64_t *va, size_t n,
          vtop_translation *out, const unsigned levels)
{
    for (size_t g = 0; g < n; g += BATCH_GROUP) {
        unsigned m = n - g < BATCH_GROUP ? (unsigned)(n - g) : BATCH_GROUP;
        unsigned live = batch_start(s, va + g, m, out + g);
        if (live)
            batch_group(s, out + g, m, live, levels);
    }
}

vtop_status vtop_translate_batch(const vtop_space *space, const uint64_t *va,
                                 size_t n, vtop_translation *out)
{
    if (n && (!va || !out))
        return VTOP_BAD_ARGUMENT;
    unsigned levels = space && space->desc ? space->desc->levels : 0;
    /* One address has nothing to overlap; AArch64's two halves may differ
     * in level count, so its walks go one by one. */
    if (n == 1 || (space && vtop_mode_is_a64(space->desc)))
        levels = 0;
    switch (levels) {
    case 5:
        batch_run(space, va, n, out, 5);
        break;
    case 4:
        batch_run(space, va, n, out, 4);
        break;
    case 3:
        batch_run(space, va, n, out, 3);
        break;
    case 2:
        batch_run(space, va, n, out, 2);
        break;
    default: /* one address, no space, or paging disabled */
        for (size_t i = 0; i < n; i++)
            vtop_translate(space, va[i], &out[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (out[i].status != VTOP_OK)
            return out[i].status;
    return VTOP_OK;
}
