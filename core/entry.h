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
    return lv->last || (e & lv->ps_mask);
}

/* Physical base of the page a leaf entry maps: the frame bits (PAT bit 12
 * of a large page is not an address bit), plus PSE-36's PDE bits 13..20 as
 * PA bits 32..39 for a 4M page (SDM 4.3, table 4-4). */
static inline uint64_t vtop_level_leaf_base(const vtop_space_level *lv,
                                            uint64_t e)
{
    return (e & lv->leaf_mask) | ((e & lv->pse36_mask) << 19);
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
 * raises #PF with RSVD for any of them (SDM 4.7). */
static inline uint64_t vtop_entry_reserved(const vtop_space *s, unsigned l,
                                           uint64_t e)
{
    return e & s->level[l].reserved[vtop_entry_is_leaf(s, l, e) ? 1 : 0];
}

/* Physical address of the next table a non-leaf entry points to. */
static inline uint64_t vtop_entry_table(const vtop_space *s, uint64_t e)
{
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
    return vtop_level_leaf_flags(&s->level[l], e);
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
