/* vtop EFI app: the firmware's paging as found, before the app changes
 * anything (issue 8 part 1): a summary of its tables (walked by the core
 * through live memory), QEMU `info mem` style ranges, and the audit. */
#ifndef VTOP_EFI_FWREPORT_H
#define VTOP_EFI_FWREPORT_H

#include "cmd/out.h"
#include "core/paging.h"

/* Returns the enumeration status (VTOP_OK normally). */
vtop_status fwreport_summary(const vtop_space *fw, const vtop_out *out);

#endif
