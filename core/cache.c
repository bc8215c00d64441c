/* vtop core: caller-owned translation cache (cache.h).
 *
 * Set-associative, like a hardware TLB (SDM Vol. 3A 4.10.2): the tags form
 * a power-of-two number of sets of four 16-byte tags, one 64-byte line per
 * set; a (root, page base, page size) key hashes to one set and may sit in
 * any of its ways. A lookup probes one set per page size the mode can map
 * (the level descriptors say which: the last level and every level with
 * leaf_allowed), 4K first since most hits are 4K pages; a VA is served by
 * one leaf only, so the probe order never changes an answer.
 *
 * The hit path touches the cache header and one tag line: the tag holds
 * the physical base and the rights, so vtop_cache_translate_pa needs no
 * record, and vtop_translate_cached reads the one record of the way that
 * hit. Roots are numbered (up to VTOP_CACHE_ROOTS at once) so a key fits
 * in 8 bytes; the last root is remembered, a hit compares it once.
 *
 * Only VTOP_OK records are kept, normalised to the page base so a hit only
 * adds the offset back; everything else in the record (levels[], rights,
 * flags) is the same for every VA of the page.
 */
#include "cache.h"

#define KEY_VALID VTOP_CACHE_KEY_VALID
#define KEY_FLAGS VTOP_CACHE_KEY_FLAGS /* valid, class, root slot */
#define VAL_RIGHTS VTOP_CACHE_VAL_RIGHTS
#define VAL_CLASS VTOP_CACHE_VAL_CLASS_SHIFT
#define VAL_DERIVED VTOP_CACHE_VAL_DERIVED

/* Page sizes by class (2 bits of the key): 4K, 2M, 4M, 1G (SDM 4.3-4.5). */
static const uint8_t class_shift[4] = {12, 21, 22, 30};

static int class_of_shift(unsigned shift)
{
    for (int k = 0; k < 4; k++)
        if (class_shift[k] == shift)
            return k;
    return -1;
}

static inline uint64_t key_of(uint64_t base, unsigned slot, unsigned cls)
{
    return base | (uint64_t)slot << 3 | (uint64_t)cls << 1 | KEY_VALID;
}

static inline unsigned key_slot(uint64_t key)
{
    return (unsigned)(key >> 3) & (VTOP_CACHE_ROOTS - 1);
}

vtop_status vtop_cache_init(vtop_cache *cache, vtop_cache_tag *tags,
                            vtop_translation *records, size_t capacity)
{
    if (!cache || !tags || capacity == 0)
        return VTOP_BAD_ARGUMENT;
    unsigned ways = VTOP_CACHE_WAYS;
    while (ways > capacity)
        ways >>= 1;
    size_t sets = 1;
    unsigned bits = 0;
    while (sets <= (capacity / ways) / 2) {
        sets <<= 1;
        bits++;
    }
    unsigned shift = bits ? 64u - bits : 63u; /* at least 6: sets < 2^58 */
    *cache = (vtop_cache){.tags = tags, .records = records,
                          .capacity = capacity, .set_mask = sets - 1,
                          .set_shift = shift, .line_shift = shift - 6,
                          .line_mask = (uint64_t)(sets - 1) << 6,
                          .ways = ways, .cur_root = VTOP_CACHE_NO_ROOT,
                          .fast_root = VTOP_CACHE_NO_ROOT};
    for (size_t i = 0; i < capacity; i++)
        tags[i].key = 0;
    return VTOP_OK;
}

static inline const vtop_cache_tag *set_of(const vtop_cache *c, uint64_t key)
{
    return vtop_cache_set_of(c, key);
}

/* The tag equal to key in its set, or NULL (vtop_cache_probe4 for a set of
 * four, the same arithmetic for the smaller sets of a tiny cache). */
static inline const vtop_cache_tag *probe(const vtop_cache *c, uint64_t key)
{
    const vtop_cache_tag *set = set_of(c, key);
    if (c->ways == VTOP_CACHE_WAYS)
        return vtop_cache_probe4(set, key);
    unsigned any = 0, way = 0;
    for (unsigned w = 0; w < c->ways; w++) {
        unsigned m = set[w].key == key;
        any |= m;
        way += w * m;
    }
    return any ? set + way : NULL;
}

/* The remembered root, and the inline paths' gate (cache.h: fast_root). */
static void root_set_current(vtop_cache *c, uint64_t root)
{
    c->cur_root = root;
    c->fast_root = c->ways == VTOP_CACHE_WAYS ? root : VTOP_CACHE_NO_ROOT;
}

static void root_remember(vtop_cache *c, uint64_t root, unsigned slot)
{
    root_set_current(c, root);
    c->cur_slot = slot;
    c->cur_flags = key_of(0, slot, 0);
}

/* Slot of a root already cached, or -1 (and the remembered root reset). */
__attribute__((noinline)) static int root_find(vtop_cache *c, uint64_t root)
{
    root_set_current(c, VTOP_CACHE_NO_ROOT);
    for (unsigned i = 0; i < VTOP_CACHE_ROOTS; i++) {
        if ((c->root_used >> i) & 1u && c->root[i] == root) {
            root_remember(c, root, i);
            return (int)i;
        }
    }
    return -1;
}

static inline int root_slot(vtop_cache *c, uint64_t root)
{
    if (c->cur_root == root && root != VTOP_CACHE_NO_ROOT)
        return (int)c->cur_slot;
    return root_find(c, root);
}

/* Drop matching tags: of every root or of one slot, whole or overlapping
 * [lo, hi]. Returns the count dropped. */
typedef struct drop_filter {
    bool all_roots, whole;
    unsigned slot;
    uint64_t lo, hi;
} drop_filter;

/* The leaf a tag stands for spans [base, last]: its own page, or for a
 * derived tag the whole large leaf it is a piece of. */
static size_t drop(vtop_cache *c, drop_filter f)
{
    size_t n = 0;
    for (size_t i = 0; i < c->capacity; i++) {
        uint64_t key = c->tags[i].key, val = c->tags[i].val;
        if (!key || (!f.all_roots && key_slot(key) != f.slot))
            continue;
        uint64_t size = 1ull << class_shift[(val >> VAL_CLASS) & 3];
        uint64_t base = key & ~KEY_FLAGS & ~(size - 1);
        uint64_t last = base + (size - 1);
        if (!f.whole && (last < f.lo || base > f.hi))
            continue;
        c->tags[i].key = 0;
        n += !(val & VAL_DERIVED); /* counts are of leaves, not pieces */
    }
    return n;
}

static void root_release(vtop_cache *c, unsigned slot)
{
    c->root_used &= ~(1u << slot);
    if (c->cur_slot == slot)
        root_set_current(c, VTOP_CACHE_NO_ROOT);
}

/* The slot for root, claimed if new: a free one, else the round-robin
 * victim's, whose entries are evicted. */
static unsigned root_claim(vtop_cache *c, uint64_t root)
{
    int found = root_slot(c, root);
    if (found >= 0)
        return (unsigned)found;
    unsigned slot = 0;
    uint32_t all = (1u << VTOP_CACHE_ROOTS) - 1;
    if ((c->root_used & all) == all) {
        slot = c->root_victim++ % VTOP_CACHE_ROOTS;
        c->stats.evictions += drop(c, (drop_filter){.slot = slot, .whole = true});
        root_release(c, slot);
    } else {
        while ((c->root_used >> slot) & 1u)
            slot++;
    }
    c->root[slot] = root;
    c->root_used |= 1u << slot;
    root_remember(c, root, slot);
    return slot;
}

/* The large page sizes the mode maps (levels with leaf_allowed), after
 * the last level's probe missed. */
__attribute__((noinline)) static const vtop_cache_tag *
lookup_large(const vtop_cache *c, const vtop_space *s, uint64_t va,
             unsigned slot)
{
    const vtop_mode_desc *d = s->desc;
    const vtop_cache_tag *t = NULL;
    for (unsigned l = d->levels - 1u; !t && l-- > 0;) {
        int cls = d->level[l].leaf_allowed ? class_of_shift(d->level[l].shift) : -1;
        if (cls < 0)
            continue;
        uint64_t base = va & ~((1ull << class_shift[cls]) - 1);
        t = probe(c, key_of(base, slot, (unsigned)cls));
    }
    return t;
}

/* Probe every page size the mode maps, 4K (the last level on x86) first:
 * most hits are 4K pages and take one probe. */
static inline const vtop_cache_tag *lookup(vtop_cache *c, const vtop_space *s,
                                           uint64_t va)
{
    int slot = root_slot(c, s->root);
    if (slot < 0)
        return NULL;
    const vtop_cache_tag *t =
        probe(c, key_of(va & ~0xfffull, (unsigned)slot, 0));
    return t ? t : lookup_large(c, s, va, (unsigned)slot);
}

/* The way for key in its set: the way already holding it (a tags-only
 * cache refills it), else an empty way, else the round-robin victim. */
static vtop_cache_tag *way_for(vtop_cache *c, uint64_t key)
{
    vtop_cache_tag *set = (vtop_cache_tag *)set_of(c, key);
    for (unsigned w = 0; w < c->ways; w++)
        if (set[w].key == key)
            return &set[w];
    for (unsigned w = 0; w < c->ways; w++)
        if (set[w].key == 0)
            return &set[w];
    c->stats.evictions++;
    return &set[c->victim++ & (c->ways - 1)]; /* ways: a power of two */
}

/* A way for a piece: the one holding it, an empty one, else another
 * piece's; NULL when the set holds only leaves (a piece is a shortcut,
 * it never evicts a leaf). */
static vtop_cache_tag *piece_way(vtop_cache *c, uint64_t key)
{
    vtop_cache_tag *set = (vtop_cache_tag *)set_of(c, key);
    vtop_cache_tag *other = NULL;
    for (unsigned w = 0; w < c->ways; w++) {
        if (set[w].key == key || set[w].key == 0)
            return &set[w];
        if (!other && (set[w].val & VAL_DERIVED))
            other = &set[w];
    }
    return other;
}

/* The 4K piece of the large leaf tagged by *large that holds va, as a
 * derived tag of the same root slot (cache.h): the next lookup of that
 * piece is the inline one-probe hit. Pieces are not counted as fills. */
static void derive(vtop_cache *c, const vtop_cache_tag *large, uint64_t va)
{
    uint64_t lkey = large->key, lval = large->val;
    unsigned cls = (unsigned)(lkey >> 1) & 3;
    if (cls == 0)
        return;
    uint64_t lbase = lkey & ~KEY_FLAGS, piece = va & ~0xfffull;
    uint64_t pa = (lval & ~KEY_FLAGS) + (piece - lbase);
    uint64_t key = key_of(piece, key_slot(lkey), 0);
    vtop_cache_tag *e = piece_way(c, key);
    if (!e)
        return; /* a set of leaves only: the hit stays the out-of-line one */
    /* The leaf's record, read before the piece's way is written: the way
     * may be the leaf's own set, never the leaf itself (a leaf is not a
     * piece), but the copy keeps the order obviously safe. */
    vtop_translation rec;
    if (c->records)
        rec = c->records[large - c->tags];
    e->key = key;
    e->val = pa | (lval & VAL_RIGHTS) | (uint64_t)cls << VAL_CLASS | VAL_DERIVED |
             VTOP_CACHE_VAL_VALID;
    if (c->records) {
        rec.va = piece;
        rec.pa = pa;
        c->records[e - c->tags] = rec;
    }
}

/* Put a successful walk's record in its set (and, for a large leaf, the
 * piece holding the walked VA). */
static void fill(vtop_cache *c, const vtop_space *s, const vtop_translation *t)
{
    uint64_t size = t->page_size;
    int cls = class_of_shift((unsigned)__builtin_ctzll(size | (1ull << 63)));
    if (cls < 0 || size != 1ull << class_shift[cls])
        return;
    uint64_t base = t->va & ~(size - 1);
    uint64_t key = key_of(base, root_claim(c, s->root), (unsigned)cls);
    vtop_cache_tag *e = way_for(c, key);
    uint64_t pa_base = t->pa - (t->va - base);
    e->key = key;
    e->val = pa_base | (t->rights & VAL_RIGHTS) | (uint64_t)cls << VAL_CLASS |
             VTOP_CACHE_VAL_VALID;
    if (c->records) {
        vtop_translation *r = &c->records[e - c->tags];
        *r = *t;
        r->va = base;
        r->pa = pa_base;
    }
    c->stats.fills++;
    derive(c, e, t->va);
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
    return c && c->tags && c->ways && s && s->desc && s->desc->levels &&
           canonical(s->desc, va);
}

vtop_status vtop_cache_translate_full(const vtop_space *space, vtop_cache *cache,
                                      uint64_t va, vtop_translation *out)
{
    if (!out || !usable(space, cache, va))
        return vtop_translate(space, va, out);
    const vtop_cache_tag *e = cache->records ? lookup(cache, space, va) : NULL;
    if (e) {
        cache->stats.hits++;
        *out = cache->records[e - cache->tags];
        out->va = va;
        out->pa += va - (e->key & ~KEY_FLAGS);
        derive(cache, e, va);
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

vtop_status vtop_cache_translate_pa_full(const vtop_space *space,
                                         vtop_cache *cache, uint64_t va,
                                         uint64_t *pa, uint64_t *page_size,
                                         unsigned *rights)
{
    const vtop_cache_tag *e;
    if (!usable(space, cache, va) || !(e = lookup(cache, space, va)))
        return translate_pa_slow(space, cache, va, pa, page_size, rights);
    cache->stats.hits++;
    uint64_t val = e->val;
    if (pa)
        *pa = (val & ~KEY_FLAGS) + (va - (e->key & ~KEY_FLAGS));
    if (page_size)
        *page_size = 1ull << class_shift[(val >> VAL_CLASS) & 3];
    if (rights)
        *rights = (unsigned)(val & VAL_RIGHTS);
    derive(cache, e, va);
    return VTOP_OK; /* only VTOP_OK records are cached */
}

size_t vtop_cache_invalidate_all(vtop_cache *cache)
{
    if (!cache || !cache->tags)
        return 0;
    size_t n = drop(cache, (drop_filter){.all_roots = true, .whole = true});
    cache->root_used = 0;
    root_set_current(cache, VTOP_CACHE_NO_ROOT);
    cache->stats.invalidations += n;
    return n;
}

size_t vtop_cache_invalidate_root(vtop_cache *cache, uint64_t root)
{
    if (!cache || !cache->tags || root_slot(cache, root) < 0)
        return 0;
    unsigned slot = cache->cur_slot;
    size_t n = drop(cache, (drop_filter){.slot = slot, .whole = true});
    root_release(cache, slot);
    cache->stats.invalidations += n;
    return n;
}

size_t vtop_cache_invalidate_range(vtop_cache *cache, uint64_t root,
                                   uint64_t va_start, uint64_t va_end)
{
    if (!cache || !cache->tags || root_slot(cache, root) < 0)
        return 0;
    size_t n = drop(cache, (drop_filter){.slot = cache->cur_slot,
                                         .lo = va_start, .hi = va_end});
    cache->stats.invalidations += n;
    return n;
}
