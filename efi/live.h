/* vtop EFI app: live physical memory as a core physmem.
 *
 * Under UEFI all memory is identity mapped (UEFI spec 2.10 section 2.3.4:
 * "paging mode ... identity mapped"), so the bytes of physical address pa
 * are at the pointer (const uint8_t *)pa. One run per stretch of RAM the
 * memory map lists (adjacent descriptors merged), so reads of MMIO, reserved
 * or unlisted ranges fail as "not in image" instead of touching a device,
 * unless include_mmio asks for MMIO descriptors too. Page 0 is left out:
 * its pointer would be NULL, and nothing a walker needs lives there.
 */
#ifndef VTOP_EFI_LIVE_H
#define VTOP_EFI_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/physmem.h"
#include "memmap.h"

typedef struct live_memory {
    vtop_run *runs;     /* malloc'd, sorted */
    size_t count;
    vtop_physmem mem;   /* { runs, count } */
} live_memory;

/* RAM in the sense above: loader, boot/runtime services, conventional,
 * ACPI and persistent memory (not reserved, unusable or MMIO). */
bool efi_memtype_is_ram(uint32_t type);

/* Returns EFI_SUCCESS or EFI_OUT_OF_RESOURCES. */
EFI_STATUS live_memory_build(const efi_memmap *map, bool include_mmio,
                             live_memory *out);
void live_memory_free(live_memory *live);

/* The banner a run prints once the memory map is read: each
 * architecture's own (print), from its register snapshot (machine). */
typedef struct live_banner {
    void (*print)(const void *machine, const efi_memmap *map, const vtop_out *out);
    const void *machine;
    const vtop_out *out;
} live_banner;

/* The start of a run, the same on every architecture: the memory map as
 * reported, the banner (banner NULL: none), live RAM over the map (no
 * MMIO). Returns APP_STATUS_OK; else the status to end the run with
 * (APP_STATUS_FAILED: no memory map, APP_STATUS_NO_MEMORY), nothing
 * left allocated. */
int live_start(efi_memmap *map, live_memory *live, const live_banner *banner);

/* The descriptor covering pa, or NULL when the map does not list it. */
const EFI_MEMORY_DESCRIPTOR *efi_memmap_find(const efi_memmap *map,
                                             uint64_t pa);

#endif
