/* vtop command language: session commands: open, info, help, json, quit. */
#include "session_int.h"

#include <inttypes.h>
#include <string.h>

#include "info_a64.h"
#include "info_linux.h"
#include "json.h"
#include "options.h"

static int run_open(vtop_cmd_ctx *c, int argc, char **argv)
{
    vtop_open_options opt;
    vtop_open_options_init(&opt);
    const char *name = NULL;
    char why[160];
    for (int i = 1; i < argc;) {
        int r = vtop_open_option(argc, argv, &i, &opt, why, sizeof why);
        if (r < 0)
            return vtop_cmd_error(c, VTOP_EXIT_USAGE, "open: %s", why);
        if (r > 0)
            continue;
        if (argv[i][0] == '-' && argv[i][1] == '-')
            return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                                  "open: unknown option '%s'", argv[i]);
        if (name)
            return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                                  "open: more than one image ('%s')", argv[i]);
        name = argv[i++];
    }
    if (!name)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                              "open: missing argument; usage: %s",
                              c->cmd->usage);
    return vtop_session_open_file(c->session, name, &opt, c->err);
}

static const char *mode_name(vtop_mode mode)
{
    const vtop_mode_desc *d = vtop_mode_describe(mode);
    return d ? d->name : "none";
}

/* Runs and vCPUs of the target, as JSON members. */
static void info_json_memory(vtop_json *j, const vtop_session *s,
                             const vtop_image_info *in)
{
    vtop_json_uint(j, "run_count", s->mem.count);
    vtop_json_hex(j, "run_bytes", vtop_physmem_total(&s->mem));
    vtop_json_array(j, "runs");
    for (size_t i = 0; i < s->mem.count; i++) {
        vtop_json_object(j, NULL);
        vtop_json_hex(j, "phys", s->mem.runs[i].phys);
        vtop_json_hex(j, "len", s->mem.runs[i].len);
        vtop_json_hex(j, "file_offset", s->mem.runs[i].file_offset);
        vtop_json_close(j, '}');
    }
    vtop_json_close(j, ']');
    vtop_json_array(j, "cpus");
    for (uint32_t i = 0; in && i < in->cpu_count; i++) {
        const vtop_cpu_state *cpu = &in->cpus[i];
        vtop_json_object(j, NULL);
        vtop_json_hex(j, "cr0", cpu->cr0);
        vtop_json_hex(j, "cr3", cpu->cr3);
        vtop_json_hex(j, "cr4", cpu->cr4);
        if (cpu->has_efer)
            vtop_json_hex(j, "efer", cpu->efer);
        else
            vtop_json_null(j, "efer");
        vtop_json_bool(j, "long_mode", cpu->long_mode);
        vtop_json_str(j, "mode", mode_name(cpu->mode));
        vtop_json_close(j, '}');
    }
    vtop_json_close(j, ']');
    vtop_json_uint(j, "cpu_total", in ? in->cpu_total : 0);
}

/* The address space in use and the image's own details. */
static void info_json_space(vtop_json *j, const vtop_session *s,
                            const vtop_image_info *in)
{
    vtop_json_bool(j, "has_space", s->has_space);
    if (s->has_space && vtop_mode_is_a64(s->space.desc)) {
        vtop_json_str(j, "mode", "aarch64");
        vtop_info_a64_json(j, s);
    } else if (s->has_space) {
        vtop_json_uint(j, "cpu", s->cpu);
        vtop_json_hex(j, "cr3", s->space.cfg.cr3);
        vtop_json_hex(j, "root", s->space.root);
        vtop_json_str(j, "mode", mode_name(s->space.cfg.mode));
        vtop_json_bool(j, "nxe", s->space.cfg.nxe);
        vtop_json_uint(j, "maxphyaddr", s->space.cfg.maxphyaddr ?
                       s->space.cfg.maxphyaddr : 52);
        vtop_json_bool(j, "windows_pte", s->space.cfg.windows_pte);
    }
    if (!in)
        return;
    if (s->space_from_image && in->mode_reason)
        vtop_json_str(j, "mode_reason", in->mode_reason);
    else
        vtop_json_null(j, "mode_reason");
    vtop_json_bool(j, "windows", in->windows);
    if (in->windows) {
        vtop_json_hex(j, "machine_image_type", in->machine_image_type);
        vtop_json_uint(j, "dump_type", in->dump_type);
        vtop_json_hex(j, "bugcheck_code", in->bugcheck_code);
        vtop_json_hex(j, "kd_debugger_data_block", in->kd_debugger_data_block);
        vtop_json_hex(j, "ps_loaded_module_list", in->ps_loaded_module_list);
        vtop_json_hex(j, "ps_active_process_head", in->ps_active_process_head);
        vtop_json_hex(j, "pfn_database", in->pfn_database);
    }
    if (in->elf_class) {
        vtop_json_uint(j, "elf_class", in->elf_class);
        vtop_json_uint(j, "elf_machine", in->elf_machine);
    }
}

static void info_json(vtop_cmd_ctx *c)
{
    const vtop_session *s = c->session;
    const vtop_image_info *in = vtop_session_image(s);
    vtop_json j;
    vtop_json_begin(&j, c->out);
    vtop_json_str(&j, "cmd", "info");
    vtop_json_str(&j, "image", s->name);
    vtop_json_str(&j, "format", in ? in->format_name : "memory");
    info_json_memory(&j, s, in);
    info_json_space(&j, s, in);
    vtop_info_linux_json(&j, s);
    vtop_json_end(&j);
}

#define INFO_MAX_RUNS 16

static void info_text_runs(vtop_cmd_ctx *c)
{
    const vtop_physmem *m = &c->session->mem;
    vtop_printf(c->out, "runs:     %zu, 0x%" PRIx64 " bytes\n", m->count,
                vtop_physmem_total(m));
    for (size_t i = 0; i < m->count && i < INFO_MAX_RUNS; i++)
        vtop_printf(c->out, "  %016" PRIx64 "-%016" PRIx64 " at file offset 0x%"
                    PRIx64 "\n", m->runs[i].phys, m->runs[i].phys + m->runs[i].len,
                    m->runs[i].file_offset);
    if (m->count > INFO_MAX_RUNS)
        vtop_printf(c->out, "  ... %zu more\n", m->count - INFO_MAX_RUNS);
}

static void info_text(vtop_cmd_ctx *c)
{
    const vtop_session *s = c->session;
    const vtop_image_info *in = vtop_session_image(s);
    vtop_printf(c->out, "image:    %s\n", s->name);
    vtop_printf(c->out, "format:   %s\n", in ? in->format_name : "memory");
    info_text_runs(c);
    for (uint32_t i = 0; in && i < in->cpu_count; i++) {
        const vtop_cpu_state *cpu = &in->cpus[i];
        vtop_printf(c->out, "cpu %-4u  cr0=%016" PRIx64 " cr3=%016" PRIx64
                    " cr4=%016" PRIx64 " %s\n", i, cpu->cr0, cpu->cr3, cpu->cr4,
                    mode_name(cpu->mode));
    }
    if (in && in->windows)
        vtop_printf(c->out, "windows:  machine 0x%x, dump type %u, bugcheck "
                    "0x%x, KdDebuggerDataBlock %016" PRIx64 "\n",
                    in->machine_image_type, in->dump_type, in->bugcheck_code,
                    in->kd_debugger_data_block);
    if (!s->has_space && in && in->elf_machine == 183 /* EM_AARCH64 */) {
        vtop_puts(c->out, "space:    none (no TTBR/TCR: open with --ttbr1 X "
                  "--tcr X)\n");
        vtop_info_linux_text(c);
        return;
    }
    if (!s->has_space) {
        vtop_puts(c->out, "space:    none (no CR3: open with --cr3 X --mode M)\n");
        vtop_info_linux_text(c);
        return;
    }
    const vtop_space_config *cfg = &s->space.cfg;
    if (vtop_mode_is_a64(s->space.desc)) {
        vtop_info_a64_text(c);
        vtop_info_linux_text(c);
        return;
    }
    vtop_printf(c->out, "space:    %s, cr3 %016" PRIx64 " (root %016" PRIx64
                "), nxe %s, maxphyaddr %u%s\n", mode_name(cfg->mode), cfg->cr3,
                s->space.root, cfg->nxe ? "on" : "off",
                cfg->maxphyaddr ? cfg->maxphyaddr : 52,
                cfg->windows_pte ? ", windows PTEs" : "");
    if (in && in->mode_reason && s->space_from_image)
        vtop_printf(c->out, "mode:     %s\n", in->mode_reason);
    vtop_info_linux_text(c);
}

static int run_info(vtop_cmd_ctx *c, int argc, char **argv)
{
    (void)argv;
    if (!vtop_cmd_argc(c, argc, 1, 1))
        return VTOP_EXIT_USAGE;
    if (c->json)
        info_json(c);
    else
        info_text(c);
    return VTOP_EXIT_OK;
}

static int run_help(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_session *s = c->session;
    if (!vtop_cmd_argc(c, argc, 1, 2))
        return VTOP_EXIT_USAGE;
    if (argc == 2) {
        const vtop_command *cmd = vtop_cmd_find(s, argv[1]);
        if (!cmd)
            return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                                  "help: unknown command '%s'", argv[1]);
        vtop_printf(c->out, "%s\n  %s\n", cmd->usage, cmd->summary);
        if (cmd->help)
            vtop_puts(c->out, cmd->help);
        return VTOP_EXIT_OK;
    }
    vtop_puts(c->out, "Commands (`help CMD` for details):\n");
    for (size_t i = 0; i < s->ncmds; i++)
        vtop_printf(c->out, "  %-30s %s\n", s->cmds[i]->usage,
                    s->cmds[i]->summary);
    vtop_puts(c->out, "Numbers are hex (0x optional, fffff800`00000000 "
              "grouping, 0n for decimal).\n");
    return VTOP_EXIT_OK;
}

static int run_json(vtop_cmd_ctx *c, int argc, char **argv)
{
    if (!vtop_cmd_argc(c, argc, 2, 2))
        return VTOP_EXIT_USAGE;
    if (strcmp(argv[1], "on") == 0)
        c->session->json = true;
    else if (strcmp(argv[1], "off") == 0)
        c->session->json = false;
    else
        return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                              "json: expected on or off, not '%s'", argv[1]);
    return VTOP_EXIT_OK;
}

static int run_quit(vtop_cmd_ctx *c, int argc, char **argv)
{
    (void)argv;
    if (!vtop_cmd_argc(c, argc, 1, 1))
        return VTOP_EXIT_USAGE;
    c->session->quit = true;
    return VTOP_EXIT_OK;
}

static const vtop_command cmd_open = {
    "open", "open IMAGE [OPTIONS]", "open a memory image (replaces the current one)",
    "  Formats are detected by content: raw, QEMU ELF core, LiME, Windows\n"
    "  crash dumps (64-bit full/bitmap, 32-bit). Options:\n"
    VTOP_OPEN_OPTIONS_HELP, false, run_open, NULL};
static const vtop_command cmd_info = {
    "info", "info", "describe the target: format, runs, vCPUs, address space",
    NULL, true, run_info, NULL};
static const vtop_command cmd_help = {
    "help", "help [CMD]", "list commands, or explain one", NULL, false,
    run_help, NULL};
static const vtop_command cmd_json = {
    "json", "json on|off", "answer in JSON, one object per line (or not)",
    NULL, false, run_json, NULL};
static const vtop_command cmd_quit = {
    "quit", "quit", "stop reading commands", NULL, false, run_quit, NULL};

const vtop_command *const vtop_cmds_session[] = {
    &cmd_open, &cmd_info, &cmd_help, &cmd_json, &cmd_quit, NULL};
