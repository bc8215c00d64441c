/* vtop core: physical memory as a sorted run list (see physmem.h).
 *
 * All arithmetic on addresses and lengths is overflow-safe: runs come from
 * untrusted image headers, so a run ending past 2^64 or past the end of the
 * file is an error, never a wrap-around.
 */
#include "physmem.h"

vtop_status vtop_physmem_bind(vtop_run *runs, size_t count,
                              const uint8_t *base, uint64_t size)
{
    if ((count && !runs) || (count && !base))
        return VTOP_BAD_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        if (runs[i].file_offset > size ||
            runs[i].len > size - runs[i].file_offset)
            return VTOP_FORMAT_TRUNCATED;
    }
    for (size_t i = 0; i < count; i++)
        runs[i].data = base + runs[i].file_offset;
    return VTOP_OK;
}

vtop_status vtop_physmem_validate(const vtop_run *runs, size_t count)
{
    if (count && !runs)
        return VTOP_FORMAT_CORRUPT;
    for (size_t i = 0; i < count; i++) {
        const vtop_run *r = &runs[i];
        /* last byte r->phys + r->len - 1 must not wrap past 2^64 - 1 */
        if (r->len == 0 || r->len - 1 > UINT64_MAX - r->phys)
            return VTOP_FORMAT_CORRUPT;
        if (i > 0 && r->phys - runs[i - 1].phys < runs[i - 1].len)
            return VTOP_FORMAT_CORRUPT; /* overlaps or is out of order */
        if (i > 0 && r->phys < runs[i - 1].phys)
            return VTOP_FORMAT_CORRUPT;
    }
    return VTOP_OK;
}

ptrdiff_t vtop_physmem_find(const vtop_physmem *mem, uint64_t pa)
{
    if (!mem || !mem->runs || mem->count == 0)
        return -1;
    /* Binary search for the last run with phys <= pa. */
    size_t lo = 0, hi = mem->count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (mem->runs[mid].phys <= pa)
            lo = mid;
        else
            hi = mid;
    }
    const vtop_run *r = &mem->runs[lo];
    if (pa < r->phys || pa - r->phys >= r->len)
        return -1;
    return (ptrdiff_t)lo;
}

/* The bucket of page-aligned pa (the hash of vtop_physmem_cached). */
static size_t cache_bucket(const vtop_page_cache *c, uint64_t pa)
{
    return (size_t)(((pa >> 12) * 0x9E3779B97F4A7C15ull) >> 32) &
           (c->nslots - 1);
}

static bool cache_usable(const vtop_page_cache *c)
{
    return c && c->data && c->slots && c->buckets && c->nslots >= 8 &&
           !(c->nslots & (c->nslots - 1));
}

/* The page at page-aligned pa from the source, into the next FIFO slot. */
static vtop_status source_fetch(const vtop_page_source *src, uint64_t pa,
                                const uint8_t **page)
{
    vtop_page_cache *c = src->cache;
    c->misses++;
    size_t k = c->hand;
    c->hand = (k + 1) & (c->nslots - 1);
    vtop_page_slot *slot = &c->slots[k];
    if (slot->tag) { /* the slot's old page leaves the cache */
        vtop_page_slot *old = &c->buckets[cache_bucket(c, slot->tag & ~1ull)];
        if (old->tag == slot->tag)
            old->tag = 0;
        slot->tag = 0;
    }
    const uint8_t *got = NULL;
    vtop_status st = src->fetch(src->ctx, pa, c->data + k * VTOP_PAGE_SIZE, &got);
    if (st != VTOP_OK)
        return st;
    if (!got)
        return VTOP_FORMAT_CORRUPT;
    *slot = (vtop_page_slot){pa | 1, got};
    c->buckets[cache_bucket(c, pa)] = *slot;
    *page = got;
    return VTOP_OK;
}

vtop_status vtop_physmem_window(const vtop_physmem *mem, uint64_t pa,
                                vtop_window *w)
{
    uint64_t page = pa & ~(uint64_t)(VTOP_PAGE_SIZE - 1);
    const vtop_page_source *src = mem->source;
    if (src && !cache_usable(src->cache))
        return VTOP_BAD_ARGUMENT;
    /* A cached page came from a source run: no run lookup needed. */
    const uint8_t *bytes = vtop_physmem_cached(mem, page);
    if (bytes) {
        *w = (vtop_window){page, VTOP_PAGE_SIZE, bytes};
        return VTOP_OK;
    }
    ptrdiff_t i = vtop_physmem_find(mem, pa);
    if (i < 0)
        return VTOP_PAGE_NOT_IN_IMAGE;
    const vtop_run *r = &mem->runs[i];
    if (r->data) {
        *w = (vtop_window){r->phys, r->len, r->data};
        return VTOP_OK;
    }
    if (!src)
        return VTOP_PAGE_NOT_IN_IMAGE; /* an absent run */
    vtop_status st = source_fetch(src, page, &bytes);
    if (st != VTOP_OK)
        return st;
    *w = (vtop_window){page, VTOP_PAGE_SIZE, bytes};
    return VTOP_OK;
}

vtop_status vtop_physmem_probe(const vtop_physmem *mem, uint64_t pa)
{
    ptrdiff_t i = vtop_physmem_find(mem, pa);
    if (i < 0)
        return VTOP_PAGE_NOT_IN_IMAGE;
    if (mem->runs[i].data)
        return VTOP_OK;
    if (!mem->source)
        return VTOP_PAGE_NOT_IN_IMAGE;
    if (mem->source->probe)
        return mem->source->probe(mem->source->ctx,
                                  pa & ~(uint64_t)(VTOP_PAGE_SIZE - 1));
    vtop_window w;
    return vtop_physmem_window(mem, pa, &w);
}

const uint8_t *vtop_physmem_span(const vtop_physmem *mem, uint64_t pa,
                                 uint64_t len)
{
    vtop_window w;
    if (!mem || len == 0 || vtop_physmem_window(mem, pa, &w) != VTOP_OK)
        return NULL;
    uint64_t off = pa - w.phys;
    if (len > w.len - off)
        return NULL;
    return w.data + off;
}

vtop_status vtop_physmem_read(const vtop_physmem *mem, uint64_t pa, void *out,
                              size_t len, size_t *done)
{
    size_t got = 0;
    uint8_t *dst = out;
    vtop_status why = VTOP_PAGE_NOT_IN_IMAGE;
    if (done)
        *done = 0;
    if (!mem || (len && !out))
        return VTOP_BAD_ARGUMENT;
    while (got < len) {
        vtop_window w;
        why = vtop_physmem_window(mem, pa, &w);
        if (why != VTOP_OK)
            break;
        uint64_t off = pa - w.phys;
        uint64_t n = w.len - off;
        if (n > len - got)
            n = len - got;
        for (uint64_t k = 0; k < n; k++)
            dst[got + k] = w.data[off + k];
        got += (size_t)n;
        if (n > UINT64_MAX - pa)
            break; /* reached the top of the physical space */
        pa += n;
    }
    if (done)
        *done = got;
    if (got == len)
        return VTOP_OK;
    return got ? VTOP_PARTIAL_READ : why;
}

uint64_t vtop_physmem_total(const vtop_physmem *mem)
{
    uint64_t total = 0;
    if (!mem || !mem->runs)
        return 0;
    for (size_t i = 0; i < mem->count; i++)
        total += mem->runs[i].len;
    return total;
}
