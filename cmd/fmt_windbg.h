/* vtop report layer: WinDbg-style views of one translation.
 *
 * `pte VA` (in the spirit of !pte), one line per entry read, then a result
 * line, then the status line:
 *
 *   VA ffff8c2700201000
 *   PML4E at 000000000190a8c0 contains 0000000002a01063 pfn 2a01     ---DA--KWEV
 *   PDPTE at 0000000002a01000 contains 0000000002a02063 pfn 2a02     ---DA--KWEV
 *   PDE   at 0000000002a02008 contains 8000000000200163 pfn 200      -GLDA--KW-V
 *   pa 0000000000201000 size 2M pfn 201 rights rw-k
 *   status 0x00000000 ok
 *
 * - "VA %016llx" (32-bit modes: "VA %08llx").
 * - level lines: "%-5s at %016llx contains %0*llx pfn %-8llx %s": the level
 *   name (PML5E PML4E PDPTE PDE PTE), the entry's physical address, the raw
 *   entry (8 hex digits for 4-byte entries, 16 otherwise), the frame number
 *   (entry address field >> 12; for a large leaf the frame of its base), and
 *   11 flag letters as !pte prints them: C G L D A N T U|K W|R E V, '-' when
 *   clear: C = bit 9 (copy-on-write) in a windows_pte space, G = bit 8,
 *   L = large leaf, D = bit 6, A = bit 5, N = PCD, T = PWT, U (user) or K,
 *   W (writable) or R, E = executable (no NX with NXE), V = present.
 * - on success: "pa %016llx size %s pfn %llx rights %s": size one of 4K 2M
 *   4M 1G; rights 4 letters 'r', 'w'|'-', 'x'|'-', 'u'|'k' (effective rights,
 *   AND/OR over all levels).
 * - on failure, instead: "fault at %s: %s" with the level name (or "-" when
 *   no entry was read) and the status name, plus " reserved %016llx" for a
 *   reserved-bit fault and " swpte %s" (transition, prototype, pagefile,
 *   demand-zero) for a Windows software PTE.
 * - last line always: "status 0x%08X %s" = dbgeng HRESULT and status name.
 *
 * `vtop VA`, one line:
 *   ok:   "va %016llx pa %016llx size %s rights %s status 0x%08X ok"
 *   else: "va %016llx status 0x%08X %s at %s" (status name, level name or
 *         "-").
 */
#ifndef VTOP_CMD_FMT_WINDBG_H
#define VTOP_CMD_FMT_WINDBG_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"

/* Print a record (as returned by vtop_translate for space). */
void vtop_fmt_windbg_pte(const vtop_out *out, const vtop_space *space,
                         const vtop_translation *tr);
void vtop_fmt_windbg_vtop(const vtop_out *out, const vtop_space *space,
                          const vtop_translation *tr);

/* Helpers the views use, exposed for JSON and tests. */
/* "4K" "2M" "4M" "1G", AArch64 "16K" "64K" "32M" "512M" "64G" "512G" "4T",
 * or "?" */
const char *vtop_fmt_size_name(uint64_t size);
void vtop_fmt_rights(uint8_t rights, char out[5]);   /* "rwxu" style, NUL-terminated */
/* The 11 !pte flag letters of an entry at a level, NUL-terminated. */
void vtop_fmt_windbg_flags(const vtop_space *space, uint64_t entry,
                           uint8_t level, bool leaf, char out[12]);

#endif
