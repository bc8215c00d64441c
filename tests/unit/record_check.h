/* Test helper shared by the cache and batch tests: two translation records
 * are the same (every field the walk fills; levels[] up to nlevels). */
#ifndef VTOP_TEST_RECORD_CHECK_H
#define VTOP_TEST_RECORD_CHECK_H

#include "core/paging.h"

static inline void same_record(const vtop_translation *a, const vtop_translation *b)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->va, b->va);
    assert_int_equal(a->pa, b->pa);
    assert_int_equal(a->page_size, b->page_size);
    assert_int_equal(a->nlevels, b->nlevels);
    assert_int_equal(a->fault_level, b->fault_level);
    assert_int_equal(a->reserved_bits, b->reserved_bits);
    assert_int_equal(a->swpte, b->swpte);
    assert_int_equal(a->rights, b->rights);
    assert_int_equal(a->leaf_flags, b->leaf_flags);
    for (unsigned i = 0; i < a->nlevels; i++) {
        assert_int_equal(a->levels[i].entry_pa, b->levels[i].entry_pa);
        assert_int_equal(a->levels[i].entry, b->levels[i].entry);
        assert_int_equal(a->levels[i].level, b->levels[i].level);
    }
}

#endif
