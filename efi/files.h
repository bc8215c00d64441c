/* vtop EFI app: files on the volume the app was loaded from, through
 * EFI_SIMPLE_FILE_SYSTEM_PROTOCOL and EFI_FILE_PROTOCOL (UEFI spec 2.10
 * sections 13.4, 13.5).
 *
 * A file is read whole into pages from AllocatePages (EfiLoaderData), so an
 * image up to the RAM QEMU was given can be opened as a read-only span; a
 * file that does not fit fails with a reason instead of a partial load.
 */
#ifndef VTOP_EFI_FILES_H
#define VTOP_EFI_FILES_H

#include <stddef.h>
#include <stdint.h>

#include <efi.h>

typedef struct efi_file_data {
    uint8_t *data;                  /* page-aligned, identity mapped */
    uint64_t size;
    EFI_PHYSICAL_ADDRESS pages_at;
    UINTN pages;
} efi_file_data;

/* Read path ('/' or '\\' separators; relative to the volume root). Returns
 * EFI_SUCCESS, or an error with a short reason in why. */
EFI_STATUS efi_file_read(const char *path, efi_file_data *out, char *why,
                         size_t why_len);
void efi_file_release(efi_file_data *f);

/* Call fn for every regular file in directory dir (sorted by name), with
 * the path "dir\\name". Returns EFI_NOT_FOUND when dir does not exist. */
typedef void (*efi_dir_fn)(void *ctx, const char *path, uint64_t size);
EFI_STATUS efi_dir_list(const char *dir, efi_dir_fn fn, void *ctx);

/* Write size bytes to path (created or replaced). Returns EFI_SUCCESS, or
 * an error with a short reason in why. */
EFI_STATUS efi_file_write(const char *path, const void *data, uint64_t size,
                          char *why, size_t why_len);

/* True when path exists as a regular file. */
int efi_file_exists(const char *path);

#endif
