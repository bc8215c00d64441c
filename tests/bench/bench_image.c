/* Loading the benchmark images: real guests captured by images/guests
 * (build/guests/<mode>/guest.{raw,elf,lime}) through the format API, and
 * timing how long opening each format takes. Host code. */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core/formats/format.h"

/* Thread CPU time: on a shared, overloaded machine (2 cores, ~7 users)
 * wall time mostly measures the scheduler; CPU time excludes preemption. */
double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bench_stat bench_stats(double *v, int n)
{
    bench_stat s = {0, 0, 0, n};
    if (n <= 0)
        return s;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    s.min = v[0];
    s.max = v[n - 1];
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return s;
}

static const uint8_t *map_file(const char *path, uint64_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    *size = (uint64_t)st.st_size;
    return p;
}

/* Map and open path; 0 on success. The flat view is set for raw images
 * and for images whose only run starts at physical 0. */
int bench_image_load(bench_image *im, const char *path, const char *name)
{
    memset(im, 0, sizeof *im);
    snprintf(im->name, sizeof im->name, "%s", name);
    im->base = map_file(path, &im->size);
    if (!im->base)
        return -1;
    vtop_image_info *info = calloc(1, sizeof *info);
    vtop_space_config cfg;
    int rc = -1;
    if (info &&
        vtop_image_open(im->base, im->size, VTOP_FMT_AUTO, im->runs, 64, info) == VTOP_OK &&
        vtop_image_space_config(info, 0, &cfg) == VTOP_OK) {
        im->run_count = info->run_count;
        vtop_physmem pm = {im->runs, im->run_count, NULL};
        if (vtop_space_init(&im->space, &cfg, &pm) == VTOP_OK)
            rc = 0;
        if (im->run_count == 1 && im->runs[0].phys == 0) {
            im->flat = im->runs[0].data;
            im->flat_size = im->runs[0].len;
        }
    }
    free(info);
    return rc;
}

/* A raw image carries no CR3: borrow it (and the mode) from the ELF. */
int bench_image_load_raw(bench_image *im, const char *path, const char *name,
                         const bench_image *like)
{
    memset(im, 0, sizeof *im);
    snprintf(im->name, sizeof im->name, "%s", name);
    im->base = map_file(path, &im->size);
    if (!im->base)
        return -1;
    im->runs[0] = (vtop_run){0, im->size, 0, im->base};
    im->run_count = 1;
    im->flat = im->base;
    im->flat_size = im->size;
    vtop_physmem pm = {im->runs, 1, NULL};
    return vtop_space_init(&im->space, &like->space.cfg, &pm) == VTOP_OK ? 0 : -1;
}

/* µs to map + open (detect, run list, CPU state) + unmap one file. */
double bench_open_us(const char *path, int *ok)
{
    double t0 = bench_now_ns();
    uint64_t size = 0;
    const uint8_t *p = map_file(path, &size);
    *ok = 0;
    if (!p)
        return -1;
    static vtop_run runs[4096];
    static vtop_image_info info;
    *ok = vtop_image_open(p, size, VTOP_FMT_AUTO, runs, 4096, &info) == VTOP_OK;
    munmap((void *)p, size);
    return (bench_now_ns() - t0) / 1000.0;
}
