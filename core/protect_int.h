/* vtop core: internals shared by protect.c (the joined walk) and
 * protect_ranges.c (checks over named ranges). Not a public API. */
#ifndef VTOP_PROTECT_INT_H
#define VTOP_PROTECT_INT_H

#include "protect.h"

#define PROT_PAGE 4096ull

static inline uint64_t prot_pages(uint64_t bytes)
{
    return (bytes >> 12) + ((bytes & 0xfff) != 0);
}

/* Count units against c and keep r among the first ranges (merged with the
 * last one when contiguous and alike). */
void prot_offend(vtop_check_result *c, const vtop_prot_range *r, uint64_t units);

/* Where pa stands in one sorted list: inside entry idx (last byte
 * in_last), or outside with the next entry starting at next (~0: none). */
typedef struct list_pos {
    uint32_t idx;
    uint64_t in_last, next;
} list_pos;

list_pos prot_memmap_pos(const vtop_prot_sources *src, uint64_t pa);
list_pos prot_gcd_pos(const vtop_prot_sources *src, uint64_t pa);
list_pos prot_image_pos(const vtop_prot_sources *src, uint64_t va);
uint32_t prot_image_at(const vtop_prot_sources *src, uint64_t va);

/* Memory-map / GCD entry holding pa (binary search over the sorted lists),
 * or VTOP_PROT_NONE. */
uint32_t prot_memmap_at(const vtop_prot_sources *src, uint64_t pa);
uint32_t prot_gcd_at(const vtop_prot_sources *src, uint64_t pa);


/* The checks over named ranges (protect_ranges.c). */
vtop_status prot_check_images(const vtop_space *space,
                              const vtop_prot_sources *src,
                              vtop_prot_report *rep);
vtop_status prot_check_stack(const vtop_space *space,
                             const vtop_prot_sources *src,
                             vtop_prot_report *rep);
vtop_status prot_check_null(const vtop_space *space,
                            const vtop_prot_sources *src,
                            vtop_prot_report *rep);
vtop_status prot_check_mat(const vtop_space *space,
                           const vtop_prot_sources *src, vtop_prot_report *rep);
vtop_status prot_check_attr_protocol(const vtop_space *space,
                                     const vtop_prot_sources *src,
                                     vtop_prot_report *rep);

#endif
