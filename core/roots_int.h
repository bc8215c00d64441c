/* vtop core: root discovery internals (internal header).
 *
 * Every test reads a candidate through a vtop_space of its mode whose root
 * is the candidate (roots_space), and decodes entries with core/entry.h,
 * so candidates are judged by the rules that translate (reserved bits,
 * leaves, frame bases, rights) and the mode table (core/paging.c) is the
 * only place that knows a mode. The layering has no circle: roots.c (scan)
 * calls roots_rank.c (final order), both call roots_table.c (per-table
 * tests, bounded walks, scores).
 */
#ifndef VTOP_ROOTS_INT_H
#define VTOP_ROOTS_INT_H

#include "entry.h"
#include "roots.h"

/* A space of mode over mem with its root at pa; false when pa cannot be a
 * root of that mode (above a 32-bit CR3, misaligned). MAXPHYADDR is
 * unknown in an image, so 52 is assumed (an entry address must lie inside
 * the image, which is stricter anyway), and NXE on. */
bool roots_space(vtop_space *s, const vtop_physmem *mem, vtop_mode mode,
                 uint64_t pa);

/* Bytes of the top table of s's mode (32 for the PAE PDPT, else a page). */
uint64_t roots_top_bytes(const vtop_space *s);

/* The cheap first test of a top table p of s's mode (before its root is
 * even set): false when it cannot be a root. */
bool roots_top_plausible(const vtop_space *s, const uint8_t *p);

/* Structural test of the top table at s->root (bytes p, roots_top_bytes
 * long). Fills root, mode, present/kernel/self_index/bad/missing and
 * evidence. Returns false when the table cannot be a root. */
bool roots_top_table(const vtop_space *s, const uint8_t *p,
                     vtop_root_candidate *c);

/* Bounded walk below s->root: fills c's leaves, linear, sound, bad,
 * missing. */
void roots_walk(const vtop_space *s, vtop_root_candidate *c,
                uint32_t max_tables);

typedef struct roots_user {
    uint32_t leaves, dirty_writable, identity;
} roots_user;

/* Bounded walk of the lower (user) half of the top table at s->root. */
void roots_user_walk(const vtop_space *s, uint32_t max_tables, roots_user *u);

/* The kernel halves of two top tables of s's mode agree on >= 90% of the
 * entries present in either (a PDPT: the kernel PDs its top entry points
 * to, since each process may own a copy). */
bool roots_kernel_similar(const vtop_space *s, const uint8_t *p,
                          const uint8_t *q);

/* A present entry of the top table p (of s's mode) points to target. */
bool roots_points_to(const vtop_space *s, const uint8_t *p, uint64_t target);

/* Structural and walk score (pass 1); candidate order (score, then lower
 * address). */
int64_t roots_base_score(const vtop_root_candidate *c);
bool roots_better(const vtop_root_candidate *a, const vtop_root_candidate *b);

/* Pass 2 and the final order of out[0..n) (roots_rank.c). */
void roots_rank(const vtop_physmem *mem, vtop_root_candidate *out, size_t n);

#endif
