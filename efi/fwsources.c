/* vtop EFI app: the firmware's memory descriptions (fwsources.h). */
#include "fwsources.h"

#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "efi_env.h"
#include "memmap.h"

/* GUIDs and layouts not in gnu-efi, from their specifications. */
/* PI spec 1.7 vol. 2 section 9.1 (gEfiDxeServicesTableGuid). */
static EFI_GUID g_dxe_services_guid =
    { 0x05ad34ba, 0x6f02, 0x4214, { 0x95, 0x2e, 0x4d, 0xa0, 0x39, 0x8e, 0x2b, 0xb9 } };
/* UEFI spec 2.10 section 4.6.4 (EFI_MEMORY_ATTRIBUTES_TABLE_GUID). */
static EFI_GUID g_mat_guid =
    { 0xdcfa911d, 0x26eb, 0x469f, { 0xa2, 0x20, 0x38, 0xb7, 0xdc, 0x46, 0x12, 0x20 } };
/* PI spec 1.7 vol. 3 section 5.3 (HOB list) and 5.4.4 (stack allocation). */
static EFI_GUID g_hob_list_guid =
    { 0x7739f24c, 0x93d7, 0x11d4, { 0x9a, 0x3a, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } };
static EFI_GUID g_hob_stack_guid =
    { 0x4ed4bf27, 0x4092, 0x42e9, { 0x80, 0x7d, 0x52, 0x7b, 0x1d, 0x00, 0xc9, 0xbd } };
/* UEFI spec 2.10, EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID. */
static EFI_GUID g_mem_attr_guid =
    { 0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };

/* UEFI aligns a structure to its largest member on IA32 too (UEFI spec
 * 2.10 section 2.3.2; EDK2 builds IA32 with -malign-double): 8 here, so
 * the array stride is 48 bytes there, where the i386 ABI alone gives 44. */
typedef struct gcd_descriptor {     /* EFI_GCD_MEMORY_SPACE_DESCRIPTOR */
    _Alignas(8) UINT64 BaseAddress;
    UINT64 Length, Capabilities, Attributes;
    UINT32 GcdMemoryType;
    EFI_HANDLE ImageHandle, DeviceHandle;
} gcd_descriptor;

typedef EFI_STATUS (EFIAPI *get_memory_space_map_fn)(UINTN *count,
                                                     gcd_descriptor **map);
typedef struct dxe_services {       /* EFI_DXE_SERVICES, the part we call */
    EFI_TABLE_HEADER Hdr;
    /* AddMemorySpace .. SetMemorySpaceAttributes: never called (read-only). */
    // cppcheck-suppress unusedStructMember
    void *before_get_memory_space_map[6];
    get_memory_space_map_fn GetMemorySpaceMap;
} dxe_services;

typedef struct mat_header {         /* EFI_MEMORY_ATTRIBUTES_TABLE */
    UINT32 Version, NumberOfEntries, DescriptorSize, Flags;
} mat_header;

typedef struct mem_attr_protocol {  /* EFI_MEMORY_ATTRIBUTE_PROTOCOL */
    EFI_STATUS (EFIAPI *GetMemoryAttributes)(struct mem_attr_protocol *self,
                                             EFI_PHYSICAL_ADDRESS base,
                                             UINT64 length, UINT64 *attributes);
    void *SetMemoryAttributes, *ClearMemoryAttributes;
} mem_attr_protocol;

int fwsources_by_start(const void *a, const void *b)
{
    uint64_t x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    return x < y ? -1 : x > y;
}

static void *config_table(const EFI_GUID *guid)
{
    for (UINTN i = 0; i < g_efi.st->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &g_efi.st->ConfigurationTable[i];
        if (efi_guid_equal(&t->VendorGuid, guid))
            return t->VendorTable;
    }
    return NULL;
}

static EFI_STATUS gather_memmap(fwsources *fs)
{
    efi_memmap map;
    EFI_STATUS s = efi_memmap_get(&map);
    if (EFI_ERROR(s))
        return s;
    fs->memmap = calloc(map.count + 1, sizeof *fs->memmap);
    if (!fs->memmap) {
        efi_memmap_free(&map);
        return EFI_OUT_OF_RESOURCES;
    }
    for (size_t i = 0; i < map.count; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(&map, i);
        fs->memmap[i] = (vtop_prot_mem){ d->PhysicalStart, d->NumberOfPages,
                                         d->Attribute, d->Type };
    }
    qsort(fs->memmap, map.count, sizeof *fs->memmap, fwsources_by_start);
    fs->src.memmap = fs->memmap;
    fs->src.nmemmap = map.count;
    efi_memmap_free(&map);
    return EFI_SUCCESS;
}

static EFI_STATUS gather_gcd(fwsources *fs)
{
    const dxe_services *dxe = config_table(&g_dxe_services_guid);
    UINTN n = 0;
    gcd_descriptor *map = NULL;
    if (!dxe || !dxe->GetMemorySpaceMap || EFI_ERROR(dxe->GetMemorySpaceMap(&n, &map)))
        return EFI_SUCCESS;   /* optional: the checks say memory map only */
    fs->gcd = calloc(n + 1, sizeof *fs->gcd);
    if (!fs->gcd) {
        g_efi.bs->FreePool(map);
        return EFI_OUT_OF_RESOURCES;
    }
    for (UINTN i = 0; i < n; i++)
        fs->gcd[i] = (vtop_prot_gcd){ map[i].BaseAddress, map[i].Length,
                                      map[i].Attributes, map[i].GcdMemoryType,
                                      map[i].ImageHandle != NULL };
    g_efi.bs->FreePool(map);   /* PI spec: allocated by GetMemorySpaceMap */
    qsort(fs->gcd, n, sizeof *fs->gcd, fwsources_by_start);
    fs->src.gcd = fs->gcd;
    fs->src.ngcd = n;
    return EFI_SUCCESS;
}

/* The MAT in the table's own order: its ordering is one of the checks. */
static EFI_STATUS gather_mat(fwsources *fs)
{
    const mat_header *h = config_table(&g_mat_guid);
    if (!h || h->DescriptorSize < sizeof(EFI_MEMORY_DESCRIPTOR) ||
        h->NumberOfEntries > 65536)
        return EFI_SUCCESS;
    fs->mat = calloc(h->NumberOfEntries + 1, sizeof *fs->mat);
    if (!fs->mat)
        return EFI_OUT_OF_RESOURCES;
    const uint8_t *e = (const uint8_t *)(h + 1);
    for (UINT32 i = 0; i < h->NumberOfEntries; i++, e += h->DescriptorSize) {
        EFI_MEMORY_DESCRIPTOR d;
        memcpy(&d, e, sizeof d);
        fs->mat[i] = (vtop_prot_mem){ d.PhysicalStart, d.NumberOfPages,
                                      d.Attribute, d.Type };
    }
    fs->src.mat = fs->mat;
    fs->src.nmat = h->NumberOfEntries;
    fs->src.has_mat = true;
    return EFI_SUCCESS;
}

/* The HOB list's stack allocation (EFI_HOB_MEMORY_ALLOCATION_STACK), when
 * it holds RSP; else the memory-map descriptor that does. */
static void gather_stack(fwsources *fs)
{
    uint64_t rsp = cpu_read_sp();
    fs->src.rsp = rsp;
    const uint8_t *hob = config_table(&g_hob_list_guid);
    for (int guard = 0; hob && guard < 4096; guard++) {
        uint16_t type, len;
        memcpy(&type, hob, 2);
        memcpy(&len, hob + 2, 2);
        if (type == 0xffff || len < 8)
            break;
        if (type == 0x0002 && len >= 48 && efi_guid_equal((const EFI_GUID *)(hob + 8),
                                                          &g_hob_stack_guid)) {
            uint64_t base, size;
            memcpy(&base, hob + 24, 8);
            memcpy(&size, hob + 32, 8);
            if (rsp - base < size) {
                fs->src.has_stack = true;
                fs->src.stack_base = base;
                fs->src.stack_size = size;
                fs->stack_from = "HOB";
                return;
            }
        }
        hob += len;
    }
    for (size_t i = 0; i < fs->src.nmemmap; i++) {
        const vtop_prot_mem *m = &fs->memmap[i];
        if (rsp - m->start < m->pages * 4096) {
            fs->src.has_stack = true;
            fs->src.stack_base = m->start;
            fs->src.stack_size = m->pages * 4096;
            fs->stack_from = "memory map";
            return;
        }
    }
}

static EFI_STATUS gather_attr_protocol(fwsources *fs)
{
    mem_attr_protocol *p = NULL;
    if (EFI_ERROR(g_efi.bs->LocateProtocol(&g_mem_attr_guid, NULL, (void **)&p)) || !p)
        return EFI_SUCCESS;
    fs->src.has_attr_protocol = true;
    fs->answers = calloc(fs->src.nmemmap + 1, sizeof *fs->answers);
    if (!fs->answers)
        return EFI_OUT_OF_RESOURCES;
    for (size_t i = 0; i < fs->src.nmemmap; i++) {
        const vtop_prot_mem *m = &fs->memmap[i];
        UINT64 attr = 0;
        EFI_STATUS s = p->GetMemoryAttributes(p, m->start, m->pages * 4096, &attr);
        fs->answers[i] = (vtop_prot_attr_answer){ m->start, m->pages * 4096, attr,
                                                  !EFI_ERROR(s) };
    }
    fs->src.attr_answers = fs->answers;
    fs->src.nattr = fs->src.nmemmap;
    return EFI_SUCCESS;
}

EFI_STATUS fwsources_gather(fwsources *fs)
{
    memset(fs, 0, sizeof *fs);
    fs->stack_from = "none";
    EFI_STATUS s = gather_memmap(fs);
    if (!EFI_ERROR(s))
        s = gather_gcd(fs);
    if (!EFI_ERROR(s))
        s = gather_mat(fs);
    if (!EFI_ERROR(s))
        s = fwsources_images(fs);
    if (!EFI_ERROR(s)) {
        gather_stack(fs);
        s = gather_attr_protocol(fs);
    }
    if (EFI_ERROR(s))
        fwsources_free(fs);
    return s;
}

void fwsources_free(fwsources *fs)
{
    free(fs->memmap);
    free(fs->mat);
    free(fs->gcd);
    free(fs->images);
    free(fs->sections);
    free(fs->answers);
    memset(fs, 0, sizeof *fs);
}
