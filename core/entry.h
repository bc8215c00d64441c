/* vtop core: one paging-structure entry, read and decoded per level.
 *
 * Every walk-like module (translate, enumerate, ptov, audit) decodes entries
 * through these helpers, so the rules live in one place (STYLE.md rule 1):
 * a level index `l` is an index into space->desc->level[] (0 = top level),
 * and all mode differences come from the masks vtop_space_init precomputed.
 *
 * Sources: Intel SDM Vol. 3A 4.3 (32-bit, PSE-36), 4.4 (PAE), 4.5 (4/5-level),
 * 4.6 (access rights); tables 4-4 .. 4-20 for the bit layouts.
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef VTOP_ENTRY_H
#define VTOP_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "le.h"
#include "paging.h"
#include "physmem.h"
#include "status.h"

/* One entry of `size` (4 or 8) bytes at p, zero-extended. */
static inline uint64_t vtop_entry_load(const uint8_t *p, unsigned size)
{
    return size == 8 ? vtop_load_le64(p) : (uint64_t)vtop_load_le32(p);
}

/* Index of va in a table at level l. */
static inline uint64_t vtop_entry_index(const vtop_space *s, unsigned l,
                                        uint64_t va)
{
    const vtop_level_desc *d = &s->desc->level[l];
    return (va >> d->shift) & (((uint64_t)1 << d->index_bits) - 1);
}

/* Number of entries in a table at level l (4 for the PAE PDPT). */
static inline uint64_t vtop_entry_count(const vtop_space *s, unsigned l)
{
    return (uint64_t)1 << s->desc->level[l].index_bits;
}

/* Bytes of virtual address space one entry at level l covers. */
static inline uint64_t vtop_entry_span(const vtop_space *s, unsigned l)
{
    return (uint64_t)1 << s->desc->level[l].shift;
}

/* Physical address of entry `index` of the table at table_pa. */
static inline uint64_t vtop_entry_addr(const vtop_space *s, uint64_t table_pa,
                                       uint64_t index)
{
    return table_pa + index * s->desc->entry_size;
}

/* Pointer to `len` bytes at pa when they lie inside *hint (a run remembered
 * from the previous read), else a lookup that updates *hint; NULL when the
 * bytes are not all in one run of the image. hint may start as NULL. */
static inline const uint8_t *vtop_entry_bytes(const vtop_space *s,
                                              const vtop_run **hint,
                                              uint64_t pa, uint64_t len)
{
    const vtop_run *r = *hint;
    if (r) {
        uint64_t off = pa - r->phys; /* wraps to huge when pa < phys */
        if (off < r->len && r->len - off >= len && r->data)
            return r->data + off;
    }
    ptrdiff_t i = vtop_physmem_find(&s->mem, pa);
    if (i < 0)
        return NULL;
    r = &s->mem.runs[i];
    *hint = r;
    if (!r->data) /* a page-source or absent run: through its window */
        return vtop_physmem_span(&s->mem, pa, len);
    uint64_t off = pa - r->phys;
    if (r->len - off < len)
        return NULL;
    return r->data + off;
}

/* Read entry `index` of the table at table_pa: VTOP_OK, or
 * VTOP_TABLE_NOT_IN_IMAGE when the entry's bytes are not in the image
 * (never a zero). hint: as for vtop_entry_bytes (may point to NULL). */
static inline vtop_status vtop_entry_read_hint(const vtop_space *s,
                                               const vtop_run **hint,
                                               uint64_t table_pa,
                                               uint64_t index, uint64_t *entry)
{
    unsigned size = s->desc->entry_size;
    const uint8_t *p =
        vtop_entry_bytes(s, hint, vtop_entry_addr(s, table_pa, index), size);
    if (!p)
        return VTOP_TABLE_NOT_IN_IMAGE;
    *entry = vtop_entry_load(p, size);
    return VTOP_OK;
}

static inline vtop_status vtop_entry_read(const vtop_space *s,
                                          uint64_t table_pa, uint64_t index,
                                          uint64_t *entry)
{
    const vtop_run *hint = NULL;
    return vtop_entry_read_hint(s, &hint, table_pa, index, entry);
}

/* The whole table at table_pa as bytes (entry_count * entry_size), or NULL
 * when it is not inside one run: enumeration reads entries straight from it
 * with vtop_entry_load(p + i * entry_size, entry_size). */
static inline const uint8_t *vtop_entry_table_bytes(const vtop_space *s,
                                                    const vtop_run **hint,
                                                    unsigned l,
                                                    uint64_t table_pa)
{
    return vtop_entry_bytes(s, hint, table_pa,
                            vtop_entry_count(s, l) * s->desc->entry_size);
}

static inline bool vtop_entry_present(uint64_t e)
{
    return (e & PTE_P) != 0;
}

/* The decoder proper: each rule once, on a level's derived data
 * (vtop_space_level). The walk loop calls these with its level pointer,
 * the other modules through the (space, level index) forms below. */

/* A present entry maps a page (is a leaf) at the last level, or with PS=1
 * where the mode allows large pages (PDE with CR4.PSE or PAE/long mode,
 * PDPTE in long mode). Elsewhere PS is ignored (32-bit without PSE, SDM
 * 4.3) or reserved (PML4E/PML5E, caught by the reserved-bit test). */
static inline bool vtop_level_is_leaf(const vtop_space_level *lv, uint64_t e)
{
    return lv->last || ((e ^ lv->leaf_xor) & lv->ps_mask);
}

/* The entry stops a walk here (paging.h, vtop_space_level): x86 P=0 or a
 * bit reserved in every form; AArch64 invalid (bit 0 clear), the wrong
 * descriptor type (bits[1:0] = 01 where no block is allowed), or address
 * bits at or above the output size. */
static inline bool vtop_level_stops(const vtop_space_level *lv, uint64_t e)
{
    return ((e ^ lv->expect) & lv->stop_mask) != 0;
}

/* Physical base of the page a leaf entry maps: the frame bits (PAT bit 12
 * of a large page is not an address bit), plus PSE-36's PDE bits 13..20 as
 * PA bits 32..39 for a 4M page (SDM 4.3, table 4-4). */
static inline uint64_t vtop_level_leaf_base(const vtop_space_level *lv,
                                            uint64_t e)
{
    return (e & lv->leaf_mask) | ((e & lv->pse36_mask) << lv->hi_shift);
}

/* The half of an AArch64 space (or view) space->desc describes. */
static inline const vtop_space_half *vtop_space_cur_half(const vtop_space *s)
{
    return &s->half[s->desc->a64_upper ? 1 : 0];
}

/* AArch64 effective rights of a leaf e below tables whose bits OR to
 * tables (Arm ARM D8.4.1, D8.4.2; the pseudocode's
 * AArch64.S1DirectBasePermissions): AP[2] or APTable[1] make it read-only,
 * AP[1] without APTable[0] gives EL0 access; privileged execution needs
 * PXN and PXNTable clear and the page not EL0-writable; EL0 execution needs
 * UXN and UXNTable clear (EL0 execute-only pages have AP[1] = 0: Linux
 * arch/arm64 PAGE_EXECONLY). HPD drops the table bits. The EL2 regime
 * without E2H has no EL0: AP[1] is RES1, bit 54 is XN, bit 60 XNTable. */
static inline unsigned vtop_a64_rights(const vtop_space *s,
                                       const vtop_space_half *h, uint64_t e,
                                       uint64_t tables)
{
    uint64_t t = h->a64.hpd ? 0 : tables;
    bool ro = (e & VTOP_A64_AP2) || (t & VTOP_A64_APTABLE1);
    unsigned r = ro ? 0u : VTOP_RIGHT_WRITE;
    bool uxn = (e & VTOP_A64_UXN) || (t & VTOP_A64_UXNTABLE);
    if (s->cfg.a64_regime == VTOP_A64_EL2)
        return r | (uxn ? 0u : VTOP_RIGHT_EXEC);
    bool user = (e & VTOP_A64_AP1) && !(t & VTOP_A64_APTABLE0);
    bool pxn = (e & VTOP_A64_PXN) || (t & VTOP_A64_PXNTABLE) || (user && !ro);
    return r | (user ? VTOP_RIGHT_USER : 0u) | (pxn ? 0u : VTOP_RIGHT_EXEC) |
           (uxn ? 0u : VTOP_RIGHT_UEXEC);
}

/* VTOP_LEAF_* of an AArch64 leaf (D8.3 block/page descriptor, D8.5): AF,
 * nG, DBM, Contiguous, NS, AttrIndx, and SH from the descriptor or, with
 * LPA2 (whose bits 9:8 are address bits), from TCR.SHn. */
static inline unsigned vtop_a64_leaf_flags(const vtop_space_half *h, uint64_t e)
{
    unsigned sh = h->a64.ds ? h->a64.sh : (unsigned)((e >> VTOP_A64_SH_SHIFT) & 3);
    return ((e & VTOP_A64_AF) ? VTOP_LEAF_AF : 0u) |
           ((e & VTOP_A64_NG) ? VTOP_LEAF_NG : 0u) |
           ((e & VTOP_A64_DBM) ? VTOP_LEAF_DBM : 0u) |
           ((e & VTOP_A64_CONT) ? VTOP_LEAF_CONT : 0u) |
           ((e & VTOP_A64_NS) ? VTOP_LEAF_NS : 0u) |
           (sh << VTOP_LEAF_SH_SHIFT) |
           ((unsigned)((e >> VTOP_A64_ATTRINDX_SHIFT) & 7) << VTOP_LEAF_ATTR_SHIFT);
}

/* Why an AArch64 entry that failed the stop test (vtop_level_stops) stops
 * the walk: an invalid descriptor or the wrong type is a translation
 * fault, else its address bits are too wide (D8.3, D8.2.x faults). */
static inline vtop_status vtop_a64_stop_status(const vtop_space_level *lv,
                                               uint64_t e)
{
    if (!(e & VTOP_A64_VALID) || ((e ^ lv->expect) & lv->stop_mask & VTOP_A64_TABLE))
        return VTOP_TRANSLATION_FAULT;
    return VTOP_ADDRESS_SIZE_FAULT;
}

/* The fault a leaf that passed the stop test still raises: the leaf form's
 * bits in (e ^ leaf_expect) & reserved[1] (x86: reserved bits; AArch64:
 * AF = 0 without TCR.HA, address bits). 0 when none. */
static inline uint64_t vtop_level_leaf_fault(const vtop_space_level *lv,
                                             uint64_t e)
{
    return (e ^ lv->leaf_expect) & lv->reserved[1];
}

/* Effective rights of a walk from the AND of (entry | fill) and the OR of
 * the entries over its levels (SDM 4.6): R/W is bit 1 and U/S bit 2, so
 * (and >> 1) & 3 is VTOP_RIGHT_WRITE | VTOP_RIGHT_USER; executable iff no
 * level has NX (with NXE). */
static inline unsigned vtop_rights_of(const vtop_space *s, uint64_t and_acc,
                                      uint64_t or_acc)
{
    return (unsigned)((and_acc >> 1) & 3) |
           ((or_acc & s->nx_mask) ? 0u : VTOP_RIGHT_EXEC);
}

#define VTOP_RIGHTS_ALL (VTOP_RIGHT_WRITE | VTOP_RIGHT_USER | VTOP_RIGHT_EXEC)

/* VTOP_LEAF_* of a leaf entry: PWT (bit 3), PCD (4), A (5), D (6) through
 * a 16-entry table, G (bit 8) -> 0, PAT (bit 7 of a 4K PTE, bit 12 of a
 * large leaf, SDM tables 4-4, 4-9, 4-15..4-19) -> 3. */
static inline unsigned vtop_level_leaf_flags(const vtop_space_level *lv,
                                             uint64_t e)
{
    static const uint8_t pwt_pcd_a_d[16] = {
#define F(i) (((i) & 1 ? VTOP_LEAF_PWT : 0) | ((i) & 2 ? VTOP_LEAF_PCD : 0) | \
              ((i) & 4 ? VTOP_LEAF_A : 0) | ((i) & 8 ? VTOP_LEAF_D : 0))
        F(0), F(1), F(2),  F(3),  F(4),  F(5),  F(6),  F(7),
        F(8), F(9), F(10), F(11), F(12), F(13), F(14), F(15),
#undef F
    };
    return pwt_pcd_a_d[(e >> 3) & 15] | (unsigned)((e >> 8) & 1) |
           (unsigned)((e >> lv->pat_shift) & 8);
}

/* (space, level index) forms for the modules that walk level by level. */
static inline bool vtop_entry_is_leaf(const vtop_space *s, unsigned l,
                                      uint64_t e)
{
    return vtop_level_is_leaf(&s->level[l], e);
}

/* Large page: a leaf above the last level. */
static inline bool vtop_entry_is_large(const vtop_space *s, unsigned l,
                                       uint64_t e)
{
    return !s->level[l].last && (e & s->level[l].ps_mask);
}

/* Reserved bits set in a present entry (0 when none): a hardware walker
 * raises #PF with RSVD for any of them (SDM 4.7). AArch64: the address bits
 * at or above the output size, and AF (clear) in a leaf without TCR.HA. */
static inline uint64_t vtop_entry_reserved(const vtop_space *s, unsigned l,
                                           uint64_t e)
{
    const vtop_space_level *lv = &s->level[l];
    if (vtop_entry_is_leaf(s, l, e))
        return vtop_level_leaf_fault(lv, e);
    return e & lv->reserved[0];
}

/* The status a present entry at level l ends a walk with, VTOP_OK when it
 * does not (a table to follow or a good leaf): x86 VTOP_RESERVED_BIT;
 * AArch64 translation (wrong type), address-size or access-flag faults. */
static inline vtop_status vtop_entry_fault(const vtop_space *s, unsigned l,
                                           uint64_t e)
{
    const vtop_space_level *lv = &s->level[l];
    bool a64 = vtop_mode_is_a64(s->desc);
    if (vtop_level_stops(lv, e))
        return a64 ? vtop_a64_stop_status(lv, e)
               : (e & PTE_P) ? VTOP_RESERVED_BIT : VTOP_NOT_PRESENT;
    if (!vtop_level_is_leaf(lv, e) || !vtop_level_leaf_fault(lv, e))
        return VTOP_OK;
    if (!a64)
        return VTOP_RESERVED_BIT;
    return (vtop_level_leaf_fault(lv, e) & ~VTOP_A64_AF) ? VTOP_ADDRESS_SIZE_FAULT
                                                         : VTOP_ACCESS_FLAG_FAULT;
}

/* Physical address of the next table a non-leaf entry points to (AArch64:
 * with the out-of-place high bits of 64K and LPA2 tables, D8.3). */
static inline uint64_t vtop_entry_table(const vtop_space *s, uint64_t e)
{
    if (vtop_mode_is_a64(s->desc)) {
        const vtop_space_level *lv = &s->level[0];
        return (e & lv->table_mask) | ((e & lv->pse36_mask) << lv->hi_shift);
    }
    return e & s->addr_mask;
}

static inline uint64_t vtop_entry_leaf_base(const vtop_space *s, unsigned l,
                                            uint64_t e)
{
    return vtop_level_leaf_base(&s->level[l], e);
}

/* Size of the page a leaf at level l maps (4K, 2M, 4M, 1G). */
static inline uint64_t vtop_entry_page_size(const vtop_space *s, unsigned l)
{
    return s->level[l].page_size;
}

/* VTOP_RIGHT_* granted by this entry alone; the effective rights are the AND
 * over every level of the walk (SDM 4.6; PAE PDPTEs have no R/W, U/S, NX). */
static inline unsigned vtop_entry_rights(const vtop_space *s, unsigned l,
                                         uint64_t e)
{
    return vtop_rights_of(s, e | s->level[l].fill, e);
}

static inline unsigned vtop_entry_leaf_flags(const vtop_space *s, unsigned l,
                                             uint64_t e)
{
    if (vtop_mode_is_a64(s->desc))
        return vtop_a64_leaf_flags(vtop_space_cur_half(s), e);
    return vtop_level_leaf_flags(&s->level[l], e);
}

/* Rights along a path of entries, for the modules that go down level by
 * level (enumerate, ptov, audit): start with vtop_path_start, fold every
 * table entry in with vtop_path_table, and vtop_path_leaf gives the
 * effective VTOP_RIGHT_* of the leaf below. x86: the AND of each entry's
 * rights (SDM 4.6); AArch64: the OR of the tables' APTable/XNTable bits
 * (62:59), applied at the leaf (D8.4: the implicit PXN of an EL0-writable
 * page needs the whole path, not an AND). */
static inline unsigned vtop_path_start(const vtop_space *s)
{
    return vtop_mode_is_a64(s->desc) ? 0u : VTOP_RIGHTS_ALL;
}

static inline unsigned vtop_path_table(const vtop_space *s, unsigned l,
                                       uint64_t e, unsigned acc)
{
    if (vtop_mode_is_a64(s->desc))
        return acc | (unsigned)((e >> 59) & 15);
    return acc & vtop_entry_rights(s, l, e);
}

static inline unsigned vtop_path_leaf(const vtop_space *s, unsigned l,
                                      uint64_t e, unsigned acc)
{
    if (vtop_mode_is_a64(s->desc))
        return vtop_a64_rights(s, vtop_space_cur_half(s), e, (uint64_t)acc << 59);
    return acc & vtop_entry_rights(s, l, e);
}

/* Windows software PTE kind of a not-present entry (x64 MMPTE_SOFTWARE /
 * MMPTE_TRANSITION layouts as WinDbg, Volatility 3 WindowsIntel32e and
 * LibVMI windows_pte_to_paddr decode them): transition = bit 11 set and
 * bit 10 clear (page still in RAM), prototype = bit 10, page file = a
 * non-zero page-file offset (PageFileHigh: bits 32..63 in 8-byte entries,
 * bits 12..31 in 4-byte x86 ones), else demand zero (including the
 * all-zero entry). */
static inline vtop_swpte vtop_entry_swpte(const vtop_space *s, uint64_t e)
{
    if (e & PTE_WIN_PROTOTYPE)
        return VTOP_SWPTE_PROTOTYPE;
    if (e & PTE_WIN_TRANSITION)
        return VTOP_SWPTE_TRANSITION;
    if (e >> (s->desc->entry_size == 8 ? 32 : 12))
        return VTOP_SWPTE_PAGEFILE;
    return VTOP_SWPTE_DEMAND_ZERO;
}

/* Physical frame of a transition entry: PFN bits 12..min(M,45)-1 (Windows
 * keeps flag bits above bit 44; Volatility 3 uses _maxphyaddr = 45). */
static inline uint64_t vtop_entry_transition_base(const vtop_space *s,
                                                  uint64_t e)
{
    return e & s->win_pfn_mask;
}

/* Where QEMU 7.2's monitor finds the top table and the table an entry
 * points to (the masks of core/paging.c's mode table). */
static inline uint64_t vtop_qemu_root(const vtop_space *s)
{
    return s->cfg.cr3 & s->desc->qemu.root_mask;
}

static inline uint64_t vtop_qemu_table(const vtop_space *s, uint64_t e)
{
    return e & s->desc->qemu.table_mask;
}

#endif
