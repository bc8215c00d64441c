/* vtop EFI app: the UEFI memory map (UEFI spec 2.10 section 7.2,
 * GetMemoryMap; EFI_MEMORY_TYPE names from table 7-5). */
#ifndef VTOP_EFI_MEMMAP_H
#define VTOP_EFI_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <efi.h>

#include "cmd/out.h"

typedef struct efi_memmap {
    uint8_t *buf;            /* malloc'd descriptors */
    UINTN size;              /* bytes used in buf */
    UINTN desc_size;         /* stride: may exceed sizeof(EFI_MEMORY_DESCRIPTOR) */
    UINTN key;
    UINT32 version;
    size_t count;
} efi_memmap;

/* Fetch the current map. Returns EFI_SUCCESS or the firmware's error
 * (EFI_OUT_OF_RESOURCES when malloc fails). */
EFI_STATUS efi_memmap_get(efi_memmap *map);
void efi_memmap_free(efi_memmap *map);
/* efi_memmap_get, printing "vtop: error: GetMemoryMap failed (STATUS)"
 * when it fails; true on success. */
bool efi_memmap_get_reported(efi_memmap *map);

static inline const EFI_MEMORY_DESCRIPTOR *efi_memmap_at(const efi_memmap *m,
                                                         size_t i)
{
    return (const EFI_MEMORY_DESCRIPTOR *)(m->buf + i * m->desc_size);
}

/* "ConventionalMemory", "RuntimeServicesCode", ..., "Type0x%x" for others
 * (the latter in a static buffer). */
const char *efi_memtype_name(uint32_t type);

/* Summary lines: descriptor count, then per type the descriptor count and
 * pages, then the highest address. */
void efi_memmap_print_summary(const efi_memmap *map, const vtop_out *out);

/* The end of the highest descriptor, at least 4 GiB: the self-check
 * samples the firmware's identity leaves finely below it. */
uint64_t efi_memmap_top(const efi_memmap *map);

/* One line per descriptor: type, start-end, pages, attributes. */
void efi_memmap_print(const efi_memmap *map, const vtop_out *out);

#endif
