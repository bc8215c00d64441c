/* vtop images: a writer of kdump-compressed and flattened files, for the
 * synthetic test images and for converting raw captures (gen_kdump.c,
 * tests/unit/kdump_test.c). Layout as makedumpfile's IMPLEMENTATION
 * document and QEMU include/sysemu/dump.h describe it; pages compressed
 * one by one with Debian's zlib, liblzo2, libsnappy and libzstd. */
#ifndef VTOP_IMAGES_KDUMP_WRITER_H
#define VTOP_IMAGES_KDUMP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Per-page compression: KDW_MIXED cycles none, zlib, lzo, snappy, zstd. */
typedef enum kdw_comp {
    KDW_NONE, KDW_ZLIB, KDW_LZO, KDW_SNAPPY, KDW_ZSTD, KDW_MIXED
} kdw_comp;

/* Per frame: absent (not in the 1st bitmap), dumped, or excluded (in the
 * 1st bitmap only, as makedumpfile -d leaves it). */
enum { KDW_ABSENT = 0, KDW_DUMPED = 1, KDW_EXCLUDED = 2 };

typedef struct kdw_spec {
    const uint8_t *mem;        /* frames * block bytes of physical memory */
    const uint8_t *frame;      /* frames entries: KDW_ABSENT/DUMPED/EXCLUDED */
    uint64_t frames;
    kdw_comp comp;
    bool narrow;               /* 32-bit header form (QEMU, i386 guests) */
    bool flatten;              /* makedumpfile -F flattened output */
    uint64_t phys_base;        /* the sub-header's */
    uint32_t dump_level;
    const char *vmcoreinfo;    /* text, or NULL */
    const uint8_t *notes;      /* ELF notes, or NULL */
    size_t notes_len;
    const char *release;       /* utsname.release, or NULL */
    uint32_t block_size;       /* bytes per frame: 0 (4096), 16384 or 65536
                                  (arm64; QEMU writes 65536 for aarch64) */
    const char *machine;       /* utsname.machine ("aarch64"), or NULL:
                                  "i686" when narrow, else "x86_64" */
} kdw_spec;

/* Write the file into a malloc'ed buffer (*out, *len). Returns 0, or -1
 * when out of memory or a compressor fails. */
int kdw_write(const kdw_spec *spec, uint8_t **out, size_t *len);

#endif
