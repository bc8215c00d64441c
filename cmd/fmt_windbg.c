/* vtop report layer: WinDbg-style `pte` and `vtop` views (fmt_windbg.h has
 * the exact formats). The flag letters follow WinDbg's !pte legend
 * (valid, writable, owner, write-through, no-cache, accessed, dirty, large,
 * global, copy-on-write, executable); the rest is our own fixed layout,
 * documented in the header so scripts and the JSON layer can rely on it.
 */
#include "cmd/fmt_windbg.h"

#include "cmd/report.h"

#include <inttypes.h>

#include "cmd/fmt_a64.h"
#include "cmd/hexfmt.h"
#include "core/entry.h"
#include "core/status.h"

const char *vtop_fmt_size_name(uint64_t size)
{
    switch (size) {
    case 1ull << 12: return "4K";
    case 1ull << 21: return "2M";
    case 1ull << 22: return "4M";
    case 1ull << 30: return "1G";
    /* AArch64 granules and blocks (Arm ARM D8.2: 16K/64K granules, 32M,
     * 512M, 64G, 512G, 4T blocks) */
    case 1ull << 14: return "16K";
    case 1ull << 16: return "64K";
    case 1ull << 25: return "32M";
    case 1ull << 29: return "512M";
    case 1ull << 36: return "64G";
    case 1ull << 39: return "512G";
    case 1ull << 42: return "4T";
    default:         return "?";
    }
}

void vtop_fmt_rights(uint8_t rights, char out[5])
{
    out[0] = 'r';
    out[1] = (rights & VTOP_RIGHT_WRITE) ? 'w' : '-';
    out[2] = (rights & VTOP_RIGHT_EXEC) ? 'x' : '-';
    out[3] = (rights & VTOP_RIGHT_USER) ? 'u' : 'k';
    out[4] = 0;
}

#define PTE_WIN_COPY_ON_WRITE (1ull << 9)

void vtop_fmt_windbg_flags(const vtop_space *space, uint64_t entry,
                           uint8_t level, bool leaf, char out[12])
{
    /* A leaf above the 4K level is a large page (WinDbg's L flag). */
    bool large = leaf && level < VTOP_MAX_LEVELS && space->desc->level[level].shift > 12;
    out[0] = (space->cfg.windows_pte && (entry & PTE_WIN_COPY_ON_WRITE)) ? 'C' : '-';
    out[1] = (entry & PTE_G) ? 'G' : '-';
    out[2] = large ? 'L' : '-';
    out[3] = (entry & PTE_D) ? 'D' : '-';
    out[4] = (entry & PTE_A) ? 'A' : '-';
    out[5] = (entry & PTE_PCD) ? 'N' : '-';
    out[6] = (entry & PTE_PWT) ? 'T' : '-';
    out[7] = (entry & PTE_US) ? 'U' : 'K';
    out[8] = (entry & PTE_RW) ? 'W' : 'R';
    out[9] = (entry & space->nx_mask) ? '-' : 'E';
    out[10] = (entry & PTE_P) ? 'V' : '-';
    out[11] = 0;
}

/* One level line: the frame is the leaf's base for the leaf entry, the
 * address field otherwise. */
static void pte_level_line(const vtop_out *out, const vtop_space *space,
                           const vtop_translation *tr, unsigned i)
{
    const vtop_level_read *r = &tr->levels[i];
    bool is_last_read = i + 1u == tr->nlevels;
    bool leaf = is_last_read && tr->status == VTOP_OK && (r->entry & PTE_P);
    uint64_t frame = leaf ? vtop_entry_leaf_base(space, r->level, r->entry)
                          : (r->entry & space->addr_mask);
    char flags[12];
    vtop_fmt_windbg_flags(space, r->entry, r->level, leaf, flags);
    vtop_printf(out, "%-5s at %016" PRIx64 " contains %0*" PRIx64 " pfn %-8" PRIx64 " %s\n",
                vtop_report_level_name(space, r->level), r->entry_pa,
                space->desc->entry_size * 2, r->entry, frame >> 12, flags);
}

void vtop_fmt_windbg_pte(const vtop_out *out, const vtop_space *space,
                         const vtop_translation *tr)
{
    if (vtop_mode_is_a64(space->desc)) {
        vtop_fmt_a64_pte(out, space, tr);
        return;
    }
    vtop_printf(out, space->desc->sign_extended ? "VA %016" PRIx64 "\n"
                                                : "VA %08" PRIx64 "\n", tr->va);
    for (unsigned i = 0; i < tr->nlevels && i < VTOP_MAX_LEVELS; i++)
        pte_level_line(out, space, tr, i);
    if (tr->status == VTOP_OK) {
        char rights[5];
        vtop_fmt_rights(tr->rights, rights);
        vtop_printf(out, "pa %016" PRIx64 " size %s pfn %" PRIx64 " rights %s\n",
                    tr->pa, vtop_fmt_size_name(tr->page_size), tr->pa >> 12, rights);
    } else {
        vtop_printf(out, "fault at %s: %s", vtop_report_level_name(space, tr->fault_level),
                    vtop_status_name(tr->status));
        if (tr->status == VTOP_RESERVED_BIT)
            vtop_printf(out, " reserved %016" PRIx64, tr->reserved_bits);
        if (tr->status == VTOP_SOFTWARE_PTE)
            vtop_printf(out, " swpte %s", vtop_swpte_name(tr->swpte));
        vtop_puts(out, "\n");
    }
    vtop_printf(out, "status 0x%08" PRIX32 " %s\n", vtop_hresult(tr->status),
                vtop_status_name(tr->status));
}

/* One line per address: the hot path of scripts with many `vtop` lines,
 * so it is built without printf (hexfmt.h); the bytes are those of
 * "va %016" PRIx64 " pa %016" PRIx64 " size %s rights %s status 0x%08"
 * PRIX32 " ok\n", or "va %016" PRIx64 " status 0x%08" PRIX32 " %s at %s\n". */
/* The answer for a page of a two-letter size (every x86 size): a
 * template with the variable columns at fixed offsets, filled in place. */
static bool vtop_line_ok_fixed(vtop_line *l, const vtop_translation *tr)
{
    static const char tmpl[] = "va 0000000000000000 pa 0000000000000000 size 4K"
                               " rights rwxu status 0x00000000 ok\n";
    const char *size = vtop_fmt_size_name(tr->page_size);
    if (!size[0] || !size[1] || size[2])
        return false;
    __builtin_memcpy(l->buf, tmpl, sizeof tmpl - 1);
    vtop_hex16(l->buf + 3, tr->va, false);
    vtop_hex16(l->buf + 23, tr->pa, false);
    l->buf[45] = size[0];
    l->buf[46] = size[1];
    vtop_fmt_rights(tr->rights, l->buf + 55); /* writes a NUL at 59 ... */
    l->buf[59] = ' ';                         /* ... put the blank back */
    vtop_hex8(l->buf + 69, vtop_hresult(tr->status), true);
    l->n = sizeof tmpl - 1;
    return true;
}

void vtop_fmt_windbg_vtop(const vtop_out *out, const vtop_space *space,
                          const vtop_translation *tr)
{
    vtop_line l; /* not `= {0}`: that clears 256 bytes per answer */
    vtop_line_init(&l);
    bool a64 = vtop_mode_is_a64(space->desc);
    if (tr->status == VTOP_OK && !a64 && vtop_line_ok_fixed(&l, tr)) {
        vtop_line_flush(&l, out);
        return;
    }
    VTOP_LINE_LIT(&l, "va ");
    vtop_line_hex(&l, tr->va, 16);
    if (tr->status == VTOP_OK) {
        char rights[8];
        vtop_report_rights(space, tr->rights, rights);
        VTOP_LINE_LIT(&l, " pa ");
        vtop_line_hex(&l, tr->pa, 16);
        VTOP_LINE_LIT(&l, " size ");
        vtop_line_str(&l, vtop_fmt_size_name(tr->page_size));
        VTOP_LINE_LIT(&l, " rights ");
        vtop_line_str(&l, rights);
        VTOP_LINE_LIT(&l, " status 0x");
        vtop_line_hex_upper(&l, vtop_hresult(tr->status), 8);
        VTOP_LINE_LIT(&l, " ok\n");
    } else {
        VTOP_LINE_LIT(&l, " status 0x");
        vtop_line_hex_upper(&l, vtop_hresult(tr->status), 8);
        VTOP_LINE_LIT(&l, " ");
        vtop_line_str(&l, vtop_status_name(tr->status));
        VTOP_LINE_LIT(&l, " at ");
        vtop_line_str(&l, vtop_report_level_name_va(space, tr->va,
                                                    tr->fault_level));
        VTOP_LINE_LIT(&l, "\n");
    }
    vtop_line_flush(&l, out);
}
