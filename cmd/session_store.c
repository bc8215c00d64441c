/* vtop command language: the page store of paged images (kdump-compressed
 * and flattened), owned by the session: the store the core fills at open,
 * its page cache and the flattened record index, all on the heap, and the
 * platform's decompressors (core/formats/kdump.h). */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

/* 4096 pages (16 MiB): a walk's tables stay cached across the random
 * translations of a large guest (tests/bench measures it). */
#define STORE_CACHE_SLOTS 4096u

void vtop_session_set_decompressor(vtop_session *s, const vtop_decompressor *d)
{
    if (d)
        s->decompress = *d;
    else
        memset(&s->decompress, 0, sizeof s->decompress);
}

void session_store_free(vtop_session *s)
{
    if (s->store) {
        free(s->store->flat);
        free(s->store);
    }
    free(s->cache.data);
    free(s->cache.slots);
    free(s->cache.buckets);
    s->store = NULL;
    memset(&s->cache, 0, sizeof s->cache);
}

/* A fresh store (and cache, allocated once) for the next open. */
vtop_dump_store *session_store_prepare(vtop_session *s)
{
    if (!s->cache.data) {
        s->cache.nslots = STORE_CACHE_SLOTS;
        s->cache.data = malloc((size_t)STORE_CACHE_SLOTS * VTOP_PAGE_SIZE);
        s->cache.slots = calloc(STORE_CACHE_SLOTS, sizeof *s->cache.slots);
        s->cache.buckets = calloc(STORE_CACHE_SLOTS, sizeof *s->cache.buckets);
        if (!s->cache.data || !s->cache.slots || !s->cache.buckets) {
            session_store_free(s);
            return NULL;
        }
    }
    memset(s->cache.slots, 0, STORE_CACHE_SLOTS * sizeof *s->cache.slots);
    memset(s->cache.buckets, 0, STORE_CACHE_SLOTS * sizeof *s->cache.buckets);
    s->cache.hand = 0;
    s->cache.hits = s->cache.misses = 0;
    vtop_flat_record *flat = s->store ? s->store->flat : NULL;
    size_t flat_cap = s->store ? s->store->flat_cap : 0;
    if (!s->store)
        s->store = malloc(sizeof *s->store);
    if (!s->store) {
        free(flat);
        return NULL;
    }
    memset(s->store, 0, sizeof *s->store);
    s->store->flat = flat;
    s->store->flat_cap = flat_cap;
    s->store->cache = &s->cache;
    s->store->decompress = s->decompress;
    return s->store;
}

/* Grow the flattened index to the count the last open asked for. */
bool session_store_grow_index(vtop_session *s)
{
    size_t need = s->store ? s->store->flat_count : 0;
    if (!need || need <= s->store->flat_cap)
        return false;
    vtop_flat_record *bigger = realloc(s->store->flat, need * sizeof *bigger);
    if (!bigger)
        return false;
    s->store->flat = bigger;
    s->store->flat_cap = need;
    return true;
}
