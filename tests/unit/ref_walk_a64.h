/* An independent AArch64 stage 1 reference walker for the random tier,
 * written from the Arm ARM (DDI 0487) pseudocode and tables apart from
 * core/: AArch64.S1StartLevel ("3 - ((iasize - 1 - granulebits) DIV
 * stride)"), AArch64.TTBaseAddress, the descriptor formats of D8.3 read
 * bit by bit, AArch64.BlockDescSupported, and the stage 1 permission
 * tables of D8.4 (AP[2:1] x APTable, PXN/UXN, implicit PXN). It shares
 * nothing with core/ but the public record bit names. Deliberately slow
 * and plain: one level per loop turn, absolute level numbers. */
#ifndef VTOP_TEST_REF_WALK_A64_H
#define VTOP_TEST_REF_WALK_A64_H

#include <stdbool.h>
#include <stdint.h>

#include "core/paging.h"
#include "core/status.h"

typedef bool (*ref_a64_read_fn)(void *ctx, uint64_t pa, uint64_t *v);

typedef struct ref_a64 {
    uint64_t tcr, ttbr0, ttbr1;
    int regime;              /* 0 EL1&0, 1 EL2, 2 EL2&0 */
    unsigned maxpa;          /* implementation PA size, 32..52 */
    ref_a64_read_fn read;
    void *ctx;
} ref_a64;

typedef struct ref_a64_out {
    vtop_status status;
    uint64_t pa, size, reserved_bits;
    int fault_level;         /* index from the start level, -1 */
    unsigned n;              /* descriptors read (or the one not readable + 0) */
    uint64_t entry[5], entry_pa[5];
    unsigned rights, flags;
} ref_a64_out;

static inline uint64_t ref_bits(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & (hi - lo == 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}

typedef struct ref_a64_regs {
    unsigned tsz, tg_bytes, epd, tbi, hpd, ha, ds, sh, ips;
} ref_a64_regs;

/* Where each field of one half sits in its TCR (Arm ARM D19.2 TCR_EL1,
 * TCR_EL2): the lowest bit of TnSZ (6 bits), EPDn, SHn (2), TGn (2), TBIn,
 * HPDn, IPS or PS (3), HA and DS; and the granule each TGn encoding means
 * (TG1's encodings differ from TG0's). TCR_EL2 without E2H has one half
 * and no EPD. */
typedef struct ref_tcr_layout {
    bool has_epd;
    unsigned tsz, epd, sh, tg, tbi, hpd, ips, ha, ds;
    unsigned tg_bytes[4];
} ref_tcr_layout;

static inline unsigned ref_field(uint64_t v, unsigned lo, unsigned width)
{
    return (unsigned)ref_bits(v, lo + width - 1, lo);
}

static inline ref_a64_regs ref_a64_fields(const ref_a64 *r, unsigned half)
{
    static const ref_tcr_layout tcr_el1[2] = {
        {true, 0, 7, 12, 14, 37, 41, 32, 39, 59, {4096, 65536, 16384, 0}},   /* TTBR0 */
        {true, 16, 23, 28, 30, 38, 42, 32, 39, 59, {0, 16384, 4096, 65536}}, /* TTBR1 */
    };
    static const ref_tcr_layout tcr_el2 =
        {false, 0, 0, 12, 14, 20, 24, 16, 21, 32, {4096, 65536, 16384, 0}};
    const ref_tcr_layout *l = r->regime == 1 ? &tcr_el2 : &tcr_el1[half];
    uint64_t t = r->tcr;
    ref_a64_regs f = {0};
    f.tsz = ref_field(t, l->tsz, 6);
    f.epd = l->has_epd ? ref_field(t, l->epd, 1) : 0;
    f.sh = ref_field(t, l->sh, 2);
    f.tg_bytes = l->tg_bytes[ref_field(t, l->tg, 2)];
    f.tbi = ref_field(t, l->tbi, 1);
    f.hpd = ref_field(t, l->hpd, 1);
    f.ips = ref_field(t, l->ips, 3);
    f.ha = ref_field(t, l->ha, 1);
    f.ds = ref_field(t, l->ds, 1);
    return f;
}

static inline unsigned ref_log2(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* The output address a descriptor holds for a region of 2^lowbit bytes. */
static inline uint64_t ref_a64_oa(uint64_t d, unsigned gbits, bool ds, unsigned lowbit)
{
    uint64_t oa;
    if (gbits == 16)
        oa = (ref_bits(d, 47, lowbit) << lowbit) | (ref_bits(d, 15, 12) << 48);
    else if (ds)
        oa = (ref_bits(d, 49, lowbit) << lowbit) | (ref_bits(d, 9, 8) << 50);
    else
        oa = ref_bits(d, 47, lowbit) << lowbit;
    return oa;
}

/* The descriptor bits that hold OA bits at or above oasize. */
static inline uint64_t ref_a64_wide_bits(uint64_t d, unsigned gbits, bool ds,
                                         unsigned oasize)
{
    uint64_t bits = 0;
    for (unsigned b = oasize; b < 52; b++) {
        int at = -1; /* descriptor bit holding OA bit b */
        if (b <= 47)
            at = (int)b;
        else if (gbits == 16)
            at = (int)(b - 36);
        else if (ds)
            at = b <= 49 ? (int)b : (int)(b - 42);
        if (at >= 0 && ((d >> at) & 1))
            bits |= 1ull << at;
    }
    return bits;
}

static inline unsigned ref_a64_perms(const ref_a64 *r, uint64_t d, unsigned aptable,
                                     bool pxn_table, bool xn_table)
{
    unsigned ap = (unsigned)ref_bits(d, 7, 6);
    bool xn = ref_bits(d, 54, 54), pxn = ref_bits(d, 53, 53);
    if (r->regime == 1) {
        bool w = !(ap & 2) && !(aptable & 2);
        return (w ? VTOP_RIGHT_WRITE : 0) | (xn || xn_table ? 0 : VTOP_RIGHT_EXEC);
    }
    /* AP[2:1]: 00 EL1 RW, 01 EL1 RW EL0 RW, 10 EL1 RO, 11 EL1 RO EL0 RO. */
    static const bool pw_t[4] = {true, true, false, false};
    static const bool ur_t[4] = {false, true, false, true};
    bool pw = pw_t[ap], ur = ur_t[ap], uw = ur && pw;
    if (aptable & 1) /* APTable 01 / 11: no EL0 */
        ur = uw = false;
    if (aptable & 2) /* APTable 10 / 11: read-only */
        pw = uw = false;
    bool px = !(pxn || pxn_table || uw);
    bool ux = !(xn || xn_table);
    return (pw ? VTOP_RIGHT_WRITE : 0) | (ur ? VTOP_RIGHT_USER : 0) |
           (px ? VTOP_RIGHT_EXEC : 0) | (ux ? VTOP_RIGHT_UEXEC : 0);
}

static inline bool ref_a64_block_ok(unsigned gbits, int level, bool ds, unsigned maxpa)
{
    if (gbits == 12)
        return level == 1 || level == 2 || (level == 0 && ds);
    if (gbits == 14)
        return level == 2 || (level == 1 && ds);
    return level == 2 || (level == 1 && maxpa == 52);
}

/* What the walk of one VA starts from (AArch64.S1Translate's set-up). */
typedef struct ref_a64_walk_start {
    ref_a64_regs f;
    unsigned gbits, iasize, oasize, stride;
    bool ds;
    int start;
    uint64_t base, va;
    unsigned aptable;        /* the path's APTable bits, ORed */
    bool pxnt, xnt;          /* the path's PXNTable, UXNTable/XNTable */
} ref_a64_walk_start;

/* The set-up: VTOP_OK, or the status the walk ends with at once (and
 * its level in *level). */
static inline vtop_status ref_a64_begin(const ref_a64 *r, uint64_t va,
                                        ref_a64_walk_start *w, int *level)
{
    unsigned half = (unsigned)ref_bits(va, 55, 55);
    *level = -1;
    if (r->regime == 1 && half)
        return VTOP_NON_CANONICAL;
    w->f = ref_a64_fields(r, half);
    if (w->f.epd) {
        *level = 0;
        return VTOP_TRANSLATION_FAULT;
    }
    w->gbits = ref_log2(w->f.tg_bytes);
    w->ds = w->f.ds && w->gbits != 16;
    w->iasize = 64 - w->f.tsz;
    for (unsigned b = w->iasize; b <= (w->f.tbi ? 55u : 63u); b++)
        if (ref_bits(va, b, b) != half)
            return VTOP_NON_CANONICAL;
    static const unsigned ps[8] = {32, 36, 40, 42, 44, 48, 52, 52};
    w->oasize = ps[w->f.ips];
    if (w->oasize == 52 && w->gbits != 16 && !w->ds)
        w->oasize = 48;
    if (w->oasize > r->maxpa)
        w->oasize = r->maxpa;
    w->stride = w->gbits - 3;
    w->start = 3 - (int)((w->iasize - 1 - w->gbits) / w->stride);
    unsigned levels = (unsigned)(3 - w->start);
    int tsize = (int)w->iasize - (int)(levels * w->stride + w->gbits) + 3;
    uint64_t ttb = half ? r->ttbr1 : r->ttbr0;
    if ((w->gbits == 16 && w->f.ips == 6) || w->ds) {
        tsize = tsize < 6 ? 6 : tsize;
        w->base = (ref_bits(ttb, 47, 6) << 6) | (ref_bits(ttb, 5, 2) << 48);
    } else {
        w->base = ref_bits(ttb, 47, 1) << 1;
    }
    w->base &= ~((1ull << tsize) - 1);
    if (w->base >> w->oasize) {
        *level = 0;
        return VTOP_ADDRESS_SIZE_FAULT;
    }
    return VTOP_OK;
}

/* The leaf d of 2^lowbit bytes: AF, address, rights, attributes. */
static inline void ref_a64_leaf(const ref_a64 *r, const ref_a64_walk_start *w,
                                uint64_t d, unsigned lowbit, ref_a64_out *o)
{
    unsigned aptable = w->aptable;
    if (!ref_bits(d, 10, 10) && !w->f.ha) {
        o->status = VTOP_ACCESS_FLAG_FAULT;
        o->reserved_bits = 1ull << 10;
        return;
    }
    o->fault_level = -1;
    o->size = 1ull << lowbit;
    o->pa = ref_a64_oa(d, w->gbits, w->ds, lowbit) | ref_bits(w->va, lowbit - 1, 0);
    if (r->regime == 1)
        aptable &= 2; /* APTable[0] is RES0 there */
    o->rights = ref_a64_perms(r, d, aptable, w->pxnt && r->regime != 1, w->xnt);
    unsigned sh = w->ds ? w->f.sh : (unsigned)ref_bits(d, 9, 8);
    o->flags = (ref_bits(d, 10, 10) ? VTOP_LEAF_AF : 0) |
               (ref_bits(d, 11, 11) ? VTOP_LEAF_NG : 0) |
               (ref_bits(d, 51, 51) ? VTOP_LEAF_DBM : 0) |
               (ref_bits(d, 52, 52) ? VTOP_LEAF_CONT : 0) |
               (ref_bits(d, 5, 5) ? VTOP_LEAF_NS : 0) |
               (sh << VTOP_LEAF_SH_SHIFT) |
               ((unsigned)ref_bits(d, 4, 2) << VTOP_LEAF_ATTR_SHIFT);
}

static inline ref_a64_out ref_a64_walk(const ref_a64 *r, uint64_t va)
{
    ref_a64_out o = {.status = VTOP_OK, .fault_level = -1};
    ref_a64_walk_start w = {.va = va};
    o.status = ref_a64_begin(r, va, &w, &o.fault_level);
    if (o.status != VTOP_OK)
        return o;
    uint64_t base = w.base;
    for (int level = w.start; level <= 3; level++) {
        unsigned i = (unsigned)(level - w.start);
        unsigned lowbit = w.gbits + w.stride * (unsigned)(3 - level);
        unsigned width = level == w.start ? w.iasize - lowbit : w.stride;
        uint64_t pa = base + ref_bits(va, lowbit + width - 1, lowbit) * 8, d;
        o.entry_pa[i] = pa;
        o.fault_level = (int)i;
        if (!r->read(r->ctx, pa, &d)) {
            o.entry[i] = 0;
            o.n = i;
            o.status = VTOP_TABLE_NOT_IN_IMAGE;
            return o;
        }
        o.entry[i] = d;
        o.n = i + 1;
        bool valid = d & 1, tbl = (d >> 1) & 1;
        if (!valid || (level == 3 && !tbl) ||
            (level < 3 && !tbl && !ref_a64_block_ok(w.gbits, level, w.ds, r->maxpa))) {
            o.status = VTOP_TRANSLATION_FAULT;
            return o;
        }
        uint64_t wide = ref_a64_wide_bits(d, w.gbits, w.ds, w.oasize);
        if (wide) {
            o.status = VTOP_ADDRESS_SIZE_FAULT;
            o.reserved_bits = wide;
            return o;
        }
        if (level == 3 || !tbl) {
            ref_a64_leaf(r, &w, d, lowbit, &o);
            return o;
        }
        base = ref_a64_oa(d, w.gbits, w.ds, w.gbits);
        if (!w.f.hpd) {
            w.aptable |= (unsigned)ref_bits(d, 62, 61);
            w.pxnt = w.pxnt || ref_bits(d, 59, 59);
            w.xnt = w.xnt || ref_bits(d, 60, 60);
        }
    }
    return o; /* not reached: level 3 always ends the walk */
}

#endif
