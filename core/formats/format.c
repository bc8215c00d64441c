/* vtop core/formats: detection, dispatch, names, raw images, and the
 * step from image metadata to a space configuration.
 *
 * Detection is by content (the issue: "not by file name"): the first
 * parser whose magic matches is used; raw is the fallback.
 */
#include "bytes.h"
#include "parse.h"

static const char *const format_names[VTOP_FMT_COUNT] = {
    [VTOP_FMT_AUTO] = "auto",
    [VTOP_FMT_RAW] = "raw",
    [VTOP_FMT_ELF] = "elf",
    [VTOP_FMT_LIME] = "lime",
    [VTOP_FMT_WINDMP64] = "windmp64",
    [VTOP_FMT_WINDMP32] = "windmp32",
    [VTOP_FMT_KDUMP] = "kdump",
    [VTOP_FMT_FLAT] = "flat",
};

const char *vtop_format_name(vtop_format format)
{
    if ((unsigned)format >= VTOP_FMT_COUNT)
        return "unknown";
    return format_names[format];
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

vtop_status vtop_format_parse(const char *name, vtop_format *out)
{
    static const struct { const char *name; vtop_format f; } aliases[] = {
        {"qemu", VTOP_FMT_ELF}, {"diskdump", VTOP_FMT_KDUMP},
        {"flattened", VTOP_FMT_FLAT},
        {"vmcore", VTOP_FMT_ELF}, {"dmp", VTOP_FMT_WINDMP64},
        {"dmp64", VTOP_FMT_WINDMP64}, {"dmp32", VTOP_FMT_WINDMP32},
    };
    if (!name || !out)
        return VTOP_BAD_ARGUMENT;
    for (int f = 0; f < VTOP_FMT_COUNT; f++)
        if (str_eq(name, format_names[f])) {
            *out = (vtop_format)f;
            return VTOP_OK;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (str_eq(name, aliases[i].name)) {
            *out = aliases[i].f;
            return VTOP_OK;
        }
    return VTOP_BAD_ARGUMENT;
}

vtop_format vtop_image_detect(const uint8_t *base, uint64_t size)
{
    if (!base)
        return VTOP_FMT_RAW;
    if (fmt_probe_elf(base, size))
        return VTOP_FMT_ELF;
    if (fmt_probe_lime(base, size))
        return VTOP_FMT_LIME;
    if (fmt_probe_windmp64(base, size))
        return VTOP_FMT_WINDMP64;
    if (fmt_probe_windmp32(base, size))
        return VTOP_FMT_WINDMP32;
    if (fmt_probe_kdump(base, size))
        return VTOP_FMT_KDUMP;
    if (fmt_probe_flat(base, size))
        return VTOP_FMT_FLAT;
    return VTOP_FMT_RAW;
}

static vtop_status open_raw(fmt_ctx *c)
{
    c->info->format_name = "raw";
    if (c->size == 0)
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 0, "empty image");
    c->info->mode_reason = "raw image: no CPU state (supply CR3 and mode, or scan for roots)";
    return fmt_add_run(c, 0, c->size, 0, 0);
}

static vtop_status dispatch(fmt_ctx *c, vtop_format f)
{
    switch (f) {
    case VTOP_FMT_RAW:
        return open_raw(c);
    case VTOP_FMT_ELF:
        return fmt_probe_elf(c->base, c->size) ? fmt_open_elf(c) : VTOP_FORMAT_UNKNOWN;
    case VTOP_FMT_LIME:
        return fmt_probe_lime(c->base, c->size) ? fmt_open_lime(c) : VTOP_FORMAT_UNKNOWN;
    case VTOP_FMT_WINDMP64:
        return fmt_probe_windmp64(c->base, c->size) ? fmt_open_windmp64(c)
                                                    : VTOP_FORMAT_UNKNOWN;
    case VTOP_FMT_WINDMP32:
        return fmt_probe_windmp32(c->base, c->size) ? fmt_open_windmp32(c)
                                                    : VTOP_FORMAT_UNKNOWN;
    case VTOP_FMT_KDUMP:
        return fmt_probe_kdump(c->base, c->size) ? fmt_open_kdump(c)
                                                 : VTOP_FORMAT_UNKNOWN;
    case VTOP_FMT_FLAT:
        return fmt_probe_flat(c->base, c->size) ? fmt_open_flat(c)
                                                : VTOP_FORMAT_UNKNOWN;
    default:
        return VTOP_BAD_ARGUMENT;
    }
}

vtop_status vtop_image_open_request(const vtop_image_request *rq,
                                    vtop_image_info *out)
{
    if (!out || !rq)
        return VTOP_BAD_ARGUMENT;
    uint8_t *p = (uint8_t *)out;
    for (size_t i = 0; i < sizeof *out; i++)
        p[i] = 0;
    out->mode_reason = "unknown";
    out->format_name = "unknown";
    if ((!rq->base && rq->size) || (!rq->runs && rq->cap) ||
        (unsigned)rq->forced >= VTOP_FMT_COUNT)
        return VTOP_BAD_ARGUMENT;
    fmt_ctx c = { .base = rq->base, .size = rq->size, .runs = rq->runs,
                  .cap = rq->cap, .info = out, .store = rq->store };
    vtop_format f = rq->forced == VTOP_FMT_AUTO
                        ? vtop_image_detect(rq->base, rq->size) : rq->forced;
    out->format = f;
    vtop_status st = dispatch(&c, f);
    if (st == VTOP_FORMAT_UNKNOWN)
        return fmt_fail(&c, st, 0, "magic of the forced format not found");
    if (st != VTOP_OK)
        return st;
    return fmt_finish_runs(&c);
}

vtop_status vtop_image_open(const uint8_t *base, uint64_t size,
                            vtop_format forced, vtop_run *runs, size_t cap,
                            vtop_image_info *out)
{
    vtop_image_request rq = {base, size, forced, runs, cap, NULL};
    return vtop_image_open_request(&rq, out);
}

/* QEMU notes and VMCOREINFO carry no EFER (QEMU target/i386/arch_dump.c
 * QEMUCPUState): x86-64 and PAE kernels that use bit 63 set EFER.NXE, so
 * it is assumed on wherever the mode has an NX bit. */
static bool nxe_assumed(vtop_mode m)
{
    const vtop_mode_desc *d = vtop_mode_describe(m);
    return d && d->has_nx;
}

void fmt_cpu0_root(fmt_ctx *c)
{
    vtop_image_info *in = c->info;
    if (in->cpu_count == 0)
        return;
    in->has_root = true;
    in->root = in->cpus[0].cr3;
    in->mode = in->cpus[0].mode;
    in->mode_reason = in->cpus[0].mode_reason;
    in->nxe = nxe_assumed(in->mode);
    in->root_source = VTOP_ROOT_CPU_NOTES;
}

void fmt_vmcoreinfo_root(fmt_ctx *c, bool x86_64)
{
    vtop_image_info *in = c->info;
    if (!in->has_vmcoreinfo)
        return;
    const char *why = 0;
    if (vtop_vmcoreinfo_root(&in->vmcoreinfo, x86_64, &in->vmcoreinfo_root,
                             &in->vmcoreinfo_mode, &why) != VTOP_OK)
        return;
    in->has_vmcoreinfo_root = true;
    if (in->has_root)
        return;
    in->has_root = true;
    in->root = in->vmcoreinfo_root;
    in->mode = in->vmcoreinfo_mode;
    in->mode_reason = why;
    in->nxe = nxe_assumed(in->mode);
    in->root_source = VTOP_ROOT_VMCOREINFO;
}

void fmt_a64_vmcoreinfo_root(fmt_ctx *c)
{
    vtop_image_info *in = c->info;
    in->aarch64 = true;
    in->mode = VTOP_MODE_AARCH64;
    in->mode_reason = "AArch64 image without VMCOREINFO naming swapper_pg_dir: "
                      "no TTBR1 (supply --ttbr1 and --tcr)";
    uint64_t ttbr1 = 0, tcr = 0;
    const char *why = 0;
    if (!in->has_vmcoreinfo ||
        vtop_vmcoreinfo_a64(&in->vmcoreinfo, &ttbr1, &tcr, &why) != VTOP_OK) {
        if (why)
            in->mode_reason = why;
        return;
    }
    in->has_vmcoreinfo_root = true;
    in->vmcoreinfo_root = ttbr1;
    in->vmcoreinfo_mode = VTOP_MODE_AARCH64;
    in->a64_ttbr1 = ttbr1;
    in->a64_tcr = tcr;
    in->has_root = true;
    in->root = ttbr1;
    in->mode_reason = why;
    in->root_source = VTOP_ROOT_VMCOREINFO;
}

/* AArch64: the EL1&0 regime from the registers the image gave. */
static void a64_space_config(const vtop_image_info *info, vtop_space_config *cfg)
{
    cfg->mode = VTOP_MODE_AARCH64;
    cfg->cr3 = info->root;
    cfg->ttbr0 = info->a64_ttbr0;
    cfg->ttbr1 = info->a64_ttbr1;
    cfg->tcr = info->a64_tcr;
    cfg->mair = info->a64_mair;
    cfg->a64_regime = VTOP_A64_EL1;
}

vtop_status vtop_image_space_config(const vtop_image_info *info, uint32_t cpu,
                                    vtop_space_config *cfg)
{
    if (!info || !cfg)
        return VTOP_BAD_ARGUMENT;
    cfg->maxphyaddr = info->maxphyaddr;
    cfg->pa_extra_mask = 0;
    cfg->windows_pte = info->windows;
    cfg->nxe = info->nxe;
    if (!info->has_root)
        return VTOP_NO_ROOT;
    if (info->aarch64) {
        if (cpu != 0)
            return VTOP_BAD_ARGUMENT;
        a64_space_config(info, cfg);
        return VTOP_OK;
    }
    if (info->cpu_count == 0) {
        if (cpu != 0)
            return VTOP_BAD_ARGUMENT;
        cfg->mode = info->mode;
        cfg->cr3 = info->root;
        return VTOP_OK;
    }
    if (cpu >= info->cpu_count)
        return VTOP_BAD_ARGUMENT;
    const vtop_cpu_state *s = &info->cpus[cpu];
    cfg->mode = s->mode;
    cfg->cr3 = s->cr3;
    if (s->has_efer)
        cfg->nxe = (s->efer & EFER_NXE) != 0;
    return VTOP_OK;
}
