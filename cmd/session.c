/* vtop command language: session lifetime and opening targets. */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

void vtop_open_options_init(vtop_open_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = VTOP_FMT_AUTO;
    opt->mode = VTOP_MODE_NONE;
    opt->nxe = -1;
    opt->a64_regime = -1;
}

static void register_table(vtop_session *s, const vtop_command *const *t)
{
    for (; *t; t++)
        vtop_cmd_register(s, *t);
}

void vtop_session_set_scan(vtop_session *s, const struct vtop_scan_services *svc)
{
    s->scan = svc;
}

vtop_session *vtop_session_new(const vtop_platform *platform)
{
    vtop_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->info = calloc(1, sizeof *s->info);
    if (!s->info) {
        free(s);
        return NULL;
    }
    if (platform)
        s->platform = *platform;
    register_table(s, vtop_cmds_session);
    register_table(s, vtop_cmds_translate);
    register_table(s, vtop_cmds_read);
    register_table(s, vtop_cmds_space);
    register_table(s, vtop_cmds_ptov);
    register_table(s, vtop_cmds_roots);
    register_table(s, vtop_cmds_protections);
    register_table(s, vtop_cmds_report);
    return s;
}

/* Drop the current target (and what the platform loaded for it). */
static void session_close(vtop_session *s)
{
    if (s->has_loaded && s->platform.unload)
        s->platform.unload(s->platform.ctx, &s->loaded);
    s->has_loaded = false;
    s->target = VTOP_TARGET_NONE;
    s->has_space = false;
    s->name[0] = '\0';
    memset(&s->mem, 0, sizeof s->mem);
}

void vtop_session_free(vtop_session *s)
{
    if (!s)
        return;
    session_close(s);
    free(s->runs);
    session_store_free(s);
    free(s->info);
    free(s);
}

void vtop_session_set_json(vtop_session *s, bool on) { s->json = on; }
bool vtop_session_json(const vtop_session *s) { return s->json; }
void vtop_session_set_line(vtop_session *s, unsigned line) { s->line = line; }
bool vtop_session_quit_requested(const vtop_session *s) { return s->quit; }

const vtop_space *vtop_session_space(const vtop_session *s)
{
    return s->has_space ? &s->space : NULL;
}

const vtop_image_info *vtop_session_image(const vtop_session *s)
{
    return s->target == VTOP_TARGET_IMAGE ? s->info : NULL;
}

/* Errors before a command context exists (opening from the platform). */
#define open_error vtop_session_open_error
int vtop_session_open_error(const vtop_session *s, const vtop_out *err,
                            int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vtop_session_verror(s, err, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* Parse the image into s->runs/s->info, growing the run buffer and the
 * flattened index as the open asks (each at most once). */
static vtop_status parse_image(vtop_session *s, const uint8_t *base,
                               uint64_t size, vtop_format format)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        if (!s->runs) {
            s->run_cap = 64;
            s->runs = calloc(s->run_cap, sizeof *s->runs);
            if (!s->runs)
                return VTOP_BUFFER_TOO_SMALL;
        }
        vtop_format f = format == VTOP_FMT_AUTO ? vtop_image_detect(base, size)
                                                : format;
        vtop_dump_store *store = NULL;
        if (f == VTOP_FMT_KDUMP || f == VTOP_FMT_FLAT) {
            store = session_store_prepare(s);
            if (!store)
                return VTOP_BUFFER_TOO_SMALL;
        }
        memset(s->info, 0, sizeof *s->info);
        vtop_image_request rq = {base, size, format, s->runs, s->run_cap, store};
        vtop_status st = vtop_image_open_request(&rq, s->info);
        if (st != VTOP_BUFFER_TOO_SMALL || attempt == 2)
            return st;
        if (session_store_grow_index(s))
            continue;
        size_t need = s->info->run_count;
        if (need <= s->run_cap)
            return st;
        vtop_run *bigger = realloc(s->runs, need * sizeof *bigger);
        if (!bigger)
            return VTOP_BUFFER_TOO_SMALL;
        s->runs = bigger;
        s->run_cap = need;
    }
    return VTOP_BUFFER_TOO_SMALL;
}

static int report_parse_error(vtop_session *s, const char *name,
                              vtop_status st, const vtop_open_options *opt,
                              const vtop_out *err)
{
    const vtop_image_info *in = s->info;
    if (st == VTOP_FORMAT_UNKNOWN)
        return open_error(s, err, VTOP_EXIT_IMAGE,
                          "%s: not a %s image", name,
                          vtop_format_name(opt->format));
    if (st == VTOP_BUFFER_TOO_SMALL)
        return open_error(s, err, VTOP_EXIT_IMAGE,
                          "%s: out of memory for %zu runs", name,
                          in->run_count);
    if (in->error_what)
        return open_error(s, err, VTOP_EXIT_IMAGE,
                          "%s: damaged image (%s at offset 0x%llx: %s)", name,
                          vtop_status_name(st),
                          (unsigned long long)in->error_offset, in->error_what);
    return open_error(s, err, VTOP_EXIT_IMAGE, "%s: damaged image (%s)", name,
                      vtop_status_name(st));
}

/* Work out the space config from the image and the options. Returns a
 * VTOP_EXIT_* status; a missing root is not an error (s->has_space false). */
/* The user's open options override what the image (or the platform's live
 * target) says; options left unset keep its values. */
static void apply_open_options(vtop_space_config *cfg,
                               const vtop_open_options *opt)
{
    if (opt->has_cr3)
        cfg->cr3 = opt->cr3;
    if (opt->has_mode)
        cfg->mode = opt->mode;
    if (opt->nxe >= 0)
        cfg->nxe = opt->nxe != 0;
    if (opt->windows)
        cfg->windows_pte = true;
    if (opt->maxphyaddr)
        cfg->maxphyaddr = opt->maxphyaddr;
}

static int configure_space(vtop_session *s, const vtop_open_options *opt,
                           const vtop_out *err)
{
    vtop_space_config cfg;
    memset(&cfg, 0, sizeof cfg);
    const vtop_image_info *in = s->info;
    bool image = s->target == VTOP_TARGET_IMAGE;
    if (image && opt->cpu >= in->cpu_count && in->cpu_count > 0)
        return open_error(s, err, VTOP_EXIT_USAGE,
                          "--cpu %u: the image has %u vCPU(s)", opt->cpu,
                          in->cpu_count);
    if (image && in->cpu_count == 0 && opt->cpu > 0)
        return open_error(s, err, VTOP_EXIT_USAGE,
                          "--cpu %u: the image carries no vCPU state", opt->cpu);
    vtop_status st = VTOP_NO_ROOT;
    if (image)
        st = vtop_image_space_config(in, opt->cpu, &cfg);
    if (st != VTOP_OK) {
        memset(&cfg, 0, sizeof cfg);
        cfg.windows_pte = image && in->windows;
        cfg.nxe = true;
    }
    s->cpu = opt->cpu;
    s->a64_unknown = 0;
    bool a64;
    int rc = vtop_session_a64_select(s, opt, &cfg, err, &a64);
    if (rc != VTOP_EXIT_OK)
        return rc;
    if (a64)
        return vtop_session_config_a64(s, &cfg, opt, st == VTOP_OK, err);
    s->space_from_image = !opt->has_cr3 && !opt->has_mode;
    apply_open_options(&cfg, opt);
    if (!opt->has_cr3 && st != VTOP_OK) {
            return VTOP_EXIT_OK;
    }
    if (!vtop_mode_describe(cfg.mode) && !opt->has_mode)
        return open_error(s, err, VTOP_EXIT_USAGE,
                          "--cr3 0x%llx: the paging mode is unknown: add --mode "
                          "32bit|32bit-pse|pae|4level|5level",
                          (unsigned long long)cfg.cr3);
    st = vtop_space_init(&s->space, &cfg, &s->mem);
    if (st != VTOP_OK)
        return open_error(s, err, VTOP_EXIT_USAGE,
                          "cannot use this address space (%s): check --cr3, "
                          "--mode and --maxphyaddr", vtop_status_name(st));
    s->has_space = true;
    return VTOP_EXIT_OK;
}

static void set_name(vtop_session *s, const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof s->name)
        n = sizeof s->name - 1;
    memcpy(s->name, name, n);
    s->name[n] = '\0';
}

int vtop_session_open_span(vtop_session *s, const char *name,
                           const uint8_t *base, uint64_t size,
                           const vtop_open_options *opt, const vtop_out *err)
{
    vtop_open_options defaults;
    if (!opt) {
        vtop_open_options_init(&defaults);
        opt = &defaults;
    }
    bool keep_loaded = s->has_loaded && s->loaded.base == base;
    if (!keep_loaded)
        session_close(s);
    vtop_status st = parse_image(s, base, size, opt->format);
    if (st != VTOP_OK) {
        int rc = report_parse_error(s, name, st, opt, err);
        session_close(s);
        return rc;
    }
    if (s->info->warning && opt->strict) {
        open_error(s, err, VTOP_EXIT_IMAGE, "%s: damaged image (%s at offset "
                   "0x%llx) refused (--strict)", name, s->info->warning,
                   (unsigned long long)s->info->warning_offset);
        session_close(s);
        return VTOP_EXIT_IMAGE;
    }
    if (s->info->warning)
        vtop_printf(err, "vtop: warning: %s: %s (offset 0x%llx)\n", name,
                    s->info->warning, (unsigned long long)s->info->warning_offset);
    s->target = VTOP_TARGET_IMAGE; /* configure_space reads the image's state */
    s->mem.runs = s->runs;
    s->mem.count = s->info->run_count;
    s->mem.source = s->info->paged ? &s->store->source : NULL;
    set_name(s, name);
    int rc = configure_space(s, opt, err);
    if (rc != VTOP_EXIT_OK) {
        session_close(s);
        return rc;
    }
    return VTOP_EXIT_OK;
}

int vtop_session_open_physmem(vtop_session *s, const char *name,
                              const vtop_physmem *mem,
                              const vtop_space_config *cfg,
                              const vtop_out *err)
{
    bool keep_loaded = s->has_loaded && s->loaded.mem == mem;
    if (!keep_loaded)
        session_close(s);
    s->mem = *mem;
    set_name(s, name);
    if (cfg) {
        vtop_status st = vtop_space_init(&s->space, cfg, &s->mem);
        if (st != VTOP_OK) {
            session_close(s);
            return open_error(s, err, VTOP_EXIT_USAGE,
                              "%s: cannot use this address space (%s)", name,
                              vtop_status_name(st));
        }
        s->has_space = true;
    }
    s->target = VTOP_TARGET_PHYSMEM;
    return VTOP_EXIT_OK;
}

/* Live memory from the platform: its CPU's config, overridden by options. */
static int open_loaded_physmem(vtop_session *s, const char *name,
                               const vtop_open_options *opt,
                               const vtop_out *err)
{
    vtop_space_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (s->loaded.has_config)
        cfg = s->loaded.cfg;
    bool any = s->loaded.has_config;
    if (opt) {
        any = any || opt->has_cr3;
        apply_open_options(&cfg, opt);
    }
    return vtop_session_open_physmem(s, name, s->loaded.mem, any ? &cfg : NULL,
                                     err);
}

int vtop_session_open_file(vtop_session *s, const char *name,
                           const vtop_open_options *opt, const vtop_out *err)
{
    if (!s->platform.load)
        return open_error(s, err, VTOP_EXIT_IMAGE,
                          "%s: this platform cannot load files", name);
    vtop_loaded l;
    char why[160] = "cannot load";
    memset(&l, 0, sizeof l);
    session_close(s);
    if (s->platform.load(s->platform.ctx, name, &l, why, sizeof why) != 0) {
        why[sizeof why - 1] = '\0';
        return open_error(s, err, VTOP_EXIT_IMAGE, "%s: %s", name, why);
    }
    s->loaded = l;
    s->has_loaded = true;
    if (l.mem)
        return open_loaded_physmem(s, name, opt, err);
    return vtop_session_open_span(s, name, l.base, l.size, opt, err);
}
