/* vtop EFI app: ending a run (see power.h). */
#include "power.h"

#include <stdio.h>

#include "console.h"
#include "cpu.h"
#include "efi_env.h"

/* Offset added to the status so the harness can tell "app reported 0"
 * (QEMU exit 65) from QEMU's own error exit 1 (tools/qemu-efi.sh). */
#define QEMU_DEBUG_EXIT_BASE 0x20u

static bool g_qemu_exit, g_shutdown;

void efi_power_configure(bool qemu_exit, bool shutdown)
{
    g_qemu_exit = qemu_exit;
    g_shutdown = shutdown;
}

void efi_power_exit(int status, bool force)
{
    fflush(stdout);
    fflush(stderr);
    console_drain();
    if (g_qemu_exit)
        cpu_qemu_exit(QEMU_DEBUG_EXIT_BASE + (uint32_t)status);
    if ((g_shutdown || force) && g_efi.rt)
        g_efi.rt->ResetSystem(EfiResetShutdown, status ? EFI_ABORTED : EFI_SUCCESS,
                              0, NULL);
}
