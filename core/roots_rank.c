/* vtop core: root discovery, the final order of the kept candidates (see
 * roots.h): candidates of one mode whose kernel halves agree form a group
 * and share its best structural score; each user half is walked (bounded);
 * candidates pointed to by a root of a deeper mode are marked as children;
 * the list is re-sorted. No pass over the image: a 4 GiB raw file is read
 * once, not twice.
 */
#include "roots_int.h"

#define USER_WALK_TABLES 64
#define MAX_RANKED 256

/* Candidate k's space (its mode, its root). */
static bool space_of(const vtop_physmem *mem, const vtop_root_candidate *c,
                     vtop_space *s)
{
    return roots_space(s, mem, c->mode, c->root);
}

static const uint8_t *top_bytes(const vtop_space *s)
{
    return vtop_physmem_span(&s->mem, s->root, roots_top_bytes(s));
}

/* Group base: the best structural score among candidates of the same mode
 * whose kernel halves agree (one kernel, many processes). */
static int64_t group_base(const vtop_physmem *mem, vtop_root_candidate *out,
                          size_t n, size_t k)
{
    int64_t best = roots_base_score(&out[k]);
    /* A flawed table (reserved bits, tables outside the image: a freed or
     * half-written PGD) keeps its own score: it may share the kernel half
     * but not the group's standing. */
    bool flawed = out[k].bad || out[k].missing;
    vtop_space s, t;
    const uint8_t *p = space_of(mem, &out[k], &s) ? top_bytes(&s) : NULL;
    for (size_t j = 0; p && j < n; j++) {
        if (j == k || out[j].mode != out[k].mode || !space_of(mem, &out[j], &t))
            continue;
        const uint8_t *q = top_bytes(&t);
        if (!q || !roots_kernel_similar(&s, p, q))
            continue;
        out[k].sharers++;
        int64_t sc = roots_base_score(&out[j]);
        if (sc > best && !flawed)
            best = sc;
    }
    return best;
}

/* Candidate k is a table that a root of a deeper mode (more levels) points
 * to: a 5-level kernel's P4D reads as a perfect 4-level root. */
static bool is_child(const vtop_physmem *mem, const vtop_root_candidate *out,
                     size_t n, size_t k)
{
    unsigned depth = vtop_mode_describe(out[k].mode)->levels;
    for (size_t j = 0; j < n; j++) {
        vtop_space t;
        if (vtop_mode_describe(out[j].mode)->levels <= depth ||
            !space_of(mem, &out[j], &t))
            continue;
        const uint8_t *q = top_bytes(&t);
        if (q && roots_points_to(&t, q, out[k].root))
            return true;
    }
    return false;
}

/* The final order is lexicographic: the group's structural score first
 * (minus 10^6 for a child table), then "a process" (user leaves, not an
 * identity-mapped trampoline), then the share of dirty writable user pages.
 * The user-half terms only ever break ties between candidates that the
 * structure cannot tell apart (one kernel, many processes). */
#define RANK_SCALE 4096

static int64_t final_score(const vtop_physmem *mem, vtop_root_candidate *out,
                           size_t n, size_t k)
{
    vtop_root_candidate *c = &out[k];
    roots_user u = {0, 0, 0};
    vtop_space s;
    if (space_of(mem, c, &s))
        roots_user_walk(&s, USER_WALK_TABLES, &u);
    c->user_leaves = u.leaves;
    c->user_dirty = u.dirty_writable;
    int64_t base = group_base(mem, out, n, k);
    if (is_child(mem, out, n, k)) {
        c->evidence |= VTOP_ROOT_EV_CHILD_TABLE;
        base -= 1000000;
    }
    int64_t tie = 0;
    bool identity = u.leaves && 2 * u.identity > u.leaves;
    if (identity)
        c->evidence |= VTOP_ROOT_EV_IDENTITY_USER;
    if (u.leaves) {
        c->evidence |= VTOP_ROOT_EV_PROCESS;
        tie += identity ? 0 : 2048;
    }
    if (u.dirty_writable && u.leaves) {
        /* Share of the user pages that are written and still writable, in
         * tenths of a percent: a running process that forks no children
         * keeps its written pages writable; a freshly exec'd one maps
         * mostly clean file pages. A heuristic (roots.h). */
        c->evidence |= VTOP_ROOT_EV_DIRTY_USER;
        tie += (int64_t)((uint64_t)u.dirty_writable * 1000 / u.leaves);
    }
    return base * RANK_SCALE + tie;
}

void roots_rank(const vtop_physmem *mem, vtop_root_candidate *out, size_t n)
{
    if (n > MAX_RANKED)
        n = MAX_RANKED;
    int64_t score[MAX_RANKED];
    for (size_t k = 0; k < n; k++) {
        score[k] = final_score(mem, out, n, k);
        if (out[k].sharers)
            out[k].evidence |= VTOP_ROOT_EV_SHARED_KERNEL;
    }
    for (size_t k = 0; k < n; k++)
        out[k].score = score[k];
    for (size_t i = 1; i < n; i++) {  /* n is small: insertion sort */
        vtop_root_candidate c = out[i];
        size_t j = i;
        while (j > 0 && roots_better(&c, &out[j - 1])) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = c;
    }
}
