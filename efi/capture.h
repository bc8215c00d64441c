/* vtop EFI app: `capture FILE`, the live paging state of the current
 * target (its table pages, registers, the memory layout the live reader
 * has) plus the firmware sources of `protections`, written to the boot
 * volume in the capture format (core/formats/capture.h), which the host
 * opens like any image. */
#ifndef VTOP_EFI_CAPTURE_H
#define VTOP_EFI_CAPTURE_H

#include <stdint.h>

#include "cmd/cmd_protections.h"

typedef struct efi_capture_ctx {
    const vtop_prot_provider *sources;   /* may be NULL: no sources note */
    uint64_t cr0, cr4, efer;             /* as the app found them */
} efi_capture_ctx;

/* The command bound to ctx (which must outlive the session). */
vtop_command efi_capture_command(const efi_capture_ctx *ctx);

#endif
