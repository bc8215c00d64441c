/* vtop core: batched translation (batch.h).
 *
 * A group of BATCH_GROUP walks advances one level at a time: at level l
 * every walk still going reads its level-l entry, so those loads do not
 * depend on each other and the out-of-order core (and the prefetch of the
 * next level's entry, issued as soon as its address is known) keeps
 * several table reads in flight instead of one. A walk that stops (a leaf,
 * a fault) leaves the group's list of live walks, which is compacted as
 * the level is swept, so the next level visits only the walks still going
 * (no per-walk mask test). The per-level work is walk_step, the same
 * function vtop_translate loops over, so checks and records are the same.
 */
#include "batch.h"

#include "walk_step.h"

/* Eight walks: enough to cover a DRAM or host-TLB miss with the others'
 * work (the synthetic cold space in tests/bench/bench_batch.c: 8 measured
 * no slower than 16, whose cursors spill out of registers). */
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

/* Where the pa-only batch writes: pa[i], status[i]. */
typedef struct batch_pa_out {
    uint64_t *pa;
    vtop_status *status;
} batch_pa_out;

/* One group: start the records of va[0..n) (n <= BATCH_GROUP), then walk
 * those that passed the address check level by level. The group shares
 * one window. Shared, not one per walk: a page-source run's window is one
 * fetched page in a caller-owned cache (physmem.h), which another walk's
 * fetch may reuse; the one window is always the latest fetch, and every
 * step checks it before reading. flags: WALK_REC for the full record. */
static inline __attribute__((always_inline)) void
batch_group(const vtop_space *s, const uint64_t *va, unsigned n,
            vtop_translation *out, const unsigned levels, const unsigned flags)
{
    walk_window w = walk_root_window(s);
    walk_cursor k[BATCH_GROUP];
    unsigned live = 0;
    for (unsigned i = 0; i < n; i++) {
        if (flags & WALK_REC)
            record_start(&out[i], va[i]);
        else
            out[i].va = va[i];
        if (walk_begin(s, va[i], &out[i]) != VTOP_OK)
            continue;
        walk_cursor_start(s, &k[i], va[i], &w, levels);
        live |= 1u << i;
    }
#pragma GCC unroll 5
    for (unsigned l = 0; l < levels; l++) {
#pragma GCC unroll 8
        for (unsigned i = 0, bit = 1; i < n; i++, bit <<= 1) {
            if (!(live & bit))
                continue;
            /* A copy whose window is known to be w: w then stays in
             * registers (nothing the records are written through can
             * point to it). */
            walk_cursor c = {k[i].pa, k[i].and_acc, k[i].or_acc, &w, NULL};
            if (walk_step(s, &c, &out[i], l, levels, flags) != WALK_MORE) {
                live &= ~bit;
                continue;
            }
            batch_prefetch(&c, l + 1, levels);
            k[i] = c;
        }
    }
}

/* Every group of the batch, at one level count (a compile-time constant
 * for walk_step: the mode dispatch is made once per batch). */
static inline __attribute__((always_inline)) void
batch_run(const vtop_space *s, const uint64_t *va, size_t n,
          vtop_translation *out, const unsigned levels)
{
    for (size_t g = 0; g < n; g += BATCH_GROUP) {
        unsigned m = n - g < BATCH_GROUP ? (unsigned)(n - g) : BATCH_GROUP;
        /* A full group's size as a constant: the sweep over its walks is
         * unrolled (callgrind, 4-level guest: 12% fewer instructions). */
        if (m == BATCH_GROUP)
            batch_group(s, va + g, BATCH_GROUP, out + g, levels, WALK_REC);
        else
            batch_group(s, va + g, m, out + g, levels, WALK_REC);
    }
}

/* The same without the record: each group's walks write a scratch
 * record (status, pa), copied out as the group ends. */
static inline __attribute__((always_inline)) void
batch_run_pa(const vtop_space *s, const uint64_t *va, size_t n,
             const batch_pa_out *o, const unsigned levels)
{
    vtop_translation t[BATCH_GROUP];
    for (size_t g = 0; g < n; g += BATCH_GROUP) {
        unsigned m = n - g < BATCH_GROUP ? (unsigned)(n - g) : BATCH_GROUP;
        if (m == BATCH_GROUP)
            batch_group(s, va + g, BATCH_GROUP, t, levels, 0);
        else
            batch_group(s, va + g, m, t, levels, 0);
        for (unsigned i = 0; i < m; i++) {
            o->status[g + i] = t[i].status;
            o->pa[g + i] = t[i].status == VTOP_OK ? t[i].pa : 0;
        }
    }
}

/* The level count batch_run is instantiated for, or 0 for one by one:
 * one address (nothing to overlap), no space, paging disabled, and
 * AArch64, whose two halves may differ in level count. */
static unsigned batch_levels(const vtop_space *s, size_t n)
{
    if (n < 2 || !s || !s->desc || vtop_mode_is_a64(s->desc))
        return 0;
    return s->desc->levels;
}

/* The batch's answer: the first status that is not VTOP_OK, else VTOP_OK. */
static vtop_status batch_first_fault(const vtop_status *st, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (st[i] != VTOP_OK)
            return st[i];
    return VTOP_OK;
}

vtop_status vtop_translate_batch(const vtop_space *space, const uint64_t *va,
                                 size_t n, vtop_translation *out)
{
    if (n && (!va || !out))
        return VTOP_BAD_ARGUMENT;
    switch (batch_levels(space, n)) {
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
    default:
        for (size_t i = 0; i < n; i++)
            vtop_translate(space, va[i], &out[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (out[i].status != VTOP_OK)
            return out[i].status;
    return VTOP_OK;
}

vtop_status vtop_translate_batch_pa(const vtop_space *space, const uint64_t *va,
                                    size_t n, uint64_t *pa, vtop_status *status)
{
    if (n && (!va || !pa || !status))
        return VTOP_BAD_ARGUMENT;
    const batch_pa_out o = {pa, status};
    switch (batch_levels(space, n)) {
    case 5:
        batch_run_pa(space, va, n, &o, 5);
        break;
    case 4:
        batch_run_pa(space, va, n, &o, 4);
        break;
    case 3:
        batch_run_pa(space, va, n, &o, 3);
        break;
    case 2:
        batch_run_pa(space, va, n, &o, 2);
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            pa[i] = 0;
            status[i] = vtop_translate_pa(space, va[i], &pa[i], NULL);
        }
    }
    return batch_first_fault(status, n);
}
