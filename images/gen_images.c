/* gen_images: synthetic memory images for every paging mode in every format.
 *
 * One address space per mode (32bit with PSE and PSE-36, pae, 4level,
 * 5level) is built in a small sparse physical memory: two RAM regions
 * [0, 64K) and [512K, 576K) with a hole between them. Page tables are
 * allocated alternately from both regions, so walks cross runs. Each space is
 * written as raw, QEMU-style ELF64 cores (QEMU note size 0x1B0 and 0x1B8),
 * an ELF32 core, a kdump-style ELF (no QEMU notes), LiME, and, where the
 * mode fits, Windows 64-bit full and bitmap dumps and a 32-bit dump.
 *
 * Output (in the directory given as argv[1]):
 *   MANIFEST        "image FILE FORMAT MODE CR3 HAS_ROOT" per image (MODE as
 *                   vtop_mode_parse reads it; HAS_ROOT 0: the format
 *                   carries no CR3, the test supplies CR3 and MODE)
 *   MODE.map        "map VA PA SIZE RIGHTS" per leaf (RIGHTS: u w x or -),
 *                   "fault VA STATUS" per address that must not translate
 * Every image is < 1 MB. Layouts: images/writers.h. The AArch64 spaces
 * (A64MANIFEST, SPACE.regs, SPACE.map) are gen_a64.c's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "images/gen_a64.h"
#include "images/writers.h"

#define MEM_SIZE 0x90000u          /* flat buffer covering both regions */
#define R1_BASE 0x80000u
#define FAR_TABLE 0x40000000ull    /* a table address in no image */
#define PTE_P_BIT 1ull
#define R1_TABLE_PAGES 10u         /* pages 0x8A000.. of region 1 hold data */

enum gmode { G_32, G_PAE, G_4L, G_5L };

typedef struct gen {
    enum gmode mode;
    const char *name, *mode_name;
    int levels, esz;
    int shift[5];
    uint64_t cr0, cr4, root;
    uint8_t mem[MEM_SIZE];
    unsigned next[2];              /* next free page in region 0 / 1 */
    int turn;
    FILE *map;
} gen;

static const tseg g_segs[] = { {0, 0x10000}, {R1_BASE, 0x10000} };

static uint64_t alloc_page(gen *g)
{
    int r = g->turn;
    g->turn ^= 1;
    uint64_t base = r ? R1_BASE : 0, pa = base + (uint64_t)g->next[r] * 4096;
    if (++g->next[r] > (r ? R1_TABLE_PAGES : 16u)) {
        fprintf(stderr, "gen_images: out of table pages\n");
        exit(1);
    }
    memset(g->mem + pa, 0, 4096);
    return pa;
}

static uint64_t get_ent(gen *g, uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 0; i < g->esz; i++)
        v |= (uint64_t)g->mem[pa + i] << (8 * i);
    return v;
}

static void set_ent(gen *g, uint64_t pa, uint64_t v)
{
    for (int i = 0; i < g->esz; i++)
        g->mem[pa + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t index_of(gen *g, uint64_t va, int level)
{
    int bits = (g->mode == G_32) ? 10 : (g->mode == G_PAE && level == 0) ? 2 : 9;
    return (va >> g->shift[level]) & ((1ull << bits) - 1);
}

/* Entry slot for va at level, creating the tables above it. Intermediate
 * entries are P|RW|US (PAE PDPTEs: P only, SDM Vol. 3A 4.4.1) so the leaf
 * alone decides the rights. */
static uint64_t slot(gen *g, uint64_t va, int level)
{
    uint64_t table = g->root;
    for (int l = 0; l < level; l++) {
        uint64_t e_pa = table + index_of(g, va, l) * (uint64_t)g->esz;
        uint64_t e = get_ent(g, e_pa);
        if (!(e & PTE_P_BIT)) {
            uint64_t t = alloc_page(g);
            e = t | PTE_P_BIT | ((g->mode == G_PAE && l == 0) ? 0 : 0x6);
            set_ent(g, e_pa, e);
        }
        table = e & 0x000FFFFFFFFFF000ull;
    }
    return table + index_of(g, va, level) * (uint64_t)g->esz;
}

static int leaf_level(gen *g, uint64_t size)
{
    if (size == 4096)
        return g->levels - 1;
    if (size == (1ull << 30))
        return g->levels - 3;
    return g->levels - 2;             /* 2M or 4M */
}

/* Map one leaf and list it in the map file. flags: RW US NX etc. */
static void map(gen *g, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    uint64_t e = flags | PTE_P_BIT | 0x20; /* A */
    if (size != 4096) {
        e |= 0x80; /* PS */
        if (g->mode == G_32) /* PSE-36: PA bits 32..39 in PDE bits 13..20 */
            e |= ((pa >> 32) & 0xFF) << 13;
    }
    e |= pa & (g->mode == G_32 ? 0xFFFFF000ull : 0x000FFFFFFFFFF000ull);
    set_ent(g, slot(g, va, leaf_level(g, size)), e);
    bool nx = (flags >> 63) & 1;
    fprintf(g->map, "map 0x%016llx 0x%016llx 0x%llx %c%c%c\n",
            (unsigned long long)va, (unsigned long long)pa,
            (unsigned long long)size, (flags & 4) ? 'u' : '-',
            (flags & 2) ? 'w' : '-', nx ? '-' : 'x');
}

/* Store a raw entry at level for va (faults, aliases of tables). */
static void raw_entry(gen *g, uint64_t va, int level, uint64_t e, const char *fault)
{
    set_ent(g, slot(g, va, level), e);
    if (fault)
        fprintf(g->map, "fault 0x%016llx %s\n", (unsigned long long)va, fault);
}

static void fault(gen *g, uint64_t va, const char *status)
{
    fprintf(g->map, "fault 0x%016llx %s\n", (unsigned long long)va, status);
}

#define RW 2ull
#define US 4ull
#define NX (1ull << 63)

static void space_32(gen *g)
{
    map(g, 0x00400000, 0x0008A000, 4096, RW | US);       /* user data in R1 */
    map(g, 0x00401000, 0x0008B000, 4096, US);            /* user read-only */
    map(g, 0x00402000, 0x0008A000, 4096, RW | US);       /* alias of 0x400000 */
    fault(g, 0x00403000, "not-present");                 /* PTE 0 in the same table */
    map(g, 0xC0000000, 0x00000000, 4u << 20, RW);        /* 4M kernel page */
    map(g, 0xC0400000, 0x100400000ull, 4u << 20, RW);    /* PSE-36: above 4 GiB */
    raw_entry(g, 0xC0800000, 0, 0x00800000 | 0xA3 | (1u << 21), "reserved-bit"); /* 4M PDE bit 21 */
    raw_entry(g, 0xC0C00000, 0, (uint32_t)FAR_TABLE | 0x23, "table-not-in-image");
    fault(g, 0xF0000000, "not-present");
}

static void space_pae(gen *g)
{
    map(g, 0x08048000, 0x0008C000, 4096, RW | US);
    map(g, 0x08049000, 0x0008D000, 4096, US | NX);
    map(g, 0xC0000000, 0x00000000, 2u << 20, RW);        /* 2M, executable */
    map(g, 0xC0200000, 0x00200000, 2u << 20, RW | NX);   /* 2M, NX */
    map(g, 0xC0400000, 0x3FFFF000, 4096, RW | NX);
    fault(g, 0x0804A000, "not-present");
    /* PDPTE[2] with R/W set: reserved in PAE PDPTEs (SDM Vol. 3A 4.4.1) */
    raw_entry(g, 0x80000000, 0, (uint64_t)alloc_page(g) | 0x3, "reserved-bit");
    raw_entry(g, 0xC0600000, 1, FAR_TABLE | 0x27, "table-not-in-image");
    fault(g, 0x100000000ull, "address-width");
}

static void space_long(gen *g, uint64_t top_va /* 0: 4-level */)
{
    bool five = g->mode == G_5L;
    uint64_t dmap = five ? 0xff11000000000000ull : 0xffff888000000000ull;
    map(g, 0x0000000000400000ull, 0x0008A000, 4096, RW | US);
    map(g, 0x0000000000401000ull, 0x0008B000, 4096, US);
    map(g, 0x00007f0000000000ull, 0x0008A000, 4096, RW | US | NX); /* alias */
    map(g, dmap, 0x00000000, 1ull << 30, RW | NX);       /* 1G direct map */
    map(g, dmap + (1ull << 30), 0x40000000, 2u << 20, RW | NX);
    map(g, 0xffffffff81000000ull, 0x01000000, 2u << 20, 0);  /* kernel text */
    map(g, 0xffffffff82000000ull, 0x02000000, 4096, RW | NX);
    if (top_va)
        map(g, top_va, 0x0008E000, 4096, RW | US);       /* above 2^47 */
    fault(g, 0x0000000000402000ull, "not-present");
    /* bit 7 (PS) in a top-level entry is reserved (SDM Vol. 3A 4.5.4) */
    raw_entry(g, five ? 0xff20000000000000ull : 0xffff960000000000ull, 0,
              (uint64_t)alloc_page(g) | 0x87, "reserved-bit");
    raw_entry(g, 0xffffffff84000000ull, g->levels - 2, FAR_TABLE | 0x63, "table-not-in-image");
    fault(g, five ? 0x0100000000000000ull : 0x0000800000000000ull, "non-canonical");
}

/* Image writing. */
static uint8_t out[1u << 20];

/* Where the images go: their directory and its manifest. */
typedef struct dest {
    const char *dir;
    FILE *manifest;
} dest;

/* out[0..n) as the file g->name + suffix, listed in the manifest. */
static void emit(const dest *d, const gen *g, const char *suffix, size_t n,
                 const char *format, int has_root)
{
    char file[128], path[512];
    snprintf(file, sizeof file, "%s%s", g->name, suffix);
    snprintf(path, sizeof path, "%s/%s", d->dir, file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(out, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "gen_images: cannot write %s\n", path);
        exit(1);
    }
    fprintf(d->manifest, "image %s %s %s 0x%llx %d\n", file, format, g->mode_name,
            (unsigned long long)g->root, has_root);
}

static void write_all(gen *g, const char *dir, FILE *mf)
{
    const dest d = {dir, mf};
    bool lm = g->mode == G_4L || g->mode == G_5L;
    uint16_t mach = lm ? 62 : 3;
    tcpu cpu[2] = { {g->cr0, g->root, g->cr4}, {g->cr0, g->root, g->cr4} };
    size_t n;
    memcpy(out, g->mem, MEM_SIZE);
    emit(&d, g, ".raw", MEM_SIZE, "raw", 0);
    n = build_elf(out, true, mach, g_segs, 2, cpu, 2, 0x1B0, g->mem);
    emit(&d, g, ".elf64", n, "elf64-qemu", 1);
    n = build_elf(out, true, mach, g_segs, 2, cpu, 1, 0x1B8, g->mem);
    emit(&d, g, ".elf64-1b8", n, "elf64-qemu", 1);
    n = build_elf(out, false, mach, g_segs, 2, cpu, 1, 0x1B0, g->mem);
    emit(&d, g, ".elf32", n, "elf32-qemu", 1);
    n = build_elf(out, true, mach, g_segs, 2, NULL, 0, 0, g->mem);
    emit(&d, g, ".kdump", n, "elf64-kdump", 0);
    n = build_lime(out, g_segs, 2, g->mem);
    emit(&d, g, ".lime", n, "lime", 0);
    if (g->mode == G_4L) {
        n = build_dmp64_full(out, g->root, g_segs, 2, g->mem);
        emit(&d, g, ".dmp", n, "windmp64-full", 1);
        n = build_dmp64_bitmap(out, g->root, g_segs, 2, MEM_SIZE / 4096 + 7, g->mem);
        emit(&d, g, ".bmp.dmp", n, "windmp64-bitmap", 1);
    }
    if (g->mode == G_32 || g->mode == G_PAE) {
        n = build_dmp32(out, (uint32_t)g->root, g->mode == G_PAE, g_segs, 2, g->mem);
        emit(&d, g, ".dmp32", n, "windmp32-full", 1);
    }
}

static void build(gen *g, enum gmode m, const char *dir, FILE *mf)
{
    static const struct { const char *name, *mode; int levels, esz; int shift[5]; uint64_t cr4; } d[] = {
        [G_32] = {"32bit", "32bit-pse", 2, 4, {22, 12}, 0x10},      /* CR4.PSE */
        [G_PAE] = {"pae", "pae", 3, 8, {30, 21, 12}, 0x30},          /* PAE|PSE */
        [G_4L] = {"4level", "4level", 4, 8, {39, 30, 21, 12}, 0xB0}, /* PAE|PSE|PGE */
        [G_5L] = {"5level", "5level", 5, 8, {48, 39, 30, 21, 12}, 0x10B0}, /* + LA57 */
    };
    memset(g, 0, sizeof *g);
    g->mode = m;
    g->name = d[m].name;
    g->mode_name = d[m].mode;
    g->levels = d[m].levels;
    g->esz = d[m].esz;
    memcpy(g->shift, d[m].shift, sizeof g->shift);
    g->cr0 = 0x80050033;   /* PG, WP, NE, ET, MP, PE */
    g->cr4 = d[m].cr4;
    g->next[0] = 1;        /* leave page 0 alone */
    g->next[1] = 0;
    g->turn = 1;           /* root in the upper region */
    g->root = alloc_page(g);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.map", dir, g->name);
    g->map = fopen(path, "w");
    if (!g->map) {
        fprintf(stderr, "gen_images: cannot write %s\n", path);
        exit(1);
    }
    fprintf(g->map, "# %s cr0=0x%llx cr3=0x%llx cr4=0x%llx\n", g->name,
            (unsigned long long)g->cr0, (unsigned long long)g->root,
            (unsigned long long)g->cr4);
    if (m == G_32) space_32(g);
    else if (m == G_PAE) space_pae(g);
    else space_long(g, m == G_5L ? 0x00ff000000000000ull : 0);
    fclose(g->map);
    /* user data pages carry a recognisable pattern for read tests */
    for (uint64_t pa = R1_BASE + R1_TABLE_PAGES * 4096ull; pa < MEM_SIZE; pa += 8)
        put64(g->mem, pa, 0x5654000000000000ull | pa);
    write_all(g, dir, mf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_images OUTDIR\n");
        return 2;
    }
    static gen g;
    char path[512];
    snprintf(path, sizeof path, "%s/MANIFEST", argv[1]);
    FILE *mf = fopen(path, "w");
    if (!mf) {
        fprintf(stderr, "gen_images: cannot write %s\n", path);
        return 1;
    }
    fprintf(mf, "# image FILE FORMAT MODE CR3 HAS_ROOT (maps: MODE.map)\n");
    for (int m = G_32; m <= G_5L; m++)
        build(&g, (enum gmode)m, argv[1], mf);
    gen_a64_all(argv[1]);
    return fclose(mf) == 0 ? 0 : 1;
}
