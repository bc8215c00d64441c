/* vtop core: root discovery, per-table tests and the bounded walk.
 *
 * Reserved bits and leaf rules: Intel SDM Vol. 3A 4.3 (32-bit, tables 4-4
 * to 4-6), 4.4 (PAE, tables 4-7 to 4-11), 4.5 (4/5-level, tables 4-14 to
 * 4-20). MAXPHYADDR is unknown in an image, so 52 is assumed: an entry
 * address must lie inside the image, which is stricter anyway.
 */
#include "roots_int.h"

#define ADDR_64 0x000FFFFFFFFFF000ull
#define ADDR_32 0xFFFFF000ull
#define HIGH_IGNORED 0x7FF0000000000000ull  /* bits 52..62 */
/* PAE PDPTE reserved bits (SDM table 4-8: 2:1, 8:5, 63:52), without bits
 * 5 and 6: QEMU's TCG walker sets the accessed bit in PDPTEs (seen in real
 * i386 PAE guest dumps), so bit 5 is tolerated. */
#define PDPTE_RSVD 0xFFF0000000000186ull

/* Little-endian loads written so compilers merge them into one load. */
static inline uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline uint64_t rd_entry(const uint8_t *p, unsigned i, unsigned esz)
{
    size_t o = (size_t)i * esz;
    if (esz == 4)
        return ld32(p + o);
    return (uint64_t)ld32(p + o) | ((uint64_t)ld32(p + o + 4) << 32);
}

static bool inside(const vtop_physmem *mem, uint64_t pa)
{
    return pa != 0 && vtop_physmem_find(mem, pa) >= 0;
}

/* Entries of a top table with a reserved bit set or pointing outside the
 * image count against it (c->bad, c->missing) rather than rule it out: a
 * real root can hold one such entry (the synthetic images do). */
static void top_pae(const vtop_physmem *mem, const uint8_t *p,
                    vtop_root_candidate *c)
{
    for (unsigned i = 0; i < 4; i++) {
        uint64_t e = rd_entry(p, i, 8);
        if (!(e & PTE_P)) {
            if (e)
                c->bad++;
            continue;
        }
        c->present++;
        if (i >= 2)
            c->kernel++;
        if (e & PDPTE_RSVD)
            c->bad++;
        else if (!inside(mem, e & ADDR_64))
            c->missing++;
    }
    if (!(rd_entry(p, 3, 8) & PTE_P))
        c->kernel = 0;   /* Linux and Windows always map the top gigabyte */
}

typedef struct top_stats {
    unsigned odd;      /* present entries at odd indices */
    unsigned linear;   /* entries whose address follows the previous one's */
    unsigned junk;     /* non-present entries that are not zero */
} top_stats;

static void top_wide_or_narrow(const vtop_physmem *mem, bool wide, uint64_t pa,
                               const uint8_t *p, vtop_root_candidate *c,
                               top_stats *ts)
{
    unsigned n = wide ? 512 : 1024, esz = wide ? 8 : 4;
    uint64_t prev = ~0ull;
    for (unsigned i = 0; i < n; i++) {
        uint64_t e = rd_entry(p, i, esz);
        if (!(e & PTE_P)) {
            prev = ~0ull;
            ts->junk += e != 0;
            continue;
        }
        bool large = !wide && (e & PTE_PS);
        uint64_t addr = e & (wide ? ADDR_64 : ADDR_32);
        c->present++;
        ts->odd += i & 1;
        ts->linear += addr == prev + 4096;
        prev = addr;
        if (i >= n / 2)
            c->kernel++;
        /* PS is reserved in a PML4E/PML5E (SDM 4.5.4); bits 52..62 are
         * never set by Linux or Windows in a top-level entry; bit 21 of a
         * 4M PDE is reserved with PSE-36 (SDM table 4-4). */
        if ((wide && (e & (PTE_PS | HIGH_IGNORED))) || (large && (e & (1ull << 21))))
            c->bad++;
        else if (!large && addr == pa && i >= n / 2 && c->self_index < 0)
            c->self_index = (int32_t)i;
        else if (!large && !inside(mem, addr))
            c->missing++;
        if (c->bad + c->missing > 8 && c->bad + c->missing > c->present / 2)
            return;   /* cannot pass the majority test below */
    }
}

bool roots_top_table(const vtop_physmem *mem, vtop_mode mode, uint64_t pa,
                     const uint8_t *p, vtop_root_candidate *c)
{
    c->root = pa;
    c->mode = mode;
    c->self_index = -1;
    top_stats ts = {0, 0, 0};
    if (mode == VTOP_MODE_PAE && !(p[24] & 1))
        return false;   /* the top gigabyte's PDPTE must be present */
    bool narrow = mode == VTOP_MODE_32BIT || mode == VTOP_MODE_32BIT_PSE;
    if (mode == VTOP_MODE_PAE)
        top_pae(mem, p, c);
    else
        top_wide_or_narrow(mem, !narrow, pa, p, c, &ts);
    /* Most present entries must be sound, and non-present entries are
     * zero in the top tables of Linux and Windows (a few software entries
     * are tolerated). */
    if (c->kernel == 0 || 2 * (c->bad + c->missing) >= c->present ||
        2 * ts.junk > c->present)
        return false;
    /* A 64-bit table read 4 bytes at a time has its present entries at even
     * indices only (the odd ones are the upper halves). */
    if (narrow && c->present >= 4 && ts.odd == 0)
        return false;
    /* A page table of a linear mapping (a direct map's 4K pages): more than
     * half full, nearly every entry following the previous one. Its entry
     * for its own page is not a self-map. */
    unsigned n = narrow ? 1024 : 512;
    if (!(mode == VTOP_MODE_PAE) && 2 * c->present >= n && 4 * ts.linear >= 3 * c->present)
        return false;
    if (c->self_index >= 0 && (c->bad || 4 * c->missing > c->present))
        c->self_index = -1;
    c->evidence |= VTOP_ROOT_EV_KERNEL_HALF;
    if (c->present > c->kernel)
        c->evidence |= VTOP_ROOT_EV_USER_HALF;
    if (c->self_index >= 0)
        c->evidence |= VTOP_ROOT_EV_SELF_MAP;
    return true;
}

/* The walk: one frame per level, explicit stack (no recursion). */
typedef struct walk_frame {
    const uint8_t *table;
    unsigned next, n;
    uint64_t prev_pa;      /* PA of the previous entry's leaf, or ~0 */
    uint32_t problems;     /* bad or missing entries met in this table */
    uint32_t tables;       /* present non-leaf entries met in this table */
} walk_frame;

typedef struct walk_shape {
    unsigned levels, esz;
    uint64_t size[VTOP_MAX_LEVELS];   /* bytes mapped by an entry */
    bool leaf_ok[VTOP_MAX_LEVELS];
} walk_shape;

static void shape_of(vtop_mode mode, walk_shape *s)
{
    static const walk_shape shapes[] = {
        {2, 4, {1ull << 22, 1ull << 12}, {true, true}},
        {3, 8, {1ull << 30, 1ull << 21, 1ull << 12}, {false, true, true}},
        {4, 8, {1ull << 39, 1ull << 30, 1ull << 21, 1ull << 12}, {false, true, true, true}},
        {5, 8, {1ull << 48, 1ull << 39, 1ull << 30, 1ull << 21, 1ull << 12},
         {false, false, true, true, true}},
    };
    unsigned k = mode == VTOP_MODE_PAE ? 1 : mode == VTOP_MODE_4LEVEL ? 2
               : mode == VTOP_MODE_5LEVEL ? 3 : 0;
    *s = shapes[k];
}

/* Leaf PA of entry e at level l, or ~0 when e is not a leaf; counts
 * misaligned large leaves (reserved address bits) as bad. */
static uint64_t leaf_pa(const walk_shape *s, unsigned l, uint64_t e,
                        vtop_root_candidate *c)
{
    bool last = l == s->levels - 1;
    if (!last && !(e & PTE_PS))
        return ~0ull;
    if (!last && !s->leaf_ok[l]) {
        c->bad++;
        return ~0ull;
    }
    uint64_t mask = s->esz == 4 ? ADDR_32 : ADDR_64;
    if (last)
        return e & mask;
    uint64_t low = (s->size[l] - 1) & mask & ~(1ull << 12); /* PAT is bit 12 */
    if (s->esz == 4)
        low = 1ull << 21;  /* 4M PDE: bits 13..20 are PSE-36 address bits */
    if (e & low) {
        c->bad++;
        return ~0ull;
    }
    uint64_t pa = e & mask & ~(s->size[l] - 1);
    if (s->esz == 4)
        pa |= ((e >> 13) & 0xFF) << 32;
    return pa;
}

/* Top-level table addresses already walked: a table reached from two top
 * entries (a trampoline mapping the kernel at 0 and at 3 GiB) counts once. */
typedef struct seen_set {
    uint64_t pa[8];
    unsigned n;
} seen_set;

static bool seen_before(seen_set *s, uint64_t pa)
{
    for (unsigned i = 0; i < s->n; i++)
        if (s->pa[i] == pa)
            return true;
    if (s->n < 8)
        s->pa[s->n++] = pa;
    return false;
}

void roots_walk(const vtop_physmem *mem, vtop_root_candidate *c,
                uint32_t max_tables)
{
    seen_set seen = { {0}, 0 };
    walk_shape s;
    shape_of(c->mode, &s);
    walk_frame st[VTOP_MAX_LEVELS];
    unsigned top_n = c->mode == VTOP_MODE_PAE ? 4 : 4096 / s.esz;
    const uint8_t *top = vtop_physmem_span(mem, c->root, (uint64_t)top_n * s.esz);
    if (!top)
        return;
    st[0] = (walk_frame){ top, 0, top_n, ~0ull, 0, 0 };
    unsigned depth = 0;
    uint32_t tables = 1;
    while (tables <= max_tables) {
        walk_frame *f = &st[depth];
        if (f->next >= f->n) {
            if (depth == 0)
                break;
            /* a table of pointers (not of 4K leaves) with no flaw */
            if (f->tables && !f->problems)
                c->sound++;
            depth--;
            continue;
        }
        /* Tables above the PD are read from their last entry down: the
         * kernel image and the direct map (the same in every process, and
         * at the top of the address space) come first within the budget. */
        unsigned idx = depth + 2 < s.levels ? f->n - 1 - f->next : f->next;
        f->next++;
        uint64_t e = rd_entry(f->table, idx, s.esz);
        if (!(e & PTE_P) || (depth == 0 && (c->self_index == (int32_t)idx ||
                                            seen_before(&seen, e & ADDR_64)))) {
            f->prev_pa = ~0ull;
            continue;
        }
        uint32_t bad_before = c->bad;
        uint64_t pa = depth ? leaf_pa(&s, depth, e, c) : ~0ull;
        if (c->bad != bad_before)
            f->problems++;
        if (pa != ~0ull) {
            c->leaves++;
            if (f->prev_pa != ~0ull && pa == f->prev_pa + s.size[depth])
                c->linear++;
            f->prev_pa = pa;
            continue;
        }
        f->prev_pa = ~0ull;
        if (depth + 1 >= s.levels || (e & PTE_PS) || c->bad != bad_before)
            continue;
        f->tables++;
        const uint8_t *t = vtop_physmem_span(mem, e & (s.esz == 4 ? ADDR_32 : ADDR_64), 4096);
        if (!t) {
            c->missing++;
            f->problems++;
            continue;
        }
        tables++;
        st[++depth] = (walk_frame){ t, 0, 4096 / s.esz, ~0ull, 0, 0 };
    }
    if (c->linear)
        c->evidence |= VTOP_ROOT_EV_LINEAR_LEAVES;
    if (c->bad)
        c->evidence |= VTOP_ROOT_EV_BAD_LEAVES;
    if (c->missing)
        c->evidence |= VTOP_ROOT_EV_MISSING_TABLES;
}

/* Walk the lower (user) half of c's top table, at most max_tables tables:
 * user leaves, of which writable and dirty, and identity-mapped ones. */
void roots_user_walk(const vtop_physmem *mem, const vtop_root_candidate *c,
                     uint32_t max_tables, roots_user *u)
{
    walk_shape s;
    shape_of(c->mode, &s);
    unsigned top_n = c->mode == VTOP_MODE_PAE ? 4 : 4096 / s.esz;
    const uint8_t *t[VTOP_MAX_LEVELS];
    unsigned idx[VTOP_MAX_LEVELS];
    uint64_t va[VTOP_MAX_LEVELS];
    uint64_t amask = s.esz == 4 ? ADDR_32 : ADDR_64;
    *u = (roots_user){0, 0, 0};
    t[0] = vtop_physmem_span(mem, c->root, (uint64_t)top_n * s.esz);
    if (!t[0])
        return;
    idx[0] = 0;
    va[0] = 0;
    unsigned depth = 0;
    uint32_t tables = 1;
    while (tables <= max_tables) {
        unsigned n = depth ? 4096 / s.esz : top_n / 2;
        if (idx[depth] >= n) {
            if (depth == 0)
                break;
            depth--;
            continue;
        }
        unsigned i = idx[depth]++;
        uint64_t e = rd_entry(t[depth], i, s.esz);
        uint64_t v = va[depth] + (uint64_t)i * s.size[depth];
        if (!(e & PTE_P))
            continue;
        bool last = depth == s.levels - 1;
        if (last || ((e & PTE_PS) && s.leaf_ok[depth])) {
            u->leaves++;
            if ((e & PTE_RW) && (e & PTE_D))
                u->dirty_writable++;
            if ((e & amask & ~(s.size[depth] - 1)) == v)
                u->identity++;
            continue;
        }
        const uint8_t *next = (e & PTE_PS) ? 0 : vtop_physmem_span(mem, e & amask, 4096);
        if (!next)
            continue;
        tables++;
        depth++;
        t[depth] = next;
        idx[depth] = 0;
        va[depth] = v;
    }
}

static bool entries_similar(const uint8_t *p, const uint8_t *q, unsigned from,
                            unsigned to, unsigned esz)
{
    unsigned used = 0, same = 0;
    for (unsigned i = from; i < to; i++) {
        uint64_t a = rd_entry(p, i, esz), b = rd_entry(q, i, esz);
        if (!(a & PTE_P) && !(b & PTE_P))
            continue;
        used++;
        same += a == b;
    }
    return used && 10 * same >= 9 * used;
}

bool roots_kernel_similar(const vtop_physmem *mem, vtop_mode mode,
                          const uint8_t *p, const uint8_t *q)
{
    if (mode == VTOP_MODE_PAE) {
        /* Each process may own a copy of the kernel's PMD (PDPTE 3): compare
         * the copies' contents. */
        const uint8_t *pd = vtop_physmem_span(mem, rd_entry(p, 3, 8) & ADDR_64, 4096);
        const uint8_t *qd = vtop_physmem_span(mem, rd_entry(q, 3, 8) & ADDR_64, 4096);
        return pd && qd && entries_similar(pd, qd, 0, 512, 8);
    }
    if (mode == VTOP_MODE_32BIT || mode == VTOP_MODE_32BIT_PSE)
        return entries_similar(p, q, 512, 1024, 4);
    return entries_similar(p, q, 256, 512, 8);
}

bool roots_points_to(vtop_mode mode, const uint8_t *p, uint64_t target)
{
    unsigned n = mode == VTOP_MODE_PAE ? 4 : 512;
    for (unsigned i = 0; i < n; i++) {
        uint64_t e = rd_entry(p, i, 8);
        if ((e & PTE_P) && (e & ADDR_64) == target)
            return true;
    }
    return false;
}
