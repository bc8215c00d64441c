/* vtop EFI app, AArch64: the run itself (efi/app.h).
 *
 * Order, as on x64: banner; the firmware's paging as found (summary, mem,
 * audit, memtypes, protections, table hash); the app's own identity map,
 * its self-check and the switch of TTBR0 to it; the live check and the
 * probes under it; commands; then the firmware's TTBR0 back, its tables
 * hashed again, everything freed through one exit path.
 */
#include "efi/app.h"

#include <stdio.h>

#include "efi/fwhash.h"
#include "efi/fwprotect.h"
#include "efi/fwreport.h"
#include "efi/live.h"
#include "efi/memmap.h"
#include "efi/power.h"
#include "efi/selfcheck.h"
#include "efi/shell.h"
#include "efi/sink.h"
#include "audit.h"
#include "fwspace.h"
#include "own.h"
#include "probes.h"

typedef struct app {
    const app_options *opt;
    const vtop_out *out;
    a64_machine m;
    efi_memmap map;
    live_memory live, live_mmio;
    vtop_space fw;             /* the firmware's tables, as found */
    vtop_space_config fw_cfg;
    bool fw_ok;
    ownmap own;
    fwprotect prot;            /* firmware sources, gathered before any change */
    int status;
} app;

static void print_banner(const void *m, const efi_memmap *map, const vtop_out *out)
{
    a64_banner_print(m, map, out);
}

/* Build, check and load the app's own map; then prove it live. */
static void own_map_phase(app *a, shell_env *env, shell *sh)
{
    const fwsources *fs = a->prot.ok ? &a->prot.fs : NULL;
    a64_own_input in = { &a->m, &a->map, a->fw_ok ? &a->fw : NULL,
                         fs ? fs->src.gcd : NULL, fs ? fs->src.ngcd : 0, &a->live,
                         a->out };
    vtop_space own;
    if (!a64_own_setup(&a->own, &in) ||
        a64_own_space(&a->own, &a->live, &own) != VTOP_OK) {
        a->status = APP_STATUS_FAILED;
        return;
    }
    if (!selfcheck_live_identity(&own, (uint64_t)(uintptr_t)&own_map_phase, true, a->out) ||
        !a64_probes_run(&a->own, &a->live, a->out))
        a->status = APP_STATUS_FAILED;
    env->has_own = true;
    env->own_cfg = own.cfg;
    a->prot.own_root = own.root;
    if (sh)
        shell_own_protections(sh);
}

static void run_shell(app *a)
{
    if (a->fw_ok)
        fwhash_print(&a->fw, "at start", a->out);
    fwprotect_init(&a->prot);
    shell_env env = { .opt = a->opt, .live = &a->live, .fw_cfg = a->fw_cfg,
                      .own = &a->own, .out = a->out, .protections = &a->prot.provider };
    if (!EFI_ERROR(live_memory_build(&a->map, true, &a->live_mmio)))
        env.live_mmio = &a->live_mmio;
    shell *sh = a->fw_ok ? shell_open(&env) : NULL;
    if (sh) {
        fwreport_summary(&a->fw, a->out);
        shell_firmware_report(sh);
        const fwsources *fs = a->prot.ok ? &a->prot.fs : NULL;
        a64_audit_print(&(a64_audit_input){ &a->m, &a->fw, &a->map, fs ? fs->src.gcd : NULL,
                                            fs ? fs->src.ngcd : 0, a->out });
    }
    own_map_phase(a, &env, sh);
    if (sh) {
        shell_run_sources(sh);
        vtop_printf(a->out, "commands: %u with usage or image errors\n", shell_close(sh));
    }
    a64_own_restore(&a->own, a->out);
    if (a->fw_ok)
        fwhash_print(&a->fw, "at exit", a->out);
    fwprotect_free(&a->prot);
    live_memory_free(&a->live_mmio);
}

int app_run(const app_options *opt)
{
    /* One layout: the firmware's granule and T0SZ (no -paging choice). */
    if (opt->paging) {
        printf("vtop: error: -paging %s: no such own-map layout on AArch64\n", opt->paging);
        return APP_STATUS_BAD_OPTION;
    }
    app a = { .opt = opt, .out = efi_stdout_sink(), .status = APP_STATUS_OK };
    a64_machine_read(&a.m);
    live_banner banner = { print_banner, &a.m, a.out };
    int st = live_start(&a.map, &a.live, opt->quiet_banner ? NULL : &banner);
    if (st != APP_STATUS_OK)
        return st;
    a.fw_cfg = a64_space_config(&a.m, a.m.ttbr0);
    a.fw_ok = fwreport_space(&a.fw, &a.fw_cfg, &a.live.mem, a.out);
    if (!a.fw_ok)
        a.status = APP_STATUS_FAILED;
    run_shell(&a);
    live_memory_free(&a.live);
    efi_memmap_free(&a.map);
    return a.status;
}
