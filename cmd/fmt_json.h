/* vtop report layer: the JSON layouts of the whole-space and search
 * commands, one object per line (json.h): `tlb` leaves, `mem` ranges,
 * `ptov` hits and pairs, `roots` candidates. Translations are
 * record_json.h's, audit findings fmt_audit.h's. */
#ifndef VTOP_CMD_FMT_JSON_H
#define VTOP_CMD_FMT_JSON_H

#include <stddef.h>

#include "cmd/fmt_ptdump.h"
#include "cmd/fmt_qemu.h"
#include "cmd/report.h"
#include "core/enum.h"
#include "core/ptov.h"
#include "core/roots.h"

/* A vtop_enum_fn: one `tlb` leaf; ctx is a const vtop_report. */
int vtop_fmt_json_tlb_leaf(void *ctx, const vtop_leaf *leaf);

/* One `mem` range (QEMU's canonical start, end and size). */
void vtop_fmt_json_mem_range(const vtop_out *out, const vtop_qemu_range *range);

/* One AArch64 `mem` range: {"cmd":"mem","start","end","size","ttbr",
 * "level" (L-1..L3),"linux_level" (PGD..PTE),
 * "user","writable","executable","user_executable","shareable","af",
 * "ng","contiguous","block","guarded","AttrIndx","memtype"}. */
void vtop_fmt_json_ptdump_range(const vtop_out *out, const vtop_space *space,
                                const vtop_ptdump_range *range);

/* One `ptov PA|RANGE` hit, and one pair of the whole `ptov` map. */
void vtop_fmt_json_ptov_hit(const vtop_report *r, const vtop_ptov_hit *hit);
void vtop_fmt_json_ptov_pair(const vtop_report *r, const vtop_ptov_pair *pair);

/* One `roots` candidate at rank (1 = best); evidence is its names joined
 * by commas (vtop_root_evidence_name). */
void vtop_fmt_json_root(const vtop_out *out, size_t rank,
                        const vtop_root_candidate *cand, const char *evidence);

#endif
