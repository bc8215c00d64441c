/* vtop EFI app: commands through the shared command language.
 *
 * The session's platform loader gives special names for the running
 * machine: "live" (RAM the memory map lists, the firmware's CR3 unless
 * --cr3 says otherwise), "live-own" (the same under the app's own CR3) and
 * "live-mmio" (also MMIO descriptors: reads there are refused otherwise, so
 * the diagnostic never touches a device by accident); any other name is a
 * file on the boot volume read into AllocatePages memory. Extra command:
 * `memmap [ADDR]` (the UEFI memory map, or the descriptor behind ADDR).
 *
 * Sources of commands, in order: -c "CMD; CMD" from the load options, a
 * script (-f PATH, else \vtop.nsh on the boot volume), else an interactive
 * prompt on the serial console (unless -shutdown without -prompt: a run
 * that powers off is unattended). Images named in the load options are
 * opened in turn and the commands run on each; without names, the target
 * is live, and every file under \images\ gets a short report first when no
 * command source is given.
 */
#ifndef VTOP_EFI_SHELL_H
#define VTOP_EFI_SHELL_H

#include "cmd/out.h"
#include "core/paging.h"
#include "live.h"
#include "memmap.h"
#include "options.h"

typedef struct shell_env {
    const app_options *opt;
    live_memory *live;          /* RAM the memory map lists */
    live_memory *live_mmio;     /* the same plus MMIO descriptors (forced) */
    vtop_space_config fw_cfg;   /* the firmware's paging, as found */
    bool has_own;               /* the app's own map is loaded */
    vtop_space_config own_cfg;
    struct ownmap *own;         /* for the `cr3` command (may be NULL) */
    const vtop_out *out;
    const struct vtop_prot_provider *protections; /* `protections` (may be NULL) */
    const struct efi_capture_ctx *capture;        /* `capture` (may be NULL) */
} shell_env;

typedef struct shell shell;

/* A session with the EFI platform loader and commands; NULL when out of
 * memory (after printing why). env must outlive the shell. */
shell *shell_open(shell_env *env);

/* The firmware's tables through the session, before anything changes:
 * `open live` (firmware CR3), then `mem` and `audit`. */
void shell_firmware_report(shell *sh);

/* `protections` on the app's own map (live-own), when it is loaded. */
void shell_own_protections(shell *sh);

/* Run every command source (see above). */
void shell_run_sources(shell *sh);

/* Free the session. Returns the number of commands that failed with a
 * usage or image error (for the summary line). */
unsigned shell_close(shell *sh);

#endif
