/* Test fixture for the paged formats: 64 frames of physical memory with a
 * small 4-level address space (PML4 0x1000, PDPT 0x2000, PD 0x3000, PT
 * 0x4000: VA 0x400000 + i*4K -> PA 0x10000 + i*4K for i < 8, VA 0x408000
 * -> 0x20000 (a frame the dump excludes), VA 0x409000 -> 0x30000 (a frame
 * absent from the dump)), written as a kdump file by images/kdump_writer.c
 * and opened with the host's decompressors. Expected values in the tests
 * are hand-written from this layout. */
#ifndef VTOP_TEST_KDUMP_FIXTURE_H
#define VTOP_TEST_KDUMP_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/formats/format.h"
#include "host/decompress.h"
#include "images/kdump_writer.h"

#define KF_FRAMES 64u
#define KF_MEM (KF_FRAMES * 4096u)

typedef struct kf_image {
    uint8_t mem[KF_MEM];
    uint8_t frame[KF_FRAMES];
    uint8_t *file;
    size_t len;
    vtop_run runs[8];
    vtop_image_info info;
    vtop_dump_store store;
    vtop_page_cache cache;
    uint8_t cache_data[16 * 4096];
    vtop_page_slot slots[16];
    vtop_page_slot buckets[16];
    vtop_flat_record flat[64];
    vtop_physmem mem_view;
    vtop_space space;
} kf_image;

static inline void kf_put64(uint8_t *m, uint64_t pa, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        m[pa + i] = (uint8_t)(v >> (8 * i));
}

/* The byte the fixture stores at physical address pa of a data page. */
static inline uint8_t kf_pattern(uint64_t pa)
{
    return (uint8_t)(pa * 131 + (pa >> 12) * 7 + 1);
}

static inline void kf_layout(kf_image *k)
{
    memset(k->mem, 0, sizeof k->mem);
    kf_put64(k->mem, 0x1000, 0x2000 | 7);
    kf_put64(k->mem, 0x2000, 0x3000 | 7);
    kf_put64(k->mem, 0x3000 + 2 * 8, 0x4000 | 7);
    for (uint64_t i = 0; i < 8; i++)
        kf_put64(k->mem, 0x4000 + i * 8, (0x10000 + i * 0x1000) | 3);
    kf_put64(k->mem, 0x4000 + 8 * 8, 0x20000 | 3);
    kf_put64(k->mem, 0x4000 + 9 * 8, 0x30000 | 3);
    for (uint64_t pa = 0x10000; pa < 0x18000; pa++)
        k->mem[pa] = kf_pattern(pa);
    memset(k->frame, KDW_DUMPED, sizeof k->frame);
    k->frame[0x20] = KDW_EXCLUDED;
    k->frame[0x30] = KDW_ABSENT;
}

/* Write the image with the given spec fields (mem/frame filled in). */
static inline int kf_write(kf_image *k, kdw_spec spec)
{
    spec.mem = k->mem;
    spec.frame = k->frame;
    spec.frames = KF_FRAMES;
    free(k->file);
    k->file = NULL;
    return kdw_write(&spec, &k->file, &k->len);
}

/* A fresh store bound to k's cache and flattened index, with the host's
 * decompressors when decompress. */
static inline void kf_store_reset(kf_image *k, bool decompress)
{
    memset(&k->store, 0, sizeof k->store);
    memset(k->slots, 0, sizeof k->slots);
    memset(k->buckets, 0, sizeof k->buckets);
    k->cache = (vtop_page_cache){k->cache_data, k->slots, k->buckets, 16, 0, 0, 0};
    k->store.cache = &k->cache;
    k->store.flat = k->flat;
    k->store.flat_cap = 64;
    if (decompress)
        vtop_host_decompressor(&k->store.decompress);
}

/* Open k->file[0..len) with a fresh store and cache. */
static inline vtop_status kf_open(kf_image *k, size_t len, bool decompress)
{
    kf_store_reset(k, decompress);
    vtop_image_request rq = {k->file, len, VTOP_FMT_AUTO, k->runs, 8, &k->store};
    vtop_status st = vtop_image_open_request(&rq, &k->info);
    k->mem_view = (vtop_physmem){k->runs, k->info.run_count, &k->store.source};
    return st;
}

static inline vtop_status kf_space(kf_image *k)
{
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true};
    return vtop_space_init(&k->space, &cfg, &k->mem_view);
}

#endif
