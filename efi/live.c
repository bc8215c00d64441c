/* vtop EFI app: live-memory physmem (see live.h). */
#include "live.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "power.h"

#define PAGE 4096ull

bool efi_memtype_is_ram(uint32_t type)
{
    switch (type) {
    case EfiLoaderCode: case EfiLoaderData:
    case EfiBootServicesCode: case EfiBootServicesData:
    case EfiRuntimeServicesCode: case EfiRuntimeServicesData:
    case EfiConventionalMemory: case EfiACPIReclaimMemory:
    case EfiACPIMemoryNVS: case 14 /* EfiPersistentMemory */:
        return true;
    default:
        return false;
    }
}

static bool is_mmio(uint32_t type)
{
    return type == EfiMemoryMappedIO || type == EfiMemoryMappedIOPortSpace;
}

static int by_start(const void *a, const void *b)
{
    const vtop_run *x = a, *y = b;
    return x->phys < y->phys ? -1 : x->phys > y->phys;
}

EFI_STATUS live_memory_build(const efi_memmap *map, bool include_mmio,
                             live_memory *out)
{
    memset(out, 0, sizeof *out);
    vtop_run *runs = calloc(map->count ? map->count : 1, sizeof *runs);
    if (!runs)
        return EFI_OUT_OF_RESOURCES;
    size_t n = 0;
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        if (!efi_memtype_is_ram(d->Type) && !(include_mmio && is_mmio(d->Type)))
            continue;
        uint64_t start = d->PhysicalStart, len = d->NumberOfPages * PAGE;
        if (start == 0) {          /* keep data pointers non-NULL */
            if (len <= PAGE)
                continue;
            start += PAGE;
            len -= PAGE;
        }
        if (!len || len - 1 > UINT64_MAX - start || start > UINTPTR_MAX)
            continue;
        runs[n++] = (vtop_run){ start, len, start, (const uint8_t *)(uintptr_t)start };
    }
    qsort(runs, n, sizeof *runs, by_start);
    /* Merge touching runs; drop overlaps (a broken map must not make the
     * run list invalid for the core). */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && runs[i].phys < runs[m - 1].phys + runs[m - 1].len) {
            uint64_t end = runs[i].phys + runs[i].len;
            uint64_t prev_end = runs[m - 1].phys + runs[m - 1].len;
            if (end > prev_end)
                runs[m - 1].len = end - runs[m - 1].phys;
            continue;
        }
        if (m && runs[i].phys == runs[m - 1].phys + runs[m - 1].len)
            runs[m - 1].len += runs[i].len;
        else
            runs[m++] = runs[i];
    }
    out->runs = runs;
    out->count = m;
    out->mem.runs = runs;
    out->mem.count = m;
    return EFI_SUCCESS;
}

int live_start(efi_memmap *map, live_memory *live, const live_banner *banner)
{
    if (!efi_memmap_get_reported(map))
        return APP_STATUS_FAILED;
    if (banner)
        banner->print(banner->machine, map, banner->out);
    if (EFI_ERROR(live_memory_build(map, false, live))) {
        efi_memmap_free(map);
        return APP_STATUS_NO_MEMORY;
    }
    return APP_STATUS_OK;
}

void live_memory_free(live_memory *live)
{
    free(live->runs);
    memset(live, 0, sizeof *live);
}

const EFI_MEMORY_DESCRIPTOR *efi_memmap_find(const efi_memmap *map, uint64_t pa)
{
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        if (pa >= d->PhysicalStart && pa - d->PhysicalStart < d->NumberOfPages * PAGE)
            return d;
    }
    return NULL;
}
