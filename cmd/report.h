/* vtop report layer: what every formatter is handed, the sink and the
 * space whose descriptor names the levels. One context for the QEMU, WinDbg
 * and JSON printers of a walk (tlb leaves, mem ranges, audit findings). */
#ifndef VTOP_CMD_REPORT_H
#define VTOP_CMD_REPORT_H

#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"

typedef struct vtop_report {
    const vtop_out *out;
    const vtop_space *space;
} vtop_report;

/* desc->level[level].name, or "-" for a level the mode does not have
 * (a negative fault level: none). */
const char *vtop_report_level_name(const vtop_space *space, int level);
/* The same for a level of va's walk: in an AArch64 space the levels are
 * those of va's half (its own start level), named "L-1".."L3". */
const char *vtop_report_level_name_va(const vtop_space *space, uint64_t va,
                                      int level);
/* Effective rights as text: x86 "rwxu"/"rw-k" (4 letters), AArch64
 * "rw-/---" (privileged, then EL0; 7 letters). */
void vtop_report_rights(const vtop_space *space, unsigned rights, char out[8]);
/* Name of a Windows software-PTE kind ("none", "transition", ...). */
const char *vtop_swpte_name(vtop_swpte kind);
/* The mode's descriptor name ("4level", ...), or "none". */
const char *vtop_report_mode_name(vtop_mode mode);

#endif
