/* vtop core: the page walker (one loop for every mode, STYLE.md rule 1).
 *
 * Per level, as the hardware does (SDM Vol. 3A 4.3-4.5, 4.7): read the entry,
 * stop on P=0 (or classify a Windows software PTE), stop on a set reserved
 * bit, AND the access rights (4.6), then either map the page (a leaf) or
 * descend to the table the entry points to. Every mode difference is in the
 * space's precomputed masks (core/entry.h), so the loop has no per-mode code.
 */
#include "entry.h"
#include "paging.h"

static vtop_status walk_stop(vtop_translation *out, unsigned l,
                             vtop_status status)
{
    out->fault_level = (int8_t)l;
    out->status = status;
    return status;
}

static vtop_status walk_done(vtop_translation *out, uint64_t base,
                             uint64_t size, unsigned rights)
{
    out->page_size = size;
    out->pa = base | (out->va & (size - 1));
    out->rights = (uint8_t)rights;
    out->status = VTOP_OK;
    return VTOP_OK;
}

/* Paging disabled (CR0.PG=0): linear = physical, 32-bit addresses. */
static vtop_status walk_identity(vtop_translation *out)
{
    out->leaf_flags = 0;
    return walk_done(out, out->va & ~0xfffull, 4096, VTOP_RIGHTS_ALL);
}

/* P=0 at level l. With windows_pte, a transition entry keeps the walk going
 * (its frame is still in RAM: a table at an upper level, the page at the
 * last); the other kinds stop it (REFERENCE.md section 3). Returns VTOP_OK
 * with *next set when the walk goes on. */
static vtop_status walk_not_present(const vtop_space *s, vtop_translation *out,
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

vtop_status vtop_translate(const vtop_space *s, uint64_t va,
                           vtop_translation *out)
{
    if (!out)
        return VTOP_BAD_ARGUMENT;
    out->va = va;
    out->pa = 0;
    out->page_size = 0;
    out->nlevels = 0;
    out->fault_level = -1;
    out->reserved_bits = 0;
    out->swpte = VTOP_SWPTE_NONE;
    out->rights = 0;
    out->leaf_flags = 0;
    if (!s || !s->desc) {
        out->status = VTOP_BAD_ARGUMENT;
        return VTOP_BAD_ARGUMENT;
    }
    const vtop_mode_desc *d = s->desc;
    if (vtop_canonical(d, va) != va) {
        out->status = d->sign_extended ? VTOP_NON_CANONICAL : VTOP_ADDRESS_WIDTH;
        return out->status;
    }
    if (d->levels == 0)
        return walk_identity(out);

    const vtop_run *hint = NULL;
    uint64_t table = s->root;
    unsigned rights = VTOP_RIGHTS_ALL;
    unsigned last = d->levels - 1u;
    for (unsigned l = 0; l <= last; l++) {
        vtop_level_read *r = &out->levels[l];
        uint64_t e = 0;
        r->level = (uint8_t)l;
        r->entry_pa = vtop_entry_addr(s, table, vtop_entry_index(s, l, va));
        r->entry = 0;
        if (vtop_entry_read_hint(s, &hint, table, vtop_entry_index(s, l, va),
                                 &e) != VTOP_OK)
            return walk_stop(out, l, VTOP_TABLE_NOT_IN_IMAGE);
        r->entry = e;
        out->nlevels = (uint8_t)(l + 1);
        if (!(e & PTE_P)) {
            vtop_status st = walk_not_present(s, out, l, e, &table);
            if (st != VTOP_OK)
                return st;
            if (l == last) { /* transition page: W from the entry only */
                rights &= (e & PTE_RW) ? VTOP_RIGHTS_ALL : ~VTOP_RIGHT_WRITE;
                return walk_done(out, table, 4096, rights);
            }
            continue;
        }
        bool leaf = l == last || ((e & PTE_PS) && d->level[l].leaf_allowed);
        uint64_t rsvd = e & s->reserved[l][leaf];
        if (rsvd) {
            out->reserved_bits = rsvd;
            return walk_stop(out, l, VTOP_RESERVED_BIT);
        }
        rights &= vtop_entry_rights(s, l, e);
        if (leaf) {
            out->leaf_flags = (uint8_t)vtop_entry_leaf_flags(s, l, e);
            return walk_done(out, vtop_entry_leaf_base(s, l, e),
                             vtop_entry_page_size(s, l), rights);
        }
        table = e & s->addr_mask;
    }
    return walk_stop(out, last, VTOP_BAD_SPACE); /* not reached: last is a leaf */
}
