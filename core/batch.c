/* vtop core: batched translation (batch.h).
 *
 * A group of BATCH_GROUP walks advances one level at a time: at level l
 * every walk still going reads its level-l entry, so those loads do not
 * depend on each other and the out-of-order core (and the prefetch of the
 * next level's entry, issued as soon as its address is known) keeps
 * several table reads in flight instead of one. A walk that stops leaves
 * the group's mask of live walks.
 *
 * The group walks the case a scan meets almost always (a valid address,
 * present entries without reserved bits inside the image, a leaf) with
 * the same tests as walk_step, in the same order, and keeps per walk only
 * what changes: the next entry's address and the two rights accumulators.
 * Every other case (P=0, a software PTE, a reserved bit, an entry outside
 * the image, a refused address) is walked again by the one walker
 * (vtop_translate, vtop_translate_pa), so its record and status are the
 * walker's by construction; tests/unit/batch_test.c compares every record
 * with vtop_translate's in every mode.
 */
#include "batch.h"

#include "walk_step.h"

/* Sixteen walks, with the record and without: on a cold space the misses
 * in flight decide (tests/bench/bench_batch.c). Intel Xeon, with the
 * record: 4K-page guest 2.7x one by one with 16 walks, 1.9x with 8;
 * synthetic 32 GiB 2.8x against 2.0x; hot the same within noise on 4-
 * and 5-level, slower on 32-bit, where neither size meets the hot target.
 * AMD Zen 4, pa-only: 4K-page guest 3.0x with 16, 1.9x with 8 (with the
 * record there, 8 measured no slower than 16 cold). */
#ifndef BATCH_GROUP
#define BATCH_GROUP 16u
#endif

/* The group's sweeps are unrolled (levels x walks, every index a
 * constant) in the builds that are measured. Instrumented builds
 * (sanitizers, coverage, fuzzing) keep them as loops: the same source and
 * the same answers, but the unrolled instantiations under instrumentation
 * cost minutes of compile time per build (GCC ASan 135 s, clang's fuzz
 * build 390 s, against 6 s and 4 s as loops) and nobody times those
 * builds. A sanitizer the compiler announces (GCC __SANITIZE_ADDRESS__,
 * clang __has_feature) selects the loops, as does -DVTOP_NO_UNROLL. The
 * unrolled build is checked by tests/unit/batch_test.c run against the
 * release libraries (tests/unit/unit.mk). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(coverage_sanitizer)
#define BATCH_INSTRUMENTED 1
#endif
#endif
#if defined(VTOP_NO_UNROLL) || defined(__SANITIZE_ADDRESS__) || defined(BATCH_INSTRUMENTED)
#define BATCH_UNROLL_LEVELS
#define BATCH_UNROLL_WALKS
#else
#define BATCH_UNROLL_LEVELS _Pragma("GCC unroll 5")
#define BATCH_UNROLL_WALKS _Pragma("GCC unroll 16")
#endif

/* GCC's straight-line vectorizer packs each level's two record stores
 * (entry_pa, entry) into one 16-byte store built by two moves and a
 * shuffle: four operations for two, in the sweep whose cost is counted
 * in operations (callgrind, synthetic 4-level: 18 instructions per
 * address fewer without it). Clang does not take the attribute. */
#if defined(__GNUC__) && !defined(__clang__)
#define BATCH_SCALAR_STORES __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define BATCH_SCALAR_STORES
#endif

/* Where the pa-only batch writes: pa[i], status[i]. */
typedef struct batch_pa_out {
    uint64_t *pa;
    vtop_status *status;
} batch_pa_out;

/* What a group reads on every step, copied out of the space once per
 * batch: the records the walks write cannot alias a local, so these stay
 * in registers (or the batch's own stack) instead of being reloaded from
 * the space after every record store. */
typedef struct batch_ctx {
    uint64_t stop[VTOP_MAX_LEVELS], ps[VTOP_MAX_LEVELS];
    /* A walk's rights in one accumulator (batch_walks.acc): the AND over
     * its entries of (e ^ nx) | fill. Bits 2:1 are the AND of U/S and R/W
     * (fill sets them where the entry has none, the PAE PDPTE), and the
     * NX bit stays set only when no entry has NX: the same rights as
     * vtop_rights_of's AND and OR accumulators (SDM Vol. 3A 4.6), with one
     * array update per step instead of two. batch_test compares them with
     * vtop_translate's in every mode, with and without NXE. */
    uint64_t fill[VTOP_MAX_LEVELS], nx;
    uint64_t root, addr_mask;
    /* walk_begin's address test: valid when (va + bias) & high == 0
     * (sign-extended modes: bias 2^(bits-1) moves both canonical halves
     * to the bottom; 32-bit and PAE: bias 0). */
    uint64_t bias, high;
} batch_ctx;

static batch_ctx batch_ctx_of(const vtop_space *s)
{
    batch_ctx x = {.root = s->root, .addr_mask = s->addr_mask, .nx = s->nx_mask};
    for (unsigned l = 0; l < s->desc->levels && l < VTOP_MAX_LEVELS; l++) {
        x.stop[l] = s->level[l].stop_mask;
        x.ps[l] = s->level[l].ps_mask;
        x.fill[l] = s->level[l].fill;
    }
    unsigned bits = s->desc->va_bits;
    x.bias = s->desc->sign_extended ? 1ull << (bits - 1) : 0;
    x.high = bits >= 64 ? 0 : ~0ull << bits;
    return x;
}

/* A group's walks: the next entry's address and the rights accumulated
 * so far (batch_ctx), and for a walk that reached a leaf, its level and
 * entry (the record's header is written from them after the sweeps). */
typedef struct batch_walks {
    uint64_t next[BATCH_GROUP], acc[BATCH_GROUP];
    uint64_t leaf_e[BATCH_GROUP];
    uint8_t leaf_l[BATCH_GROUP];
} batch_walks;

/* The OK record of walk i, which reached its leaf (the entries above it
 * are in levels[] already), its header written once: what walk_leaf and
 * record_start together write on this path. */
static inline __attribute__((always_inline)) void
batch_leaf_record(const vtop_space *s, const batch_ctx *x, const batch_walks *k,
                  unsigned i, vtop_translation *out, uint64_t va)
{
    const unsigned l = k->leaf_l[i];
    const uint64_t e = k->leaf_e[i];
    const uint64_t acc = k->acc[i] & ((e ^ x->nx) | x->fill[l]);
    const vtop_space_level *f = &s->level[l];
    out->status = VTOP_OK;
    out->va = va;
    out->page_size = f->page_size;
    out->pa = vtop_level_leaf_base(f, e) | (va & (f->page_size - 1));
    out->nlevels = (uint8_t)(l + 1);
    out->fault_level = -1;
    out->reserved_bits = 0;
    out->swpte = VTOP_SWPTE_NONE;
    out->rights = (uint8_t)(((acc >> 1) & 3) |
                            ((acc & x->nx) == x->nx ? VTOP_RIGHT_EXEC : 0u));
    out->leaf_flags = (uint16_t)vtop_level_leaf_flags(f, e);
}

/* The records of the walks in ok (each reached a leaf), written after
 * the level sweeps: one rolled loop instead of the header's stores at
 * every (level, walk) of the unrolled sweep. The batch's code is half
 * the size (107 to 52 KiB); callgrind counts 5 more instructions an
 * address (synthetic 4-level), and wall time is the same within noise. */
static inline __attribute__((always_inline)) void
batch_records(const vtop_space *s, const batch_ctx *x, const batch_walks *k,
              const uint64_t *va, unsigned ok, vtop_translation *out)
{
    for (; ok; ok &= ok - 1) {
        unsigned i = (unsigned)__builtin_ctz(ok);
        batch_leaf_record(s, x, k, i, &out[i], va[i]);
    }
}

/* One group: va[0..n) (n <= BATCH_GROUP) walked level by level. This is
 * the walk of walk_step for the case a hot scan meets: a valid address,
 * entries inside the image, present with no reserved bit, down to a leaf
 * without reserved bits. Anything else (P=0, a Windows software PTE, a
 * reserved bit, an entry outside every run, a refused address) leaves the
 * group and is walked again by the one walker (vtop_translate or
 * vtop_translate_pa), which gives the exact record and status; the group
 * tests every condition that walk_step tests, in the same order, so a walk
 * it finishes has the record walk_step gives. The group shares one window
 * (the latest run an entry came from; window_move on a miss). rec: the
 * full record into out[], else pa/status into o at index base. Returns
 * the status of the group's first address that did not translate, else
 * VTOP_OK (only a walk handed to the walker can fail). */
static inline __attribute__((always_inline)) vtop_status
batch_group(const vtop_space *s, const batch_ctx *x, const uint64_t *va,
            unsigned n, vtop_translation *out, const batch_pa_out *o,
            const unsigned levels, const bool rec)
{
    const unsigned esize = WALK_ESIZE(levels);
    walk_window w = walk_root_window(s);
    batch_walks k;
    unsigned live = 0, redo = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = va[i];
        if (__builtin_expect(((v + x->bias) & x->high) != 0, 0)) {
            redo |= 1u << i;
            continue;
        }
        k.next[i] = walk_entry_pa(x->root, v, 0, levels);
        k.acc[i] = ~0ull;
        live |= 1u << i;
    }
    BATCH_UNROLL_LEVELS
    for (unsigned l = 0; l < levels; l++) {
        const bool last = l + 1 == levels;
        BATCH_UNROLL_WALKS
        for (unsigned i = 0, bit = 1; i < n; i++, bit <<= 1) {
            if (!(live & bit))
                continue;
            uint64_t pa = k.next[i], off = pa - w.phys;
            if (__builtin_expect(off >= w.span, 0)) {
                walk_window moved = w; /* a copy: w itself stays in registers */
                if (!window_move(s, &moved, pa, esize)) {
                    live &= ~bit;
                    redo |= bit;
                    continue;
                }
                w = moved;
                off = pa - w.phys;
            }
            const uint8_t *p = w.data + off;
            uint64_t e = esize == 8 ? vtop_load_le64(p) : vtop_load_le32(p);
            if (rec) {
                vtop_level_read *r = &out[i].levels[l];
                r->entry_pa = pa;
                r->entry = e;
                r->level = (uint8_t)l;
            }
            if (__builtin_expect(((e ^ PTE_P) & x->stop[l]) != 0, 0)) {
                live &= ~bit;
                redo |= bit;
                continue;
            }
            if (last || (e & x->ps[l])) {
                live &= ~bit;
                if (__builtin_expect((e & s->level[l].reserved[1]) != 0, 0)) {
                    redo |= bit;
                    continue;
                }
                if (rec) {
                    k.leaf_l[i] = (uint8_t)l;
                    k.leaf_e[i] = e;
                } else {
                    const vtop_space_level *f = &s->level[l];
                    o->pa[i] = vtop_level_leaf_base(f, e) | (va[i] & (f->page_size - 1));
                    o->status[i] = VTOP_OK;
                }
                continue;
            }
            if (rec) {
                k.acc[i] &= (e ^ x->nx) | x->fill[l];
            }
            k.next[i] = walk_entry_pa(e & x->addr_mask, va[i], l + 1, levels);
            /* The next entry's line, requested now: for a cold table it
             * is the load the walk would otherwise wait on (the upper
             * tables are few and stay cached). */
            if (l + 3 >= levels) /* the next entry is of the last two levels */
                __builtin_prefetch((const void *)((uintptr_t)w.data +
                                                  (uintptr_t)(k.next[i] - w.phys)));
        }
    }
    if (rec)
        batch_records(s, x, &k, va, ((n < 32 ? 1u << n : 0u) - 1) & ~redo, out);
    vtop_status first = VTOP_OK;
    while (__builtin_expect(redo != 0, 0)) {
        unsigned i = (unsigned)__builtin_ctz(redo);
        redo &= redo - 1;
        vtop_status st;
        if (rec) {
            st = vtop_translate(s, va[i], &out[i]);
        } else {
            o->pa[i] = 0;
            st = o->status[i] = vtop_translate_pa(s, va[i], &o->pa[i], NULL);
        }
        if (first == VTOP_OK)
            first = st;
    }
    return first;
}

/* Every group of the batch, at one level count (a compile-time constant
 * for the group: the mode dispatch is made once per batch). A full
 * group's size is a constant too: the sweep over its walks unrolls. One
 * run with the records, one without: each passes the group only the
 * outputs it writes. */
static inline __attribute__((always_inline)) vtop_status
batch_run(const vtop_space *s, const uint64_t *va, size_t n,
          vtop_translation *out, const unsigned levels)
{
    const batch_ctx x = batch_ctx_of(s);
    vtop_status first = VTOP_OK, st;
    for (size_t g = 0; g < n; g += BATCH_GROUP) {
        unsigned m = n - g < BATCH_GROUP ? (unsigned)(n - g) : BATCH_GROUP;
        if (m == BATCH_GROUP)
            st = batch_group(s, &x, va + g, BATCH_GROUP, out + g, NULL, levels, true);
        else
            st = batch_group(s, &x, va + g, m, out + g, NULL, levels, true);
        if (first == VTOP_OK)
            first = st;
    }
    return first;
}

static inline __attribute__((always_inline)) vtop_status
batch_run_pa(const vtop_space *s, const uint64_t *va, size_t n,
             const batch_pa_out *o, const unsigned levels)
{
    const batch_ctx x = batch_ctx_of(s);
    vtop_status first = VTOP_OK, st;
    for (size_t g = 0; g < n; g += BATCH_GROUP) {
        unsigned m = n - g < BATCH_GROUP ? (unsigned)(n - g) : BATCH_GROUP;
        const batch_pa_out og = {o->pa + g, o->status + g};
        if (m == BATCH_GROUP)
            st = batch_group(s, &x, va + g, BATCH_GROUP, NULL, &og, levels, false);
        else
            st = batch_group(s, &x, va + g, m, NULL, &og, levels, false);
        if (first == VTOP_OK)
            first = st;
    }
    return first;
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

BATCH_SCALAR_STORES vtop_status vtop_translate_batch(const vtop_space *space,
                                                     const uint64_t *va, size_t n,
                                                     vtop_translation *out)
{
    if (n && (!va || !out))
        return VTOP_BAD_ARGUMENT;
    switch (batch_levels(space, n)) {
    case 5:
        return batch_run(space, va, n, out, 5);
    case 4:
        return batch_run(space, va, n, out, 4);
    case 3:
        return batch_run(space, va, n, out, 3);
    case 2:
        return batch_run(space, va, n, out, 2);
    default: {
        vtop_status first = VTOP_OK;
        for (size_t i = 0; i < n; i++)
            if (vtop_translate(space, va[i], &out[i]) != VTOP_OK && first == VTOP_OK)
                first = out[i].status;
        return first;
    }
    }
}

vtop_status vtop_translate_batch_pa(const vtop_space *space, const uint64_t *va,
                                    size_t n, uint64_t *pa, vtop_status *status)
{
    if (n && (!va || !pa || !status))
        return VTOP_BAD_ARGUMENT;
    const batch_pa_out o = {pa, status};
    switch (batch_levels(space, n)) {
    case 5:
        return batch_run_pa(space, va, n, &o, 5);
    case 4:
        return batch_run_pa(space, va, n, &o, 4);
    case 3:
        return batch_run_pa(space, va, n, &o, 3);
    case 2:
        return batch_run_pa(space, va, n, &o, 2);
    default: {
        vtop_status first = VTOP_OK;
        for (size_t i = 0; i < n; i++) {
            pa[i] = 0;
            status[i] = vtop_translate_pa(space, va[i], &pa[i], NULL);
            if (status[i] != VTOP_OK && first == VTOP_OK)
                first = status[i];
        }
        return first;
    }
    }
}
