/* vtop core/formats: byte access to the kdump file a store describes
 * (internal header). A plain kdump file is the span itself; a flattened
 * one is rebuilt on the fly from the record index (flattened.c), so the
 * kdump reader sees one logical file either way. */
#ifndef VTOP_FORMATS_PAGED_H
#define VTOP_FORMATS_PAGED_H

#include "parse.h"

/* Pointer to len bytes at logical offset off when they are contiguous in
 * the span (always for a plain file; within one record for a flattened
 * one), else NULL. */
const uint8_t *paged_ptr(const vtop_dump_store *s, uint64_t off, uint64_t len);

/* Copy len bytes at logical offset off. Returns VTOP_OK or
 * VTOP_PAGE_NOT_IN_IMAGE (some byte is in no record / past the end). */
vtop_status paged_read(const vtop_dump_store *s, uint64_t off, void *dst,
                       uint64_t len);

/* Open the kdump file the store's byte access describes (both formats). */
vtop_status fmt_open_kdump_store(fmt_ctx *c);

#endif
