/* vtop EFI app, AArch64: own identity map lifecycle (see own.h). */
#include "own.h"

#include <string.h>

#include "efi/selfcheck.h"
#include "fwspace.h"

#define GCD_MMIO 3u                 /* EfiGcdMemoryTypeMemoryMappedIo (PI vol. 2 7.2.4.1) */
#define TTBR_KEEP (0xffffull << 48 | 1u)   /* ASID [63:48], CnP [0] (D19.2 TTBR0_EL1) */
#define MAIR_NORMAL_WB 0xffu        /* Normal, Inner/Outer Write-Back RW-allocate */

/* A MAIR index holding attr, or -1 (D19.2 MAIR_ELx). */
static int mair_index(uint64_t mair, unsigned attr)
{
    for (int i = 0; i < 8; i++)
        if (((mair >> (8 * i)) & 0xffu) == attr)
            return i;
    return -1;
}

/* Normal Write-Back, and a Device type: nGnRE, else nGnRnE. */
static bool pick_mair(uint64_t mair, idmap_a64_attrs *a)
{
    int n = mair_index(mair, MAIR_NORMAL_WB), d = mair_index(mair, 0x04u);
    if (d < 0)
        d = mair_index(mair, 0x00u);
    if (n < 0 || d < 0)
        return false;
    a->normal_idx = (uint8_t)n;
    a->device_idx = (uint8_t)d;
    return true;
}

/* Identity addresses stay inside TTBR0's input range and the output size. */
static uint64_t map_limit(const a64_paging *p)
{
    unsigned bits = p->va_bits < p->pa_bits ? p->va_bits : p->pa_bits;
    return 1ull << (bits > 48 ? 48 : bits);
}

vtop_status a64_own_space(const ownmap *om, const live_memory *live,
                          vtop_space *space)
{
    vtop_space_config cfg = a64_space_config(om->m, om->own_ttbr0);
    return vtop_space_init(space, &cfg, &live->mem);
}

/* The plan: memory map, firmware identity mappings, GCD MMIO. */
static bool plan(ownmap *om, const a64_own_input *in, uint64_t limit)
{
    EFI_STATUS s = idplan_build(&om->plan, in->map, in->fw, limit, true);
    for (size_t i = 0; i < in->ngcd && !EFI_ERROR(s); i++)
        if (in->gcd[i].type == GCD_MMIO && in->gcd[i].length)
            s = idplan_add_unlisted(&om->plan, in->gcd[i].start,
                                    in->gcd[i].start + in->gcd[i].length,
                                    IDMAP_W | IDMAP_UC);
    if (EFI_ERROR(s))
        vtop_printf(in->out, "own map: fail: out of memory while planning\n");
    return !EFI_ERROR(s);
}

static bool check(ownmap *om, const a64_own_input *in)
{
    vtop_space ours;
    vtop_status st = a64_own_space(om, in->live, &ours);
    if (st != VTOP_OK) {
        vtop_printf(in->out, "self-check: fail: the core cannot describe the new "
                    "tables (%s)\n", vtop_status_name(st));
        return false;
    }
    selfcheck_result r;
    selfcheck_run(&(selfcheck_input){
                      .ours = &ours, .fw = in->fw, .map = &om->map, .plan = &om->plan,
                      .top = efi_memmap_top(in->map), .out = in->out},
                  &r);
    bool ok = r.mismatches == 0 && r.addresses > 0;
    vtop_printf(in->out,
                "self-check: %s: %llu ranges, %llu addresses identity-mapped as planned, "
                "%llu firmware identity addresses kept, %llu holes unmapped, "
                "%llu mismatches\n",
                ok ? "pass" : "FAIL", (unsigned long long)r.ranges,
                (unsigned long long)r.addresses, (unsigned long long)r.fw_identity,
                (unsigned long long)r.unmapped, (unsigned long long)r.mismatches);
    return ok;
}

static bool build(ownmap *om, const a64_own_input *in, const a64_paging *p)
{
    idmap_a64_attrs attrs = { .va_bits = p->va_bits, .one_range = !in->m->two_ranges };
    if (p->granule != 4096 || !(in->m->sctlr & 1u) || !pick_mair(in->m->mair, &attrs)) {
        vtop_printf(in->out, "own map: fail: needs the MMU on, the 4K granule and "
                    "Normal-WB and Device attributes in MAIR (granule %uK, MMU %s)\n",
                    p->granule / 1024, (in->m->sctlr & 1u) ? "on" : "off");
        return false;
    }
    if (!plan(om, in, map_limit(p)))
        return false;
    EFI_STATUS s = idmap_build_a64(&om->map, &om->plan, &attrs);
    if (EFI_ERROR(s)) {
        vtop_printf(in->out, "own map: fail: no tables (0x%llx)\n", (unsigned long long)s);
        return false;
    }
    const idmap *im = &om->map;
    vtop_printf(in->out,
                "own map: %u-level 4K granule, MAIR index %u Normal-WB, %u Device, "
                "%zu ranges, %llu MiB up to 0x%llx, %llu tables, leaves 1G=%llu "
                "2M=%llu 4K=%llu, %llu firmware probes\n",
                im->levels, attrs.normal_idx, attrs.device_idx, om->plan.count,
                (unsigned long long)(idplan_bytes(&om->plan) >> 20),
                (unsigned long long)om->plan.limit, (unsigned long long)im->used,
                (unsigned long long)im->leaves[2], (unsigned long long)im->leaves[1],
                (unsigned long long)im->leaves[0], (unsigned long long)om->plan.fw_probes);
    return true;
}

bool a64_own_setup(ownmap *om, const a64_own_input *in)
{
    memset(om, 0, sizeof *om);
    om->m = in->m;
    om->fw_ttbr0 = a64_ttbr0_read(in->m);
    a64_paging p = a64_ttbr0_paging(in->m);
    if (!build(om, in, &p))
        return false;
    om->own_ttbr0 = om->map.root | (om->fw_ttbr0 & TTBR_KEEP);
    om->checked_ok = check(om, in);
    if (!om->checked_ok) {
        vtop_printf(in->out, "own map: not loaded (self-check failed)\n");
        return false;
    }
    a64_ttbr0_load(in->m, om->own_ttbr0, &om->map);
    om->loaded = om->usable = true;
    vtop_printf(in->out, "own map: loaded TTBR0_EL%u=0x%llx (firmware 0x%llx)\n",
                in->m->el, (unsigned long long)a64_ttbr0_read(in->m),
                (unsigned long long)om->fw_ttbr0);
    return true;
}

bool a64_own_use(ownmap *om, bool own)
{
    if (own && !om->usable)
        return false;
    a64_ttbr0_load(om->m, own ? om->own_ttbr0 : om->fw_ttbr0, own ? &om->map : NULL);
    om->loaded = own;
    return true;
}

void a64_own_restore(ownmap *om, const vtop_out *out)
{
    if (om->usable) {
        /* Whatever `ttbr0` left in place, the firmware gets its own back. */
        a64_ttbr0_load(om->m, om->fw_ttbr0, NULL);
        om->loaded = om->usable = false;
        vtop_printf(out, "own map: firmware TTBR0_EL%u=0x%llx restored\n", om->m->el,
                    (unsigned long long)a64_ttbr0_read(om->m));
    }
    idmap_free(&om->map);
    idplan_free(&om->plan);
}
