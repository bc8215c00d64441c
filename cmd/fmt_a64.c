/* vtop report layer: AArch64 `tlb` lines, `pte` view and rights text
 * (fmt_a64.h has the formats). Fields are decoded from the descriptors as
 * the Arm ARM (DDI 0487) D8.3 lays them out; the walk is the core's. */
#include "cmd/fmt_a64.h"

#include <inttypes.h>
#include <stdio.h>

#include "cmd/fmt_windbg.h"
#include "cmd/report.h"
#include "core/status.h"

void vtop_fmt_a64_rights(unsigned rights, char out[8])
{
    bool w = rights & VTOP_RIGHT_WRITE, u = rights & VTOP_RIGHT_USER;
    out[0] = 'r';
    out[1] = w ? 'w' : '-';
    out[2] = (rights & VTOP_RIGHT_EXEC) ? 'x' : '-';
    out[3] = '/';
    out[4] = u ? 'r' : '-';
    out[5] = u && w ? 'w' : '-';
    out[6] = (rights & VTOP_RIGHT_UEXEC) ? 'x' : '-';
    out[7] = 0;
}

const char *vtop_fmt_a64_ttbr_name(const vtop_space *space, unsigned half)
{
    bool el2 = space->cfg.a64_regime != VTOP_A64_EL1;
    if (half)
        return el2 ? "TTBR1_EL2" : "TTBR1_EL1";
    return el2 ? "TTBR0_EL2" : "TTBR0_EL1";
}

const char *vtop_fmt_a64_sh(unsigned leaf_flags)
{
    static const char *const names[4] = {"NS", "??", "OS", "IS"};
    return names[vtop_leaf_sh(leaf_flags)];
}

/* A leaf's VTOP_LEAF_SH / ATTR bits from its descriptor: SH from TCR.SHn
 * with LPA2 (D8.3.2: bits 9:8 are then OA[51:50]). */
static unsigned raw_leaf_flags(const vtop_a64_half *h, uint64_t e)
{
    unsigned sh = h->ds ? h->sh : (unsigned)((e >> VTOP_A64_SH_SHIFT) & 3);
    unsigned attr = (unsigned)((e >> VTOP_A64_ATTRINDX_SHIFT) & 7);
    return sh << VTOP_LEAF_SH_SHIFT | attr << VTOP_LEAF_ATTR_SHIFT;
}

void vtop_fmt_a64_attrs(char *buf, size_t len, const vtop_space *space,
                        uint64_t e, unsigned leaf_flags)
{
    bool el2 = space->cfg.a64_regime == VTOP_A64_EL2;
    unsigned attr = vtop_leaf_attr_index(leaf_flags);
    vtop_a64_memattr m = vtop_a64_mair_decode(space->cfg.mair, attr);
    snprintf(buf, len, "AP=%u%u %s %s %s %s SH=%s %s %s attr%u %s",
             (unsigned)((e >> 7) & 1), (unsigned)((e >> 6) & 1),
             (e & VTOP_A64_UXN) ? (el2 ? "XN " : "UXN") : "---",
             (e & VTOP_A64_PXN) ? "PXN" : "---",
             (e & VTOP_A64_AF) ? "AF" : "--", (e & VTOP_A64_NG) ? "nG" : "--",
             vtop_fmt_a64_sh(leaf_flags), (e & VTOP_A64_CONT) ? "C" : "-",
             (e & VTOP_A64_DBM) ? "DBM" : "---", attr, m.name);
}

void vtop_fmt_a64_tlb_line(const vtop_out *out, const vtop_space *space,
                           const vtop_leaf *leaf)
{
    const vtop_a64_half *h = &space->half[vtop_space_half_of(space, leaf->va)].a64;
    char rights[8], attrs[128];
    vtop_fmt_a64_rights(leaf->rights, rights);
    vtop_fmt_a64_attrs(attrs, sizeof attrs, space, leaf->entry,
                       raw_leaf_flags(h, leaf->entry));
    vtop_printf(out, "%016" PRIx64 ": %016" PRIx64 " %4s %-3s %s %s\n",
                leaf->va, leaf->pa, vtop_fmt_size_name(leaf->size),
                vtop_report_level_name_va(space, leaf->va, leaf->level),
                rights, attrs);
}

int vtop_fmt_a64_tlb_leaf(void *ctx, const vtop_leaf *leaf)
{
    const vtop_report *r = ctx;
    vtop_fmt_a64_tlb_line(r->out, r->space, leaf);
    return 0;
}

/* ---- pte ---- */

/* The address an entry holds, aligned to 2^shift (the granule for a table
 * or page, the block size for a block): bits 47:shift, OA[51:48] from bits
 * 15:12 with the 64K granule (FEAT_LPA), OA[51:50] from bits 9:8 and
 * OA[49:48] in place with TCR.DS (D8.3.1, D8.3.2). */
static uint64_t entry_address(const vtop_a64_half *h, uint64_t e,
                              unsigned shift)
{
    uint64_t a;
    if (h->ds)
        a = (e & 0x0003ffffffffffffull) | ((e >> 8) & 3) << 50;
    else if (h->granule == 16)
        a = (e & 0x0000ffffffffffffull) | ((e >> 12) & 0xf) << 48;
    else
        a = e & 0x0000ffffffffffffull;
    return a & ~((1ull << shift) - 1);
}

static const char *entry_kind(uint64_t e, bool last)
{
    if (!(e & VTOP_A64_VALID))
        return "invalid";
    if (e & VTOP_A64_TABLE)
        return last ? "page" : "table";
    return last ? "reserved" : "block";
}

static void table_bits(char *buf, size_t len, uint64_t e)
{
    int n = 0;
    buf[0] = 0;
    if (e & (VTOP_A64_APTABLE0 | VTOP_A64_APTABLE1))
        n = snprintf(buf, len, " APTable=%u%u", (unsigned)((e >> 62) & 1),
                     (unsigned)((e >> 61) & 1));
    if ((e & VTOP_A64_UXNTABLE) && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " UXNTable");
    if ((e & VTOP_A64_PXNTABLE) && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " PXNTable");
}

static void pte_level_line(const vtop_out *out, const vtop_space *space,
                           const vtop_mode_desc *d, const vtop_a64_half *h,
                           const vtop_level_read *r)
{
    uint64_t e = r->entry;
    bool last = r->level + 1u == d->levels;
    const char *kind = entry_kind(e, last);
    bool leaf = kind[0] == 'p' || kind[0] == 'b';
    unsigned shift = leaf ? d->level[r->level].shift : h->granule;
    char extra[160] = "";
    if (leaf) {
        extra[0] = ' ';
        vtop_fmt_a64_attrs(extra + 1, sizeof extra - 1, space, e,
                           raw_leaf_flags(h, e));
    } else if (kind[0] == 't') {
        table_bits(extra, sizeof extra, e);
    }
    vtop_printf(out, "%-5s at %016" PRIx64 " contains %016" PRIx64 " %-7s %016"
                PRIx64 "%s\n", d->level[r->level].name, r->entry_pa, e, kind,
                (e & VTOP_A64_VALID) ? entry_address(h, e, shift) : 0, extra);
}

void vtop_fmt_a64_pte(const vtop_out *out, const vtop_space *space,
                      const vtop_translation *tr)
{
    unsigned half = vtop_space_half_of(space, tr->va);
    const vtop_mode_desc *d = vtop_space_desc_of(space, tr->va);
    const vtop_a64_half *h = &space->half[half].a64;
    if (d && h->present)
        vtop_printf(out, "VA %016" PRIx64 " %s, %uK granule, %u-bit, start "
                    "L%d\n", tr->va, vtop_fmt_a64_ttbr_name(space, half),
                    (1u << h->granule) >> 10, h->va_bits, h->start_level);
    else
        vtop_printf(out, "VA %016" PRIx64 " (no %s)\n", tr->va,
                    vtop_fmt_a64_ttbr_name(space, half));
    for (unsigned i = 0; d && i < tr->nlevels && i < VTOP_MAX_LEVELS; i++)
        pte_level_line(out, space, d, h, &tr->levels[i]);
    if (tr->status == VTOP_OK) {
        char rights[8];
        vtop_fmt_a64_rights(tr->rights, rights);
        vtop_printf(out, "pa %016" PRIx64 " size %s rights %s\n", tr->pa,
                    vtop_fmt_size_name(tr->page_size), rights);
    } else {
        vtop_printf(out, "fault at %s: %s\n",
                    vtop_report_level_name_va(space, tr->va, tr->fault_level),
                    vtop_status_name(tr->status));
    }
    vtop_printf(out, "status 0x%08" PRIX32 " %s\n", vtop_hresult(tr->status),
                vtop_status_name(tr->status));
}
