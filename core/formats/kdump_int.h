/* vtop core/formats: kdump-compressed internals shared by kdump.c (open)
 * and kdump_pages.c (page access). */
#ifndef VTOP_FORMATS_KDUMP_INT_H
#define VTOP_FORMATS_KDUMP_INT_H

#include "kdump.h"

typedef struct kdump_page_desc {
    uint64_t offset;
    uint32_t size;
    vtop_compression comp;
} kdump_page_desc;

unsigned kdump_popcount(uint64_t v);
/* Word w (64 frames) of the bitmap at logical offset bm; 0 if unreadable. */
uint64_t kdump_word(const vtop_dump_store *s, uint64_t bm, uint64_t w);
bool kdump_bit(const vtop_dump_store *s, uint64_t bm, uint64_t pfn);
/* Descriptor `index`: VTOP_OK, VTOP_PAGE_NOT_IN_IMAGE (it or its data is
 * past the end), VTOP_FORMAT_CORRUPT. */
vtop_status kdump_desc(const vtop_dump_store *s, uint64_t index,
                       kdump_page_desc *d);
/* The page source's callbacks (ctx is the store). */
vtop_status kdump_fetch(void *ctx, uint64_t pa, uint8_t *slot,
                        const uint8_t **page);
vtop_status kdump_probe(void *ctx, uint64_t pa);

#endif
