/* vtop benchmarks: shared declarations.
 * Host-only code (POSIX, libc); measures libvtop against the memory
 * system's limit in the same run. */
#ifndef VTOP_BENCH_H
#define VTOP_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/paging.h"
#include "core/physmem.h"

/* A loaded image: bytes mapped, runs, a ready space. */
typedef struct bench_image {
    char name[64];           /* "amd64-4level elf", "synthetic 4level" */
    char path[512];          /* the file ("" for synthetic tables) */
    const uint8_t *base;     /* mapping of the file (or the synthetic buffer) */
    uint64_t size;
    vtop_run runs[64];
    size_t run_count;
    vtop_space space;
    /* Flat view for the minimal walk: pa -> flat + pa for pa < flat_size
     * (a raw dump, a single run at 0, or the synthetic buffer). */
    const uint8_t *flat;
    uint64_t flat_size;
} bench_image;

/* Leaves found by the minimal enumeration (va, size), growable. */
typedef struct bench_leaf_list {
    uint64_t *va, *size;
    size_t n, cap;
} bench_leaf_list;

/* Time source and statistics. */
double bench_now_ns(void);
typedef struct bench_stat {
    double median, min, max; /* of the per-rep figure */
    int reps;
} bench_stat;
bench_stat bench_stats(double *v, int n);

/* Random numbers (xorshift64*): deterministic per seed. */
uint64_t bench_rand(uint64_t *state);

/* The minimal unchecked walk: only P and PS, flat memory, no record.
 * Returns the physical address or ~0 when not mapped. */
uint64_t bench_min_walk(const bench_image *im, uint64_t va);
/* The same walk writing every field of the record (status VTOP_OK on a
 * leaf, VTOP_NOT_PRESENT otherwise): the cost of the record's stores. */
void bench_min_walk_record(const bench_image *im, uint64_t va, vtop_translation *out);

/* Minimal enumeration (P and PS only): calls fn for each leaf (va, size);
 * returns the number of leaves; *tables receives the table pages visited
 * (up to cap of them in table_pas, for the pointer-chase footprint). */
typedef void (*bench_leaf_fn)(void *ctx, uint64_t va, uint64_t size);
uint64_t bench_min_enum(const bench_image *im, bench_leaf_fn fn, void *ctx,
                        uint64_t *table_pas, size_t cap, size_t *tables);

/* Synthetic spaces: 4- or 5-level tables in a malloc'd buffer with `leaves`
 * 4K leaves spread over kernel-like regions plus a few 2M pages. */
int bench_synthetic(bench_image *im, int levels, uint64_t leaves);

/* Pointer chase: ns per dependent 8-byte load over a footprint of `bytes`
 * (random cyclic order, one slot per 64-byte line). */
double bench_chase_ns(uint64_t bytes, uint64_t loads, uint64_t seed);

/* Images (bench_image.c). */
int bench_image_load(bench_image *im, const char *path, const char *name);
int bench_image_load_raw(bench_image *im, const char *path, const char *name,
                         const bench_image *like);
double bench_open_us(const char *path, int *ok);

#endif
