/* vtop EFI app: memory map retrieval and printing (see memmap.h). */
#include "memmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/fmt_protections.h"
#include "efi_env.h"

EFI_STATUS efi_memmap_get(efi_memmap *map)
{
    memset(map, 0, sizeof *map);
    UINTN size = 0;
    EFI_STATUS s = g_efi.bs->GetMemoryMap(&size, NULL, &map->key,
                                          &map->desc_size, &map->version);
    /* The malloc below may itself add descriptors: ask for slack and retry
     * (UEFI spec 2.10 7.2, GetMemoryMap: EFI_BUFFER_TOO_SMALL). */
    for (int tries = 0; tries < 4 && s == EFI_BUFFER_TOO_SMALL; tries++) {
        free(map->buf);
        size += 16 * (map->desc_size ? map->desc_size : sizeof(EFI_MEMORY_DESCRIPTOR));
        map->buf = malloc(size);
        if (!map->buf)
            return EFI_OUT_OF_RESOURCES;
        s = g_efi.bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map->buf,
                                   &map->key, &map->desc_size, &map->version);
    }
    if (EFI_ERROR(s) || map->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR)) {
        efi_memmap_free(map);
        return EFI_ERROR(s) ? s : EFI_INCOMPATIBLE_VERSION;
    }
    map->size = size;
    map->count = size / map->desc_size;
    return EFI_SUCCESS;
}

void efi_memmap_free(efi_memmap *map)
{
    free(map->buf);
    memset(map, 0, sizeof *map);
}

/* Names from the report layer (cmd/fmt_protections.c), one table for both. */
#define TYPE_NAMES VTOP_EFI_TYPES

const char *efi_memtype_name(uint32_t type)
{
    static char other[16];
    return vtop_fmt_memtype(type, other);
}

void efi_memmap_print_summary(const efi_memmap *map, const vtop_out *out)
{
    uint64_t pages[TYPE_NAMES + 1] = { 0 };
    size_t descs[TYPE_NAMES + 1] = { 0 };
    uint64_t top = 0, total = 0;
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        size_t t = d->Type < TYPE_NAMES ? d->Type : TYPE_NAMES;
        pages[t] += d->NumberOfPages;
        descs[t]++;
        total += d->NumberOfPages;
        uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;
        if (end > top)
            top = end;
    }
    vtop_printf(out, "memory map: %zu descriptors, %llu pages (%llu MiB), top 0x%llx\n",
                map->count, (unsigned long long)total,
                (unsigned long long)(total >> 8), (unsigned long long)top);
    for (size_t t = 0; t <= TYPE_NAMES; t++) {
        if (!descs[t])
            continue;
        vtop_printf(out, "  %-24s %4zu descriptors %8llu pages\n",
                    t < TYPE_NAMES ? efi_memtype_name((uint32_t)t) : "(other types)",
                    descs[t], (unsigned long long)pages[t]);
    }
}

void efi_memmap_print(const efi_memmap *map, const vtop_out *out)
{
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;
        vtop_printf(out, "%016llx-%016llx %-24s %8llu pages attr %016llx\n",
                    (unsigned long long)d->PhysicalStart,
                    (unsigned long long)end, efi_memtype_name(d->Type),
                    (unsigned long long)d->NumberOfPages,
                    (unsigned long long)d->Attribute);
    }
}

uint64_t efi_memmap_top(const efi_memmap *map)
{
    uint64_t top = 4ull << 30;
    for (size_t i = 0; i < map->count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(map, i);
        uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;
        if (end > top)
            top = end;
    }
    return top;
}

bool efi_memmap_get_reported(efi_memmap *map)
{
    EFI_STATUS s = efi_memmap_get(map);
    if (EFI_ERROR(s))
        printf("vtop: error: GetMemoryMap failed (0x%llx)\n", (unsigned long long)s);
    return !EFI_ERROR(s);
}
