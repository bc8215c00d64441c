/* vtop command language: `protections [-v]`, the firmware memory
 * protection checks (core/protect.h) over the session's space, with the
 * sources a platform provides: the EFI app gathers them from the firmware
 * (efi/fwsources.c), the host reads them from a capture. */
#ifndef VTOP_CMD_PROTECTIONS_H
#define VTOP_CMD_PROTECTIONS_H

#include "../core/formats/capture.h"
#include "../core/protect.h"
#include "fmt_protections.h"
#include "session.h"

typedef struct vtop_prot_provider {
    /* Fill *src (memory the provider owns until the next call). Returns 0,
     * or non-zero with a reason in why[0..why_len). */
    int (*sources)(void *ctx, vtop_prot_sources *src, char *why, size_t why_len);
    /* Why a rule cannot be met by the current target (optional). */
    const char *(*unmet)(void *ctx, const vtop_space *space, vtop_check_id id);
    void *ctx;
} vtop_prot_provider;

/* The command, bound to provider (kept by pointer: it must outlive the
 * session). Register it with vtop_cmd_register. */
vtop_command vtop_protections_command(const vtop_prot_provider *provider);

/* The sources an open capture carries (heap buffers in *buf). Returns 0,
 * or non-zero with the reason in why (not a capture, damaged, memory). */
typedef struct vtop_capture_sources_buf {
    vtop_capture_buffers buf;
} vtop_capture_sources_buf;
int vtop_capture_sources_load(vtop_session *s, vtop_capture_sources_buf *buf,
                              vtop_prot_sources *src, char *why, size_t why_len);
void vtop_capture_sources_free(vtop_capture_sources_buf *buf);

#endif
