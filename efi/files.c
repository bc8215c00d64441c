/* vtop EFI app: volume files (see files.h). */
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi_env.h"

#define PATH_MAX_CHARS 260
#define READ_CHUNK (16u << 20)   /* bytes per Read call: some firmware FAT
                                    drivers misbehave on huge single reads */

static EFI_STATUS open_root(EFI_FILE_HANDLE *root)
{
    EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL, fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
    EFI_LOADED_IMAGE *li = NULL;
    EFI_FILE_IO_INTERFACE *fs = NULL;
    EFI_STATUS s = g_efi.bs->HandleProtocol(g_efi.image, &li_guid, (void **)&li);
    if (EFI_ERROR(s))
        return s;
    s = g_efi.bs->HandleProtocol(li->DeviceHandle, &fs_guid, (void **)&fs);
    if (EFI_ERROR(s))
        return s;
    return fs->OpenVolume(fs, root);
}

/* ASCII path -> UCS-2 with backslashes, no leading separator needed. */
static int wide_path(const char *path, CHAR16 *w)
{
    size_t n = strlen(path);
    if (n == 0 || n >= PATH_MAX_CHARS)
        return -1;
    for (size_t i = 0; i <= n; i++)
        w[i] = path[i] == '/' ? u'\\' : (CHAR16)(unsigned char)path[i];
    return 0;
}

static EFI_STATUS open_path(const char *path, EFI_FILE_HANDLE *root,
                            EFI_FILE_HANDLE *f)
{
    CHAR16 w[PATH_MAX_CHARS];
    if (wide_path(path, w))
        return EFI_INVALID_PARAMETER;
    EFI_STATUS s = open_root(root);
    if (EFI_ERROR(s))
        return s;
    s = (*root)->Open(*root, f, w, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(s))
        (*root)->Close(*root);
    return s;
}

static EFI_FILE_INFO *file_info(EFI_FILE_HANDLE f)
{
    EFI_GUID info_guid = EFI_FILE_INFO_ID;
    UINTN size = SIZE_OF_EFI_FILE_INFO + PATH_MAX_CHARS * sizeof(CHAR16);
    EFI_FILE_INFO *info = malloc(size);
    if (info && EFI_ERROR(f->GetInfo(f, &info_guid, &size, info))) {
        free(info);
        return NULL;
    }
    return info;
}

static const char *reason(EFI_STATUS s)
{
    switch (s) {
    case EFI_NOT_FOUND:         return "No such file";
    case EFI_OUT_OF_RESOURCES:  return "does not fit in free memory";
    case EFI_INVALID_PARAMETER: return "bad path";
    case EFI_VOLUME_CORRUPTED:  return "volume corrupted";
    case EFI_DEVICE_ERROR:      return "device error";
    case EFI_ACCESS_DENIED:     return "access denied";
    default:                    return "cannot read";
    }
}

static EFI_STATUS read_all(EFI_FILE_HANDLE f, efi_file_data *out)
{
    uint64_t done = 0;
    while (done < out->size) {
        UINTN n = out->size - done < READ_CHUNK ? (UINTN)(out->size - done) : READ_CHUNK;
        EFI_STATUS s = f->Read(f, &n, out->data + done);
        if (EFI_ERROR(s))
            return s;
        if (n == 0)
            return EFI_END_OF_FILE;
        done += n;
    }
    return EFI_SUCCESS;
}

EFI_STATUS efi_file_read(const char *path, efi_file_data *out, char *why,
                         size_t why_len)
{
    memset(out, 0, sizeof *out);
    EFI_FILE_HANDLE root, f;
    EFI_STATUS s = open_path(path, &root, &f);
    if (EFI_ERROR(s)) {
        snprintf(why, why_len, "%s", reason(s));
        return s;
    }
    EFI_FILE_INFO *info = file_info(f);
    if (!info || (info->Attribute & EFI_FILE_DIRECTORY)) {
        s = info ? EFI_INVALID_PARAMETER : EFI_DEVICE_ERROR;
        snprintf(why, why_len, "%s", info ? "is a directory" : "cannot get its size");
    } else {
        out->size = info->FileSize;
        out->pages = (UINTN)((out->size + 4095) / 4096);
        if (out->pages == 0)
            out->pages = 1;
        s = g_efi.bs->AllocatePages(AllocateAnyPages, EfiLoaderData, out->pages,
                                    &out->pages_at);
        if (EFI_ERROR(s)) {
            snprintf(why, why_len, "%llu bytes do not fit in free memory",
                     (unsigned long long)out->size);
            out->pages = 0;
        } else {
            out->data = (uint8_t *)(uintptr_t)out->pages_at;
            s = read_all(f, out);
            if (EFI_ERROR(s)) {
                snprintf(why, why_len, "read error (%s)", reason(s));
                efi_file_release(out);
            }
        }
    }
    free(info);
    f->Close(f);
    root->Close(root);
    return s;
}

void efi_file_release(efi_file_data *f)
{
    if (f->pages)
        g_efi.bs->FreePages(f->pages_at, f->pages);
    memset(f, 0, sizeof *f);
}

int efi_file_exists(const char *path)
{
    EFI_FILE_HANDLE root, f;
    if (EFI_ERROR(open_path(path, &root, &f)))
        return 0;
    EFI_FILE_INFO *info = file_info(f);
    int ok = info && !(info->Attribute & EFI_FILE_DIRECTORY);
    free(info);
    f->Close(f);
    root->Close(root);
    return ok;
}

typedef struct dir_entry {
    char name[PATH_MAX_CHARS];
    uint64_t size;
} dir_entry;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

EFI_STATUS efi_dir_list(const char *dir, efi_dir_fn fn, void *ctx)
{
    EFI_FILE_HANDLE root, d;
    EFI_STATUS s = open_path(dir, &root, &d);
    if (EFI_ERROR(s))
        return s;
    size_t n = 0, cap = 0;
    dir_entry *list = NULL;
    UINTN bufsize = SIZE_OF_EFI_FILE_INFO + PATH_MAX_CHARS * sizeof(CHAR16);
    EFI_FILE_INFO *info = malloc(bufsize);
    for (;;) {
        UINTN size = bufsize;
        /* UEFI 2.10 13.5.4: Read on a directory returns one EFI_FILE_INFO
         * per call, size 0 at the end. */
        if (!info || EFI_ERROR(d->Read(d, &size, info)) || size == 0)
            break;
        if (info->Attribute & EFI_FILE_DIRECTORY)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            dir_entry *grown = realloc(list, cap * sizeof *list);
            if (!grown)
                break;
            list = grown;
        }
        size_t k = 0;
        for (; info->FileName[k] && k + 1 < PATH_MAX_CHARS; k++)
            list[n].name[k] = info->FileName[k] < 0x80 ? (char)info->FileName[k] : '?';
        list[n].name[k] = '\0';
        list[n++].size = info->FileSize;
    }
    free(info);
    d->Close(d);
    root->Close(root);
    if (list)
        qsort(list, n, sizeof *list, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[2 * PATH_MAX_CHARS + 2];
        snprintf(path, sizeof path, "%s\\%s", dir, list[i].name);
        fn(ctx, path, list[i].size);
    }
    free(list);
    return EFI_SUCCESS;
}

EFI_STATUS efi_file_write(const char *path, const void *data, uint64_t size,
                          char *why, size_t why_len)
{
    CHAR16 w[PATH_MAX_CHARS];
    EFI_FILE_HANDLE root, f;
    if (wide_path(path, w)) {
        snprintf(why, why_len, "%s", reason(EFI_INVALID_PARAMETER));
        return EFI_INVALID_PARAMETER;
    }
    EFI_STATUS s = open_root(&root);
    if (EFI_ERROR(s)) {
        snprintf(why, why_len, "no boot volume");
        return s;
    }
    /* UEFI 2.10 13.5.2: create (or open) read-write, then truncate by
     * deleting an old file first so a shorter capture leaves no tail. */
    s = root->Open(root, &f, w, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
    if (!EFI_ERROR(s))
        f->Delete(f);
    s = root->Open(root, &f, w, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
                    EFI_FILE_MODE_CREATE, 0);
    if (EFI_ERROR(s)) {
        root->Close(root);
        snprintf(why, why_len, "cannot create (%s)", reason(s));
        return s;
    }
    const uint8_t *p = data;
    for (uint64_t done = 0; done < size && !EFI_ERROR(s);) {
        UINTN n = size - done < READ_CHUNK ? (UINTN)(size - done) : READ_CHUNK;
        s = f->Write(f, &n, (void *)(uintptr_t)(p + done));
        done += n;
    }
    EFI_STATUS c = f->Close(f);   /* flushes (UEFI 2.10 13.5.3) */
    root->Close(root);
    if (EFI_ERROR(s) || EFI_ERROR(c))
        snprintf(why, why_len, "write failed (%s)", reason(EFI_ERROR(s) ? s : c));
    return EFI_ERROR(s) ? s : c;
}
