/* vtop report layer: the `protections` report (core/protect.h) as text or
 * as JSON (one object per check), and the names of EFI memory types and
 * GCD types. Standard C only. */
#ifndef VTOP_CMD_FMT_PROTECTIONS_H
#define VTOP_CMD_FMT_PROTECTIONS_H

#include "../core/protect.h"
#include "out.h"

/* "ConventionalMemory", ...; "unlisted" for VTOP_PROT_NONE; "Type0x%x"
 * for others (into buf, which must hold 16 bytes). */
const char *vtop_fmt_memtype(uint32_t type, char buf[16]);
/* "NonExistent", "SystemMemory", "MemoryMappedIo", ...; "unlisted". */
const char *vtop_fmt_gcdtype(uint32_t type, char buf[16]);

/* Why a rule cannot be met by the target being checked (NULL: it can). */
typedef const char *(*vtop_prot_unmet_fn)(void *ctx, vtop_check_id id);

typedef struct vtop_prot_view {
    const vtop_prot_report *rep;
    const vtop_prot_sources *src;
    vtop_prot_unmet_fn unmet;   /* optional */
    void *unmet_ctx;
} vtop_prot_view;

/* The check lines, the per-type table and the summary line. */
void vtop_fmt_protections(const vtop_prot_view *v, const vtop_out *out);
void vtop_fmt_protections_json(const vtop_prot_view *v, const vtop_out *out);

/* The sources, one line per entry (memory map, GCD, MAT, images with their
 * sections, stack, protocol). */
void vtop_fmt_prot_sources(const vtop_prot_sources *src, const vtop_out *out);

#endif
