/* vtop EFI app, IA32: the app's own identity map when the firmware runs with
 * paging off (see ownmap.h for the interface shared with x64).
 *
 * 32-bit UEFI firmware (OVMF IA32, Bay Trail / Cherry Trail tablets) runs
 * flat protected mode with CR0.PG = 0 (UEFI spec 2.10 section 2.3.2), or,
 * when the CPU has NX and NX protections are on, PAE paging with an
 * identity map of everything (EDK2 DxeIplPeim, ia32 VirtualMemory.c). The
 * app plans an identity map of everything the memory map lists below
 * 4 GiB plus every unlisted address above the top of RAM below 4 GiB (the
 * firmware, running unpaged, may touch any MMIO there: PCI BARs, LAPIC,
 * IOAPIC, HPET), and builds it twice:
 *  - 32-bit paging with 4 MiB pages (CR4.PSE) where the plan is uniform;
 *  - PAE with 2 MiB pages and NX on non-code when CPUID offers NX (EFER.NXE
 *    is then set by the app and restored).
 * Each map is self-checked with the core before it may be loaded. Loading
 * follows SDM Vol. 3A 9.9.1 with interrupts off: CR3, then CR4.PSE or
 * CR4.PAE (and EFER.NXE), then CR0.PG, then a jump. Leaving (or switching
 * between the two layouts, since CR4.PAE cannot change while CR0.PG = 1,
 * SDM 4.1.1) clears CR0.PG first and restores CR3, CR4, EFER and then CR0
 * as found. ownmap_restore is that one exit path; app.c runs it on errors
 * too.
 */
#include "efi/ownmap.h"
#include "efi/arch/layout.h"

#include <string.h>

#include "efi/cpu.h"
#include "efi/efi_env.h"
#include "efi/selfcheck.h"
#include "probes.h"

#define RFLAGS_IF (1ull << 9)
#define FOUR_GIB (4ull << 30)

/* The registers as the firmware had them, and the second layout's tables:
 * one CPU's state, so one copy (ownmap.h's struct is shared with x64). */
static struct ia32_state {
    uint64_t cr0, cr3, cr4, efer;
    bool has_efer;
    idmap other;          /* the layout not in om->map */
    idmap_layout loaded;  /* layout in CR3 when paging is on */
} g_fw;

/* -paging 32bit: load the 32-bit PSE map even when PAE is offered. */
static bool g_want_32bit;

bool arch_own_layout_choose(const char *name)
{
    if (strcmp(name, "32bit") && strcmp(name, "pae"))
        return false;
    g_want_32bit = strcmp(name, "32bit") == 0;
    return true;
}

static uint64_t top_of_low_ram(const efi_memmap *map)
{
    uint64_t top = 0;
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;
        bool ram = d->Type != EfiMemoryMappedIO && d->Type != EfiMemoryMappedIOPortSpace &&
                   d->Type != EfiReservedMemoryType;
        if (ram && end <= FOUR_GIB && end > top)
            top = end;
    }
    return (top + (4ull << 20) - 1) & ~((4ull << 20) - 1);
}

static vtop_status space_of(const idmap *im, const machine_state *m,
                            const live_memory *live, bool nxe, vtop_space *sp)
{
    vtop_space_config cfg = { 0 };
    cfg.mode = im->layout == IDMAP_PAE ? VTOP_MODE_PAE
               : im->use_large         ? VTOP_MODE_32BIT_PSE
                                       : VTOP_MODE_32BIT;
    cfg.cr3 = im->root;
    cfg.nxe = nxe && im->layout == IDMAP_PAE;
    cfg.maxphyaddr = m->cpu.maxphyaddr;
    return vtop_space_init(sp, &cfg, &live->mem);
}

vtop_status ownmap_space(const ownmap *om, const machine_state *m,
                         const live_memory *live, vtop_space *space)
{
    return space_of(&om->map, m, live, om->plan.use_nx, space);
}

static const char *layout_name(const idmap *im)
{
    return im->layout == IDMAP_PAE ? "PAE" : im->use_large ? "32-bit PSE" : "32-bit";
}

static bool build_checked(idmap *im, ownmap *om, const machine_state *m,
                          const live_memory *live, idmap_layout layout,
                          const vtop_out *out)
{
    bool large = layout == IDMAP_PAE ? true : m->cpu.pse;
    EFI_STATUS s = idmap_build_legacy(im, &om->plan, layout, large);
    if (EFI_ERROR(s)) {
        vtop_printf(out, "own map %s: fail: no pages for the tables (0x%llx)\n",
                    layout == IDMAP_PAE ? "PAE" : "32-bit", (unsigned long long)s);
        return false;
    }
    vtop_printf(out, "own map %s: %zu ranges, %llu MiB below 0x%llx, %llu tables (%llu KiB), "
                "leaves %s=%llu 4K=%llu\n", layout_name(im), om->plan.count,
                (unsigned long long)(idplan_bytes(&om->plan) >> 20),
                (unsigned long long)om->plan.limit, (unsigned long long)im->used,
                (unsigned long long)im->used * 4, layout == IDMAP_PAE ? "2M" : "4M",
                (unsigned long long)im->leaves[1], (unsigned long long)im->leaves[0]);
    vtop_space ours;
    bool nx = layout == IDMAP_PAE && om->plan.use_nx;
    if (space_of(im, m, live, nx, &ours) != VTOP_OK) {
        vtop_printf(out, "self-check %s: fail: cannot describe the tables to the core\n",
                    layout_name(im));
        return false;
    }
    selfcheck_result r;
    selfcheck_input in = { .ours = &ours, .fw = NULL, .map = im, .plan = &om->plan,
                           .top = FOUR_GIB, .out = out };
    selfcheck_run(&in, &r);
    bool ok = r.mismatches == 0 && r.addresses > 0;
    vtop_printf(out, "self-check %s: %s: %llu ranges, %llu addresses identity-mapped as "
                "planned, %llu holes unmapped, %llu mismatches\n", layout_name(im),
                ok ? "pass" : "FAIL", (unsigned long long)r.ranges,
                (unsigned long long)r.addresses, (unsigned long long)r.unmapped,
                (unsigned long long)r.mismatches);
    return ok;
}

static void write_cr0_jump(uint64_t v)
{
    cpu_reg cr0 = (cpu_reg)v;
    __asm__ volatile("mov %0, %%cr0\n\tjmp 1f\n1:" : : "r"(cr0) : "memory");
}

/* Leave whatever paging is on (ours, or the firmware's PAE tables, which
 * identity-map everything), with interrupts already off. */
static void unpaged(void)
{
    uint64_t cr0 = cpu_read_cr0();
    if (cr0 & CR0_PG)
        write_cr0_jump(cr0 & ~CR0_PG);
}

/* SDM Vol. 3A 9.9.1: paging off; CR3; CR4.PSE or CR4.PAE; EFER.NXE; then
 * MOV to CR0 with PG set and a jump so the next fetch goes through the new
 * translation. CR4.PAE may only change while CR0.PG = 0 (SDM 4.1.1). */
static void paging_enable(const idmap *im, bool nxe)
{
    uint64_t flags = cpu_read_rflags();
    cpu_cli();
    unpaged();
    if (g_fw.has_efer)
        cpu_wrmsr(MSR_IA32_EFER, nxe ? g_fw.efer | EFER_NXE : g_fw.efer & ~EFER_NXE);
    cpu_write_cr3(im->root);
    uint64_t cr4 = g_fw.cr4 & ~(CR4_PAE | CR4_PSE);
    cpu_write_cr4(cr4 | (im->layout == IDMAP_PAE ? CR4_PAE : im->use_large ? CR4_PSE : 0));
    write_cr0_jump(g_fw.cr0 | CR0_PG);
    g_fw.loaded = im->layout;
    if (flags & RFLAGS_IF)
        cpu_sti();
}

/* Back to the firmware's state: paging off, then CR3, CR4 and EFER as found,
 * then CR0 as found (which turns the firmware's own paging back on when it
 * had any). */
static void firmware_state(void)
{
    uint64_t flags = cpu_read_rflags();
    cpu_cli();
    unpaged();
    cpu_write_cr3(g_fw.cr3);
    cpu_write_cr4(g_fw.cr4);
    if (g_fw.has_efer && cpu_rdmsr(MSR_IA32_EFER) != g_fw.efer)
        cpu_wrmsr(MSR_IA32_EFER, g_fw.efer);
    write_cr0_jump(g_fw.cr0);
    if (flags & RFLAGS_IF)
        cpu_sti();
}

/* Firmware services while paged: console (this line), Stall with timer
 * interrupts on, AllocatePages / FreePages (UEFI spec 2.10 7.2, 7.5). */
static bool services_while_paged(const vtop_out *out)
{
    EFI_STATUS st = g_efi.bs->Stall(20000);
    EFI_PHYSICAL_ADDRESS page = 0xFFFFFFFFull;
    EFI_STATUS sa = g_efi.bs->AllocatePages(AllocateMaxAddress, EfiLoaderData, 1, &page);
    bool written = false;
    if (!EFI_ERROR(sa)) {
        volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)page;
        p[0] = 0x76746f70u;
        written = p[0] == 0x76746f70u;
        g_efi.bs->FreePages(page, 1);
    }
    bool ok = !EFI_ERROR(st) && !EFI_ERROR(sa) && written;
    vtop_printf(out, "paged services: console ok, Stall(20 ms) %s, AllocatePages 0x%llx %s: %s\n",
                EFI_ERROR(st) ? "failed" : "ok", (unsigned long long)page,
                written ? "written" : "failed", ok ? "pass" : "FAIL");
    return ok;
}

/* A 4 MiB aligned block of free RAM in [4 GiB, 64 GiB) for the PSE-36
 * probe (36 address bits: SDM 4.3), or 0. */
static uint64_t ram_above_4g(const efi_memmap *map)
{
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        uint64_t start = (d->PhysicalStart + (4ull << 20) - 1) & ~((4ull << 20) - 1);
        uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;
        if (d->Type == EfiConventionalMemory && start >= FOUR_GIB &&
            start + (4ull << 20) <= end && end <= (64ull << 30))
            return start;
    }
    return 0;
}

/* The probes in the loaded layout, then in the other one (loaded for the
 * probes only), then the loaded one again. */
static bool probe_layouts(ownmap *om, const machine_state *m, const efi_memmap *map,
                          const live_memory *live, const vtop_out *out)
{
    probe_counts c = { 0 };
    const idmap *maps[2] = { &om->map, g_fw.other.root ? &g_fw.other : NULL };
    for (unsigned i = 0; i < 2 && maps[i]; i++) {
        bool nx = maps[i]->layout == IDMAP_PAE && m->cpu.pae && m->cpu.nx;
        vtop_space sp;
        if (space_of(maps[i], m, live, nx, &sp) != VTOP_OK)
            return false;
        if (i == 1)
            paging_enable(maps[i], nx);
        probe_env env = { maps[i], &om->plan, &sp, nx, m->cpu.pse36, ram_above_4g(map), out };
        ia32_probes_run(&env, &c);
    }
    if (maps[1])
        paging_enable(&om->map, om->plan.use_nx);
    vtop_printf(out, "probes: %u run, %u passed, %u skipped\n", c.run, c.passed, c.skipped);
    return c.run > 0 && c.passed == c.run;
}

static bool plan_for(idplan *plan, const efi_memmap *map, uint64_t hole, bool nx,
                     const vtop_out *out)
{
    /* Without NX (32-bit paging, or no CPUID NX) every page is executable. */
    uint8_t mmio = IDMAP_W | IDMAP_UC | (nx ? 0 : IDMAP_X);
    if (EFI_ERROR(idplan_build(plan, map, NULL, FOUR_GIB, nx)) ||
        EFI_ERROR(idplan_add_unlisted(plan, hole, FOUR_GIB, mmio))) {
        vtop_printf(out, "own map: fail: out of memory while planning\n");
        return false;
    }
    return true;
}

bool ownmap_setup(ownmap *om, const machine_state *m, const efi_memmap *map,
                  const vtop_space *fw, const live_memory *live,
                  const vtop_out *out)
{
    (void)fw;   /* the plan covers all the firmware may touch without it */
    memset(om, 0, sizeof *om);
    memset(&g_fw, 0, sizeof g_fw);
    g_fw.cr0 = m->cr0;
    g_fw.cr3 = m->cr3;
    g_fw.cr4 = m->cr4;
    g_fw.has_efer = m->cpu.lm || m->cpu.nx;
    g_fw.efer = m->efer;
    om->fw_cr3 = m->cr3;
    bool nx = m->cpu.pae && m->cpu.nx;
    uint64_t hole = top_of_low_ram(map);
    vtop_printf(out, "own map: IA32, firmware paging %s; plan: memory map below 4 GiB and "
                "unlisted 0x%llx-0x%llx as firmware MMIO; PSE %s, PAE %s, NX on "
                "non-code %s\n", machine_paging_mode_name(m),
                (unsigned long long)hole, (unsigned long long)FOUR_GIB,
                m->cpu.pse ? "yes" : "no", m->cpu.pae ? "yes" : "no",
                nx ? "yes (EFER.NXE set while paged)" : "no (CPUID NX clear)");
    /* Both layouts are built and checked: the 32-bit map first (no NX bit
     * exists there), then PAE when offered, which is the one loaded unless
     * -paging 32bit asked otherwise. Each has its own plan since NX differs. */
    bool ok = plan_for(&om->plan, map, hole, false, out) &&
              build_checked(&om->map, om, m, live, IDMAP_32BIT, out);
    if (ok && m->cpu.pae) {
        idplan plan32 = om->plan;
        idmap map32 = om->map;
        ok = plan_for(&om->plan, map, hole, nx, out) &&
             build_checked(&om->map, om, m, live, IDMAP_PAE, out);
        if (g_want_32bit) {
            g_fw.other = om->map;
            idplan_free(&om->plan);
            om->plan = plan32;
            om->map = map32;
        } else {
            g_fw.other = map32;
            idplan_free(&plan32);
        }
    }
    om->checked_ok = ok;
    if (!ok) {
        vtop_printf(out, "own map: not loaded (self-check failed)\n");
        return false;
    }
    paging_enable(&om->map, om->plan.use_nx);
    om->loaded = true;
    om->usable = true;
    vtop_printf(out, "own map: paging on, %s, CR0=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx\n",
                layout_name(&om->map), (unsigned long long)cpu_read_cr0(),
                (unsigned long long)cpu_read_cr3(), (unsigned long long)cpu_read_cr4(),
                (unsigned long long)(g_fw.has_efer ? cpu_rdmsr(MSR_IA32_EFER) : 0));
    if (!services_while_paged(out) || !probe_layouts(om, m, map, live, out))
        om->checked_ok = false;
    return om->checked_ok;
}

bool ownmap_use(ownmap *om, bool own)
{
    if (own && !om->usable)
        return false;
    if (own && !om->loaded)
        paging_enable(&om->map, om->plan.use_nx);
    else if (!own && om->loaded)
        firmware_state();
    om->loaded = own;
    return true;
}

void ownmap_restore(ownmap *om, const vtop_out *out)
{
    if (om->loaded) {
        firmware_state();
        om->loaded = false;
    }
    if (om->usable)
        vtop_printf(out, "own map: firmware state restored, CR0=0x%llx CR3=0x%llx CR4=0x%llx "
                    "EFER=0x%llx\n", (unsigned long long)cpu_read_cr0(),
                    (unsigned long long)cpu_read_cr3(), (unsigned long long)cpu_read_cr4(),
                    (unsigned long long)(g_fw.has_efer ? cpu_rdmsr(MSR_IA32_EFER) : 0));
    om->usable = false;
    idmap_free(&g_fw.other);
    idmap_free(&om->map);
    idplan_free(&om->plan);
}
