/* vtop EFI app: the firmware's paging as found, before the app changes
 * anything: one summary line of its tables, walked by the
 * core through live memory (the `mem` ranges and the audit follow through
 * the command language, efi/shell.c). */
#ifndef VTOP_EFI_FWREPORT_H
#define VTOP_EFI_FWREPORT_H

#include "cmd/out.h"
#include "core/paging.h"

/* The firmware's tables as found (cfg, from the registers) over mem, in
 * *fw; false, after a "firmware paging: error" line, when the core cannot
 * describe them. */
bool fwreport_space(vtop_space *fw, const vtop_space_config *cfg,
                    const vtop_physmem *mem, const vtop_out *out);

/* Returns the enumeration status (VTOP_OK normally). */
vtop_status fwreport_summary(const vtop_space *fw, const vtop_out *out);

#endif
