/* vtop core: physical memory as an interface.
 *
 * The walker never touches memory directly: it asks a vtop_physmem for bytes
 * at a physical address. A physmem is a sorted, non-overlapping list of runs,
 * each mapping [phys, phys+len) to bytes the caller can address (an mmap of
 * an image, a buffer loaded by UEFI, or identity-mapped live RAM, where
 * data == (const uint8_t *)phys). Lookup is a binary search (O(log n)).
 * An address outside every run is VTOP_PAGE_NOT_IN_IMAGE, never a zero.
 *
 * Two kinds of run: a direct run has data (the hot path is a pointer add);
 * a run with data NULL is either absent (a truncated image: its bytes are
 * past the end of the file, so every reader answers "not in image") or,
 * when the physmem has a page source, made of pages the source fetches on
 * demand (compressed kdump pages) into a caller-owned page cache.
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

#define VTOP_PAGE_SIZE 4096u

/* One cached page: tag = page address | 1 while valid. page points into
 * the cache's own bytes or, for a page stored uncompressed, into the
 * image itself. */
typedef struct vtop_page_slot {
    uint64_t tag;
    const uint8_t *page;
} vtop_page_slot;

/* A caller-owned page cache: nslots (a power of two, >= 8) slots of
 * VTOP_PAGE_SIZE bytes each in data. Lookup is one load (the page number
 * hashed to a bucket holding its tag and bytes), replacement is FIFO over
 * the slots, so a pointer the source returned stays valid for the next
 * nslots - 1 fetches: a walk of 5 levels never loses a table it still
 * holds. Source runs are whole pages (kdump frames). */
typedef struct vtop_page_cache {
    uint8_t *data;          /* nslots * VTOP_PAGE_SIZE bytes */
    vtop_page_slot *slots;  /* nslots, zeroed: what each FIFO slot holds */
    vtop_page_slot *buckets; /* nslots, zeroed: the lookup table */
    size_t nslots;
    size_t hand;            /* next slot to replace */
    uint64_t hits, misses;
} vtop_page_cache;

/* Where pages of source runs come from. fetch gets a page-aligned pa and a
 * slot of VTOP_PAGE_SIZE bytes; it sets *page to the page's bytes (slot
 * after filling it, or a pointer into the image) and returns VTOP_OK,
 * VTOP_PAGE_EXCLUDED (the dump tool left the page out),
 * VTOP_PAGE_NOT_IN_IMAGE (its data is past the end of the file),
 * VTOP_FORMAT_CORRUPT (bad page data) or VTOP_FORMAT_UNSUPPORTED (a
 * compression this build cannot decompress). probe answers the same
 * question without reading the page (may be NULL: then fetch is used). */
typedef struct vtop_page_source {
    vtop_status (*fetch)(void *ctx, uint64_t pa, uint8_t *slot,
                         const uint8_t **page);
    vtop_status (*probe)(void *ctx, uint64_t pa);
    void *ctx;
    vtop_page_cache *cache;
} vtop_page_source;

typedef struct vtop_physmem {
    const vtop_run *runs; /* sorted by phys, non-overlapping */
    size_t count;
    /* Pages of runs whose data is NULL, or NULL: such runs are absent. */
    const vtop_page_source *source;
} vtop_physmem;

/* The largest directly addressable piece of memory holding pa: the whole
 * run for a direct run, the page for a source run. */
typedef struct vtop_window {
    uint64_t phys, len;
    const uint8_t *data;
} vtop_window;

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

/* Fill *w with the window holding pa. Returns VTOP_OK,
 * VTOP_PAGE_NOT_IN_IMAGE (a hole or an absent run) or a status of the
 * page source's fetch (VTOP_PAGE_EXCLUDED, ...). */
vtop_status vtop_physmem_window(const vtop_physmem *mem, uint64_t pa,
                                vtop_window *w);

/* The cached bytes of the page holding pa, or NULL: the walker's fast path
 * for source runs (one hash and one load; a miss goes through
 * vtop_physmem_window). Counts a hit. */
static inline const uint8_t *vtop_physmem_cached(const vtop_physmem *mem,
                                                 uint64_t pa)
{
    const vtop_page_source *src = mem->source;
    vtop_page_cache *c = src ? src->cache : NULL;
    if (!c || !c->buckets || !c->nslots)
        return NULL;
    uint64_t page = pa & ~(uint64_t)(VTOP_PAGE_SIZE - 1);
    /* Fibonacci hashing of the page number (Knuth TAOCP 6.4): neighbouring
     * pages land in different buckets. */
    size_t b = (size_t)(((page >> 12) * 0x9E3779B97F4A7C15ull) >> 32) &
               (c->nslots - 1);
    if (c->buckets[b].tag != (page | 1))
        return NULL;
    c->hits++;
    return c->buckets[b].page;
}

/* Whether the byte at pa can be read: VTOP_OK, VTOP_PAGE_NOT_IN_IMAGE,
 * VTOP_PAGE_EXCLUDED, ... (as vtop_physmem_window, without copying a
 * compressed page when the source can probe). */
vtop_status vtop_physmem_probe(const vtop_physmem *mem, uint64_t pa);

/* Pointer to len contiguous bytes at pa, or NULL when [pa, pa+len) is not
 * entirely inside one window. len must be > 0. A pointer into a source
 * run's page stays valid for the page cache's nslots - 1 next fetches. */
const uint8_t *vtop_physmem_span(const vtop_physmem *mem, uint64_t pa,
                                 uint64_t len);

/* Copy up to len bytes from pa, crossing runs; stops at the first hole.
 * *done receives the count copied. Returns VTOP_OK when all were copied,
 * VTOP_PARTIAL_READ when some were, else why none was
 * (VTOP_PAGE_NOT_IN_IMAGE, VTOP_PAGE_EXCLUDED, ...). */
vtop_status vtop_physmem_read(const vtop_physmem *mem, uint64_t pa, void *out,
                              size_t len, size_t *done);

/* Sum of run lengths (absent and source runs included). */
uint64_t vtop_physmem_total(const vtop_physmem *mem);

#endif
