/* vtop EFI app: the command that shows the live root of the tables and
 * switches it between the firmware's tables and the app's own (so the
 * live machine can be inspected, and compared with QEMU's monitor, under
 * either): `cr3` on x86 (cr3cmd.c), `ttbr0` on AArch64
 * (efi/arch/aa64/ttbrcmd.c). */
#ifndef VTOP_EFI_CR3CMD_H
#define VTOP_EFI_CR3CMD_H

#include "cmd/session.h"

struct ownmap;

/* A command bound to om (kept in the command's data). */
vtop_command efi_root_command(struct ownmap *om);

#endif
