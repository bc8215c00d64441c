/* An independent reference walker for the tests and fuzzers of core/walk.c.
 *
 * Written from the SDM (Vol. 3A 4.3 32-bit paging with PSE/PSE-36, 4.4 PAE,
 * 4.5 4/5-level, 4.6 access rights, 4.7 reserved bits) and the Windows x64
 * software-PTE layout (transition: bit 11 set, bit 10 clear; PFN below bit
 * 45), apart from core/ on purpose: it shares no mask, table or helper with
 * the walker it checks (only the status names). One level at a time, the
 * plainest possible code; memory is read through a callback.
 */
#ifndef VTOP_TEST_REF_WALK_H
#define VTOP_TEST_REF_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

typedef enum ref_kind { REF_32, REF_32_PSE, REF_PAE, REF_4LEVEL, REF_5LEVEL } ref_kind;

/* Reads size (4 or 8) bytes at pa, little-endian; false when not there. */
typedef bool (*ref_read_fn)(void *ctx, uint64_t pa, unsigned size, uint64_t *v);

typedef struct ref_cfg {
    ref_kind kind;
    uint64_t cr3;
    unsigned m;          /* MAXPHYADDR, 32..52 */
    bool nxe;
    uint64_t extra;      /* address bits that are not address (SEV C-bit) */
    bool windows;        /* P=0 entries are Windows software PTEs */
    ref_read_fn read;
    void *ctx;
} ref_cfg;

typedef struct ref_result {
    vtop_status st;
    uint64_t pa, size;
    bool w, u, x;        /* effective rights when st is VTOP_OK */
} ref_result;

/* Bits hi..lo set (empty when hi < lo). */
static inline uint64_t ref_bits(int hi, int lo)
{
    uint64_t r = 0;
    for (int b = lo; b <= hi; b++)
        r |= 1ull << b;
    return r;
}

static inline ref_result ref_stop(vtop_status st)
{
    ref_result r = {st, 0, 0, false, false, false};
    return r;
}

/* A not-present entry under the Windows rules: transition goes on to its
 * frame (*next), anything else stops. */
static inline vtop_status ref_absent(const ref_cfg *c, uint64_t e, bool wide,
                                     uint64_t *next)
{
    if (!c->windows)
        return VTOP_NOT_PRESENT;
    if ((e & (1ull << 10)) || !(e & (1ull << 11)))
        return VTOP_SOFTWARE_PTE;
    int top = wide ? (c->m < 45 ? (int)c->m : 45) : 32;
    *next = e & ref_bits(top - 1, 12) & ~c->extra;
    return VTOP_OK;
}

/* The walk. Level numbers count from the PTE (0) up, as the SDM's tables
 * are read bottom-up. */
static inline ref_result ref_walk(const ref_cfg *c, uint64_t va)
{
    bool wide = c->kind != REF_32 && c->kind != REF_32_PSE;
    int levels = c->kind == REF_5LEVEL ? 5 : c->kind == REF_4LEVEL ? 4
               : c->kind == REF_PAE ? 3 : 2;
    int vbits = c->kind == REF_5LEVEL ? 57 : c->kind == REF_4LEVEL ? 48 : 32;
    if (levels >= 4) {
        int64_t sv = (int64_t)va >> (vbits - 1);
        if (sv != 0 && sv != -1)
            return ref_stop(VTOP_NON_CANONICAL);
    } else if (va >> 32) {
        return ref_stop(VTOP_ADDRESS_WIDTH);
    }
    int m = (int)c->m;
    uint64_t addr = (wide ? ref_bits(m - 1, 12) : ref_bits(31, 12)) & ~c->extra;
    uint64_t table = c->kind == REF_PAE ? (c->cr3 & ref_bits(31, 5) & ~c->extra)
                                        : (c->cr3 & addr);
    bool w = true, u = true, nx = false;
    for (int l = levels - 1; l >= 0; l--) {
        int shift = 12 + (wide ? 9 : 10) * l;
        int bits = c->kind == REF_PAE && l == 2 ? 2 : wide ? 9 : 10;
        uint64_t epa = table + ((va >> shift) & ((1ull << bits) - 1)) * (wide ? 8 : 4);
        uint64_t e;
        if (!c->read(c->ctx, epa, wide ? 8 : 4, &e))
            return ref_stop(VTOP_TABLE_NOT_IN_IMAGE);
        bool pdpte_pae = c->kind == REF_PAE && l == 2;
        if (!(e & 1)) {
            uint64_t next = 0;
            vtop_status st = ref_absent(c, e, wide, &next);
            if (st != VTOP_OK)
                return ref_stop(st);
            if (l == 0) {   /* a transition page: W from the entry only */
                ref_result r = {VTOP_OK, next | (va & 0xfff), 4096,
                                w && (e & 2), u, !nx};
                return r;
            }
            table = next;
            continue;
        }
        /* Reserved bits (SDM tables 4-6, 4-8..4-11, 4-14..4-20). */
        uint64_t rsv = 0;
        if (pdpte_pae)
            rsv = ref_bits(2, 1) | ref_bits(63, m);
        else if (c->kind == REF_PAE)
            rsv = ref_bits(62, m) | (c->nxe ? 0 : 1ull << 63);
        else if (wide)
            rsv = ref_bits(51, m) | (c->nxe ? 0 : 1ull << 63);
        bool ps = (e >> 7) & 1;
        bool large_ok = l == 1 ? c->kind != REF_32 : (l == 2 && levels >= 4);
        if (wide && l >= 3 && levels >= 4 && ps)
            rsv |= 1ull << 7;          /* PS in a PML4E / PML5E */
        bool large = l > 0 && ps && large_ok;
        if (large && wide)
            rsv |= ref_bits(shift - 1, 13);
        if (large && !wide)            /* PSE-36: bits 13.. are PA 32.. */
            rsv |= ref_bits(21, 13) & ~ref_bits(13 + (m < 40 ? m : 40) - 32 - 1, 13);
        if (e & rsv & ~c->extra)
            return ref_stop(VTOP_RESERVED_BIT);
        if (!pdpte_pae) {
            w = w && (e & 2);
            u = u && (e & 4);
            nx = nx || (c->nxe && wide && (e >> 63));
        }
        if (large || l == 0) {
            uint64_t size = 1ull << shift;
            uint64_t base = e & addr & ~(size - 1);
            if (large && !wide)
                base |= ((e >> 13) & 0xff) << 32;
            ref_result r = {VTOP_OK, base | (va & (size - 1)), size, w, u, !nx};
            return r;
        }
        table = e & addr;
    }
    return ref_stop(VTOP_BAD_SPACE);
}

#endif
