/* vtop report layer: AArch64 views of leaves and translations.
 *
 * Rights are "PPP/UUU": the privileged level's (EL1, or EL2) read, write
 * and execute, then EL0's, each letter or '-' (e.g. "rw-/---" kernel data,
 * "r-x/---" kernel text, "rw-/rw-" user data). Effective rights: AP[2:1],
 * UXN/PXN and, without TCR.HPDn, APTable/UXNTable/PXNTable of the tables
 * above (Arm ARM DDI 0487 D8.4).
 *
 * `tlb`, one line per leaf:
 *   "%016llx: %016llx %4s %-3s %s AP=%u%u %s %s %s %s SH=%s %s %s attr%u %s"
 *   VA, PA, size (4K 16K 64K 2M 32M 512M 1G 64G 512G 4T), level L-1..L3,
 *   rights, the leaf's AP[2:1], "UXN"|"---" (EL2: "XN "), "PXN"|"---",
 *   "AF"|"--", "nG"|"--", SH (NS, OS, IS, or "??" for the reserved 01),
 *   "C"|"-" (contiguous hint, reported only), "DBM"|"---", AttrIndx and its
 *   MAIR memory type ("Normal-WB", "Device-nGnRE", ...; "unknown" without
 *   MAIR).
 *
 * `pte VA`: "VA %016llx %s, %uK granule, %u-bit, start L%d" (the half's
 * register name), then per level read
 *   "%-5s at %016llx contains %016llx %-7s %016llx%s": level, entry
 *   address, value, kind (table, block, page, invalid, reserved), the
 *   address the entry holds (next table or output; 0 when invalid), and
 *   for a table its set APTable/UXNTable/PXNTable bits (" APTable=%u%u",
 *   " UXNTable", " PXNTable"), for a leaf " AP=.. UXN PXN AF nG SH=.. attrN
 *   TYPE" as in `tlb`. Then "pa %016llx size %s rights %s" or "fault at %s:
 *   %s", and "status 0x%08X %s" as on x86.
 */
#ifndef VTOP_CMD_FMT_A64_H
#define VTOP_CMD_FMT_A64_H

#include <stdint.h>

#include "cmd/out.h"
#include "core/enum.h"
#include "core/paging.h"

/* "rw-/r-x" (NUL-terminated). */
void vtop_fmt_a64_rights(unsigned rights, char out[8]);

/* "TTBR0_EL1", "TTBR1_EL1", "TTBR0_EL2", "TTBR1_EL2" for half of space. */
const char *vtop_fmt_a64_ttbr_name(const vtop_space *space, unsigned half);

/* "NS" "OS" "IS" "??" for a leaf's VTOP_LEAF_SH. */
const char *vtop_fmt_a64_sh(unsigned leaf_flags);

/* The leaf's attribute columns from AP to the memory type (no newline). */
void vtop_fmt_a64_attrs(char *buf, size_t len, const vtop_space *space,
                        uint64_t entry, unsigned leaf_flags);

void vtop_fmt_a64_tlb_line(const vtop_out *out, const vtop_space *space,
                           const vtop_leaf *leaf);
/* vtop_leaf_fn printing tlb lines; ctx is a vtop_report. */
int vtop_fmt_a64_tlb_leaf(void *ctx, const vtop_leaf *leaf);

void vtop_fmt_a64_pte(const vtop_out *out, const vtop_space *space,
                      const vtop_translation *tr);

#endif
