/* vtop core: batched translation.
 *
 * vtop_translate_batch translates several addresses at once, level by
 * level: the walks of a group advance together, so the entry loads of
 * different walks are independent and overlap in the memory system
 * (group prefetching / AMAC-style lookup, as in hash-join and B-tree
 * probing: Chen et al., "Improving Hash Join Performance through
 * Prefetching", ICDE 2004; Kocberber et al., "Asynchronous Memory Access
 * Chaining", VLDB 2015). Every check of the one walker is made; a walk
 * that meets anything but present entries down to a leaf is handed to the
 * walker itself, so the records are exactly vtop_translate's.
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef VTOP_BATCH_H
#define VTOP_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "paging.h"
#include "status.h"

/* out[i] receives exactly what vtop_translate(space, va[i], &out[i]) gives,
 * for i < n. Returns VTOP_OK when every address translated (also for
 * n == 0), VTOP_BAD_ARGUMENT when va or out is NULL with n > 0 (nothing
 * written), else the status of the first address that did not translate. */
vtop_status vtop_translate_batch(const vtop_space *space, const uint64_t *va,
                                 size_t n, vtop_translation *out);

/* The addresses only, as vtop_translate_pa gives them: status[i] is
 * vtop_translate_pa's status for va[i], pa[i] the physical address when
 * status[i] == VTOP_OK, else 0 (status[i] says why). Returns as
 * vtop_translate_batch does; VTOP_BAD_ARGUMENT (nothing written) when
 * va, pa or status is NULL with n > 0. */
vtop_status vtop_translate_batch_pa(const vtop_space *space, const uint64_t *va,
                                    size_t n, uint64_t *pa, vtop_status *status);

#endif
