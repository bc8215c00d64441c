/* vtop EFI app: own identity map lifecycle (see ownmap.h). */
#include "ownmap.h"

#include <string.h>

#include "cpu.h"
#include "selfcheck.h"

#define RFLAGS_IF (1ull << 9)

/* Identity addresses must be canonical (SDM Vol. 3A 3.3.7.1): below the
 * end of the mode's lower half, and below 2^MAXPHYADDR. */
static uint64_t map_limit(const machine_state *m, vtop_mode mode)
{
    unsigned pa_bits = m->cpu.maxphyaddr ? m->cpu.maxphyaddr : 36;
    uint64_t pa_end = 1ull << pa_bits;
    uint64_t va_end = vtop_lower_half_end(vtop_mode_describe(mode));
    return pa_end < va_end ? pa_end : va_end;
}

static vtop_status space_for(vtop_mode mode, const idmap *im,
                             const machine_state *m, const live_memory *live,
                             vtop_space *sp)
{
    vtop_space_config cfg = {
        .mode = mode, .cr3 = im->root, .nxe = (m->efer & EFER_NXE) != 0,
        .maxphyaddr = m->cpu.maxphyaddr,
    };
    return vtop_space_init(sp, &cfg, &live->mem);
}

vtop_status ownmap_space(const ownmap *om, const machine_state *m,
                         const live_memory *live, vtop_space *space)
{
    return space_for(vtop_mode_from_registers(m->cr0, m->cr4, m->efer),
                     &om->map, m, live, space);
}

/* What every step of the set-up reads. */
typedef struct own_ctx {
    const machine_state *m;
    const efi_memmap *map;
    const vtop_space *fw;
    const live_memory *live;
    const vtop_out *out;
} own_ctx;

static void print_map(const char *tag, const idmap *im, const idplan *plan,
                      const vtop_out *out)
{
    vtop_printf(out,
                "%s: %u-level, %zu ranges, %llu MiB up to 0x%llx, %llu tables "
                "(%llu KiB), leaves 1G=%llu 2M=%llu 4K=%llu\n",
                tag, im->levels, plan->count,
                (unsigned long long)(idplan_bytes(plan) >> 20),
                (unsigned long long)plan->limit, (unsigned long long)im->used,
                (unsigned long long)im->used * 4, (unsigned long long)im->leaves[2],
                (unsigned long long)im->leaves[1], (unsigned long long)im->leaves[0]);
}

/* The map im of mode, planned as plan, checked with the core before it is
 * ever loaded. */
static bool check(const own_ctx *c, const char *tag, vtop_mode mode,
                  const idmap *im, const idplan *plan)
{
    vtop_space ours;
    if (space_for(mode, im, c->m, c->live, &ours) != VTOP_OK) {
        vtop_printf(c->out, "%s: fail: cannot describe the new tables to the core\n", tag);
        return false;
    }
    selfcheck_result r;
    selfcheck_run(&(selfcheck_input){
                      .ours = &ours, .fw = c->fw, .map = im, .plan = plan,
                      .top = efi_memmap_top(c->map), .out = c->out},
                  &r);
    bool ok = r.mismatches == 0 && r.addresses > 0;
    vtop_printf(c->out,
                "%s: %s: %llu ranges, %llu addresses identity-mapped as planned, "
                "%llu firmware identity addresses kept, %llu holes unmapped, "
                "%llu mismatches\n",
                tag, ok ? "pass" : "FAIL", (unsigned long long)r.ranges,
                (unsigned long long)r.addresses, (unsigned long long)r.fw_identity,
                (unsigned long long)r.unmapped, (unsigned long long)r.mismatches);
    return ok;
}

static bool use_nx(const machine_state *m)
{
    return m->cpu.nx && (m->efer & EFER_NXE);
}

/* 5-level map built and verified in memory only (firmware stays 4-level). */
static bool try_5level(const own_ctx *c)
{
    idplan plan;
    idmap im;
    const vtop_mode mode = VTOP_MODE_5LEVEL;
    if (EFI_ERROR(idplan_build(&plan, c->map, c->fw, map_limit(c->m, mode),
                               use_nx(c->m)))) {
        vtop_printf(c->out, "own map 5-level: fail: out of memory\n");
        return false;
    }
    bool ok = !EFI_ERROR(idmap_build(&im, &plan, vtop_mode_describe(mode)->levels,
                                     c->m->cpu.pdpe1gb));
    if (ok) {
        print_map("own map 5-level (built, not loaded)", &im, &plan, c->out);
        ok = check(c, "self-check 5-level", mode, &im, &plan);
        idmap_free(&im);
    } else {
        vtop_printf(c->out, "own map 5-level: fail: no pages for the tables\n");
    }
    idplan_free(&plan);
    return ok;
}

static void load_cr3(uint64_t cr3)
{
    uint64_t flags = cpu_read_rflags();
    cpu_cli();
    cpu_write_cr3(cr3);
    if (flags & RFLAGS_IF)
        cpu_sti();
}

bool ownmap_setup(ownmap *om, const machine_state *m, const efi_memmap *map,
                  const vtop_space *fw, const live_memory *live,
                  const vtop_out *out)
{
    memset(om, 0, sizeof *om);
    om->fw_cr3 = m->cr3;
    const own_ctx c = {m, map, fw, live, out};
    /* The firmware's mode: 4-level, or 5-level with CR4.LA57. */
    vtop_mode mode = vtop_mode_from_registers(m->cr0, m->cr4, m->efer);
    bool nx = use_nx(m);
    if (EFI_ERROR(idplan_build(&om->plan, map, fw, map_limit(m, mode), nx))) {
        vtop_printf(out, "own map: fail: out of memory while planning\n");
        return false;
    }
    EFI_STATUS s = idmap_build(&om->map, &om->plan, vtop_mode_describe(mode)->levels,
                               m->cpu.pdpe1gb);
    if (EFI_ERROR(s)) {
        vtop_printf(out, "own map: fail: no pages for the tables (0x%llx)\n",
                    (unsigned long long)s);
        return false;
    }
    vtop_printf(out, "own map: 1G pages %s (CPUID PDPE1GB=%d), NX on non-code %s, "
                "%llu firmware probes\n",
                m->cpu.pdpe1gb ? "used" : "not available", m->cpu.pdpe1gb,
                nx ? "yes" : "no (EFER.NXE clear)",
                (unsigned long long)om->plan.fw_probes);
    if (om->plan.fw_status != VTOP_OK)
        vtop_printf(out, "own map: firmware tables only partly read (%s)\n",
                    vtop_status_name(om->plan.fw_status));
    print_map("own map", &om->map, &om->plan, out);
    om->checked_ok = check(&c, "self-check", mode, &om->map, &om->plan);
    /* A CPU with LA57 running 4-level firmware: build the 5-level map too. */
    if (!(m->cr4 & CR4_LA57) && m->cpu.la57 && !try_5level(&c))
        om->checked_ok = false;
    if (!om->checked_ok) {
        vtop_printf(out, "own map: not loaded (self-check failed)\n");
        return false;
    }
    load_cr3(om->map.root);
    om->loaded = true;
    om->usable = true;
    vtop_printf(out, "own map: loaded CR3=0x%llx (firmware CR3=0x%llx)\n",
                (unsigned long long)cpu_read_cr3(), (unsigned long long)om->fw_cr3);
    return true;
}

bool ownmap_use(ownmap *om, bool own)
{
    if (own && !om->usable)
        return false;
    load_cr3(own ? om->map.root : om->fw_cr3);
    om->loaded = own;
    return true;
}

void ownmap_restore(ownmap *om, const vtop_out *out)
{
    if (om->usable) {
        /* Whatever `cr3` left in place, the firmware gets its own back. */
        load_cr3(om->fw_cr3);
        om->loaded = false;
        om->usable = false;
        vtop_printf(out, "own map: firmware CR3=0x%llx restored\n",
                    (unsigned long long)cpu_read_cr3());
    }
    idmap_free(&om->map);
    idplan_free(&om->plan);
}
