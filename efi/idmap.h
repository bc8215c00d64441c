/* vtop EFI app: page tables for an identity map.
 *
 * From a plan (idplan.h) build 4- or 5-level tables (SDM Vol. 3A 4.5) with
 * the largest leaf each aligned block allows: 1 GiB where CPUID reports
 * PDPE1GB (SDM 4.1.4), else 2 MiB, else 4 KiB, and only where the plan is
 * uniform over the block. Leaves: P, R/W per plan, NX per plan (only when
 * NXE is in use), PCD|PWT for uncached ranges, U/S clear. Non-leaf entries
 * are P|R/W so the leaf alone decides the rights (SDM 4.6: rights are ANDed
 * and NX ORed over the levels).
 *
 * Tables come from one AllocatePages block (EfiLoaderData) sized by a
 * counting pass, so building never runs out half-way.
 */
#ifndef VTOP_EFI_IDMAP_H
#define VTOP_EFI_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <efi.h>

#include "idplan.h"

typedef struct idmap {
    unsigned levels;          /* 4 or 5 */
    bool use_1g;
    uint64_t root;            /* physical address of the top table */
    EFI_PHYSICAL_ADDRESS pool;
    UINTN pool_pages;         /* tables allocated */
    UINTN used;               /* tables used */
    uint64_t leaves[3];       /* count of 4K, 2M, 1G leaves */
} idmap;

/* Returns EFI_SUCCESS, EFI_OUT_OF_RESOURCES or AllocatePages' error. */
EFI_STATUS idmap_build(idmap *map, const idplan *plan, unsigned levels,
                       bool use_1g);
/* FreePages the tables (never while they are in CR3). */
void idmap_free(idmap *map);

/* The leaf size the builder picks for the block holding addr (0 when addr is
 * unmapped): the reference the self-check compares against. */
uint64_t idmap_expected_page(const idmap *map, const idplan *plan,
                             uint64_t addr, uint8_t *attr);

#endif
