/* vtop EFI app: own identity map lifecycle (see ownmap.h). */
#include "ownmap.h"

#include <string.h>

#include "cpu.h"
#include "selfcheck.h"

#define RFLAGS_IF (1ull << 9)

static uint64_t map_limit(const machine_state *m, unsigned levels)
{
    /* Identity addresses must be canonical: below 2^(VA bits - 1). */
    unsigned va_bits = levels == 5 ? 57 : 48;
    unsigned pa_bits = m->cpu.maxphyaddr ? m->cpu.maxphyaddr : 36;
    unsigned bits = pa_bits < va_bits - 1 ? pa_bits : va_bits - 1;
    return 1ull << bits;
}

static uint64_t low_top(const efi_memmap *map)
{
    uint64_t top = 4ull << 30;
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;
        if (end > top)
            top = end;
    }
    return top;
}

static vtop_status space_for(const idmap *im, const machine_state *m,
                             const live_memory *live, bool nxe, vtop_space *sp)
{
    vtop_space_config cfg = { 0 };
    cfg.mode = im->levels == 5 ? VTOP_MODE_5LEVEL : VTOP_MODE_4LEVEL;
    cfg.cr3 = im->root;
    cfg.nxe = nxe;
    cfg.maxphyaddr = m->cpu.maxphyaddr;
    return vtop_space_init(sp, &cfg, &live->mem);
}

vtop_status ownmap_space(const ownmap *om, const machine_state *m,
                         const live_memory *live, vtop_space *space)
{
    return space_for(&om->map, m, live, om->plan.use_nx, space);
}

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

static bool check(const char *tag, const idmap *im, const idplan *plan,
                  const machine_state *m, const vtop_space *fw,
                  const live_memory *live, uint64_t top, const vtop_out *out)
{
    vtop_space ours;
    if (space_for(im, m, live, plan->use_nx, &ours) != VTOP_OK) {
        vtop_printf(out, "%s: fail: cannot describe the new tables to the core\n", tag);
        return false;
    }
    selfcheck_result r;
    selfcheck_run(&ours, fw, im, plan, top, out, &r);
    bool ok = r.mismatches == 0 && r.addresses > 0;
    vtop_printf(out,
                "%s: %s: %llu ranges, %llu addresses identity-mapped as planned, "
                "%llu firmware identity addresses kept, %llu holes unmapped, "
                "%llu mismatches\n",
                tag, ok ? "pass" : "FAIL", (unsigned long long)r.ranges,
                (unsigned long long)r.addresses, (unsigned long long)r.fw_identity,
                (unsigned long long)r.unmapped, (unsigned long long)r.mismatches);
    return ok;
}

/* 5-level map built and verified in memory only (firmware stays 4-level). */
static bool try_5level(const machine_state *m, const efi_memmap *map,
                       const vtop_space *fw, const live_memory *live,
                       const vtop_out *out)
{
    idplan plan;
    idmap im;
    bool nx = m->cpu.nx && (m->efer & EFER_NXE);
    if (EFI_ERROR(idplan_build(&plan, map, fw, map_limit(m, 5), nx))) {
        vtop_printf(out, "own map 5-level: fail: out of memory\n");
        return false;
    }
    bool ok = !EFI_ERROR(idmap_build(&im, &plan, 5, m->cpu.pdpe1gb));
    if (ok) {
        print_map("own map 5-level (built, not loaded)", &im, &plan, out);
        ok = check("self-check 5-level", &im, &plan, m, fw, live, low_top(map), out);
        idmap_free(&im);
    } else {
        vtop_printf(out, "own map 5-level: fail: no pages for the tables\n");
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
    unsigned levels = (m->cr4 & CR4_LA57) ? 5 : 4;
    bool nx = m->cpu.nx && (m->efer & EFER_NXE);
    uint64_t top = low_top(map);
    if (EFI_ERROR(idplan_build(&om->plan, map, fw, map_limit(m, levels), nx))) {
        vtop_printf(out, "own map: fail: out of memory while planning\n");
        return false;
    }
    EFI_STATUS s = idmap_build(&om->map, &om->plan, levels, m->cpu.pdpe1gb);
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
    print_map("own map", &om->map, &om->plan, out);
    om->checked_ok = check("self-check", &om->map, &om->plan, m, fw, live, top, out);
    if (levels == 4 && m->cpu.la57 && !try_5level(m, map, fw, live, out))
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
