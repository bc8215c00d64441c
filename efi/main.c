/* vtop EFI app: entry point.
 *
 * Order: console, heap arena, load options, banner, the
 * run itself (app.c), then one exit path that flushes, reports the status
 * (-qemu-exit), powers off (-shutdown) or frees the arena and returns to
 * the firmware.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "console.h"
#include "efi_env.h"
#include "heap.h"
#include "options.h"
#include "power.h"

efi_env g_efi;

int efi_guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void early_error(const char *text)
{
    console_write(text, strlen(text));
}

static EFI_STATUS status_to_efi(int status)
{
    switch (status) {
    case APP_STATUS_OK:         return EFI_SUCCESS;
    case APP_STATUS_BAD_OPTION: return EFI_INVALID_PARAMETER;
    case APP_STATUS_NO_MEMORY:  return EFI_OUT_OF_RESOURCES;
    default:                    return EFI_ABORTED;
    }
}

/* Debian's crt0-efi-x86_64.o calls efi_main with the SysV convention after
 * _relocate: no EFIAPI here (docs/efi-toolchain.md). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    g_efi.image = image;
    g_efi.st = st;
    g_efi.bs = st ? st->BootServices : NULL;
    g_efi.rt = st ? st->RuntimeServices : NULL;
    if (!g_efi.bs)
        return EFI_INVALID_PARAMETER;
    console_init();
    if (EFI_ERROR(efi_heap_init(efi_heap_pick_size()))) {
        early_error("vtop: error: cannot allocate the heap arena\n");
        return EFI_OUT_OF_RESOURCES;
    }
    /* A diagnostic may sit at its prompt for long: the boot manager's
     * 5-minute watchdog would reset the machine (UEFI spec 2.10 3.1.2). */
    g_efi.bs->SetWatchdogTimer(0, 0, 0, NULL);

    int status = APP_STATUS_OK;
    app_args args;
    app_options opt;
    const char *why, *bad;
    EFI_STATUS s = app_args_get(&args, &why);
    if (EFI_ERROR(s)) {
        printf("vtop: error: bad load options (%s from %s)\n", why, args.source);
        status = s == EFI_OUT_OF_RESOURCES ? APP_STATUS_NO_MEMORY
                                           : APP_STATUS_BAD_OPTION;
        /* Power options may still have been read before the bad one. */
        app_options_parse(&args, &opt, &bad);
    } else if (!app_options_parse(&args, &opt, &bad)) {
        printf("vtop: error: unknown option '%s'\n", bad);
        app_options_usage();
        status = APP_STATUS_BAD_OPTION;
    } else if (opt.help) {
        app_options_usage();
    } else {
        status = app_run(&opt);
    }
    efi_power_configure(opt.qemu_exit, opt.shutdown);
    printf("vtop: exit status %d\n", status);
    app_args_free(&args);
    efi_power_exit(status, false);
    efi_heap_release();
    return status_to_efi(status);
}
