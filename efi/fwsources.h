/* vtop EFI app: the firmware's own descriptions of its memory, gathered
 * read-only for the `protections` checks (core/protect.h):
 *  - the UEFI memory map (GetMemoryMap, UEFI spec 2.10 section 7.2);
 *  - the GCD memory space map (DXE Services Table from the configuration
 *    table, GetMemorySpaceMap: PI spec 1.7 vol. 2 section 7.2.4);
 *  - the EFI_MEMORY_ATTRIBUTES_TABLE (UEFI spec 2.10 section 4.6.4);
 *  - every loaded image (LocateHandleBuffer on EFI_LOADED_IMAGE_PROTOCOL,
 *    UEFI spec 2.10 section 9.1) with its PE/COFF section headers and a
 *    name (the CodeView PDB path, else the file path);
 *  - the BSP stack: the HOB list's stack allocation (PI spec vol. 3,
 *    gEfiHobMemoryAllocStackGuid), checked to hold the current RSP, else
 *    the memory-map descriptor holding RSP;
 *  - EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI spec 2.10) GetMemoryAttributes
 *    answers for every memory-map range, when the protocol exists.
 * Nothing is written: only Get*, Locate* and HandleProtocol calls.
 */
#ifndef VTOP_EFI_FWSOURCES_H
#define VTOP_EFI_FWSOURCES_H

#include <efi.h>

#include "core/protect.h"

typedef struct fwsources {
    vtop_prot_sources src;       /* points into the arrays below */
    vtop_prot_mem *memmap, *mat;
    vtop_prot_gcd *gcd;
    vtop_prot_image *images;
    vtop_prot_section *sections;
    vtop_prot_attr_answer *answers;
    const char *stack_from;      /* "HOB" or "memory map" */
} fwsources;

/* Gather everything (malloc'd). Returns EFI_SUCCESS, or the error of the
 * memory map or an allocation; the other sources are optional and simply
 * absent when the firmware lacks them. */
EFI_STATUS fwsources_gather(fwsources *fs);
void fwsources_free(fwsources *fs);

/* Images (fwimages.c): fills fs->images / fs->sections, sorted by base. */
EFI_STATUS fwsources_images(fwsources *fs);

/* Sort helper shared by the gatherers: qsort by a leading uint64_t start. */
int fwsources_by_start(const void *a, const void *b);

#endif
