/* vtop core: AArch64 VMSAv8-64 stage 1 registers, descriptor bits and
 * memory attributes (the public AArch64 part of paging.h, which includes
 * it): the translation regimes, one half's decoded TCR/TTBR, the
 * descriptor bit names and the MAIR decoder.
 *
 * Sources: Arm ARM DDI 0487 D8.1 (regimes), D8.2 (walk), D8.3 (descriptor
 * formats), D8.4 (permissions), D8.5 (memory attributes), D19.2 (TCR_EL1,
 * TCR_EL2, TTBRn_ELx, MAIR_ELx). Freestanding: <stdint.h>, <stdbool.h>.
 */
#ifndef VTOP_A64_H
#define VTOP_A64_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

/* The AArch64 stage 1 regime a space describes (Arm ARM D8.1.2). */
typedef enum vtop_a64_regime {
    VTOP_A64_EL1 = 0,        /* EL1&0: TTBR0/TTBR1 split by VA bit 55 */
    VTOP_A64_EL2,            /* EL2 without E2H: TTBR0_EL2 only */
    VTOP_A64_EL2_E2H         /* EL2&0 (VHE): split like EL1&0 */
} vtop_a64_regime;

/* One half of an AArch64 stage 1 regime as TCR/TTBR describe it (Arm ARM
 * D8.1, D8.2; TCR_EL1/TCR_EL2 in D19.2). vtop_a64_decode fills it from the
 * registers alone; vtop_space_init stores both in the space. */
typedef struct vtop_a64_half {
    bool present;          /* the regime has this half (EL2 without E2H: only
                              TTBR0); a VA of an absent half is out of range */
    bool enabled;          /* !EPDn: a walk of a disabled half is a
                              translation fault at level 0 */
    uint8_t granule;       /* log2 of the translation granule: 12, 14, 16 */
    uint8_t tsz;           /* TnSZ */
    uint8_t va_bits;       /* input size: 64 - TnSZ (16..52) */
    int8_t start_level;    /* -1 (4K, 52 bits with DS) .. 3 */
    uint8_t levels;        /* levels walked: 3 - start_level + 1 */
    uint8_t oa_bits;       /* output size: IPS/PS (32..52), 48 when 52 is
                              not expressible (4K/16K without DS), capped by
                              maxphyaddr in a space */
    bool tbi;              /* TBIn: VA bits 63:56 ignored (range check) */
    bool hpd;              /* HPDn: APTable/UXNTable/PXNTable ignored */
    bool ha, hd;           /* hardware Access flag / dirty state update */
    bool ds;               /* TCR.DS: LPA2 descriptors (4K/16K), SH from TCR */
    uint8_t sh;            /* TCR.SHn (the leaves' SH when ds) */
    uint64_t root;         /* the start-level table from TTBRn.BADDR
                              (52-bit forms with BADDR[51:48] in bits 5:2) */
    bool root_fault;       /* BADDR has bits at or above oa_bits: every walk
                              of the half is an address-size fault at level 0 */
} vtop_a64_half;

/* Decode TCR and TTBRn for half (0: TTBR0, 1: TTBR1) of regime (TCR_EL1
 * layout for VTOP_A64_EL1 and VTOP_A64_EL2_E2H, TCR_EL2's own without E2H),
 * output size capped by maxphyaddr (0: 52). Returns VTOP_OK, VTOP_BAD_ARGUMENT
 * (NULL out, half > 1, unknown regime), VTOP_BAD_SPACE (reserved TGn
 * encoding, TnSZ out of 12..48 for the granule, 52-bit input without
 * LPA2/64K). An absent half (EL2 TTBR1) gives VTOP_OK with present false. */
vtop_status vtop_a64_decode(uint64_t tcr, uint64_t ttbr, vtop_a64_regime regime,
                            unsigned half, unsigned maxphyaddr,
                            vtop_a64_half *out);

/* AArch64 descriptor bits (Arm ARM D8.3: table descriptor D8-x, block and
 * page descriptors; attribute fields D8.4, D8.5). */
#define VTOP_A64_VALID      (1ull << 0)
#define VTOP_A64_TABLE      (1ull << 1)   /* table (above L3) or page (L3) */
#define VTOP_A64_ATTRINDX_SHIFT 2         /* AttrIndx[2:0], bits 4:2 */
#define VTOP_A64_NS         (1ull << 5)
#define VTOP_A64_AP1        (1ull << 6)   /* AP[1]: EL0 access */
#define VTOP_A64_AP2        (1ull << 7)   /* AP[2]: read-only */
#define VTOP_A64_SH_SHIFT   8             /* SH[1:0], bits 9:8 (OA[51:50] with LPA2) */
#define VTOP_A64_AF         (1ull << 10)
#define VTOP_A64_NG         (1ull << 11)
#define VTOP_A64_DBM        (1ull << 51)
#define VTOP_A64_CONT       (1ull << 52)
#define VTOP_A64_PXN        (1ull << 53)
#define VTOP_A64_UXN        (1ull << 54)  /* XN in the EL2 regime */
#define VTOP_A64_PXNTABLE   (1ull << 59)
#define VTOP_A64_UXNTABLE   (1ull << 60)  /* XNTable in the EL2 regime */
#define VTOP_A64_APTABLE0   (1ull << 61)  /* no EL0 access below */
#define VTOP_A64_APTABLE1   (1ull << 62)  /* no write access below */

/* Memory type of one MAIR attribute (Arm ARM D19.2 MAIR_ELx, D8.5). */
typedef enum vtop_a64_memtype {
    VTOP_A64_MEM_UNKNOWN = 0,    /* MAIR not known (0) */
    VTOP_A64_MEM_DEVICE_nGnRnE,
    VTOP_A64_MEM_DEVICE_nGnRE,
    VTOP_A64_MEM_DEVICE_nGRE,
    VTOP_A64_MEM_DEVICE_GRE,
    VTOP_A64_MEM_NORMAL,         /* inner/outer cacheability below */
    VTOP_A64_MEM_NORMAL_TAGGED,  /* 0xF0: Tagged Normal WB (FEAT_MTE) */
    VTOP_A64_MEM_RESERVED        /* an UNPREDICTABLE encoding */
} vtop_a64_memtype;

typedef enum vtop_a64_cache {
    VTOP_A64_CACHE_NONE = 0,     /* not Normal memory */
    VTOP_A64_CACHE_NC,           /* Non-cacheable */
    VTOP_A64_CACHE_WT,           /* Write-Through */
    VTOP_A64_CACHE_WB            /* Write-Back */
} vtop_a64_cache;

typedef struct vtop_a64_memattr {
    uint8_t attr;                /* the MAIR byte */
    vtop_a64_memtype type;
    vtop_a64_cache inner, outer; /* Normal: Attr<3:0>, Attr<7:4> */
    bool transient;              /* Normal: either side transient */
    const char *name;            /* "Normal-WB", "Normal-iWB-oNC",
                                    "Device-nGnRE", "reserved", "unknown" */
} vtop_a64_memattr;

/* Attribute attr_index (0..7) of mair (MAIR_ELx; 0 means unknown: type
 * VTOP_A64_MEM_UNKNOWN, name "unknown"). Pure; never fails. */
vtop_a64_memattr vtop_a64_mair_decode(uint64_t mair, unsigned attr_index);

#endif
