/* Hostile page tables: the fixture shared by hostile_test.c (the walker)
 * and hostile_enum_test.c (whole-space walks). Each image is a heap buffer
 * of exactly its size, so ASan (these binaries are built with ASan+UBSan)
 * flags any byte read past either end.
 */
#ifndef VTOP_TEST_HOSTILE_FIXTURE_H
#define VTOP_TEST_HOSTILE_FIXTURE_H

#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/enum.h"
#include "core/paging.h"
#include "core/physmem.h"
#include "core/ptov.h"
#include "core/status.h"

#define PAGE 4096u
#define P_RW_US (PTE_P | PTE_RW | PTE_US)

typedef struct image {
    uint8_t *bytes;
    uint64_t size;
    vtop_run run;
    vtop_physmem mem;
} image;

static inline void image_new(image *im, uint64_t size, uint64_t phys)
{
    im->bytes = calloc(1, size);
    assert_non_null(im->bytes);
    im->size = size;
    im->run = (vtop_run){phys, size, 0, im->bytes};
    im->mem = (vtop_physmem){&im->run, 1, NULL};
}

static inline void image_free(image *im)
{
    free(im->bytes);
}

static inline void put(image *im, uint64_t off, uint64_t v, unsigned esize)
{
    assert_true(off + esize <= im->size);
    for (unsigned i = 0; i < esize; i++) {
        im->bytes[off + i] = (uint8_t)(v >> (8 * i));
    }
}

/* Fill a table at offset off with `count` entries of value v. */
static inline void fill(image *im, uint64_t off, uint64_t v, unsigned count, unsigned esize)
{
    for (unsigned i = 0; i < count; i++) {
        put(im, off + (uint64_t)i * esize, v, esize);
    }
}

static inline void space(vtop_space *s, const image *im, vtop_mode mode, uint64_t cr3)
{
    vtop_space_config cfg = {.mode = mode, .cr3 = cr3, .nxe = true, .maxphyaddr = 52, .pa_extra_mask = 0, .windows_pte = false};
    assert_int_equal(vtop_space_init(s, &cfg, &im->mem), VTOP_OK);
}

/* A hang guard, not a speed test (speed is `make bench`'s): a monotonic
 * clock that cannot step, and a limit far above any sane walk even under
 * ASan on a loaded machine. */
#define HANG_LIMIT_NS 60000000000ull

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Fails with "timeout" when the walk started at t0 hung. */
#define HANG_GUARD(t0)                                                        \
    do {                                                                      \
        if (now_ns() - (t0) >= HANG_LIMIT_NS)                                 \
            fail_msg("timeout: a hostile walk ran over %llu s",               \
                     (unsigned long long)(HANG_LIMIT_NS / 1000000000ull));    \
    } while (0)


#endif
