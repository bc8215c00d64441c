/* vtop EFI app: how a run ends.
 *
 * -qemu-exit: write 0x20 + the status to QEMU's isa-debug-exit device (port
 *   0xf4; QEMU exits with (status << 1) | 1, hw/misc/debugexit.c), so a
 *   harness sees a failing app fail even when its text looks right.
 * -shutdown: power off with ResetSystem(EfiResetShutdown) (UEFI spec 2.10
 *   section 8.5.1) so a test ends by itself.
 */
#ifndef VTOP_EFI_POWER_H
#define VTOP_EFI_POWER_H

#include <stdbool.h>

/* App statuses reported through isa-debug-exit. */
enum {
    APP_STATUS_OK = 0,
    APP_STATUS_FAILED = 1,       /* a check failed (self-check, ...) */
    APP_STATUS_BAD_OPTION = 2,   /* the load options could not be parsed */
    APP_STATUS_NO_MEMORY = 3
};

void efi_power_configure(bool qemu_exit, bool shutdown);

/* Flush stdio, then report status / power off as configured. force powers
 * off even without -shutdown (used by _exit). Returns when neither applies. */
void efi_power_exit(int status, bool force);

#endif
