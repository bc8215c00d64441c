/* vtop EFI app: the banner's "firmware:" line (vendor, revision, UEFI
 * version from the system table), shared by every architecture's banner. */
#ifndef VTOP_EFI_FWNAME_H
#define VTOP_EFI_FWNAME_H

#include "cmd/out.h"

void efi_print_firmware(const vtop_out *out);

#endif
