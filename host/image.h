/* vtop host CLI: images opened from files (mmap) and what whole-image
 * scans learn from the file: its holes (lseek SEEK_DATA / SEEK_HOLE,
 * POSIX.1-2024 lseek) and when its bytes may leave memory (madvise
 * MADV_DONTNEED, Linux madvise(2)). */
#ifndef VTOP_HOST_IMAGE_H
#define VTOP_HOST_IMAGE_H

#include "cmd/scan.h"
#include "cmd/session.h"

/* The platform loader: map name read-only (regular files only). */
int host_load(void *ctx, const char *name, vtop_loaded *out, char *why,
              size_t why_len);
void host_unload(void *ctx, vtop_loaded *loaded);

/* Scan hooks over an image host_load returned. */
void host_image_hooks(void *ctx, const vtop_loaded *l, vtop_scan_hooks *h);

#endif
