/* vtop core: root discovery, pass 2 and the final order (see roots.h).
 *
 * Pass 2 reads the image once more for the kept candidates: other tables
 * with the same kernel half (exact hash), and the places where a
 * candidate's address is stored as a plain value. Then each candidate's
 * user half is walked (bounded), candidates pointed to by a root of a
 * deeper mode are marked as children, and the list is re-sorted.
 */
#include "roots_int.h"

#define USER_WALK_TABLES 64
#define MAX_RANKED 256

static bool narrow_mode(vtop_mode m)
{
    return m == VTOP_MODE_PAE || m == VTOP_MODE_32BIT || m == VTOP_MODE_32BIT_PSE;
}

static uint32_t rd32le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* Places where a candidate's address is stored as a plain value (u32 for
 * 32-bit and PAE roots, aligned u64 otherwise). */
static void refs_page(const uint8_t *p, vtop_root_candidate *out, size_t n)
{
    for (unsigned o = 0; o < 4096; o += 4) {
        uint32_t lo = rd32le(p + o);
        if (lo & 0x1F)
            continue;   /* roots are 32-byte aligned at least */
        uint64_t v = (o & 7) ? lo : (lo | ((uint64_t)rd32le(p + o + 4) << 32));
        if (v == 0)
            continue;
        for (size_t k = 0; k < n; k++) {
            if (narrow_mode(out[k].mode) ? lo == out[k].root
                                         : (!(o & 7) && v == out[k].root))
                out[k].value_refs++;
        }
    }
}

static void pass2(const vtop_physmem *mem, vtop_root_candidate *out, size_t n)
{
    uint64_t hash[MAX_RANKED];
    for (size_t k = 0; k < n; k++) {
        const uint8_t *p = vtop_physmem_span(mem, out[k].root & ~0xFFFull, 4096);
        hash[k] = (p && out[k].mode != VTOP_MODE_PAE)
                      ? roots_kernel_hash(out[k].mode, p) : 0;
    }
    for (size_t r = 0; r < mem->count; r++) {
        const vtop_run *run = &mem->runs[r];
        uint64_t first = (run->phys + 0xFFF) & ~0xFFFull;
        for (uint64_t pa = first; pa >= run->phys && pa - run->phys + 4096 <= run->len;
             pa += 4096) {
            const uint8_t *p = run->data + (pa - run->phys);
            uint64_t page_hash[VTOP_MODE_COUNT] = {0};
            bool done[VTOP_MODE_COUNT] = {false};
            refs_page(p, out, n);
            for (size_t k = 0; k < n; k++) {
                vtop_mode m = out[k].mode;
                if (!hash[k] || pa == out[k].root)
                    continue;
                if (!done[m]) {
                    page_hash[m] = roots_kernel_hash(m, p);
                    done[m] = true;
                }
                if (page_hash[m] == hash[k])
                    out[k].sharers++;
            }
        }
    }
}

static unsigned depth_of(vtop_mode m)
{
    return m == VTOP_MODE_5LEVEL ? 5 : m == VTOP_MODE_4LEVEL ? 4 : m == VTOP_MODE_PAE ? 3 : 2;
}

/* Group base: the best structural score among candidates of the same mode
 * whose kernel halves agree (one kernel, many processes). */
static int64_t group_base(const vtop_physmem *mem, const vtop_root_candidate *out,
                          size_t n, size_t k)
{
    int64_t best = roots_base_score(&out[k]);
    const uint8_t *p = vtop_physmem_span(mem, out[k].root, out[k].mode == VTOP_MODE_PAE ? 32 : 4096);
    for (size_t j = 0; p && j < n; j++) {
        if (j == k || out[j].mode != out[k].mode)
            continue;
        const uint8_t *q = vtop_physmem_span(mem, out[j].root, out[j].mode == VTOP_MODE_PAE ? 32 : 4096);
        int64_t s = roots_base_score(&out[j]);
        if (q && s > best && roots_kernel_similar(out[k].mode, p, q))
            best = s;
    }
    return best;
}

static bool is_child(const vtop_physmem *mem, const vtop_root_candidate *out,
                     size_t n, size_t k)
{
    for (size_t j = 0; j < n; j++) {
        if (depth_of(out[j].mode) <= depth_of(out[k].mode) || narrow_mode(out[j].mode))
            continue;
        const uint8_t *q = vtop_physmem_span(mem, out[j].root, 4096);
        if (q && roots_points_to(out[j].mode, q, out[k].root))
            return true;
    }
    return false;
}

static int64_t final_score(const vtop_physmem *mem, vtop_root_candidate *out,
                           size_t n, size_t k)
{
    vtop_root_candidate *c = &out[k];
    roots_user u;
    roots_user_walk(mem, c, USER_WALK_TABLES, &u);
    c->user_leaves = u.leaves;
    c->user_dirty = u.dirty_writable;
    int64_t s = group_base(mem, out, n, k);
    s += (int64_t)(c->sharers < 256 ? c->sharers : 256);
    if (u.leaves) {
        c->evidence |= VTOP_ROOT_EV_PROCESS;
        s += 1000;
    }
    if (u.dirty_writable) {
        c->evidence |= VTOP_ROOT_EV_DIRTY_USER;
        s += (int64_t)(u.dirty_writable < 200 ? u.dirty_writable : 200) * 10;
    }
    if (u.leaves && 2 * u.identity > u.leaves) {
        c->evidence |= VTOP_ROOT_EV_IDENTITY_USER;
        s -= 4000;
    }
    if (is_child(mem, out, n, k)) {
        c->evidence |= VTOP_ROOT_EV_CHILD_TABLE;
        s -= 1000000;
    }
    return s;
}

void roots_rank(const vtop_physmem *mem, vtop_root_candidate *out, size_t n)
{
    if (n > MAX_RANKED)
        n = MAX_RANKED;
    pass2(mem, out, n);
    int64_t score[MAX_RANKED];
    for (size_t k = 0; k < n; k++) {
        if (out[k].sharers)
            out[k].evidence |= VTOP_ROOT_EV_SHARED_KERNEL;
        if (out[k].value_refs)
            out[k].evidence |= VTOP_ROOT_EV_CR3_VALUE;
        score[k] = final_score(mem, out, n, k);
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
