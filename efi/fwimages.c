/* vtop EFI app: loaded images and their PE/COFF sections (fwsources.h).
 *
 * Every handle with EFI_LOADED_IMAGE_PROTOCOL (UEFI spec 2.10 section
 * 9.1) gives ImageBase/ImageSize; the image's own headers in memory give
 * the section table and SectionAlignment (Microsoft PE format: "MS-DOS
 * stub" e_lfanew at 0x3c, COFF file header, optional header, section
 * table), and the debug directory's CodeView entry the PDB path EDK2's
 * GenFw records (NB10 or RSDS). Every offset is checked against ImageSize
 * before it is read.
 */
#include "fwsources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi_env.h"

static EFI_GUID g_loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

typedef struct pe_view {
    const uint8_t *base;
    uint64_t size;
} pe_view;

static bool pe_u32(const pe_view *v, uint64_t off, uint32_t *out)
{
    if (off > v->size || v->size - off < 4)
        return false;
    memcpy(out, v->base + off, 4);
    return true;
}

static bool pe_u16(const pe_view *v, uint64_t off, uint16_t *out)
{
    if (off > v->size || v->size - off < 2)
        return false;
    memcpy(out, v->base + off, 2);
    return true;
}

/* Last path component of a CodeView path, extension dropped. */
static void pdb_name(const pe_view *v, uint64_t off, char *name, size_t cap)
{
    size_t n = 0, start = 0;
    while (off + n < v->size && v->base[off + n] && n < 512)
        n++;
    for (size_t i = 0; i < n; i++)
        if (v->base[off + i] == '/' || v->base[off + i] == '\\')
            start = i + 1;
    size_t end = n;
    for (size_t i = n; i > start; i--)
        if (v->base[off + i - 1] == '.') {
            end = i - 1;
            break;
        }
    size_t len = end - start < cap - 1 ? end - start : cap - 1;
    memcpy(name, v->base + off + start, len);
    name[len] = '\0';
}

/* The debug directory (data directory 6, 8 bytes each) entry of type
 * CODEVIEW (2). */
#define DEBUG_DIRECTORY 48ull
static void pe_debug_name(const pe_view *v, uint64_t dirs, uint32_t ndirs,
                          char *name, size_t cap)
{
    uint32_t rva, size;
    if (ndirs <= 6 || !pe_u32(v, dirs + DEBUG_DIRECTORY, &rva) ||
        !pe_u32(v, dirs + DEBUG_DIRECTORY + 4, &size))
        return;
    for (uint32_t k = 0; k + 28 <= size && k < 28 * 16; k += 28) {
        uint32_t type, raw, sig;
        if (!pe_u32(v, rva + k + 12, &type) || !pe_u32(v, rva + k + 20, &raw))
            return;
        if (type != 2 || !pe_u32(v, raw, &sig))
            continue;
        if (sig == 0x3031424e)        /* "NB10": sig, offset, time, age */
            pdb_name(v, raw + 16, name, cap);
        else if (sig == 0x53445352)   /* "RSDS": sig, GUID, age */
            pdb_name(v, raw + 24, name, cap);
        return;
    }
}

/* Section headers of the image at v into fs->sections[*nsec...]. */
static void pe_sections(const pe_view *v, fwsources *fs, size_t *nsec,
                        size_t cap, vtop_prot_image *im, uint32_t index)
{
    uint32_t lfanew, sig, align = 0, ndirs = 0;
    uint16_t nsections, optsize, magic;
    if (!pe_u32(v, 0x3c, &lfanew) || !pe_u32(v, lfanew, &sig) || sig != 0x00004550 ||
        !pe_u16(v, lfanew + 6, &nsections) || !pe_u16(v, lfanew + 20, &optsize) ||
        !pe_u16(v, lfanew + 24, &magic))
        return;
    uint64_t opt = lfanew + 24ull;
    bool plus = magic == 0x20b;    /* PE32+ */
    pe_u32(v, opt + 32, &align);
    pe_u32(v, opt + (plus ? 108 : 92), &ndirs);
    im->section_alignment = align;
    pe_debug_name(v, opt + (plus ? 112 : 96), ndirs, im->name, sizeof im->name);
    im->first_section = (uint32_t)*nsec;
    uint64_t sh = opt + optsize;
    for (uint16_t k = 0; k < nsections && *nsec < cap; k++, sh += 40) {
        uint32_t vsize, rva, ch;
        if (!pe_u32(v, sh + 8, &vsize) || !pe_u32(v, sh + 12, &rva) ||
            !pe_u32(v, sh + 36, &ch))
            break;
        vtop_prot_section *s = &fs->sections[(*nsec)++];
        s->start = (uint64_t)(uintptr_t)v->base + rva;
        s->size = vsize;
        s->characteristics = ch;
        s->image = index;
        memcpy(s->name, v->base + sh, 8);
        s->name[8] = '\0';
        im->nsections++;
    }
}

/* "FvFile(GUID)": a firmware-volume file node (UEFI spec 2.10 section
 * 10.3.5.6, MEDIA_PIWG_FW_FILE_DP), the name of images loaded from flash. */
static void fvfile_name(const EFI_DEVICE_PATH *dp, char *name, size_t cap)
{
    EFI_GUID g;
    memcpy(&g, (const uint8_t *)dp + 4, sizeof g);
    snprintf(name, cap, "FvFile(%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x)",
             (unsigned)g.Data1, g.Data2, g.Data3, g.Data4[0], g.Data4[1], g.Data4[2],
             g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
}

/* Without a PDB path: the file path node (type 4 subtype 4) as ASCII, or
 * the firmware-volume file's GUID. */
static void path_name(const EFI_LOADED_IMAGE *li, char *name, size_t cap)
{
    const EFI_DEVICE_PATH *dp = li->FilePath;
    for (int guard = 0; dp && guard < 16 && !IsDevicePathEnd(dp); guard++) {
        size_t len = DevicePathNodeLength(dp);
        if (len < 4)
            return;
        if (DevicePathType(dp) == MEDIA_DEVICE_PATH &&
            DevicePathSubType(dp) == MEDIA_FILEPATH_DP) {
            const CHAR16 *p = (const CHAR16 *)((const uint8_t *)dp + 4);
            size_t n = 0;
            for (size_t i = 0; i < (len - 4) / 2 && p[i] && n + 1 < cap; i++)
                name[n++] = p[i] < 0x80 ? (char)p[i] : '?';
            name[n] = '\0';
            return;
        }
        if (DevicePathType(dp) == MEDIA_DEVICE_PATH && DevicePathSubType(dp) == 6 &&
            len >= 4 + sizeof(EFI_GUID)) {
            fvfile_name(dp, name, cap);
            return;
        }
        dp = NextDevicePathNode(dp);
    }
}

#define MAX_SECTIONS_PER_IMAGE 32

EFI_STATUS fwsources_images(fwsources *fs)
{
    UINTN count = 0;
    EFI_HANDLE *handles = NULL;
    EFI_STATUS s = g_efi.bs->LocateHandleBuffer(ByProtocol, &g_loaded_image_guid,
                                                NULL, &count, &handles);
    if (EFI_ERROR(s))
        return EFI_SUCCESS;   /* no images listed: the image check says N/A */
    fs->images = calloc(count ? count : 1, sizeof *fs->images);
    fs->sections = calloc(count * MAX_SECTIONS_PER_IMAGE + 1, sizeof *fs->sections);
    if (!fs->images || !fs->sections) {
        g_efi.bs->FreePool(handles);
        return EFI_OUT_OF_RESOURCES;
    }
    size_t n = 0, nsec = 0;
    for (UINTN i = 0; i < count; i++) {
        EFI_LOADED_IMAGE *li = NULL;
        if (EFI_ERROR(g_efi.bs->HandleProtocol(handles[i], &g_loaded_image_guid,
                                               (void **)&li)) || !li || !li->ImageBase)
            continue;
        vtop_prot_image *im = &fs->images[n];
        im->base = (uint64_t)(uintptr_t)li->ImageBase;
        im->size = li->ImageSize;
        n++;
    }
    /* Sort first: section indexes must follow the final image order. */
    qsort(fs->images, n, sizeof *fs->images, fwsources_by_start);
    for (size_t i = 0; i < n; i++) {
        vtop_prot_image *im = &fs->images[i];
        pe_view v = { (const uint8_t *)(uintptr_t)im->base, im->size };
        pe_sections(&v, fs, &nsec, count * MAX_SECTIONS_PER_IMAGE, im, (uint32_t)i);
    }
    /* Names from the file path where no PDB path was found. */
    for (UINTN i = 0; i < count; i++) {
        EFI_LOADED_IMAGE *li = NULL;
        if (EFI_ERROR(g_efi.bs->HandleProtocol(handles[i], &g_loaded_image_guid,
                                               (void **)&li)) || !li)
            continue;
        for (size_t k = 0; k < n; k++)
            if (fs->images[k].base == (uint64_t)(uintptr_t)li->ImageBase &&
                !fs->images[k].name[0])
                path_name(li, fs->images[k].name, sizeof fs->images[k].name);
    }
    g_efi.bs->FreePool(handles);
    for (size_t k = 0; k < n; k++)
        if (!fs->images[k].name[0])
            snprintf(fs->images[k].name, sizeof fs->images[k].name, "image@%llx",
                     (unsigned long long)fs->images[k].base);
    fs->src.images = fs->images;
    fs->src.nimages = n;
    fs->src.sections = fs->sections;
    fs->src.nsections = nsec;
    return EFI_SUCCESS;
}
