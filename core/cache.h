/* vtop core: an optional translation cache (a software TLB).
 *
 * Caller-owned: the caller passes two parallel arrays, the tags (what a
 * lookup compares) and the records (what vtop_translate_cached returns on a
 * hit); nothing is allocated. Keeping the tags apart makes a probe touch
 * one cache line (a set of four 16-byte tags) and gives the record-free
 * hit path (vtop_cache_translate_pa) no record to touch at all.
 *
 * Entries are keyed by (root, virtual page) and are page-size aware: a 2M
 * leaf is cached once and serves every VA inside it. Only successful
 * translations are cached; a lookup that misses walks with vtop_translate
 * and fills. A hit returns the very record the walk would have returned
 * (same levels[], rights, flags; va and pa adjusted for the offset inside
 * the page), so results with and without the cache are identical.
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

/* One slot's tag. key = page base | root slot << 3 | size class << 1 | 1
 * (0 = empty; a page base has its low 12 bits clear, so the flags fit
 * below it); val = physical page base | VTOP_RIGHT_* of the page | the
 * leaf's size class << 3 | VTOP_CACHE_VAL_DERIVED | VTOP_CACHE_VAL_VALID
 * (never 0: the record-free hit ORs the values of the matching ways, and
 * a page at physical 0 with no rights would otherwise read as no match).
 *
 * A derived tag is the 4K piece of a large leaf (2M, 4M, 1G) that a
 * lookup used: key of class 4K, val the piece's physical base and the
 * leaf's class. The inline hit path then probes one 4K set whatever the
 * page size (a guest's direct map is mostly 2M pages), and an
 * invalidation overlapping the leaf drops its pieces with it. */
typedef struct vtop_cache_tag {
    uint64_t key;
    uint64_t val;
} vtop_cache_tag;

#define VTOP_CACHE_WAYS 4   /* tags per set: 4 x 16 bytes = one 64-byte line */
#define VTOP_CACHE_ROOTS 16 /* roots cached at once (a key holds 4 bits) */
#define VTOP_CACHE_NO_ROOT (~0ull) /* never a root: roots are aligned */
#define VTOP_CACHE_KEY_VALID 1ull
#define VTOP_CACHE_KEY_FLAGS 0xfffull /* below the page base */
#define VTOP_CACHE_VAL_RIGHTS 7ull
#define VTOP_CACHE_VAL_CLASS_SHIFT 3
#define VTOP_CACHE_VAL_DERIVED (1ull << 5)
#define VTOP_CACHE_VAL_VALID (1ull << 6)

/* log2 of the page size of a size class: 4K, 2M, 4M, 1G (SDM Vol. 3A
 * 4.3-4.5), packed one byte per class. */
static inline unsigned vtop_cache_class_shift(unsigned cls)
{
    return (0x1e16150cu >> (8 * (cls & 3))) & 0xffu;
}

typedef struct vtop_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t fills;
    uint64_t evictions;      /* a valid entry replaced by a fill */
    uint64_t invalidations;  /* entries dropped by vtop_cache_invalidate_* */
} vtop_cache_stats;

typedef struct vtop_cache {
    vtop_cache_tag *tags;       /* capacity of them, caller-owned */
    vtop_translation *records;  /* parallel to tags; NULL: tags only */
    size_t capacity;
    vtop_cache_stats stats;
    /* Set by vtop_cache_init: `ways` consecutive tags form a set
     * (VTOP_CACHE_WAYS, fewer for a tiny cache), set_mask + 1 sets (a power
     * of two: a set is picked with a mask); tags past them stay empty. */
    size_t set_mask;
    unsigned set_shift;         /* 64 - log2(sets), at most 63 */
    /* The same pick in bytes, one shift and one mask: the set's byte
     * offset is (hash >> line_shift) & line_mask (set_mask << 6). */
    unsigned line_shift;        /* set_shift - 6 */
    uint64_t line_mask;
    unsigned ways;
    unsigned victim;            /* round-robin way a full set evicts */
    /* Roots: slot i caches root[i] while bit i of root_used is set. The
     * last root looked up is remembered (cur_root, VTOP_CACHE_NO_ROOT when
     * none; cur_flags = its slot's key bits) so a hit compares it once. */
    uint64_t root[VTOP_CACHE_ROOTS];
    uint32_t root_used;
    unsigned root_victim;
    uint64_t cur_root;
    uint64_t cur_flags;
    unsigned cur_slot;
    /* cur_root when the inline hit paths may serve it (sets of
     * VTOP_CACHE_WAYS), else VTOP_CACHE_NO_ROOT: their one gate. */
    uint64_t fast_root;
} vtop_cache;

/* capacity must be > 0, tags non-NULL; records may be NULL (then only
 * vtop_cache_translate_pa hits; vtop_translate_cached walks and fills the
 * tags). Align tags to 64 bytes (e.g. `_Alignas(64) vtop_cache_tag t[N]`)
 * so every set sits in one cache line: correctness does not depend on it.
 * Returns VTOP_OK or VTOP_BAD_ARGUMENT. */
vtop_status vtop_cache_init(vtop_cache *cache, vtop_cache_tag *tags,
                            vtop_translation *records, size_t capacity);

/* Out-of-line part of vtop_translate_cached: the full lookup (every page
 * size, root change, tiny or tags-only caches), the miss, the fill. */
vtop_status vtop_cache_translate_full(const vtop_space *space, vtop_cache *cache,
                                      uint64_t va, vtop_translation *out);

/* Out-of-line part of vtop_cache_translate_pa: the full lookup (every
 * page size, root change, tiny caches), the miss, the fill. */
vtop_status vtop_cache_translate_pa_full(const vtop_space *space,
                                         vtop_cache *cache, uint64_t va,
                                         uint64_t *pa, uint64_t *page_size,
                                         unsigned *rights);

/* The set of a key: the top bits of the key times an odd 64-bit constant
 * (Fibonacci hashing, Knuth TAOCP 6.4: the top bits of the product depend
 * on every bit of the key, and consecutive pages land in different sets).
 * Two operations and a mask: the hit path is counted in instructions. */
static inline const vtop_cache_tag *vtop_cache_set_of(const vtop_cache *c,
                                                      uint64_t key)
{
    size_t set = (size_t)((key * 0x9E3779B97F4A7C15ull) >> c->set_shift) & c->set_mask;
    return &c->tags[set * c->ways];
}

/* The same set for the inline hit paths (sets of VTOP_CACHE_WAYS tags,
 * one 64-byte line each): the hash's top bits shifted straight to a byte
 * offset, one instruction fewer on the path counted in instructions. */
static inline const vtop_cache_tag *vtop_cache_line_of(const vtop_cache *c,
                                                       uint64_t key)
{
    uint64_t off = ((key * 0x9E3779B97F4A7C15ull) >> c->line_shift) & c->line_mask;
    return (const vtop_cache_tag *)(const void *)((const char *)c->tags + off);
}

/* The tag equal to key in a set of VTOP_CACHE_WAYS, or NULL. The way that
 * hits is found by arithmetic, not by a branch per way: which way hits is
 * random, and a mispredicted branch on loaded data flushes the loads of
 * the next lookups. A key sits in at most one way (fill reuses a way
 * holding it), so the lowest matching way is the way; whether any matched
 * is the one, well-predicted, branch. */
static inline const vtop_cache_tag *vtop_cache_probe4(const vtop_cache_tag *set,
                                                      uint64_t key)
{
    /* One mask of the matching ways, tested once. GCC otherwise threads
     * the test into a branch per compare (mispredicted by which way hits);
     * the empty asm makes the mask an opaque value it must compute. */
    unsigned m = (unsigned)(set[0].key == key) | (unsigned)(set[1].key == key) << 1 |
                 (unsigned)(set[2].key == key) << 2 | (unsigned)(set[3].key == key) << 3;
    __asm__("" : "+r"(m));
    return m ? set + __builtin_ctz(m) : NULL;
}

/* The hit path without the record: same lookup, statistics, fills and
 * status as vtop_translate_cached, but on VTOP_OK only sets *pa, *page_size
 * and *rights (VTOP_RIGHT_*; any of the three may be NULL). For callers
 * that only need the address (reads, benchmarks). Inline: a hit of the
 * last root (a 4K page, or a piece of a large one already derived) is one
 * compare of the root, a hash and one tag line. A VA that
 * is not canonical never equals a tag (tags hold canonical page bases), so
 * the hit path needs no canonical check; everything else goes out of line. */
static inline vtop_status vtop_cache_translate_pa(const vtop_space *space,
                                                  vtop_cache *cache,
                                                  uint64_t va, uint64_t *pa,
                                                  uint64_t *page_size,
                                                  unsigned *rights)
{
    if (cache && space && cache->fast_root == space->root) {
        uint64_t key = (va & ~0xfffull) | cache->cur_flags;
        const vtop_cache_tag *set = vtop_cache_line_of(cache, key);
        /* The value of the way holding key (a key sits in at most one
         * way): each way's value ANDed with all-ones where it matches,
         * ORed. No way index to find, so no dependent load after it. */
        uint64_t val = (set[0].val & -(uint64_t)(set[0].key == key)) |
                       (set[1].val & -(uint64_t)(set[1].key == key)) |
                       (set[2].val & -(uint64_t)(set[2].key == key)) |
                       (set[3].val & -(uint64_t)(set[3].key == key));
        if (val) { /* VTOP_CACHE_VAL_VALID: a matching value is never 0 */
            cache->stats.hits++;
            if (pa)
                *pa = (val & ~VTOP_CACHE_KEY_FLAGS) | (va & 0xfff);
            if (page_size)
                *page_size = 1ull << vtop_cache_class_shift(
                                 (unsigned)(val >> VTOP_CACHE_VAL_CLASS_SHIFT));
            if (rights)
                *rights = (unsigned)(val & VTOP_CACHE_VAL_RIGHTS);
            return VTOP_OK;
        }
    }
    return vtop_cache_translate_pa_full(space, cache, va, pa, page_size, rights);
}

/* vtop_translate through the cache (cache may be NULL: plain translate).
 * Same contract as vtop_translate. Inline, like vtop_cache_translate_pa:
 * a hit of the last root on a 4K tag (a 4K page, or a derived piece of a
 * large one) is the same probe plus one copy of the way's record, whose
 * va and pa are the 4K page's base, so only the offset is added back. */
static inline vtop_status vtop_translate_cached(const vtop_space *space,
                                                vtop_cache *cache, uint64_t va,
                                                vtop_translation *out)
{
    if (out && cache && space && cache->records &&
        cache->fast_root == space->root) {
        uint64_t key = (va & ~0xfffull) | cache->cur_flags;
        const vtop_cache_tag *t =
            vtop_cache_probe4(vtop_cache_line_of(cache, key), key);
        if (t) {
            cache->stats.hits++;
            *out = cache->records[t - cache->tags];
            out->va = va;
            out->pa += va & 0xfff;
            return VTOP_OK; /* only VTOP_OK records are cached */
        }
    }
    return vtop_cache_translate_full(space, cache, va, out);
}

/* Drop entries: all, those of one root, those of one root overlapping
 * [va_start, va_end] (inclusive, canonical). Return the count dropped. */
size_t vtop_cache_invalidate_all(vtop_cache *cache);
size_t vtop_cache_invalidate_root(vtop_cache *cache, uint64_t root);
size_t vtop_cache_invalidate_range(vtop_cache *cache, uint64_t root,
                                   uint64_t va_start, uint64_t va_end);

#endif
