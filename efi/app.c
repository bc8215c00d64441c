/* vtop EFI app: the run itself (see app.h). */
#include "app.h"

#include <stdio.h>

#include "banner.h"
#include "memmap.h"
#include "power.h"
#include "sink.h"

int app_run(const app_options *opt)
{
    const vtop_out *out = efi_stdout_sink();
    machine_state m;
    machine_state_read(&m);
    efi_memmap map;
    EFI_STATUS s = efi_memmap_get(&map);
    if (EFI_ERROR(s))
        printf("vtop: error: GetMemoryMap failed (0x%llx)\n", (unsigned long long)s);
    if (!opt->quiet_banner)
        banner_print(&m, EFI_ERROR(s) ? NULL : &map, out);
    efi_memmap_free(&map);
    return EFI_ERROR(s) ? APP_STATUS_FAILED : APP_STATUS_OK;
}
