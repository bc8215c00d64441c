/* gen_a64: synthetic AArch64 stage 1 spaces (gen_a64.h has the outputs).
 *
 * Each space lives in a small sparse physical memory of two regions with a
 * hole between them, [0, R) and [2R, 3R) (R = 12 or 8 granules); tables
 * alternate between the regions so walks cross runs, and the last two
 * granules of the upper region are data pages with a pattern. Descriptors
 * follow the Arm ARM (DDI 0487) D8.3 (VMSAv8-64 translation table
 * descriptor formats); the rights each map line states are derived here,
 * from the descriptors and the table bits on the path (D8.4.1, stage 1
 * data access permissions; D8.4.2, execute-never; APTable/XNTable ignored
 * with TCR.HPDn), independently of the core.
 *
 * Writers: raw (flat, PA = file offset) with the registers in SPACE.regs,
 * LiME, and (EL1 spaces) an ELF core as QEMU's dump-guest-memory writes for
 * an aarch64 guest with -device vmcoreinfo. Windows ARM64 dumps and kdump
 * files of these spaces are written by their own writers from the raw
 * image and SPACE.regs.
 */
#include "images/gen_a64.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "images/writers.h"

/* Descriptor bits (DDI 0487 D8.3.1, D8.3.2). */
#define D_BLOCK   1ull          /* bits 1:0 = 01: block (levels < 3) */
#define D_PAGE    3ull          /* 11: table (levels < 3) or page (level 3) */
#define D_ATTR(n) ((uint64_t)(n) << 2)
#define D_AP_EL0  (1ull << 6)   /* AP[1]: EL0 access */
#define D_AP_RO   (1ull << 7)   /* AP[2]: read-only */
#define D_SH_IS   (3ull << 8)   /* inner shareable (not with TCR.DS) */
#define D_AF      (1ull << 10)
#define D_NG      (1ull << 11)
#define D_DBM     (1ull << 51)
#define D_CONT    (1ull << 52)
#define D_PXN     (1ull << 53)
#define D_UXN     (1ull << 54)  /* XN in the EL2 regime */
#define T_PXN     (1ull << 59)  /* PXNTable */
#define T_UXN     (1ull << 60)  /* UXNTable (XNTable at EL2) */
#define T_NOEL0   (1ull << 61)  /* APTable[0]: no EL0 access below */
#define T_RO      (1ull << 62)  /* APTable[1]: no write below */

/* Typical leaves (Linux arch/arm64/include/asm/pgtable-prot.h names):
 * PAGE_KERNEL, PAGE_KERNEL_ROX, PAGE_KERNEL_RO, user RW and RX pages. */
#define K_RW_NX   (D_AF | D_UXN | D_PXN)
#define K_RO_X    (D_AF | D_AP_RO | D_UXN)
#define K_RO_NX   (D_AF | D_AP_RO | D_UXN | D_PXN)
#define U_RW      (D_AF | D_AP_EL0 | D_NG | D_PXN | D_UXN)
#define U_RO_X    (D_AF | D_AP_EL0 | D_AP_RO | D_NG | D_PXN)
#define MT_DEVICE_nGnRE 4       /* AttrIndx of Linux's MAIR layout */
/* Linux MAIR_EL1: Normal WB (0xff), tagged (0xf0), Normal NC (0x44),
 * Device-nGnRnE (0x00), Device-nGnRE (0x04) as attributes 0..4. */
#define LINUX_MAIR 0x000000040044f0ffull
#define KIMAGE_VA  0xffff800008000000ull /* KIMAGE_VADDR, 48- and 52-bit */

enum { REG_EL1, REG_EL2 };
#define MAX_LEAVES 64

typedef struct a64_half {
    unsigned tnsz;
    uint64_t root;
    bool hpd;
} a64_half;

typedef struct a64gen {
    const char *name;
    int regime;
    unsigned gbits;               /* 12, 14, 16 in both halves */
    bool ds, lpa;                 /* 52-bit OA: TCR.DS, or 64K with FEAT_LPA */
    unsigned pa_bits;
    uint64_t tcr, ttbr[2];
    a64_half half[2];
    uint64_t gsize, region, r1_base, mem_size;
    uint8_t *mem;
    unsigned next[2];
    int turn;
    uint64_t leaf_va[MAX_LEAVES];
    int leaf_level[MAX_LEAVES];
    unsigned nleaves;
    FILE *map;
} a64gen;

static void die(const char *what, const char *name)
{
    fprintf(stderr, "gen_a64: %s %s\n", what, name);
    exit(1);
}

static unsigned stride(const a64gen *g) { return g->gbits - 3; }

static const a64_half *half_of(const a64gen *g, uint64_t va)
{
    return &g->half[g->regime == REG_EL1 && ((va >> 55) & 1)];
}

/* Start level from granule and TnSZ (DDI 0487 D8.2.6): as many levels of
 * stride bits as the input size needs above the page offset. */
static int start_level(const a64gen *g, const a64_half *h)
{
    unsigned ia = 64 - h->tnsz, s = stride(g);
    return 4 - (int)((ia - g->gbits + s - 1) / s);
}

static unsigned shift_of(const a64gen *g, int level)
{
    return g->gbits + (unsigned)(3 - level) * stride(g);
}

static uint64_t index_of(const a64gen *g, const a64_half *h, uint64_t va, int l)
{
    unsigned sh = shift_of(g, l);
    unsigned w = l == start_level(g, h) ? 64 - h->tnsz - sh : stride(g);
    return (va >> sh) & ((1ull << w) - 1);
}

/* Output address field of a descriptor (D8.3.1): bits 47:g; with TCR.DS
 * OA[51:50] in bits 9:8 and OA[49:48] in place; 64K LPA: OA[51:48] in
 * bits 15:12. */
static uint64_t oa_bits(const a64gen *g, uint64_t pa)
{
    uint64_t low = ~(g->gsize - 1);
    if (g->ds)
        return (pa & 0x0003ffffffffffffull & low) | ((pa >> 50) & 3) << 8;
    if (g->lpa)
        return (pa & 0x0000ffffffff0000ull) | ((pa >> 48) & 0xf) << 12;
    return pa & 0x0000ffffffffffffull & low;
}

static uint64_t get64(const a64gen *g, uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)g->mem[pa + i] << (8 * i);
    return v;
}

static uint64_t alloc_table(a64gen *g)
{
    int r = g->turn;
    g->turn ^= 1;
    uint64_t pa = (r ? g->r1_base : 0) + g->next[r] * g->gsize;
    if (++g->next[r] > g->region / g->gsize - (r ? 2u : 0u))
        die("out of table granules in", g->name);
    memset(g->mem + pa, 0, g->gsize);
    return pa;
}

/* The table that holds va's entry at level, creating tables above it;
 * returns the entry's address. Tables in the image are below 2^48. */
static uint64_t slot(a64gen *g, uint64_t va, int level)
{
    const a64_half *h = half_of(g, va);
    uint64_t table = h->root;
    for (int l = start_level(g, h); l < level; l++) {
        uint64_t e_pa = table + index_of(g, h, va, l) * 8;
        uint64_t e = get64(g, e_pa);
        if (!(e & 1)) {
            e = oa_bits(g, alloc_table(g)) | D_PAGE;
            put64(g->mem, e_pa, e);
        }
        table = e & 0x0000ffffffffffffull & ~(g->gsize - 1) & ~0x3ffull;
    }
    return table + index_of(g, h, va, level) * 8;
}

static void add_leaf(a64gen *g, uint64_t va, int level)
{
    if (g->nleaves == MAX_LEAVES)
        die("too many leaves in", g->name);
    g->leaf_va[g->nleaves] = va;
    g->leaf_level[g->nleaves++] = level;
}

/* A block (levels < 3) or page; SH inner shareable where the descriptor
 * holds it (with TCR.DS it comes from TCR.SHn). */
static void map(a64gen *g, uint64_t va, uint64_t pa, int level, uint64_t attrs)
{
    uint64_t d = oa_bits(g, pa) | attrs | (level == 3 ? D_PAGE : D_BLOCK);
    if (!g->ds)
        d |= D_SH_IS;
    put64(g->mem, slot(g, va, level), d);
    add_leaf(g, va, level);
}

static void map_pages(a64gen *g, uint64_t va, uint64_t pa, uint64_t len,
                      uint64_t attrs)
{
    for (uint64_t o = 0; o < len; o += g->gsize)
        map(g, va + o, pa + o, 3, attrs);
}

/* OR table bits into the table descriptor at level for va. */
static void table_bits(a64gen *g, uint64_t va, int level, uint64_t bits)
{
    slot(g, va, level + 1);           /* the entry at level is a table */
    uint64_t t = slot(g, va, level);
    put64(g->mem, t, get64(g, t) | bits);
}

static void fault(a64gen *g, uint64_t va, const char *kind, int level)
{
    if (level < -1)
        fprintf(g->map, "fault 0x%016llx %s -\n", (unsigned long long)va, kind);
    else
        fprintf(g->map, "fault 0x%016llx %s L%d\n", (unsigned long long)va,
                kind, level);
}

/* A raw descriptor at level for va, and the fault it must give (at
 * fault_level; NULL kind: none). */
static void raw(a64gen *g, uint64_t va, int level, uint64_t d,
                const char *kind, int fault_level)
{
    put64(g->mem, slot(g, va, level), d);
    if (kind)
        fault(g, va, kind, fault_level);
}

/* ---- the map lines: rights from the descriptors on the path ---- */

static void rights_text(char out[4], bool r, bool w, bool x)
{
    out[0] = r ? 'r' : '-';
    out[1] = w ? 'w' : '-';
    out[2] = x ? 'x' : '-';
    out[3] = 0;
}

static void leaf_line(a64gen *g, uint64_t va, int level)
{
    const a64_half *h = half_of(g, va);
    uint64_t tbl = 0, table = h->root, d = 0;
    for (int l = start_level(g, h); l <= level; l++) {
        d = get64(g, table + index_of(g, h, va, l) * 8);
        if (l < level)
            tbl |= d;
        table = d & 0x0000ffffffffffffull & ~(g->gsize - 1) & ~0x3ffull;
    }
    if (h->hpd)
        tbl = 0;
    uint64_t size = 1ull << shift_of(g, level);
    uint64_t pa;
    if (g->ds)
        pa = (d & 0x0003ffffffffffffull & ~(size - 1)) | ((d >> 8) & 3) << 50;
    else if (g->lpa)
        pa = (d & 0x0000ffffffffffffull & ~(size - 1)) | ((d >> 12) & 0xf) << 48;
    else
        pa = d & 0x0000ffffffffffffull & ~(size - 1);
    bool ro = (d & D_AP_RO) || (tbl & T_RO);
    char priv[4], user[4];
    if (g->regime == REG_EL2) {   /* one privilege level: AP[1] RES1 */
        rights_text(priv, true, !ro, !((d & D_UXN) || (tbl & T_UXN)));
        rights_text(user, false, false, false);
    } else {
        bool el0 = (d & D_AP_EL0) && !(tbl & T_NOEL0);
        /* memory writable at EL0 is PXN for EL1 (D8.4.2) */
        bool pxn = (d & D_PXN) || (tbl & T_PXN) || (el0 && !ro);
        rights_text(priv, true, !ro, !pxn);
        rights_text(user, el0, el0 && !ro, !((d & D_UXN) || (tbl & T_UXN)));
    }
    static const char *const sh[4] = {"NS", "??", "OS", "IS"};
    fprintf(g->map, "map 0x%016llx 0x%016llx 0x%llx L%d priv=%s user=%s "
            "attr=%u sh=%s af=%u ng=%u cont=%u dbm=%u\n",
            (unsigned long long)va, (unsigned long long)pa,
            (unsigned long long)size, level, priv, user,
            (unsigned)((d >> 2) & 7), g->ds ? "IS" : sh[(d >> 8) & 3],
            (unsigned)((d >> 10) & 1), (unsigned)((d >> 11) & 1),
            (unsigned)((d >> 52) & 1), (unsigned)((d >> 51) & 1));
}

/* ---- the spaces ---- */

static uint64_t data_page(const a64gen *g, unsigned i)
{
    return g->r1_base + g->region - (2 - i) * g->gsize;
}

static void space_4k(a64gen *g)
{
    uint64_t d0 = data_page(g, 0), d1 = data_page(g, 1);
    map(g, 0x400000, d0, 3, U_RW);
    map(g, 0x401000, d1, 3, U_RO_X);
    map(g, 0x405000, d1, 3, D_AF | D_AP_RO | D_NG | D_PXN); /* EL0 execute-only */
    fault(g, 0x402000, "translation", 3);
    raw(g, 0x403000, 3, oa_bits(g, d0) | D_PAGE | (U_RW & ~D_AF) | D_SH_IS,
        "access-flag", 3);                      /* AF=0 with TCR.HA=0 */
    raw(g, 0x404000, 3, oa_bits(g, d0) | D_BLOCK | U_RW, "translation", 3);
    /* PXN=0 but writable at EL0: not executable at EL1 either */
    map(g, 0x0000007f00000000ull, d0, 3, D_AF | D_AP_EL0 | D_NG | D_UXN);
    table_bits(g, 0x600000, 2, T_NOEL0);        /* APTable[0] */
    map(g, 0x600000, d1, 3, U_RW);
    fprintf(g->map, "tbi 0x5a00000000400000 0x0000000000400000\n");
    fault(g, 0x0001000000000000ull, "out-of-range", -2);
    fault(g, 0x00ff800008000000ull, "out-of-range", -2); /* TBI1=0 */
    map(g, 0xffff000000000000ull, 0, 1, K_RW_NX);          /* 1G block */
    map(g, 0xffff000040000000ull, 0x40000000, 2, K_RW_NX); /* 2M block */
    map(g, KIMAGE_VA, 0, 2, K_RO_X);                       /* kernel text */
    map(g, KIMAGE_VA + 0x200000, d0, 3, K_RO_NX);
    map(g, KIMAGE_VA + 0x201000, d1, 3, K_RW_NX | D_CONT);
    map(g, KIMAGE_VA + 0x203000, d1, 3, K_RO_NX | D_DBM);
    raw(g, KIMAGE_VA + 0x204000, 3, oa_bits(g, 1ull << 40) | D_PAGE | K_RW_NX,
        "address-size", 3);                     /* above IPS = 40 bits */
    fault(g, KIMAGE_VA + 0x205000, "translation", 3);
    map(g, 0xfffffbfffe000000ull, 0x09000000, 3, K_RW_NX | D_ATTR(MT_DEVICE_nGnRE));
    table_bits(g, 0xffff800010000000ull, 2, T_RO | T_PXN);
    map(g, 0xffff800010000000ull, d1, 3, D_AF | D_UXN);   /* RW, X at EL1 */
    raw(g, 0xffff800040000000ull, 1, oa_bits(g, 0x40000000) | D_PAGE,
        "table-not-in-image", 2);
    raw(g, 0xffff400000000000ull, 0, D_BLOCK | K_RW_NX, "translation", 0);
}

static void space_16k(a64gen *g)
{
    uint64_t d0 = data_page(g, 0), d1 = data_page(g, 1);
    map(g, 0x400000, d0, 3, U_RW);
    map(g, 0x2000000, 0x2000000, 2, U_RO_X);               /* 32M block */
    map(g, 0x404000, d1, 3, U_RW & ~D_AF);                 /* AF=0, TCR.HA=1 */
    fault(g, 0x408000, "translation", 3);
    fault(g, 0x0000008000000000ull, "out-of-range", -2);   /* T0SZ = 25 */
    map(g, 0xffff800000000000ull, 0x40000000, 2, K_RW_NX);
    map(g, KIMAGE_VA, 0, 2, K_RO_X);
    fault(g, KIMAGE_VA + 0x2000000, "translation", 2);
    /* TCR.HPD1: the table bits are ignored */
    table_bits(g, 0xffffffffc0000000ull, 2, T_RO | T_PXN | T_UXN | T_NOEL0);
    map(g, 0xffffffffc0000000ull, d1, 3, U_RW & ~D_UXN);
}

static void space_64k(a64gen *g)
{
    uint64_t d0 = data_page(g, 0);
    map(g, 0x400000, d0, 3, U_RW);
    map(g, 0x20000000, 0x0001000020000000ull, 2, U_RO_X); /* OA[51:48] = 1 */
    map(g, 0xfff0000000000000ull, 0, 1, K_RW_NX);         /* 4T block */
    map_pages(g, KIMAGE_VA, 0, g->mem_size, K_RO_X);
    map(g, 0xffff800020000000ull, 0x000f000000000000ull, 2, K_RW_NX);
    map(g, 0xffffffffc0000000ull, 0x000abcde00010000ull, 3, K_RW_NX);
    raw(g, 0xffff800040000000ull, 2, oa_bits(g, 0x000f000000000000ull) | D_PAGE,
        "table-not-in-image", 3);
    fault(g, 0xffff800060000000ull, "translation", 2);
    fault(g, 0xffe0000000000000ull, "out-of-range", -2);   /* T1SZ = 12 */
}

static void space_lpa2(a64gen *g)
{
    map(g, 0x400000, data_page(g, 0), 3, U_RW);
    map(g, 0xfff0000000000000ull, 0, 0, K_RW_NX);         /* 512G block */
    map(g, KIMAGE_VA, 0, 2, K_RO_X);
    map(g, KIMAGE_VA + 0x200000, 0x000c000012345000ull, 3, K_RW_NX);
    map(g, KIMAGE_VA + 0x400000, 0x0004000000400000ull, 2, K_RW_NX);
    map(g, 0xffff800040000000ull, 0x0008000040000000ull, 1, K_RO_NX);
    fault(g, KIMAGE_VA + 0x201000, "translation", 3);
}

#define EL2_RW (D_AF | D_AP_EL0 | D_UXN)  /* PAGE_HYP: AP[1] RES1, XN */

static void space_el2(a64gen *g)
{
    map(g, 0x400000, data_page(g, 0), 3, EL2_RW);
    map(g, 0x401000, data_page(g, 1), 3, D_AF | D_AP_EL0 | D_AP_RO);
    map(g, 0x40000000, 0x40000000, 1, EL2_RW);
    fault(g, 0x402000, "translation", 3);
    fault(g, 0xffff800000000000ull, "out-of-range", -2);
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
        die("out of memory for", s->name);
    g->next[0] = 1;                /* leave granule 0 alone */
    g->turn = 1;                   /* roots in the upper region */
    g->half[0].tnsz = s->t0sz;
    g->half[0].root = alloc_table(g);
    g->ttbr[0] = g->half[0].root | 1;              /* CnP */
    if (s->regime == REG_EL1) {
        g->half[1].tnsz = s->t1sz;
        g->half[1].hpd = s->hpd1;
        g->half[1].root = alloc_table(g);
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
        die("cannot write", path);
    fprintf(mf, "image %s %s %s %s\n", file, format, g->name, regs);
}

static void write_regs(const a64gen *g, const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.regs", dir, g->name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write", path);
    unsigned tnsz = g->half[g->regime == REG_EL1].tnsz;
    fprintf(f, "ttbr0 0x%llx\nttbr1 0x%llx\ntcr 0x%llx\nmair 0x%llx\n"
            "regime %s\ngranule %llu\nva_bits %u\npa_bits %u\n",
            (unsigned long long)g->ttbr[0], (unsigned long long)g->ttbr[1],
            (unsigned long long)g->tcr, (unsigned long long)LINUX_MAIR,
            g->regime == REG_EL1 ? "el1" : "el2",
            (unsigned long long)g->gsize, 64 - tnsz, g->pa_bits);
    if (fclose(f) != 0)
        die("cannot write", path);
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
        uint64_t pa = data_page(g, 0) + o;
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
};

void gen_a64_all(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/A64MANIFEST", dir);
    FILE *mf = fopen(path, "w");
    if (!mf)
        die("cannot write", path);
    fprintf(mf, "# image FILE FORMAT SPACE REGS (maps: SPACE.map, "
            "registers: SPACE.regs)\n");
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        static a64gen g;
        setup(&g, &specs[i]);
        snprintf(path, sizeof path, "%s/%s.map", dir, g.name);
        g.map = fopen(path, "w");
        if (!g.map)
            die("cannot write", path);
        fprintf(g.map, "# %s ttbr0=0x%llx ttbr1=0x%llx tcr=0x%llx\n", g.name,
                (unsigned long long)g.ttbr[0], (unsigned long long)g.ttbr[1],
                (unsigned long long)g.tcr);
        specs[i].fill(&g);
        for (unsigned k = 0; k < g.nleaves; k++)
            leaf_line(&g, g.leaf_va[k], g.leaf_level[k]);
        if (fclose(g.map) != 0)
            die("cannot write", path);
        write_space(&g, dir, mf);
        free(g.mem);
    }
    if (fclose(mf) != 0)
        die("cannot write", path);
}
