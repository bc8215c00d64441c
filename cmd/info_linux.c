/* vtop command language: `info`'s root-source and Linux-dump lines. */
#include "info_linux.h"

#include <inttypes.h>

#include "session_int.h"

static const char *root_source_name(const vtop_session *s)
{
    if (!s->has_space)
        return "none";
    if (s->target != VTOP_TARGET_IMAGE)
        return "platform"; /* live memory: the CPU's own tables */
    if (!s->space_from_image)
        return vtop_mode_is_a64(s->space.desc) ? "--ttbr0/--ttbr1" : "--cr3";
    switch (s->info->root_source) {
    case VTOP_ROOT_CPU_NOTES:
        return "vCPU notes";
    case VTOP_ROOT_VMCOREINFO:
        return "VMCOREINFO";
    case VTOP_ROOT_DUMP_HEADER:
        return "dump header";
    default:
        return "platform";
    }
}

/* When VMCOREINFO and the vCPU notes both give a root: do they agree?
 * vCPU 0 may run a process, whose CR3 is not the kernel's init_top_pgt,
 * so "differ" is a fact to show, not an error. */
static const char *agreement(const vtop_image_info *in)
{
    if (!in->has_vmcoreinfo_root || in->cpu_count == 0)
        return NULL;
    const vtop_cpu_state *c = &in->cpus[0];
    if (c->mode != in->vmcoreinfo_mode)
        return "disagree (mode)";
    /* The root a CR3 selects, by the mode table (PAE: a 32-byte aligned
     * PDPT, SDM Vol. 3A 4.4.1; else 4 KiB, 4.3 and 4.5). */
    uint64_t cr3 = vtop_mode_root(c->mode, c->cr3, 52);
    return cr3 == in->vmcoreinfo_root ? "agree"
                                      : "differ (vCPU 0 runs other tables)";
}

/* QEMU's kdump writer parses VMCOREINFO's decimal NUMBER(phys_base) as
 * hex (dump/dump.c), so its header's phys_base can be wrong: VMCOREINFO
 * is the one used. */
static bool phys_base_differs(const vtop_image_info *in)
{
    return in->has_header_phys_base && in->has_vmcoreinfo &&
           in->vmcoreinfo.has_phys_base &&
           in->header_phys_base != (uint64_t)in->vmcoreinfo.phys_base;
}

void vtop_info_linux_text(vtop_cmd_ctx *c)
{
    const vtop_session *s = c->session;
    const vtop_image_info *in = vtop_session_image(s);
    vtop_printf(c->out, "root:     from %s\n", root_source_name(s));
    if (!in)
        return;
    const vtop_vmcoreinfo *v = &in->vmcoreinfo;
    if (in->has_vmcoreinfo || v->osrelease[0])
        vtop_printf(c->out, "kernel:   %s\n", v->osrelease[0] ? v->osrelease : "?");
    if (in->has_vmcoreinfo) {
        vtop_printf(c->out, "vmcoreinfo: KASLR offset 0x%" PRIx64 ", phys_base 0x%"
                    PRIx64, v->kerneloffset, (uint64_t)v->phys_base);
        if (in->has_vmcoreinfo_root)
            vtop_printf(c->out, ", root %016" PRIx64, in->vmcoreinfo_root);
        const char *a = agreement(in);
        vtop_printf(c->out, "%s%s\n", a ? ", vCPU notes " : "", a ? a : "");
    }
    if (in->format == VTOP_FMT_KDUMP || in->format == VTOP_FMT_FLAT) {
        vtop_printf(c->out, "kdump:    header version %u, dump level %u, %" PRIu64
                    " pages dumped, %" PRIu64 " excluded\n",
                    in->kdump_header_version, in->kdump_dump_level,
                    in->dumped_pages, in->excluded_pages);
        if (phys_base_differs(in))
            vtop_printf(c->out, "kdump:    header phys_base 0x%" PRIx64
                        " disagrees with VMCOREINFO's; VMCOREINFO used\n",
                        in->header_phys_base);
    }
    if (in->warning)
        vtop_printf(c->out, "warning:  %s (offset 0x%" PRIx64 ")\n", in->warning,
                    in->warning_offset);
}

void vtop_info_linux_json(vtop_json *j, const vtop_session *s)
{
    const vtop_image_info *in = vtop_session_image(s);
    vtop_json_str(j, "root_source", root_source_name(s));
    if (!in)
        return;
    const vtop_vmcoreinfo *v = &in->vmcoreinfo;
    if (in->has_vmcoreinfo) {
        vtop_json_object(j, "vmcoreinfo");
        vtop_json_str(j, "osrelease", v->osrelease);
        vtop_json_hex(j, "kerneloffset", v->kerneloffset);
        vtop_json_int(j, "phys_base", v->phys_base);
        if (in->has_vmcoreinfo_root)
            vtop_json_hex(j, "root", in->vmcoreinfo_root);
        const char *a = agreement(in);
        if (a)
            vtop_json_str(j, "cpu_notes", a);
        vtop_json_close(j, '}');
    }
    if (in->format == VTOP_FMT_KDUMP || in->format == VTOP_FMT_FLAT) {
        vtop_json_object(j, "kdump");
        vtop_json_uint(j, "header_version", in->kdump_header_version);
        vtop_json_uint(j, "dump_level", in->kdump_dump_level);
        vtop_json_uint(j, "dumped_pages", in->dumped_pages);
        vtop_json_uint(j, "excluded_pages", in->excluded_pages);
        vtop_json_hex(j, "header_phys_base", in->header_phys_base);
        vtop_json_bool(j, "header_phys_base_differs", phys_base_differs(in));
        vtop_json_close(j, '}');
    }
    if (in->warning)
        vtop_json_str(j, "warning", in->warning);
    else
        vtop_json_null(j, "warning");
}
