/* vtop core: an optional translation cache (a software TLB).
 *
 * Caller-owned: the caller passes an array of entries; nothing is
 * allocated. Entries are keyed by (root, virtual page) and are page-size
 * aware: a 2M leaf is cached once and serves every VA inside it. Only
 * successful translations are cached; a lookup that misses walks with
 * vtop_translate and fills. A hit returns the very record the walk would
 * have returned (same levels[], rights, flags; va and pa adjusted for the
 * offset inside the page), so results with and without the cache are
 * identical.
 *
 * One cache serves one space configuration per root (mode, NXE,
 * MAXPHYADDR, masks): after changing any of those, or after writing to
 * page tables, invalidate (SDM Vol. 3A 4.10.4 has the same rule for the
 * hardware TLB).
 */
#ifndef VTOP_CACHE_H
#define VTOP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paging.h"
#include "status.h"

/* 64-byte aligned so that everything a hit compares and returns without
 * the record (root, va_base, size, pa_base, rights) sits in one cache line. */
typedef struct vtop_cache_entry {
    _Alignas(64) uint64_t root; /* space->root the entry belongs to */
    uint64_t va_base;     /* canonical VA of the page */
    uint64_t size;        /* page size; 0 = empty slot */
    uint64_t pa_base;     /* record.pa (physical base of the page) */
    uint8_t rights;       /* record.rights */
    vtop_translation record; /* the walk's record for va_base */
} vtop_cache_entry;

typedef struct vtop_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t fills;
    uint64_t evictions;      /* a valid entry replaced by a fill */
    uint64_t invalidations;  /* entries dropped by vtop_cache_invalidate_* */
} vtop_cache_stats;

typedef struct vtop_cache {
    vtop_cache_entry *entries;
    size_t capacity;
    vtop_cache_stats stats;
    /* Set by vtop_cache_init: the entries are used as sets of `ways`
     * consecutive slots (1, 2 or 4), set_mask + 1 sets (a power of two,
     * so a set is picked with a mask, not a division); slots past
     * (set_mask + 1) * ways stay empty. */
    size_t set_mask;
    unsigned ways;
} vtop_cache;

/* capacity must be > 0. Returns VTOP_OK or VTOP_BAD_ARGUMENT. */
vtop_status vtop_cache_init(vtop_cache *cache, vtop_cache_entry *entries,
                            size_t capacity);

/* vtop_translate through the cache (cache may be NULL: plain translate).
 * Same contract as vtop_translate. */
vtop_status vtop_translate_cached(const vtop_space *space, vtop_cache *cache,
                                  uint64_t va, vtop_translation *out);

/* The hit path without the record copy: same lookup, statistics, fills and
 * status as vtop_translate_cached, but on VTOP_OK only sets *pa, *page_size
 * and *rights (VTOP_RIGHT_*; any of the three may be NULL). For callers
 * that only need the address (reads, benchmarks). */
vtop_status vtop_cache_translate_pa(const vtop_space *space, vtop_cache *cache,
                                    uint64_t va, uint64_t *pa,
                                    uint64_t *page_size, unsigned *rights);

/* Drop entries: all, those of one root, those of one root overlapping
 * [va_start, va_end] (inclusive, canonical). Return the count dropped. */
size_t vtop_cache_invalidate_all(vtop_cache *cache);
size_t vtop_cache_invalidate_root(vtop_cache *cache, uint64_t root);
size_t vtop_cache_invalidate_range(vtop_cache *cache, uint64_t root,
                                   uint64_t va_start, uint64_t va_end);

#endif
