/* vtop core: caller-owned translation cache (cache.h).
 *
 * Direct-mapped: a (root, page base, page size) key hashes to one slot. A
 * lookup probes one slot per page size the mode can map (the level
 * descriptors say which: the last level and every level with
 * leaf_allowed), largest first, like a TLB with one array per size. Only
 * VTOP_OK records are kept, normalised to the page base so a hit only adds
 * the offset back; everything else in the record (levels[], rights, flags)
 * is the same for every VA of the page.
 */
#include "cache.h"

vtop_status vtop_cache_init(vtop_cache *cache, vtop_cache_entry *entries,
                            size_t capacity)
{
    if (!cache || !entries || capacity == 0)
        return VTOP_BAD_ARGUMENT;
    cache->entries = entries;
    cache->capacity = capacity;
    cache->stats = (vtop_cache_stats){0};
    for (size_t i = 0; i < capacity; i++)
        entries[i].size = 0;
    return VTOP_OK;
}

static size_t slot_of(const vtop_cache *c, uint64_t root, uint64_t base,
                      uint64_t size)
{
    /* 64-bit mix (splitmix64 finaliser constants) of the three key parts */
    uint64_t h = (base >> 12) ^ (root * 0x9E3779B97F4A7C15ull) ^ (size << 7);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    return (size_t)(h % c->capacity);
}

static bool lookup(vtop_cache *c, const vtop_space *s, uint64_t va,
                   vtop_translation *out)
{
    const vtop_mode_desc *d = s->desc;
    for (unsigned l = 0; l < d->levels; l++) {
        if (!d->level[l].leaf_allowed && l + 1u != d->levels)
            continue;
        uint64_t size = 1ull << d->level[l].shift;
        uint64_t base = va & ~(size - 1);
        const vtop_cache_entry *e = &c->entries[slot_of(c, s->root, base, size)];
        if (e->size == size && e->va_base == base && e->root == s->root) {
            *out = e->record;
            out->va = va;
            out->pa = e->record.pa + (va - base);
            return true;
        }
    }
    return false;
}

static void fill(vtop_cache *c, const vtop_space *s, const vtop_translation *t)
{
    uint64_t size = t->page_size;
    if (size == 0 || (size & (size - 1)))
        return;
    uint64_t base = t->va & ~(size - 1);
    vtop_cache_entry *e = &c->entries[slot_of(c, s->root, base, size)];
    if (e->size)
        c->stats.evictions++;
    e->root = s->root;
    e->va_base = base;
    e->size = size;
    e->record = *t;
    e->record.va = base;
    e->record.pa = t->pa - (t->va - base);
    c->stats.fills++;
}

vtop_status vtop_translate_cached(const vtop_space *space, vtop_cache *cache,
                                  uint64_t va, vtop_translation *out)
{
    if (!cache || !space || !space->desc || !out || space->desc->levels == 0 ||
        vtop_canonical(space->desc, va) != va)
        return vtop_translate(space, va, out);
    if (lookup(cache, space, va, out)) {
        cache->stats.hits++;
        return out->status;
    }
    cache->stats.misses++;
    vtop_status st = vtop_translate(space, va, out);
    if (st == VTOP_OK)
        fill(cache, space, out);
    return st;
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
