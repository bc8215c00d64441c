/* vtop EFI app, AArch64: the run itself (efi/app.h).
 *
 * Order, as on x64: banner; the firmware's paging as found; the app's own
 * identity map, its self-check and the switch of TTBR0 to it; probes;
 * commands; then restoring the firmware's tables through one exit path.
 */
#include "efi/app.h"

#include <stdio.h>

#include "efi/memmap.h"
#include "efi/power.h"
#include "efi/sink.h"
#include "machine.h"

int app_run(const app_options *opt)
{
    const vtop_out *out = efi_stdout_sink();
    if (opt->paging) {
        printf("vtop: error: -paging %s: no such own-map layout on this architecture\n",
               opt->paging);
        return APP_STATUS_BAD_OPTION;
    }
    a64_machine m;
    a64_machine_read(&m);
    efi_memmap map;
    EFI_STATUS s = efi_memmap_get(&map);
    if (EFI_ERROR(s)) {
        printf("vtop: error: GetMemoryMap failed (0x%llx)\n", (unsigned long long)s);
        return APP_STATUS_FAILED;
    }
    if (!opt->quiet_banner)
        a64_banner_print(&m, &map, out);
    efi_memmap_free(&map);
    return APP_STATUS_OK;
}
