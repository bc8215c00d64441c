/* vtop EFI app: commands through the shared command language (issue 8
 * parts 4, 5 and 6).
 *
 * The session's platform loader gives the special name "live" (the running
 * machine: live RAM from the memory map, the firmware's CR3 unless --cr3
 * says otherwise) and reads any other name as a file on the boot volume
 * into AllocatePages memory. Extra command: `memmap` (the UEFI memory map).
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
    live_memory *live;
    vtop_space_config fw_cfg;   /* the firmware's paging, as found */
    const vtop_out *out;
} shell_env;

typedef struct shell shell;

/* A session with the EFI platform loader and commands; NULL when out of
 * memory (after printing why). env must outlive the shell. */
shell *shell_open(shell_env *env);

/* The firmware's tables through the session, before anything changes:
 * `open live` (firmware CR3), then `mem` and `audit`. */
void shell_firmware_report(shell *sh);

/* Run every command source (see above). */
void shell_run_sources(shell *sh);

/* Free the session. Returns the number of commands that failed with a
 * usage or image error (for the summary line). */
unsigned shell_close(shell *sh);

#endif
