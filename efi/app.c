/* vtop EFI app: the run itself (see app.h).
 *
 * Order (what `make run` promises): banner; the firmware's paging as found
 * (summary and audit); the app's own identity map, its self-check and the
 * switch to it; images and commands; then restoring the firmware's CR3.
 */
#include "app.h"

#include <stdint.h>
#include <stdio.h>

#include "arch/layout.h"
#include "banner.h"
#include "capture.h"
#include "fwhash.h"
#include "fwprotect.h"
#include "fwreport.h"
#include "live.h"
#include "memmap.h"
#include "ownmap.h"
#include "selfcheck.h"
#include "power.h"
#include "shell.h"
#include "sink.h"

typedef struct app {
    const app_options *opt;
    const vtop_out *out;
    machine_state m;
    efi_memmap map;
    live_memory live;
    live_memory live_mmio;
    vtop_space fw;         /* the firmware's tables, as found */
    vtop_space_config fw_cfg;
    bool fw_ok;
    ownmap own;
    fwprotect prot;        /* firmware sources, gathered before any change */
    int status;
} app;

static void print_banner(const void *m, const efi_memmap *map, const vtop_out *out)
{
    banner_print(m, map, out);
}

static bool firmware_space(app *a)
{
    vtop_space_config cfg = { 0 };
    cfg.mode = machine_paging_mode(&a->m);
    cfg.cr3 = a->m.cr3;
    cfg.nxe = (a->m.efer & EFER_NXE) != 0;
    cfg.maxphyaddr = a->m.cpu.maxphyaddr;
    a->fw_cfg = cfg;
    return fwreport_space(&a->fw, &a->fw_cfg, &a->live.mem, a->out);
}

/* The app's own code and stack must translate to themselves under the
 * loaded tables, code executable, stack writable (and NX when in use). */
static void live_identity_check(app *a)
{
    vtop_space ours;
    if (ownmap_space(&a->own, &a->m, &a->live, &ours) != VTOP_OK)
        return;
    if (!selfcheck_live_identity(&ours, (uint64_t)(uintptr_t)&live_identity_check,
                                 a->own.plan.use_nx, a->out))
        a->status = APP_STATUS_FAILED;
}

/* The firmware's own tables, as found: summary, mem, audit, protections. */
static void firmware_report(app *a, shell *sh, bool fw_paged)
{
    if (fw_paged) {
        fwreport_summary(&a->fw, a->out);
        shell_firmware_report(sh);
        return;
    }
    /* 32-bit UEFI firmware runs unpaged (UEFI spec 2.10 2.3.2). */
    vtop_printf(a->out, "firmware paging: off (CR0.PG=0): physical addresses, "
                "no tables to walk\n");
}

/* Build, check and load the app's own identity map; the shell's live-own
 * target and the own-map protections follow it. */
static void own_map_phase(app *a, shell_env *env, shell *sh)
{
    if (!a->fw_ok || !ownmap_setup(&a->own, &a->m, &a->map, &a->fw, &a->live, a->out)) {
        a->status = APP_STATUS_FAILED;
        return;
    }
    live_identity_check(a);
    vtop_space own;
    if (ownmap_space(&a->own, &a->m, &a->live, &own) != VTOP_OK)
        return;
    env->has_own = true;
    env->own_cfg = own.cfg;
    a->prot.own_root = own.root;
    if (sh)
        shell_own_protections(sh);
}

int app_run(const app_options *opt)
{
    app a = { .opt = opt, .out = efi_stdout_sink(), .status = APP_STATUS_OK };
    if (opt->paging && !arch_own_layout_choose(opt->paging)) {
        printf("vtop: error: -paging %s: no such own-map layout on this architecture\n",
               opt->paging);
        return APP_STATUS_BAD_OPTION;
    }
    machine_state_read(&a.m);
    live_banner banner = { print_banner, &a.m, a.out };
    int st = live_start(&a.map, &a.live, opt->quiet_banner ? NULL : &banner);
    if (st != APP_STATUS_OK)
        return st;
    a.fw_ok = firmware_space(&a);
    /* Unpaged firmware (IA32) has no table pages to hash. */
    bool fw_paged = a.fw_ok && (a.m.cr0 & CR0_PG);
    if (fw_paged)
        fwhash_print(&a.fw, "at start", a.out);
    fwprotect_init(&a.prot);
    efi_capture_ctx cap = { &a.prot.provider, a.m.cr0, a.m.cr4, a.m.efer };
    shell_env env = { a.opt, &a.live, NULL, a.fw_cfg, false, { 0 }, &a.own, a.out,
                      &a.prot.provider, &cap };
    if (!EFI_ERROR(live_memory_build(&a.map, true, &a.live_mmio)))
        env.live_mmio = &a.live_mmio;
    shell *sh = a.fw_ok ? shell_open(&env) : NULL;
    if (sh)
        firmware_report(&a, sh, fw_paged);
    own_map_phase(&a, &env, sh);
    if (sh) {
        shell_run_sources(sh);
        vtop_printf(a.out, "commands: %u with usage or image errors\n", shell_close(sh));
    }
    ownmap_restore(&a.own, a.out);
    if (fw_paged)
        fwhash_print(&a.fw, "at exit", a.out);
    fwprotect_free(&a.prot);
    live_memory_free(&a.live);
    live_memory_free(&a.live_mmio);
    efi_memmap_free(&a.map);
    return a.status;
}
