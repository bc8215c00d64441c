/* vtop report layer: `mem` of an AArch64 space in the style of Linux's
 * arm64 page-table dump (arch/arm64/mm/ptdump.c: note_page, dump_addr,
 * dump_prot and the pte_bits[] table).
 *
 * Consecutive leaves of one level with the same protection and attributes
 * are merged into one line, as note_page merges them:
 *
 *   0xffff800008000000-0xffff800008200000           2M PMD       ro x  SHD AF        BLK        MEM/NORMAL
 *
 * - "0x%016llx-0x%016llx   %9llu%c %s": start, end (exclusive; the last
 *   range of the upper half ends at 0x0000000000000000 as in Linux), the
 *   size in the largest unit of K M G T P E that divides it, and the
 *   level's Linux name: the start level is PGD, the levels below it are
 *   named from the bottom PTE (L3), PMD (L2), PUD (L1), P4D (L0).
 * - then, as dump_prot prints pte_bits[] (Linux 6.1), each field as " %s":
 *   " " (valid), "USR"|"   " (EL0 access), "ro"|"RW", "NX"|"x " (privileged
 *   execute-never), "SHD"|"   " (inner shareable), "AF"|"  ", "NG"|"  ",
 *   "CON"|"   ", "   "|"BLK" (page or block), "UXN"|"   ", "GP"|"  ", and
 *   the memory type from MAIR: DEVICE/nGnRnE, DEVICE/nGnRE, DEVICE/nGRE,
 *   DEVICE/GRE, MEM/NORMAL-NC, MEM/NORMAL, MEM/NORMAL-TAGGED, else
 *   MEM/<the core's name> (e.g. MEM/Normal-WT), ATTR<n> without MAIR.
 * - USR, ro, NX and UXN are the effective rights (APTable, XNTable and the
 *   implicit PXN of EL0-writable memory included), not the leaf's raw bits.
 * - Each half starts with a marker line "---[ TTBRn_ELx ]---" (Linux
 *   prints its own address markers). Unmapped gaps are not printed (Linux
 *   prints them as lines without attributes).
 */
#ifndef VTOP_CMD_FMT_PTDUMP_H
#define VTOP_CMD_FMT_PTDUMP_H

#include <stdint.h>

#include "cmd/out.h"
#include "cmd/report.h"
#include "core/enum.h"
#include "core/paging.h"

/* One merged range. */
typedef struct vtop_ptdump_range {
    uint64_t start, end;     /* [start, end); end 0: the top of the space */
    unsigned half;           /* 0: TTBR0, 1: TTBR1 */
    int arm_level;           /* -1..3 */
    const char *level_name;  /* "PGD" .. "PTE" */
    unsigned prot;           /* VTOP_PTDUMP_* */
    unsigned attr_index;     /* AttrIndx */
} vtop_ptdump_range;

#define VTOP_PTDUMP_USR  (1u << 0)
#define VTOP_PTDUMP_RO   (1u << 1)
#define VTOP_PTDUMP_NX   (1u << 2)
#define VTOP_PTDUMP_SHD  (1u << 3)
#define VTOP_PTDUMP_AF   (1u << 4)
#define VTOP_PTDUMP_NG   (1u << 5)
#define VTOP_PTDUMP_CON  (1u << 6)
#define VTOP_PTDUMP_BLK  (1u << 7)
#define VTOP_PTDUMP_UXN  (1u << 8)
#define VTOP_PTDUMP_GP   (1u << 9)

typedef void (*vtop_ptdump_fn)(void *ctx, const vtop_ptdump_range *range);

/* The ranges of [first, last] (inclusive) in VA order to fn; marker lines
 * are the text printer's. Returns the enumeration's status (VTOP_OK,
 * VTOP_LIMIT_REACHED after the ranges found, ...). */
vtop_status vtop_fmt_ptdump_ranges(const vtop_space *space, uint64_t first,
                                   uint64_t last, vtop_ptdump_fn fn, void *ctx);

/* The text: markers and lines of [first, last]. */
vtop_status vtop_fmt_ptdump(const vtop_report *r, uint64_t first, uint64_t last);

/* One line (no marker). */
void vtop_fmt_ptdump_line(const vtop_out *out, const vtop_space *space,
                          const vtop_ptdump_range *range);

/* The memory-type field of AttrIndx attr_index ("MEM/NORMAL", ...). */
void vtop_fmt_ptdump_memtype(const vtop_space *space, unsigned attr_index,
                             char *buf, size_t len);

/* Linux's name of an Arm level in a walk starting at start_level. */
const char *vtop_fmt_ptdump_level_name(int start_level, int arm_level);

#endif
