/* vtop EFI app: the firmware's name and UEFI revision (see fwname.h). */
#include "fwname.h"

#include <stdio.h>

#include "efi_env.h"

static void ascii_from_wide(char *dst, size_t cap, const CHAR16 *w)
{
    size_t i = 0;
    for (; w && w[i] && i + 1 < cap; i++)
        dst[i] = w[i] < 0x80 && w[i] >= 0x20 ? (char)w[i] : '?';
    dst[i] = '\0';
}

void efi_print_firmware(const vtop_out *out)
{
    char vendor[64];
    EFI_SYSTEM_TABLE *st = g_efi.st;
    ascii_from_wide(vendor, sizeof vendor, st->FirmwareVendor);
    /* UEFI revision: major in the high 16 bits, minor as 2.70 -> 70, with
     * a third digit for 2.3.1 -> 31 (UEFI spec 2.10 section 4.2). */
    uint32_t rev = st->Hdr.Revision, minor = rev & 0xffff;
    char ver[16];
    if (minor % 10)
        snprintf(ver, sizeof ver, "%u.%u.%u", (unsigned)(rev >> 16),
                 (unsigned)(minor / 10), (unsigned)(minor % 10));
    else
        snprintf(ver, sizeof ver, "%u.%u", (unsigned)(rev >> 16),
                 (unsigned)(minor / 10));
    vtop_printf(out, "firmware: %s revision 0x%08x, UEFI %s\n", vendor,
                (unsigned)st->FirmwareRevision, ver);
}
