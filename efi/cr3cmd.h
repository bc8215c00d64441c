/* vtop EFI app: the `cr3` command: show the live CR3, or switch it between
 * the firmware's tables and the app's own (so the live machine can be
 * inspected, and compared with QEMU's monitor, under either). */
#ifndef VTOP_EFI_CR3CMD_H
#define VTOP_EFI_CR3CMD_H

#include "cmd/session.h"
#include "ownmap.h"

/* A command bound to om (kept in the command's data). */
vtop_command efi_cr3_command(ownmap *om);

#endif
