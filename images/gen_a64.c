/* gen_a64: synthetic AArch64 stage 1 spaces (gen_a64.h has the outputs).
 *
 * Each space lives in a small sparse physical memory of two regions with a
 * hole between them, [0, R) and [2R, 3R) (R = 12 or 8 granules); tables
 * alternate between the regions so walks cross runs, and the last two
 * granules of the upper region are data pages with a pattern. Descriptors
 * follow the Arm ARM (DDI 0487) D8.3 (VMSAv8-64 translation table
 * descriptor formats); gen_a64_build.c builds the tables and derives the
 * rights each map line states, independently of the core.
 *
 * Writers: raw (flat, PA = file offset) with the registers in SPACE.regs,
 * LiME, and (EL1 spaces) an ELF core as QEMU's dump-guest-memory writes for
 * an aarch64 guest with -device vmcoreinfo. Windows ARM64 dumps and kdump
 * files of these spaces are written by their own writers from the raw
 * image and SPACE.regs.
 */
#include "images/gen_a64.h"

#include <stdlib.h>
#include <string.h>

#include "images/gen_a64_int.h"
#include "images/writers.h"

/* ---- the spaces ---- */

static void space_4k(a64gen *g)
{
    uint64_t d0 = a64_data_page(g, 0), d1 = a64_data_page(g, 1);
    a64_map(g, 0x400000, d0, 3, U_RW);
    a64_map(g, 0x401000, d1, 3, U_RO_X);
    a64_map(g, 0x405000, d1, 3, D_AF | D_AP_RO | D_NG | D_PXN); /* EL0 execute-only */
    a64_fault(g, 0x402000, "translation", 3);
    a64_raw(g, 0x403000, 3, a64_oa_bits(g, d0) | D_PAGE | (U_RW & ~D_AF) | D_SH_IS,
        "access-flag", 3);                      /* AF=0 with TCR.HA=0 */
    a64_raw(g, 0x404000, 3, a64_oa_bits(g, d0) | D_BLOCK | U_RW, "translation", 3);
    /* PXN=0 but writable at EL0: not executable at EL1 either */
    a64_map(g, 0x0000007f00000000ull, d0, 3, D_AF | D_AP_EL0 | D_NG | D_UXN);
    a64_table_bits(g, 0x600000, 2, T_NOEL0);        /* APTable[0] */
    a64_map(g, 0x600000, d1, 3, U_RW);
    fprintf(g->map, "tbi 0x5a00000000400000 0x0000000000400000\n");
    a64_fault(g, 0x0001000000000000ull, "out-of-range", -2);
    a64_fault(g, 0x00ff800008000000ull, "out-of-range", -2); /* TBI1=0 */
    a64_map(g, 0xffff000000000000ull, 0, 1, K_RW_NX);          /* 1G block */
    a64_map(g, 0xffff000040000000ull, 0x40000000, 2, K_RW_NX); /* 2M block */
    a64_map(g, KIMAGE_VA, 0, 2, K_RO_X);                       /* kernel text */
    a64_map(g, KIMAGE_VA + 0x200000, d0, 3, K_RO_NX);
    a64_map(g, KIMAGE_VA + 0x201000, d1, 3, K_RW_NX | D_CONT);
    a64_map(g, KIMAGE_VA + 0x203000, d1, 3, K_RO_NX | D_DBM);
    a64_raw(g, KIMAGE_VA + 0x204000, 3, a64_oa_bits(g, 1ull << 40) | D_PAGE | K_RW_NX,
        "address-size", 3);                     /* above IPS = 40 bits */
    a64_fault(g, KIMAGE_VA + 0x205000, "translation", 3);
    a64_map(g, 0xfffffbfffe000000ull, 0x09000000, 3, K_RW_NX | D_ATTR(MT_DEVICE_nGnRE));
    a64_table_bits(g, 0xffff800010000000ull, 2, T_RO | T_PXN);
    a64_map(g, 0xffff800010000000ull, d1, 3, D_AF | D_UXN);   /* RW, X at EL1 */
    a64_raw(g, 0xffff800040000000ull, 1, a64_oa_bits(g, 0x40000000) | D_PAGE,
        "table-not-in-image", 2);
    a64_raw(g, 0xffff400000000000ull, 0, D_BLOCK | K_RW_NX, "translation", 0);
}

static void space_16k(a64gen *g)
{
    uint64_t d0 = a64_data_page(g, 0), d1 = a64_data_page(g, 1);
    a64_map(g, 0x400000, d0, 3, U_RW);
    a64_map(g, 0x2000000, 0x2000000, 2, U_RO_X);               /* 32M block */
    a64_map(g, 0x404000, d1, 3, U_RW & ~D_AF);                 /* AF=0, TCR.HA=1 */
    a64_fault(g, 0x408000, "translation", 3);
    a64_fault(g, 0x0000008000000000ull, "out-of-range", -2);   /* T0SZ = 25 */
    a64_map(g, 0xffff800000000000ull, 0x40000000, 2, K_RW_NX);
    a64_map(g, KIMAGE_VA, 0, 2, K_RO_X);
    a64_fault(g, KIMAGE_VA + 0x2000000, "translation", 2);
    /* TCR.HPD1: the table bits are ignored */
    a64_table_bits(g, 0xffffffffc0000000ull, 2, T_RO | T_PXN | T_UXN | T_NOEL0);
    a64_map(g, 0xffffffffc0000000ull, d1, 3, U_RW & ~D_UXN);
}

static void space_64k(a64gen *g)
{
    uint64_t d0 = a64_data_page(g, 0);
    a64_map(g, 0x400000, d0, 3, U_RW);
    a64_map(g, 0x20000000, 0x0001000020000000ull, 2, U_RO_X); /* OA[51:48] = 1 */
    a64_map(g, 0xfff0000000000000ull, 0, 1, K_RW_NX);         /* 4T block */
    a64_map_pages(g, KIMAGE_VA, 0, g->mem_size, K_RO_X);
    a64_map(g, 0xffff800020000000ull, 0x000f000000000000ull, 2, K_RW_NX);
    a64_map(g, 0xffffffffc0000000ull, 0x000abcde00010000ull, 3, K_RW_NX);
    a64_raw(g, 0xffff800040000000ull, 2, a64_oa_bits(g, 0x000f000000000000ull) | D_PAGE,
        "table-not-in-image", 3);
    a64_fault(g, 0xffff800060000000ull, "translation", 2);
    a64_fault(g, 0xffe0000000000000ull, "out-of-range", -2);   /* T1SZ = 12 */
}

static void space_lpa2(a64gen *g)
{
    a64_map(g, 0x400000, a64_data_page(g, 0), 3, U_RW);
    a64_map(g, 0xfff0000000000000ull, 0, 0, K_RW_NX);         /* 512G block */
    a64_map(g, KIMAGE_VA, 0, 2, K_RO_X);
    a64_map(g, KIMAGE_VA + 0x200000, 0x000c000012345000ull, 3, K_RW_NX);
    a64_map(g, KIMAGE_VA + 0x400000, 0x0004000000400000ull, 2, K_RW_NX);
    a64_map(g, 0xffff800040000000ull, 0x0008000040000000ull, 1, K_RO_NX);
    a64_fault(g, KIMAGE_VA + 0x201000, "translation", 3);
}

#define EL2_RW (D_AF | D_AP_EL0 | D_UXN)  /* PAGE_HYP: AP[1] RES1, XN */

static void space_el2(a64gen *g)
{
    a64_map(g, 0x400000, a64_data_page(g, 0), 3, EL2_RW);
    a64_map(g, 0x401000, a64_data_page(g, 1), 3, D_AF | D_AP_EL0 | D_AP_RO);
    a64_map(g, 0x40000000, 0x40000000, 1, EL2_RW);
    a64_fault(g, 0x402000, "translation", 3);
    a64_fault(g, 0xffff800000000000ull, "out-of-range", -2);
}

/* EL2&0 (HCR_EL2.E2H): TCR_EL1's layout in TCR_EL2, two ranges, EL2 and
 * EL0 as the two privilege levels (DDI 0487 D8.1.2). */
static void space_e2h(a64gen *g)
{
    a64_map(g, 0x400000, a64_data_page(g, 0), 3, U_RW);
    a64_map(g, 0xffffff8000000000ull, 0, 1, K_RW_NX);       /* 1G block */
    a64_map(g, 0xffffffffc0000000ull, a64_data_page(g, 1), 3, K_RO_X);
    a64_fault(g, 0xffffffffc0001000ull, "translation", 3);
    a64_fault(g, 0xffff800000000000ull, "out-of-range", -2); /* T1SZ = 25 */
}

/* ---- registers (DDI 0487 D19: TCR_EL1, TCR_EL2, TTBRn_ELx) ---- */

typedef struct a64_spec {
    const char *name;
    int regime;
    unsigned gbits, t0sz, t1sz, pa_bits, region;
    bool ds, ha, hpd1;
    void (*fill)(a64gen *);
} a64_spec;

static uint64_t ips_code(unsigned bits)
{
    static const unsigned w[] = {32, 36, 40, 42, 44, 48, 52};
    for (uint64_t i = 0; i < 7; i++)
        if (w[i] == bits)
            return i;
    return 5;
}

static uint64_t tcr_of(const a64_spec *s)
{
    uint64_t tg0 = s->gbits == 12 ? 0 : s->gbits == 16 ? 1 : 2;
    uint64_t cache = 1ull << 8 | 1ull << 10 | 3ull << 12; /* WBWA, IS */
    if (s->regime == REG_EL2)   /* TCR_EL2 without E2H: RES1 bits 31, 23 */
        return s->t0sz | cache | tg0 << 14 | ips_code(s->pa_bits) << 16 |
               1ull << 23 | 1ull << 31 | (s->ds ? 1ull << 32 : 0);
    uint64_t tg1 = s->gbits == 12 ? 2 : s->gbits == 16 ? 3 : 1;
    return s->t0sz | cache | tg0 << 14 | (uint64_t)s->t1sz << 16 |
           1ull << 22 /* A1 */ | cache << 16 | tg1 << 30 |
           ips_code(s->pa_bits) << 32 | 1ull << 36 /* AS */ |
           1ull << 37 /* TBI0 */ | (s->ha ? 1ull << 39 : 0) |
           (s->hpd1 ? 1ull << 42 : 0) | (s->ds ? 1ull << 59 : 0);
}

static void setup(a64gen *g, const a64_spec *s)
{
    memset(g, 0, sizeof *g);
    g->name = s->name;
    g->regime = s->regime;
    g->gbits = s->gbits;
    g->ds = s->ds;
    g->lpa = s->gbits == 16 && s->pa_bits == 52;
    g->pa_bits = s->pa_bits;
    g->tcr = tcr_of(s);
    g->gsize = 1ull << s->gbits;
    g->region = s->region * g->gsize;
    g->r1_base = 2 * g->region;
    g->mem_size = 3 * g->region;
    g->mem = calloc(1, g->mem_size);
    if (!g->mem)
        a64_die("out of memory for", s->name);
    g->next[0] = 1;                /* leave granule 0 alone */
    g->turn = 1;                   /* roots in the upper region */
    g->half[0].tnsz = s->t0sz;
    g->half[0].root = a64_alloc_table(g);
    g->ttbr[0] = g->half[0].root | 1;              /* CnP */
    if (s->regime != REG_EL2) {
        g->half[1].tnsz = s->t1sz;
        g->half[1].hpd = s->hpd1;
        g->half[1].root = a64_alloc_table(g);
        g->ttbr[1] = g->half[1].root | 5ull << 48; /* ASID 5 (TCR.A1) */
    }
}

/* ---- writing ---- */

static uint8_t out_buf[4u << 20];

static void emit(const char *dir, const char *file, size_t n, FILE *mf,
                 const a64gen *g, const char *format, const char *regs)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(out_buf, 1, n, f) != n || fclose(f) != 0)
        a64_die("cannot write", path);
    fprintf(mf, "image %s %s %s %s\n", file, format, g->name, regs);
}

static void write_regs(const a64gen *g, const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.regs", dir, g->name);
    FILE *f = fopen(path, "w");
    if (!f)
        a64_die("cannot write", path);
    unsigned tnsz = g->half[g->regime != REG_EL2].tnsz;
    fprintf(f, "ttbr0 0x%llx\nttbr1 0x%llx\ntcr 0x%llx\nmair 0x%llx\n"
            "regime %s\ngranule %llu\nva_bits %u\npa_bits %u\n",
            (unsigned long long)g->ttbr[0], (unsigned long long)g->ttbr[1],
            (unsigned long long)g->tcr, (unsigned long long)LINUX_MAIR,
            g->regime == REG_EL1 ? "el1" : g->regime == REG_EL2 ? "el2" : "e2h",
            (unsigned long long)g->gsize, 64 - tnsz, g->pa_bits);
    if (fclose(f) != 0)
        a64_die("cannot write", path);
}

/* Linux's arm64 VMCOREINFO lines (kernel/crash_core.c SYMBOL(), NUMBER();
 * arch/arm64/kernel/crash_core.c): the kernel image is mapped at
 * KIMAGE_VADDR from PA 0, so kimage_voffset is KIMAGE_VA and
 * swapper_pg_dir (the TTBR1 root) sits at KIMAGE_VA + its PA. */
static void vmcoreinfo(const a64gen *g, char *text, size_t cap)
{
    snprintf(text, cap, "OSRELEASE=6.1.0-vtop-synthetic\nPAGESIZE=%llu\n"
             "SYMBOL(swapper_pg_dir)=%llx\nNUMBER(VA_BITS)=%u\n"
             "NUMBER(kimage_voffset)=0x%llx\nNUMBER(PHYS_OFFSET)=0x0\n"
             "NUMBER(TCR_EL1_T1SZ)=0x%x\nKERNELOFFSET=0\n",
             (unsigned long long)g->gsize,
             (unsigned long long)(KIMAGE_VA + g->half[1].root),
             64 - g->half[1].tnsz, (unsigned long long)KIMAGE_VA,
             g->half[1].tnsz);
}

static void write_space(a64gen *g, const char *dir, FILE *mf)
{
    char f[128];
    tseg segs[2] = {{0, g->region}, {g->r1_base, g->region}};
    for (uint64_t o = 0; o < 2 * g->gsize; o += 8) {
        uint64_t pa = a64_data_page(g, 0) + o;
        put64(g->mem, pa, 0x4136340000000000ull | pa); /* "A64" */
    }
    write_regs(g, dir);
    snprintf(f, sizeof f, "%s.raw", g->name);
    memcpy(out_buf, g->mem, g->mem_size);
    emit(dir, f, g->mem_size, mf, g, "raw", "sidecar");
    snprintf(f, sizeof f, "%s.lime", g->name);
    emit(dir, f, build_lime(out_buf, segs, 2, g->mem), mf, g, "lime", "sidecar");
    if (g->regime != REG_EL1)
        return;
    char text[512];
    vmcoreinfo(g, text, sizeof text);
    snprintf(f, sizeof f, "%s.elf", g->name);
    emit(dir, f, build_elf_a64(out_buf, segs, 2, 1, text, g->mem), mf, g,
         "elf-aarch64", "vmcoreinfo");
}

static const a64_spec specs[] = {
    {"a64-4k", REG_EL1, 12, 16, 16, 40, 12, false, false, false, space_4k},
    {"a64-16k", REG_EL1, 14, 25, 16, 48, 8, false, true, true, space_16k},
    {"a64-64k-lpa", REG_EL1, 16, 16, 12, 52, 8, false, false, false, space_64k},
    {"a64-4k-lpa2", REG_EL1, 12, 16, 12, 52, 12, true, false, false, space_lpa2},
    {"a64-el2", REG_EL2, 12, 25, 0, 48, 12, false, false, false, space_el2},
    {"a64-e2h", REG_E2H, 12, 16, 25, 48, 12, false, false, false, space_e2h},
};

void gen_a64_all(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/A64MANIFEST", dir);
    FILE *mf = fopen(path, "w");
    if (!mf)
        a64_die("cannot write", path);
    fprintf(mf, "# image FILE FORMAT SPACE REGS (maps: SPACE.map, "
            "registers: SPACE.regs)\n");
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        static a64gen g;
        setup(&g, &specs[i]);
        snprintf(path, sizeof path, "%s/%s.map", dir, g.name);
        g.map = fopen(path, "w");
        if (!g.map)
            a64_die("cannot write", path);
        fprintf(g.map, "# %s ttbr0=0x%llx ttbr1=0x%llx tcr=0x%llx\n", g.name,
                (unsigned long long)g.ttbr[0], (unsigned long long)g.ttbr[1],
                (unsigned long long)g.tcr);
        specs[i].fill(&g);
        for (unsigned k = 0; k < g.nleaves; k++)
            a64_leaf_line(&g, g.leaf_va[k], g.leaf_level[k]);
        if (fclose(g.map) != 0)
            a64_die("cannot write", path);
        write_space(&g, dir, mf);
        free(g.mem);
    }
    if (fclose(mf) != 0)
        a64_die("cannot write", path);
}
