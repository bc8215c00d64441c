/* vtop report layer: QEMU monitor text, byte for byte.
 *
 * `tlb` reproduces QEMU 7.2's `info tlb` and `mem` its `info mem`
 * (target/i386/monitor.c: hmp_info_tlb -> tlb_info_32 / tlb_info_pae32 /
 * tlb_info_la48 / tlb_info_la57 -> print_pte; hmp_info_mem -> mem_info_32 /
 * mem_info_pae32 / mem_info_la48 / mem_info_la57 -> mem_print; both through
 * addr_canonical). Paging disabled prints "PG disabled\n" as QEMU does.
 * The tables are walked by core (vtop_enumerate with VTOP_ENUM_QEMU and
 * vtop_qemu_mem_walk); this file only formats; QEMU's per-mode quirks are
 * in qemu_quirks.h.
 *
 * Lines (TARGET_FMT_plx = "%016" PRIx64):
 *   tlb: "%016llx: %016llx XGPDACTUW\n"  (each flag letter or '-')
 *   mem: "%016llx-%016llx %016llx urw\n" ('u' or '-', always 'r', 'w' or '-')
 */
#ifndef VTOP_CMD_FMT_QEMU_H
#define VTOP_CMD_FMT_QEMU_H

#include <stdint.h>

#include "cmd/out.h"
#include "cmd/report.h"
#include "core/enum.h"
#include "core/paging.h"
#include "core/status.h"

/* max_tables: walk budget (0 = core's default). Return the walk's status
 * (VTOP_OK, VTOP_LIMIT_REACHED after printing what was found, ...). */
vtop_status vtop_fmt_qemu_tlb(const vtop_out *out, const vtop_space *space,
                              uint64_t max_tables);
vtop_status vtop_fmt_qemu_mem(const vtop_out *out, const vtop_space *space,
                              uint64_t max_tables);

/* `tlb` over the leaves in [first, last] (canonical, inclusive). */
vtop_status vtop_fmt_qemu_tlb_range(const vtop_report *r, uint64_t first,
                                    uint64_t last, uint64_t max_tables);

/* `mem` with walk flags (core/enum.h): VTOP_QEMU_MEM_FIX_LA57 prints what
 * QEMU 7.2's mem_info_la57 means instead of what it prints (on a 5-level
 * Linux guest QEMU 7.2 prints nothing; the fixed walk gives the 4-level
 * format with sign extension at bit 56). flags 0 = vtop_fmt_qemu_mem. */
vtop_status vtop_fmt_qemu_mem_ex(const vtop_out *out, const vtop_space *space,
                                 uint64_t max_tables, unsigned flags);

/* One `info mem` range as mem_print prints it: start, end and size after
 * addr_canonical; prot holds QEMU's PG_USER_MASK (bit 2) and PG_RW_MASK
 * (bit 1). */
typedef struct vtop_qemu_range {
    uint64_t start, end, size;
    unsigned prot;
} vtop_qemu_range;

#define VTOP_QEMU_PROT_USER (1u << 2)
#define VTOP_QEMU_PROT_RW   (1u << 1)

typedef void (*vtop_qemu_range_fn)(void *ctx, const vtop_qemu_range *range);

/* The ranges `mem` prints, in order, to fn (nothing when paging is off:
 * see vtop_qemu_paging_off). */
vtop_status vtop_fmt_qemu_mem_ranges(const vtop_space *space, uint64_t max_tables,
                                     unsigned flags, vtop_qemu_range_fn fn, void *ctx);

/* One `info mem` line. */
void vtop_fmt_qemu_mem_line(const vtop_out *out, const vtop_qemu_range *range);

/* One `info tlb` line for a leaf entry: raw_va is the un-extended linear
 * address, level the desc->level[] index of the leaf. Exposed for tests and
 * for callers that filter leaves. */
void vtop_fmt_qemu_tlb_line(const vtop_out *out, const vtop_space *space,
                            uint64_t raw_va, uint64_t entry, uint8_t level);

#endif
