/* vtop core: caller-owned translation cache (cache.h).
 *
 * Set-associative, like a hardware TLB (SDM Vol. 3A 4.10.2): the entries
 * form a power-of-two number of sets of `ways` slots; a (root, page base,
 * page size) key hashes to one set (a multiply and a mask: no division)
 * and may sit in any of its ways, so a working set much smaller than the
 * cache no longer misses on collisions. A lookup probes one set per page
 * size the mode can map (the level descriptors say which: the last level
 * and every level with leaf_allowed), 4K first since most hits are 4K
 * pages. Two ways: four measured no faster on a 1024-address working set
 * (fewer collision misses, more lines loaded per probe). A VA is served
 * by one leaf only, so the probe order never changes
 * an answer. Only VTOP_OK records are kept, normalised to the page base so
 * a hit only adds the offset back; everything else in the record
 * (levels[], rights, flags) is the same for every VA of the page.
 */
#include "cache.h"

#define CACHE_MAX_WAYS 2u

vtop_status vtop_cache_init(vtop_cache *cache, vtop_cache_entry *entries,
                            size_t capacity)
{
    if (!cache || !entries || capacity == 0)
        return VTOP_BAD_ARGUMENT;
    unsigned ways = CACHE_MAX_WAYS;
    while (ways > capacity)
        ways >>= 1;
    size_t sets = 1;
    while (sets <= (capacity / ways) / 2)
        sets <<= 1;
    cache->entries = entries;
    cache->capacity = capacity;
    cache->ways = ways;
    cache->set_mask = sets - 1;
    cache->stats = (vtop_cache_stats){0};
    for (size_t i = 0; i < capacity; i++)
        entries[i].size = 0;
    return VTOP_OK;
}

/* First slot of the set of (root, base, page shift): the page number in
 * its own size (so 2M and 1G pages do not all land in the sets whose low
 * index bits are zero), salted with the root and the size, times an odd
 * 64-bit constant (Fibonacci hashing, Knuth TAOCP 6.4); bits 32.. of the
 * product depend on every low bit of the key. */
static inline vtop_cache_entry *set_of(const vtop_cache *c, uint64_t root,
                                       uint64_t base, unsigned shift)
{
    uint64_t k = ((base >> shift) ^ (root * 0x9E3779B97F4A7C15ull)) + shift;
    size_t set = (size_t)((k * 0xBF58476D1CE4E5B9ull) >> 32) & c->set_mask;
    return &c->entries[set * c->ways];
}

/* The slot holding (root, page of va at shift), or NULL. Every way is
 * compared without a branch: which way hits is random, and a branch on it
 * mispredicts and serialises the loads of the next lookups. */
static inline const vtop_cache_entry *probe(const vtop_cache *c, uint64_t root,
                                            uint64_t va, unsigned shift)
{
    uint64_t size = 1ull << shift;
    uint64_t base = va & ~(size - 1);
    const vtop_cache_entry *e = set_of(c, root, base, shift), *hit = NULL;
    if (c->ways == 2) {
        bool m0 = (e[0].va_base == base) & (e[0].size == size) & (e[0].root == root);
        bool m1 = (e[1].va_base == base) & (e[1].size == size) & (e[1].root == root);
        hit = m1 ? e + 1 : e;
        return (m0 | m1) ? hit : NULL;
    }
    for (unsigned w = 0; w < c->ways; w++) {
        bool m = (e[w].va_base == base) & (e[w].size == size) &
                 (e[w].root == root);
        hit = m ? &e[w] : hit;
    }
    return hit;
}

/* The large page sizes the mode maps (levels with leaf_allowed), after
 * the last level's probe missed. */
__attribute__((noinline)) static const vtop_cache_entry *
lookup_large(const vtop_cache *c, const vtop_space *s, uint64_t va)
{
    const vtop_mode_desc *d = s->desc;
    const vtop_cache_entry *e = NULL;
    for (unsigned l = d->levels - 1u; !e && l-- > 0;)
        if (d->level[l].leaf_allowed)
            e = probe(c, s->root, va, d->level[l].shift);
    return e;
}

/* Probe every page size the mode maps, smallest (the last level) first:
 * most hits are 4K pages and take one probe. */
static inline const vtop_cache_entry *lookup(const vtop_cache *c,
                                             const vtop_space *s, uint64_t va)
{
    const vtop_mode_desc *d = s->desc;
    const vtop_cache_entry *e =
        probe(c, s->root, va, d->level[d->levels - 1u].shift);
    return e ? e : lookup_large(c, s, va);
}

static unsigned log2_of(uint64_t size)
{
    unsigned n = 0;
    while (size >>= 1)
        n++;
    return n;
}

/* Put a successful walk's record in its set: an empty way if there is
 * one, else at way 0 after moving the others down one (the oldest fill,
 * in the last way, is evicted). */
static void fill(vtop_cache *c, const vtop_space *s, const vtop_translation *t)
{
    uint64_t size = t->page_size;
    if (size == 0 || (size & (size - 1)))
        return;
    uint64_t base = t->va & ~(size - 1);
    vtop_cache_entry *set = set_of(c, s->root, base, log2_of(size));
    vtop_cache_entry *e = NULL;
    for (unsigned w = 0; w < c->ways && !e; w++)
        if (!set[w].size)
            e = &set[w];
    if (!e) {
        c->stats.evictions++;
        for (unsigned w = c->ways - 1u; w > 0; w--)
            set[w] = set[w - 1];
        e = &set[0];
    }
    e->root = s->root;
    e->va_base = base;
    e->size = size;
    e->record = *t;
    e->record.va = base;
    e->record.pa = t->pa - (t->va - base);
    e->pa_base = e->record.pa;
    e->rights = t->rights;
    c->stats.fills++;
}

/* Same test as vtop_canonical(d, va) == va, inline for the hit path. */
static inline bool canonical(const vtop_mode_desc *d, uint64_t va)
{
    if (d->va_bits == 0 || d->va_bits >= 64)
        return true;
    unsigned unused = 64u - d->va_bits;
    if (d->sign_extended)
        return (uint64_t)((int64_t)(va << unused) >> unused) == va;
    return (va >> d->va_bits) == 0;
}

/* The cache can serve this query (else: plain translate). */
static inline bool usable(const vtop_space *s, const vtop_cache *c, uint64_t va)
{
    return c && c->entries && c->ways && s && s->desc && s->desc->levels &&
           canonical(s->desc, va);
}

vtop_status vtop_translate_cached(const vtop_space *space, vtop_cache *cache,
                                  uint64_t va, vtop_translation *out)
{
    if (!out || !usable(space, cache, va))
        return vtop_translate(space, va, out);
    const vtop_cache_entry *e = lookup(cache, space, va);
    if (e) {
        cache->stats.hits++;
        *out = e->record;
        out->va = va;
        out->pa = e->record.pa + (va - e->va_base);
        return out->status;
    }
    cache->stats.misses++;
    vtop_status st = vtop_translate(space, va, out);
    if (st == VTOP_OK)
        fill(cache, space, out);
    return st;
}

/* Miss (or uncacheable query) of vtop_cache_translate_pa: walk, fill.
 * Out of line (cold) so the hit path keeps a small frame. */
__attribute__((cold, noinline)) static vtop_status
translate_pa_slow(const vtop_space *space, vtop_cache *cache, uint64_t va,
                  uint64_t *pa, uint64_t *page_size, unsigned *rights)
{
    vtop_translation t;
    bool use = usable(space, cache, va);
    if (use)
        cache->stats.misses++;
    vtop_status st = vtop_translate(space, va, &t);
    if (st != VTOP_OK)
        return st;
    if (use)
        fill(cache, space, &t);
    if (pa)
        *pa = t.pa;
    if (page_size)
        *page_size = t.page_size;
    if (rights)
        *rights = t.rights;
    return st;
}

vtop_status vtop_cache_translate_pa(const vtop_space *space, vtop_cache *cache,
                                    uint64_t va, uint64_t *pa,
                                    uint64_t *page_size, unsigned *rights)
{
    const vtop_cache_entry *e;
    if (!usable(space, cache, va) || !(e = lookup(cache, space, va)))
        return translate_pa_slow(space, cache, va, pa, page_size, rights);
    cache->stats.hits++;
    if (pa)
        *pa = e->pa_base + (va - e->va_base);
    if (page_size)
        *page_size = e->size;
    if (rights)
        *rights = e->rights;
    return VTOP_OK; /* only VTOP_OK records are cached */
}

/* Drop entries matching (root, range); all_roots/whole ignore those parts. */
static size_t drop(vtop_cache *c, bool all_roots, uint64_t root, bool whole,
                   uint64_t lo, uint64_t hi)
{
    size_t n = 0;
    if (!c || !c->entries)
        return 0;
    for (size_t i = 0; i < c->capacity; i++) {
        vtop_cache_entry *e = &c->entries[i];
        if (!e->size || (!all_roots && e->root != root))
            continue;
        if (!whole && (e->va_base + (e->size - 1) < lo || e->va_base > hi))
            continue;
        e->size = 0;
        n++;
    }
    c->stats.invalidations += n;
    return n;
}

size_t vtop_cache_invalidate_all(vtop_cache *cache)
{
    return drop(cache, true, 0, true, 0, 0);
}

size_t vtop_cache_invalidate_root(vtop_cache *cache, uint64_t root)
{
    return drop(cache, false, root, true, 0, 0);
}

size_t vtop_cache_invalidate_range(vtop_cache *cache, uint64_t root,
                                   uint64_t va_start, uint64_t va_end)
{
    return drop(cache, false, root, false, va_start, va_end);
}
