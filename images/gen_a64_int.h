/* gen_a64: the AArch64 space builder shared by the generator's files
 * (gen_a64_build.c builds tables and map lines, gen_a64.c defines the
 * spaces and writes them). Descriptor bits: Arm ARM (DDI 0487) D8.3. */
#ifndef VTOP_IMAGES_GEN_A64_INT_H
#define VTOP_IMAGES_GEN_A64_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

enum { REG_EL1, REG_EL2, REG_E2H }; /* EL1&0, EL2, EL2&0 */
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

void a64_die(const char *what, const char *name);
uint64_t a64_alloc_table(a64gen *g);
/* Output address field of a descriptor (D8.3.1). */
uint64_t a64_oa_bits(const a64gen *g, uint64_t pa);
/* A block (levels < 3) or page at level for va, listed in the map. */
void a64_map(a64gen *g, uint64_t va, uint64_t pa, int level, uint64_t attrs);
void a64_map_pages(a64gen *g, uint64_t va, uint64_t pa, uint64_t len,
                   uint64_t attrs);
/* OR table bits into the table descriptor at level for va. */
void a64_table_bits(a64gen *g, uint64_t va, int level, uint64_t bits);
/* A "fault VA KIND LEVEL" line (level < -1: "-"). */
void a64_fault(a64gen *g, uint64_t va, const char *kind, int level);
/* A raw descriptor at level for va, and its fault (NULL kind: none). */
void a64_raw(a64gen *g, uint64_t va, int level, uint64_t d, const char *kind,
             int fault_level);
/* The map line of a leaf: rights derived from the descriptors on its path. */
void a64_leaf_line(a64gen *g, uint64_t va, int level);
/* Data granule i (0, 1): the last two of the upper region. */
uint64_t a64_data_page(const a64gen *g, unsigned i);

#endif
