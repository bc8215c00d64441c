/* vtop core: root discovery internals shared by roots.c (scan, ranking)
 * and roots_table.c (top-table tests, bounded walk). Internal header. */
#ifndef VTOP_ROOTS_INT_H
#define VTOP_ROOTS_INT_H

#include "roots.h"

/* Structural test of the top table of mode at pa (bytes p, at least
 * 4096 bytes, or 32 for PAE). Fills present/kernel/self_index/evidence.
 * Returns false when the table cannot be a root of that mode. */
bool roots_top_table(const vtop_physmem *mem, vtop_mode mode, uint64_t pa,
                     const uint8_t *p, vtop_root_candidate *c);

/* Bounded walk below c->root: fills leaves, linear, bad, missing. */
void roots_walk(const vtop_physmem *mem, vtop_root_candidate *c,
                uint32_t max_tables);

typedef struct roots_user {
    uint32_t leaves, dirty_writable, identity;
} roots_user;

/* Bounded walk of the lower (user) half of c's top table. */
void roots_user_walk(const vtop_physmem *mem, const vtop_root_candidate *c,
                     uint32_t max_tables, roots_user *u);

/* The kernel halves of two top tables of mode agree on >= 90% of the
 * entries present in either (PAE: the kernel PMDs they point to). */
bool roots_kernel_similar(const vtop_physmem *mem, vtop_mode mode,
                          const uint8_t *p, const uint8_t *q);

/* A present 8-byte entry of the top table p (PAE: its 4 entries) points to
 * target. */
bool roots_points_to(vtop_mode mode, const uint8_t *p, uint64_t target);

/* Structural and walk score (pass 1); candidate order (score, then lower
 * address). */
int64_t roots_base_score(const vtop_root_candidate *c);
bool roots_better(const vtop_root_candidate *a, const vtop_root_candidate *b);

/* Pass 2 and the final order of out[0..n) (roots_rank.c). */
void roots_rank(const vtop_physmem *mem, vtop_root_candidate *out, size_t n);

#endif
