/* vtop host CLI: images mapped from files, and their holes (see image.h).
 *
 * The image is mmap'ed read-only (no copy: opening a 300 MB dump costs
 * microseconds). The file stays open while mapped so that a scan can ask
 * the file system where its data lies: a sparse 1 TiB raw file holding a
 * guest's few hundred MiB is mostly holes, and reading them through the
 * mapping would fault in (and keep resident) a zero page for each.
 */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE (lseek(2)), MADV_DONTNEED */

#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct host_image {
    uint8_t *map;
    size_t size;
    int fd;
} host_image;

static const uint8_t empty_image[1];

/* Why a file that opened cannot be an image, or NULL. */
static const char *not_regular(const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        return NULL;
    return S_ISFIFO(st->st_mode) ? "FIFO" : S_ISDIR(st->st_mode) ? "directory"
           : S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? "device"
           : "special file";
}

int host_load(void *ctx, const char *name, vtop_loaded *out, char *why,
              size_t why_len)
{
    (void)ctx;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is then
     * refused below, before any read could block. */
    int fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    const char *kind = not_regular(&st);
    host_image *im = kind ? NULL : calloc(1, sizeof *im);
    if (!im) {
        snprintf(why, why_len, kind ? "needs a regular file (this is a %s)"
                 : "out of memory", kind);
        close(fd);
        return -1;
    }
    *im = (host_image){NULL, (size_t)st.st_size, fd};
    out->size = (uint64_t)st.st_size;
    out->base = empty_image;
    out->handle = im;
    if (st.st_size > 0) {
        void *p = mmap(NULL, im->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            snprintf(why, why_len, "cannot map: %s", strerror(errno));
            close(fd);
            free(im);
            out->handle = NULL;
            return -1;
        }
        im->map = p;
        out->base = p;
    }
    /* fd stays open in im (scans ask it for holes); host_unload closes it */
    // cppcheck-suppress resourceLeak
    return 0;
}

void host_unload(void *ctx, vtop_loaded *loaded)
{
    (void)ctx;
    host_image *im = loaded->handle;
    if (im) {
        if (im->map)
            munmap(im->map, im->size);
        close(im->fd);
        free(im);
    }
    loaded->handle = NULL;
    loaded->base = NULL;
}

/* The stretch from p: data up to the next hole, or a hole up to the next
 * data (lseek(2) SEEK_DATA / SEEK_HOLE; a file system without them
 * reports the whole file as data, which is still right). */
static uint64_t image_extent(void *ctx, const uint8_t *p, uint64_t len,
                             bool *hole)
{
    const host_image *im = ctx;
    *hole = false;
    if (!im->map || p < im->map || p >= im->map + im->size)
        return len;
    off_t off = (off_t)(p - im->map);
    off_t data = lseek(im->fd, off, SEEK_DATA);
    if (data < 0 && errno == ENXIO) {   /* no data from off to the end */
        *hole = true;
        return len;
    }
    if (data < 0)
        return len;
    if (data > off) {
        *hole = true;
        return (uint64_t)(data - off) < len ? (uint64_t)(data - off) : len;
    }
    off_t end = lseek(im->fd, off, SEEK_HOLE);
    if (end <= off)
        return len;
    return (uint64_t)(end - off) < len ? (uint64_t)(end - off) : len;
}

/* Drop the scanned pages from this process's mapping: the file's pages
 * stay in the page cache, so resident memory stays one chunk however
 * large the image (Linux madvise(2): for a private file mapping, the
 * next access reads the file again). */
static void image_release(void *ctx, const uint8_t *p, uint64_t len)
{
    const host_image *im = ctx;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)p + len) & ~(page - 1);
    if (im->map && p >= im->map && p + len <= im->map + im->size && hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void host_image_hooks(void *ctx, const vtop_loaded *l, vtop_scan_hooks *h)
{
    (void)ctx;
    if (!l->handle)
        return;
    h->extent = image_extent;
    h->release = image_release;
    h->ctx = l->handle;
}
