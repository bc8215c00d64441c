/* vtop EFI app, AArch64: the start-up banner (see machine.h). Field
 * positions from Arm ARM DDI 0487 D19.2: SCTLR_ELx M[0] C[2] I[12] WXN[19];
 * ID_AA64MMFR0_EL1 PARange[3:0] TGran16[23:20] TGran64[27:24]
 * TGran4[31:28]; ID_AA64MMFR1_EL1 HAFDBS[3:0] VH[11:8] PAN[23:20];
 * ID_AA64MMFR2_EL1 CnP[3:0] VARange[19:16]; MAIR_ELx Attr<n> = bits
 * [8n+7:8n] (D8.5.x "Memory region attributes"). */
#include "machine.h"

#include "efi/console.h"
#include "efi/fwname.h"

#ifndef VTOP_VERSION
#define VTOP_VERSION "dev"
#endif

static unsigned nib(uint64_t v, unsigned lo)
{
    return (unsigned)(v >> lo) & 0xfu;
}

/* A MAIR attribute byte (D19.2 MAIR_EL1, Attr<n> encodings). */
static const char *mair_name(unsigned a)
{
    switch (a) {
    case 0x00: return "Device-nGnRnE";
    case 0x04: return "Device-nGnRE";
    case 0x08: return "Device-nGRE";
    case 0x0c: return "Device-GRE";
    case 0x44: return "Normal-NC";
    case 0xbb: return "Normal-WT";
    case 0xff: return "Normal-WB";
    default:   return (a & 0xf0) ? "Normal-other" : "Device-other";
    }
}

static const char *el_regs(const a64_machine *m)
{
    return m->el == 2 ? "EL2" : "EL1";
}

static void print_registers(const a64_machine *m, const vtop_out *out)
{
    const char *e = el_regs(m);
    vtop_printf(out, "exception level: EL%u (regime %s)", m->el,
                m->el == 1 ? "EL1&0" : m->e2h ? "EL2&0" : "EL2");
    if (m->el == 2)
        vtop_printf(out, " HCR_EL2=0x%llx E2H=%d", (unsigned long long)m->hcr, m->e2h);
    vtop_printf(out, "\n");
    vtop_printf(out, "SCTLR_%s: 0x%llx M=%u C=%u I=%u WXN=%u\n", e,
                (unsigned long long)m->sctlr, (unsigned)(m->sctlr & 1),
                (unsigned)(m->sctlr >> 2) & 1, (unsigned)(m->sctlr >> 12) & 1,
                (unsigned)(m->sctlr >> 19) & 1);
    vtop_printf(out, "TCR_%s: 0x%llx\n", e, (unsigned long long)m->tcr);
    vtop_printf(out, "TTBR0_%s: 0x%llx\n", e, (unsigned long long)m->ttbr0);
    if (m->two_ranges)
        vtop_printf(out, "TTBR1_%s: 0x%llx\n", e, (unsigned long long)m->ttbr1);
    else
        vtop_printf(out, "TTBR1_%s: none (one VA range without E2H)\n", e);
    vtop_printf(out, "MAIR_%s: 0x%016llx", e, (unsigned long long)m->mair);
    for (unsigned i = 0; i < 8; i++) {
        unsigned a = (unsigned)(m->mair >> (8 * i)) & 0xffu;
        vtop_printf(out, " %u=%s", i, mair_name(a));
    }
    vtop_printf(out, "\n");
}

static void print_features(const a64_machine *m, const vtop_out *out)
{
    unsigned g4 = nib(m->mmfr0, 28), g16 = nib(m->mmfr0, 20), g64 = nib(m->mmfr0, 24);
    /* TGran4 0 or 1 and TGran64 0 mean supported; TGran16 1 or 2 does;
     * 52-bit output with 4K/16K (FEAT_LPA2) is TGran4 = 1 / TGran16 = 2. */
    vtop_printf(out,
                "ID_AA64MMFR0_EL1: 0x%llx PARange=%u (%u bits) TGran4=%s TGran16=%s "
                "TGran64=%s LPA2=%s\n",
                (unsigned long long)m->mmfr0, nib(m->mmfr0, 0),
                a64_parange_bits(nib(m->mmfr0, 0)), g4 <= 1 ? "yes" : "no",
                g16 == 1 || g16 == 2 ? "yes" : "no", g64 == 0 ? "yes" : "no",
                g4 == 1 || g16 == 2 ? "yes" : "no");
    static const char *const hafdbs[] = { "none", "AF", "AF+DBM" };
    unsigned h = nib(m->mmfr1, 0);
    vtop_printf(out, "ID_AA64MMFR1_EL1: 0x%llx HAFDBS=%u (%s) VH=%u PAN=%u\n",
                (unsigned long long)m->mmfr1, h, h < 3 ? hafdbs[h] : "AF+DBM+",
                nib(m->mmfr1, 8), nib(m->mmfr1, 20));
    vtop_printf(out, "ID_AA64MMFR2_EL1: 0x%llx CnP=%u VARange=%u\n",
                (unsigned long long)m->mmfr2, nib(m->mmfr2, 0), nib(m->mmfr2, 16));
}

static void print_paging(const a64_machine *m, const vtop_out *out)
{
    a64_paging p = a64_ttbr0_paging(m);
    vtop_printf(out,
                "paging: aarch64 (MMU %s) TTBR0 granule %uK T0SZ=%u VA %u bits, "
                "%u levels from level %u, PA %u bits, walks %s, HA=%d HD=%d DS=%d\n",
                (m->sctlr & 1) ? "on" : "off", p.granule / 1024, p.t0sz, p.va_bits,
                p.levels, p.start_level, p.pa_bits,
                p.walk_wb ? "Write-Back" : "not Write-Back", p.ha, p.hd, p.ds);
}

void a64_banner_print(const a64_machine *m, const efi_memmap *map,
                      const vtop_out *out)
{
    vtop_printf(out, "vtop %s (UEFI application)\n", VTOP_VERSION);
    vtop_printf(out, "architecture: AArch64\n");
    efi_print_firmware(out);
    vtop_printf(out, "console: %s\n", console_kind_name(console_init()));
    /* MIDR_EL1: Implementer [31:24], Variant [23:20], PartNum [15:4],
     * Revision [3:0] (D19.2 MIDR_EL1). */
    vtop_printf(out, "cpu: MIDR_EL1=0x%llx implementer 0x%02x part 0x%03x r%up%u\n",
                (unsigned long long)m->midr, (unsigned)(m->midr >> 24) & 0xffu,
                (unsigned)(m->midr >> 4) & 0xfffu, nib(m->midr, 20), nib(m->midr, 0));
    print_registers(m, out);
    print_features(m, out);
    print_paging(m, out);
    if (map)
        efi_memmap_print_summary(map, out);
}
