/* vtop EFI app: CPUID feature decoding (Intel SDM Vol. 2A, CPUID). */
#include "cpu.h"

#include <string.h>

static void copy_regs(char *dst, cpuid_regs r)
{
    memcpy(dst + 0, &r.eax, 4);
    memcpy(dst + 4, &r.ebx, 4);
    memcpy(dst + 8, &r.ecx, 4);
    memcpy(dst + 12, &r.edx, 4);
}

/* Brand string leaves 0x80000002..4 often start with blanks: trim them. */
static void read_brand(cpu_features *f, uint32_t max_ext)
{
    char raw[49] = { 0 };
    if (max_ext >= 0x80000004u) {
        for (size_t i = 0; i < 3; i++)
            copy_regs(raw + 16 * i, cpu_cpuid(0x80000002u + (uint32_t)i, 0));
    }
    const char *p = raw;
    while (*p == ' ')
        p++;
    strncpy(f->brand, p, sizeof f->brand - 1);
    f->brand[sizeof f->brand - 1] = '\0';
}

void cpu_query_features(cpu_features *f)
{
    memset(f, 0, sizeof *f);
    cpuid_regs r0 = cpu_cpuid(0, 0);
    memcpy(f->vendor + 0, &r0.ebx, 4);
    memcpy(f->vendor + 4, &r0.edx, 4);
    memcpy(f->vendor + 8, &r0.ecx, 4);
    if (r0.eax >= 1) {
        cpuid_regs r1 = cpu_cpuid(1, 0);
        uint32_t fam = (r1.eax >> 8) & 0xf, mod = (r1.eax >> 4) & 0xf;
        /* Display family/model (SDM Vol. 2A, CPUID leaf 1 EAX). */
        if (fam == 0xf)
            fam += (r1.eax >> 20) & 0xff;
        if (fam == 0x6 || fam >= 0xf)
            mod |= ((r1.eax >> 16) & 0xf) << 4;
        f->family = fam;
        f->model = mod;
        f->stepping = r1.eax & 0xf;
        f->pse = (r1.edx >> 3) & 1;
        f->pae = (r1.edx >> 6) & 1;
        f->pge = (r1.edx >> 13) & 1;
        f->pse36 = (r1.edx >> 17) & 1;
    }
    if (r0.eax >= 7)
        f->la57 = (cpu_cpuid(7, 0).ecx >> 16) & 1;
    uint32_t max_ext = cpu_cpuid(0x80000000u, 0).eax;
    if (max_ext >= 0x80000001u) {
        cpuid_regs e1 = cpu_cpuid(0x80000001u, 0);
        f->nx = (e1.edx >> 20) & 1;
        f->pdpe1gb = (e1.edx >> 26) & 1;
        f->lm = (e1.edx >> 29) & 1;
    }
    f->maxphyaddr = 36;
    f->linear_bits = 48;
    if (max_ext >= 0x80000008u) {
        cpuid_regs e8 = cpu_cpuid(0x80000008u, 0);
        f->maxphyaddr = e8.eax & 0xff;
        f->linear_bits = (e8.eax >> 8) & 0xff;
    }
    read_brand(f, max_ext);
}
