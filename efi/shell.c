/* vtop EFI app: command sources and the platform loader (see shell.h). */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cmd/cmd_protections.h"
#include "cmd/lex.h"
#include "cmd/session.h"
#include "cr3cmd.h"
#include "files.h"
#include "memtypes.h"
#include "prompt.h"

#define DEFAULT_SCRIPT "vtop.nsh"
#define IMAGES_DIR "images"

struct shell {
    shell_env *env;
    vtop_command root_command;
    vtop_command protections_command;
    vtop_command capture_command;
    vtop_session *session;
    unsigned errors;
};

/* ---- platform loader ---- */

static int efi_load(void *ctx, const char *name, vtop_loaded *out, char *why,
                    size_t why_len)
{
    shell_env *env = ctx;
    bool own = strcmp(name, "live-own") == 0, mmio = strcmp(name, "live-mmio") == 0;
    if (strcmp(name, "live") == 0 || own || mmio) {
        if (own && !env->has_own) {
            snprintf(why, why_len, "the app's own map is not loaded");
            return -1;
        }
        if (mmio && !env->live_mmio) {
            snprintf(why, why_len, "out of memory");
            return -1;
        }
        out->mem = mmio ? &env->live_mmio->mem : &env->live->mem;
        out->has_config = true;
        out->cfg = own ? env->own_cfg : env->fw_cfg;
        return 0;
    }
    efi_file_data *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    if (EFI_ERROR(efi_file_read(name, f, why, why_len))) {
        free(f);
        return -1;
    }
    out->base = f->data;
    out->size = f->size;
    out->handle = f;
    return 0;
}

static void efi_unload(void *ctx, vtop_loaded *loaded)
{
    (void)ctx;
    efi_file_data *f = loaded->handle;
    if (f) {
        efi_file_release(f);
        free(f);
    }
    loaded->handle = NULL;
    loaded->base = NULL;
}

/* ---- the memmap command ---- */

static int cmd_memmap(vtop_cmd_ctx *c, int argc, char **argv)
{
    uint64_t pa = 0;
    char *end = NULL;
    if (argc > 2)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "usage: memmap [ADDR]");
    if (argc == 2) {
        pa = strtoull(argv[1], &end, 16);
        if (!argv[1][0] || *end)
            return vtop_cmd_error(c, VTOP_EXIT_USAGE, "bad address '%s'", argv[1]);
    }
    efi_memmap map;
    if (EFI_ERROR(efi_memmap_get(&map)))
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "GetMemoryMap failed");
    int rc = VTOP_EXIT_OK;
    if (argc == 2) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_find(&map, pa);
        if (d)
            vtop_printf(c->out, "%016llx %s (%016llx-%016llx, attr %016llx)%s\n",
                        (unsigned long long)pa, efi_memtype_name(d->Type),
                        (unsigned long long)d->PhysicalStart,
                        (unsigned long long)d->PhysicalStart + d->NumberOfPages * 4096,
                        (unsigned long long)d->Attribute,
                        efi_memtype_is_ram(d->Type) ? "" : ", not read unless live-mmio");
        else
            vtop_printf(c->out, "%016llx not in the memory map (never read live)\n",
                        (unsigned long long)pa);
        rc = d ? VTOP_EXIT_OK : VTOP_EXIT_FAIL;
    } else {
        efi_memmap_print(&map, c->out);
        efi_memmap_print_summary(&map, c->out);
    }
    efi_memmap_free(&map);
    return rc;
}

static const vtop_command memmap_command = {
    "memmap", "memmap [ADDR]", "the UEFI memory map, or the type behind ADDR (EFI only)",
    "Without ADDR: one line per descriptor (start-end, type, pages,\n"
    "attributes), then the summary per type. With ADDR (hex): the memory\n"
    "type and descriptor holding that physical address. The live targets\n"
    "read only what the map lists as RAM; `open live-mmio` adds MMIO.\n",
    false, cmd_memmap, NULL
};

/* ---- running lines ---- */

static void run_line(shell *sh, const char *line)
{
    int rc = vtop_cmd_execute_line(sh->session, line, sh->env->out, sh->env->out);
    if (rc >= VTOP_EXIT_USAGE)
        sh->errors++;
}

/* -c "a; b": split on ';' outside quotes. */
static void run_commands(shell *sh, const char *cmds)
{
    char line[VTOP_MAX_LINE];
    size_t k = 0;
    bool quoted = false;
    for (const char *p = cmds;; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (*p == '\0' || (*p == ';' && !quoted)) {
            line[k] = '\0';
            run_line(sh, line);
            k = 0;
            if (*p == '\0' || vtop_session_quit_requested(sh->session))
                break;
            continue;
        }
        if (k + 1 < sizeof line)
            line[k++] = *p;
    }
}

static void run_script(shell *sh, const char *path)
{
    efi_file_data f;
    char why[96];
    if (EFI_ERROR(efi_file_read(path, &f, why, sizeof why))) {
        vtop_printf(sh->env->out, "vtop: error: script %s: %s\n", path, why);
        sh->errors++;
        return;
    }
    vtop_printf(sh->env->out, "--- script %s\n", path);
    char line[VTOP_MAX_LINE];
    unsigned n = 0;
    for (uint64_t i = 0; i < f.size && !vtop_session_quit_requested(sh->session);) {
        size_t k = 0;
        while (i < f.size && f.data[i] != '\n') {
            if (k + 1 < sizeof line && f.data[i] != '\r')
                line[k++] = (char)f.data[i];
            i++;
        }
        i++;
        line[k] = '\0';
        vtop_session_set_line(sh->session, ++n);
        run_line(sh, line);
    }
    vtop_session_set_line(sh->session, 0);
    vtop_printf(sh->env->out, "--- end of script %s\n", path);
    efi_file_release(&f);
}

static void interactive(shell *sh)
{
    static prompt_history hist;
    char line[VTOP_MAX_LINE];
    vtop_printf(sh->env->out, "Type `help` for commands, `quit` to leave.\n");
    while (!vtop_session_quit_requested(sh->session)) {
        if (prompt_read_line("vtop> ", line, sizeof line, &hist) < 0)
            break;
        run_line(sh, line);
        fflush(stdout);
    }
}

/* ---- targets ---- */

static void open_target(shell *sh, const char *name)
{
    vtop_open_options o;
    vtop_open_options_init(&o);
    vtop_printf(sh->env->out, "--- target %s\n", name);
    if (vtop_session_open_file(sh->session, name, &o, sh->env->out) != VTOP_EXIT_OK)
        sh->errors++;
}

static void image_report(void *ctx, const char *path, uint64_t size)
{
    shell *sh = ctx;
    (void)size;
    open_target(sh, path);
    run_line(sh, "info");
}

static void run_sources(shell *sh)
{
    const app_options *opt = sh->env->opt;
    const char *script = opt->script;
    if (!script && !opt->commands && efi_file_exists(DEFAULT_SCRIPT))
        script = DEFAULT_SCRIPT;
    if (opt->commands)
        run_commands(sh, opt->commands);
    else if (script)
        run_script(sh, script);
    else if (!opt->batch && (!opt->shutdown || opt->prompt))
        interactive(sh);
}

shell *shell_open(shell_env *env)
{
    shell *sh = calloc(1, sizeof *sh);
    vtop_platform platform = { efi_load, efi_unload, env };
    if (sh)
        sh->session = vtop_session_new(&platform);
    if (!sh || !sh->session) {
        vtop_printf(env->out, "vtop: error: out of memory for the session\n");
        free(sh);
        return NULL;
    }
    sh->env = env;
    vtop_cmd_register(sh->session, &memmap_command);
    vtop_cmd_register(sh->session, &efi_memtypes_command);
    if (env->protections) {
        sh->protections_command = vtop_protections_command(env->protections);
        vtop_cmd_register(sh->session, &sh->protections_command);
    }
    if (env->capture) {
        sh->capture_command = efi_capture_command(env->capture);
        vtop_cmd_register(sh->session, &sh->capture_command);
    }
    if (env->own) {
        sh->root_command = efi_root_command(env->own);
        vtop_cmd_register(sh->session, &sh->root_command);
    }
    return sh;
}

void shell_firmware_report(shell *sh)
{
    vtop_open_options o;
    vtop_open_options_init(&o);
    if (vtop_session_open_file(sh->session, "live", &o, sh->env->out) != VTOP_EXIT_OK)
        return;
    vtop_printf(sh->env->out, "firmware mem (QEMU info mem):\n");
    run_line(sh, "mem");
    vtop_printf(sh->env->out, "firmware audit:\n");
    run_line(sh, "audit");
    vtop_printf(sh->env->out, "firmware mappings by memory type (below 4 GiB):\n");
    run_line(sh, "memtypes 0 100000000");
    if (sh->env->protections) {
        vtop_printf(sh->env->out, "firmware protections:\n");
        run_line(sh, "protections");
    }
}

void shell_own_protections(shell *sh)
{
    vtop_open_options o;
    vtop_open_options_init(&o);
    if (!sh->env->protections || !sh->env->has_own ||
        vtop_session_open_file(sh->session, "live-own", &o, sh->env->out) != VTOP_EXIT_OK)
        return;
    vtop_printf(sh->env->out, "own map protections:\n");
    run_line(sh, "protections");
}

void shell_run_sources(shell *sh)
{
    const app_options *opt = sh->env->opt;
    if (opt->nimages > 0) {
        for (int i = 0; i < opt->nimages; i++) {
            open_target(sh, opt->images[i]);
            run_sources(sh);
        }
        return;
    }
    bool any_source = opt->commands || opt->script || efi_file_exists(DEFAULT_SCRIPT);
    if (!any_source)
        efi_dir_list(IMAGES_DIR, image_report, sh);
    open_target(sh, "live");
    run_sources(sh);
}

unsigned shell_close(shell *sh)
{
    if (!sh)
        return 1;
    unsigned errors = sh->errors;
    vtop_session_free(sh->session);
    free(sh);
    return errors;
}
