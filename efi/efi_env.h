/* vtop EFI app: the firmware handles every efi/ file needs.
 *
 * The app is one image started once; keeping the system table and image
 * handle here (set first thing in efi_main) spares threading them through
 * newlib's system layer, which has fixed POSIX signatures.
 */
#ifndef VTOP_EFI_ENV_H
#define VTOP_EFI_ENV_H

#include <efi.h>

typedef struct efi_env {
    EFI_HANDLE image;
    EFI_SYSTEM_TABLE *st;
    EFI_BOOT_SERVICES *bs;
    EFI_RUNTIME_SERVICES *rt;
} efi_env;

extern efi_env g_efi;

/* Compare two GUIDs byte for byte. */
int efi_guid_equal(const EFI_GUID *a, const EFI_GUID *b);

#endif
