/* vtop EFI app: start-up banner (see banner.h). */
#include "banner.h"

#include <stdio.h>
#include <string.h>

#include "console.h"
#include "efi_env.h"
#include "fwname.h"

#ifndef VTOP_VERSION
#define VTOP_VERSION "dev"
#endif

void machine_state_read(machine_state *m)
{
    m->cr0 = cpu_read_cr0();
    m->cr3 = cpu_read_cr3();
    m->cr4 = cpu_read_cr4();
    cpu_query_features(&m->cpu);
    /* IA32_EFER exists when CPUID reports long mode or NX (SDM Vol. 4). */
    m->efer = (m->cpu.lm || m->cpu.nx) ? cpu_rdmsr(MSR_IA32_EFER) : 0;
}

vtop_mode machine_paging_mode(const machine_state *m)
{
    return vtop_mode_from_registers(m->cr0, m->cr4, m->efer);
}

const char *machine_paging_mode_name(const machine_state *m)
{
    /* CR0.PG = 0: 32-bit UEFI firmware runs this way (UEFI spec 2.10
     * section 2.3.2); the app then pages on its own. */
    if (!(m->cr0 & CR0_PG))
        return "off";
    const vtop_mode_desc *d = vtop_mode_describe(machine_paging_mode(m));
    return d ? d->name : "none";
}

static void print_cpu(const machine_state *m, const vtop_out *out)
{
    const cpu_features *c = &m->cpu;
    vtop_printf(out, "cpu: %s family 0x%x model 0x%x stepping %u \"%s\"\n",
                c->vendor, (unsigned)c->family, (unsigned)c->model,
                (unsigned)c->stepping, c->brand);
    vtop_printf(out,
                "cpuid: PSE=%d PAE=%d PSE36=%d PGE=%d NX=%d PDPE1GB=%d LA57=%d "
                "LM=%d MAXPHYADDR=%u LINEAR=%u\n",
                c->pse, c->pae, c->pse36, c->pge, c->nx, c->pdpe1gb, c->la57,
                c->lm, (unsigned)c->maxphyaddr, (unsigned)c->linear_bits);
}

void banner_print(const machine_state *m, const efi_memmap *map,
                  const vtop_out *out)
{
    vtop_printf(out, "vtop %s (UEFI application)\n", VTOP_VERSION);
    efi_print_firmware(out);
    vtop_printf(out, "console: %s\n", console_kind_name(console_init()));
    print_cpu(m, out);
    vtop_printf(out, "registers: CR0=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx\n",
                (unsigned long long)m->cr0, (unsigned long long)m->cr3,
                (unsigned long long)m->cr4, (unsigned long long)m->efer);
    vtop_printf(out,
                "paging: %s (CR0.PG=%d CR4.PSE=%d CR4.PAE=%d EFER.LMA=%d "
                "CR4.LA57=%d EFER.NXE=%d)\n",
                machine_paging_mode_name(m), !!(m->cr0 & CR0_PG),
                !!(m->cr4 & CR4_PSE), !!(m->cr4 & CR4_PAE),
                !!(m->efer & EFER_LMA), !!(m->cr4 & CR4_LA57),
                !!(m->efer & EFER_NXE));
    if (map)
        efi_memmap_print_summary(map, out);
}
