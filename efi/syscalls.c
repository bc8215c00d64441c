/* vtop EFI app: the system layer newlib calls (docs/efi-toolchain.md).
 *
 * newlib for x86_64-elf is built with MISSING_SYSCALL_NAMES, so it calls
 * these plain names. stdin/stdout/stderr are the serial console (console.h);
 * the heap is one arena of pages from AllocatePages, sized from the memory
 * map at start-up (efi_heap_init); everything else fails with a clean errno.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>

#include "console.h"
#include "cpu.h"
#include "efi_env.h"
#include "heap.h"
#include "power.h"

#undef errno
extern int errno;

/* Prototypes with newlib's signatures (its headers hide some in C11). */
void *sbrk(ptrdiff_t incr);
int write(int fd, const void *buf, size_t n);
int read(int fd, void *buf, size_t n);
int close(int fd);
int fstat(int fd, struct stat *st);
int isatty(int fd);
off_t lseek(int fd, off_t off, int whence);
int open(const char *path, int flags, ...);
int kill(int pid, int sig);
int getpid(void);
void _exit(int status);
int gettimeofday(struct timeval *tv, void *tz);
clock_t times(struct tms *buf);
int link(const char *old, const char *new_path);
int unlink(const char *path);

static struct {
    EFI_PHYSICAL_ADDRESS base;
    UINTN pages;
    size_t used;
} g_heap;

size_t efi_heap_pick_size(void)
{
    /* Largest free block / 4, within [1 MiB, 64 MiB]: a fixed 64 MiB failed
     * with -m 128M (docs/efi-toolchain.md), and images get their own pages. */
    UINTN size = 0, key, dsize;
    UINT32 dver;
    EFI_MEMORY_DESCRIPTOR *map = NULL;
    uint64_t largest = 0;
    EFI_STATUS s = g_efi.bs->GetMemoryMap(&size, NULL, &key, &dsize, &dver);
    if (s == EFI_BUFFER_TOO_SMALL) {
        size += 8 * sizeof(EFI_MEMORY_DESCRIPTOR);
        if (g_efi.bs->AllocatePool(EfiLoaderData, size, (void **)&map) == EFI_SUCCESS) {
            if (g_efi.bs->GetMemoryMap(&size, map, &key, &dsize, &dver) == EFI_SUCCESS) {
                for (UINTN off = 0; off + dsize <= size; off += dsize) {
                    const EFI_MEMORY_DESCRIPTOR *d = (const void *)((uint8_t *)map + off);
                    if (d->Type == EfiConventionalMemory && d->NumberOfPages * 4096 > largest)
                        largest = d->NumberOfPages * 4096;
                }
            }
            g_efi.bs->FreePool(map);
        }
    }
    uint64_t want = largest / 4;
    if (want > (64u << 20))
        want = 64u << 20;
    if (want < (1u << 20))
        want = 1u << 20;
    return (size_t)want;
}

EFI_STATUS efi_heap_init(size_t bytes)
{
    if (g_heap.pages)
        return EFI_SUCCESS;
    UINTN pages = (bytes + 4095) / 4096;
    EFI_PHYSICAL_ADDRESS base = 0;
    EFI_STATUS s = g_efi.bs->AllocatePages(AllocateAnyPages, EfiLoaderData,
                                           pages, &base);
    if (EFI_ERROR(s))
        return s;
    g_heap.base = base;
    g_heap.pages = pages;
    g_heap.used = 0;
    return EFI_SUCCESS;
}

void efi_heap_release(void)
{
    if (g_heap.pages)
        g_efi.bs->FreePages(g_heap.base, g_heap.pages);
    g_heap.pages = 0;
    g_heap.used = 0;
}

size_t efi_heap_size(void) { return g_heap.pages * 4096; }
size_t efi_heap_used(void) { return g_heap.used; }

void *sbrk(ptrdiff_t incr)
{
    size_t cap = g_heap.pages * 4096;
    if ((incr > 0 && (size_t)incr > cap - g_heap.used) ||
        (incr < 0 && (size_t)-incr > g_heap.used)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    void *old = (void *)(uintptr_t)(g_heap.base + g_heap.used);
    g_heap.used += (size_t)incr;
    return old;
}

int write(int fd, const void *buf, size_t n)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    console_write(buf, n);
    return (int)n;
}

/* One byte per call is enough for newlib's stdio; the prompt (shell.c)
 * reads keys itself for line editing. */
int read(int fd, void *buf, size_t n)
{
    if (fd != 0) {
        errno = EBADF;
        return -1;
    }
    if (n == 0)
        return 0;
    int c = console_getc();
    if (c < 0)
        return 0;  /* no input device: end of file */
    *(char *)buf = c == '\r' ? '\n' : (char)c;
    return 1;
}

int close(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 0;
    errno = EBADF;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    /* A character device: newlib then line-buffers stdout. */
    st->st_mode = S_IFCHR;
    st->st_blksize = 0;
    return 0;
}

int isatty(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1;
    errno = EBADF;
    return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
    (void)fd, (void)off, (void)whence;
    errno = ESPIPE;
    return -1;
}

int open(const char *path, int flags, ...)
{
    (void)path, (void)flags;
    errno = ENOSYS;  /* files come through efi/loader.c, not stdio */
    return -1;
}

int kill(int pid, int sig)
{
    (void)pid, (void)sig;
    errno = EINVAL;
    return -1;
}

int getpid(void) { return 1; }

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    EFI_TIME t;
    if (!tv || !g_efi.rt || EFI_ERROR(g_efi.rt->GetTime(&t, NULL))) {
        errno = EINVAL;
        return -1;
    }
    /* Seconds of the day are enough for elapsed-time measurements. */
    tv->tv_sec = (time_t)t.Hour * 3600 + (time_t)t.Minute * 60 + t.Second;
    tv->tv_usec = (suseconds_t)(t.Nanosecond / 1000);
    return 0;
}

clock_t times(struct tms *buf)
{
    (void)buf;
    errno = ENOSYS;
    return (clock_t)-1;
}

int link(const char *old, const char *new_path)
{
    (void)old, (void)new_path;
    errno = ENOSYS;
    return -1;
}

int unlink(const char *path)
{
    (void)path;
    errno = ENOSYS;
    return -1;
}

/* abort() and exit() end here: report through the harness channel when the
 * app was asked to, else stop the machine rather than return into a stack
 * frame that no longer exists. */
void _exit(int status)
{
    efi_power_exit(status == 0 ? 0 : 1, true);
    for (;;)
        cpu_halt();
}
