/* vtop EFI app: page tables for an identity map.
 *
 * From a plan (idplan.h) build tables in one of the x86 layouts with the
 * largest leaf each aligned block allows, and only where the plan is
 * uniform over the block:
 *  - 4- or 5-level (SDM Vol. 3A 4.5): 1 GiB leaves where CPUID reports
 *    PDPE1GB (SDM 4.1.4), else 2 MiB, else 4 KiB;
 *  - PAE (SDM 4.4): a 4-entry PDPT, then 512-entry tables; 2 MiB or 4 KiB
 *    leaves; PDPTEs carry only P (their R/W, U/S and NX bits are reserved,
 *    SDM 4.4.1 table 4-8);
 *  - 32-bit (SDM 4.3): 1024 4-byte entries per table; 4 MiB leaves when
 *    CR4.PSE will be set, else 4 KiB; no NX bit exists;
 *  - AArch64 VMSAv8-64 stage 1 with the 4 KiB granule (Arm ARM DDI 0487
 *    D8.2, D8.3): as many levels as TCR's T0SZ needs, 1 GiB blocks at
 *    level 1 and 2 MiB at level 2, pages at level 3.
 * Leaves: P, R/W per plan, NX per plan (only when NXE is in use), PCD|PWT
 * for uncached ranges, U/S clear. Non-leaf entries are P|R/W so the leaf
 * alone decides the rights (SDM 4.6: rights are ANDed and NX ORed over the
 * levels). AArch64 leaves: AF set, the MAIR index of Normal Write-Back
 * (Inner Shareable) or, for uncached ranges, of Device memory; AP[2] for
 * read-only; PXN (or XN in the one-range EL2 regime) for non-code, UXN
 * always, AP[1] clear (no EL0 access; RES1 in the EL2 regime) (D8.3,
 * D8.4 "Memory access control"). Table descriptors carry no
 * hierarchical limits (APTable, XNTable zero).
 *
 * Tables come from one AllocatePages block (EfiLoaderData; below 4 GiB for
 * the 32-bit layouts, whose CR3 holds a 32-bit address) sized by a counting
 * pass, so building never runs out half-way.
 */
#ifndef VTOP_EFI_IDMAP_H
#define VTOP_EFI_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <efi.h>

#include "idplan.h"

typedef enum idmap_layout {
    IDMAP_LONG,     /* 4- or 5-level (levels says which) */
    IDMAP_PAE,      /* 3 levels, 8-byte entries */
    IDMAP_32BIT,    /* 2 levels, 4-byte entries */
    IDMAP_A64       /* VMSAv8-64 stage 1, 4 KiB granule */
} idmap_layout;

/* What an AArch64 leaf needs beyond the plan. */
typedef struct idmap_a64_attrs {
    unsigned va_bits;         /* 64 - TCR.T0SZ: the tables' input range */
    uint8_t normal_idx;       /* MAIR index of Normal Write-Back */
    uint8_t device_idx;       /* MAIR index of a Device type */
    bool one_range;           /* EL2 regime without E2H: XN only, AP[1] RES1 */
} idmap_a64_attrs;

typedef struct idmap {
    idmap_layout layout;
    unsigned levels;          /* 5, 4, 3 (PAE) or 2 (32-bit) */
    bool use_1g;              /* long layout: 1 GiB leaves allowed */
    bool use_large;           /* 2 MiB (long, PAE) / 4 MiB (32-bit PSE) leaves */
    uint64_t root;            /* physical address of the top table */
    EFI_PHYSICAL_ADDRESS pool;
    UINTN pool_pages;         /* tables allocated */
    UINTN used;               /* tables used */
    uint64_t leaves[3];       /* count of 4K, large (2M/4M), 1G leaves */
    idmap_a64_attrs a64;      /* IDMAP_A64 only */
} idmap;

/* 4- or 5-level tables. Returns EFI_SUCCESS, EFI_OUT_OF_RESOURCES or
 * AllocatePages' error. */
EFI_STATUS idmap_build(idmap *map, const idplan *plan, unsigned levels,
                       bool use_1g);
/* PAE or 32-bit tables (use_large: 2 MiB / 4 MiB leaves). Same statuses. */
EFI_STATUS idmap_build_legacy(idmap *map, const idplan *plan,
                              idmap_layout layout, bool use_large);
/* AArch64 tables (4 KiB granule; va_bits from 25 to 48). Same statuses,
 * EFI_INVALID_PARAMETER for va_bits out of range. */
EFI_STATUS idmap_build_a64(idmap *map, const idplan *plan,
                           const idmap_a64_attrs *attrs);
/* The AArch64 leaf the builder writes for pa (a page when size is 4 KiB,
 * else a block) with plan attributes attr (IDMAP_*). */
uint64_t idmap_a64_leaf(const idmap_a64_attrs *attrs, uint64_t pa, uint64_t size,
                        uint8_t attr);
/* FreePages the tables (never while they are in CR3). */
void idmap_free(idmap *map);

/* The leaf size the builder picks for the block holding addr (0 when addr is
 * unmapped): the reference the self-check compares against. */
uint64_t idmap_expected_page(const idmap *map, const idplan *plan,
                             uint64_t addr, uint8_t *attr);

#endif
