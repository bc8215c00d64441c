/* vtop core: physical memory as an interface.
 *
 * The walker never touches memory directly: it asks a vtop_physmem for bytes
 * at a physical address. A physmem is a sorted, non-overlapping list of runs,
 * each mapping [phys, phys+len) to bytes the caller can address (an mmap of
 * an image, a buffer loaded by UEFI, or identity-mapped live RAM, where
 * data == (const uint8_t *)phys). Lookup is a binary search (O(log n)).
 * An address outside every run is VTOP_PAGE_NOT_IN_IMAGE, never a zero.
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef VTOP_PHYSMEM_H
#define VTOP_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct vtop_run {
    uint64_t phys;        /* first physical address of the run */
    uint64_t len;         /* bytes in the run, > 0 */
    uint64_t file_offset; /* where the run's bytes start in the image file */
    const uint8_t *data;  /* the run's bytes in our address space (may be set
                             later by vtop_physmem_bind) */
} vtop_run;

typedef struct vtop_physmem {
    const vtop_run *runs; /* sorted by phys, non-overlapping */
    size_t count;
} vtop_physmem;

/* Set each run's data = base + file_offset (the image mapped at base),
 * after checking file_offset + len <= size for every run.
 * Returns VTOP_OK, VTOP_FORMAT_TRUNCATED, VTOP_BAD_ARGUMENT. */
vtop_status vtop_physmem_bind(vtop_run *runs, size_t count,
                              const uint8_t *base, uint64_t size);

/* Check runs are sorted, non-empty and non-overlapping, without wrap-around.
 * Returns VTOP_OK or VTOP_FORMAT_CORRUPT. */
vtop_status vtop_physmem_validate(const vtop_run *runs, size_t count);

/* Index of the run holding pa, or -1. */
ptrdiff_t vtop_physmem_find(const vtop_physmem *mem, uint64_t pa);

/* Pointer to len contiguous bytes at pa, or NULL when [pa, pa+len) is not
 * entirely inside one run. len must be > 0. */
const uint8_t *vtop_physmem_span(const vtop_physmem *mem, uint64_t pa,
                                 uint64_t len);

/* Copy up to len bytes from pa, crossing runs; stops at the first hole.
 * *done receives the count copied. Returns VTOP_OK when all were copied,
 * VTOP_PAGE_NOT_IN_IMAGE when none, VTOP_PARTIAL_READ otherwise. */
vtop_status vtop_physmem_read(const vtop_physmem *mem, uint64_t pa, void *out,
                              size_t len, size_t *done);

/* Sum of run lengths. */
uint64_t vtop_physmem_total(const vtop_physmem *mem);

#endif
