/* vtop EFI app: a vtop_out that writes to newlib's stdout (and so, through
 * efi/syscalls.c, to the serial console), keeping order with printf. */
#ifndef VTOP_EFI_SINK_H
#define VTOP_EFI_SINK_H

#include "cmd/out.h"

const vtop_out *efi_stdout_sink(void);

#endif
