/* vtop core: root discovery, per-table tests, bounded walks and scores.
 *
 * Entries are read through a space of the candidate's mode and decoded by
 * core/entry.h: reserved bits, leaves and frame bases are the walker's
 * (Intel SDM Vol. 3A 4.3 to 4.5, tables 4-4 to 4-20). What is added here
 * is only evidence: which tables look like the top of a real kernel's
 * address space.
 */
#include "roots_int.h"

#define PAGE 4096u

/* AArch64 candidates are TTBR1 tables of the configuration Linux and
 * Windows use on arm64: TCR_EL1 with 4K granules and 48-bit halves (T0SZ =
 * T1SZ = 16, TG1 = 0b10, IPS 48 bits; Arm ARM D19.2), read as the TTBR1
 * half's view. */
#define A64_SCAN_TCR (16ull | (16ull << 16) | (2ull << 30) | (5ull << 32))

static bool a64_space(vtop_space *s, const vtop_physmem *mem)
{
    vtop_space whole;
    vtop_space_config cfg = {.mode = VTOP_MODE_AARCH64, .tcr = A64_SCAN_TCR,
                             .maxphyaddr = 52};
    return vtop_space_init(&whole, &cfg, mem) == VTOP_OK &&
           vtop_space_half_view(&whole, 1, s) == VTOP_OK;
}

bool roots_space(vtop_space *s, const vtop_physmem *mem, vtop_mode mode,
                 uint64_t pa)
{
    vtop_space_config cfg = {.mode = mode, .cr3 = 0, .nxe = true, .maxphyaddr = 52};
    bool ok = vtop_mode_is_a64(vtop_mode_describe(mode))
                  ? a64_space(s, mem)
                  : vtop_space_init(s, &cfg, mem) == VTOP_OK;
    return ok && vtop_space_set_root(s, pa) == VTOP_OK && s->root == pa;
}

/* A present entry the walker would not follow or map: reserved bits
 * (x86), or any fault of its descriptor (AArch64: wrong type, address
 * size; an AF = 0 leaf counts too, a root's tables hold few). */
static bool entry_bad(const vtop_space *s, unsigned l, uint64_t e)
{
    if (vtop_mode_is_a64(s->desc))
        return vtop_entry_fault(s, l, e) != VTOP_OK;
    return vtop_entry_reserved(s, l, e) != 0;
}

uint64_t roots_top_bytes(const vtop_space *s)
{
    return vtop_entry_count(s, 0) * s->desc->entry_size;
}

static uint64_t entry_at(const vtop_space *s, const uint8_t *t, uint64_t i)
{
    unsigned esz = s->desc->entry_size;
    return vtop_entry_load(t + i * esz, esz);
}

static bool inside(const vtop_space *s, uint64_t pa)
{
    return pa != 0 && vtop_physmem_find(&s->mem, pa) >= 0;
}

/* Bits above the address field that hardware ignores (52..62 with NX in
 * 63): Linux and Windows never set them in a top-level entry. */
static uint64_t soft_high(const vtop_space *s, uint64_t e)
{
    /* AArch64 table descriptors (D8.3): bits 58:51 are ignored or RES0 and
     * 63 is NSTable (Secure state only); 62:59 are the hierarchical
     * attributes Linux sets (PXNTable/UXNTable on kernel tables). */
    if (vtop_mode_is_a64(s->desc))
        return e & (0xffull << 51 | 1ull << 63);
    return e & ~(s->addr_mask | 0xfffull | s->nx_mask) & ~0xffffffffull;
}

typedef struct top_stats {
    unsigned odd;      /* present entries at odd indices */
    unsigned linear;   /* entries whose address follows the previous one's */
    unsigned junk;     /* non-present entries that are not zero */
} top_stats;

/* One present top entry i of n: counts, self-map, flaws. Entries with a
 * reserved bit set or pointing outside the image count against the table
 * (c->bad, c->missing) rather than rule it out: a real root can hold one
 * such entry (the synthetic images do). */
static void top_entry(const vtop_space *s, uint64_t i, uint64_t e,
                      vtop_root_candidate *c)
{
    uint64_t n = vtop_entry_count(s, 0);
    bool leaf = vtop_entry_is_leaf(s, 0, e);
    uint64_t addr = vtop_entry_table(s, e);
    bool page = roots_top_bytes(s) >= PAGE; /* a PDPT slot is no self-map */
    c->present++;
    if (i >= n / 2)
        c->kernel++;
    if (entry_bad(s, 0, e) || soft_high(s, e))
        c->bad++;
    else if (page && !leaf && addr == s->root && i >= n / 2 && c->self_index < 0)
        c->self_index = (int32_t)i;
    else if (!leaf && !inside(s, addr))
        c->missing++;
}

static void top_scan(const vtop_space *s, const uint8_t *p,
                     vtop_root_candidate *c, top_stats *ts)
{
    uint64_t n = vtop_entry_count(s, 0), prev = ~0ull;
    bool small = roots_top_bytes(s) < PAGE;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t e = entry_at(s, p, i);
        if (!vtop_entry_present(e)) {
            prev = ~0ull;
            if (small)
                c->bad += e != 0; /* a PDPT has no room for software entries */
            else
                ts->junk += e != 0;
            continue;
        }
        uint64_t addr = vtop_entry_table(s, e);
        ts->odd += (unsigned)(i & 1);
        ts->linear += addr == prev + PAGE;
        prev = addr;
        top_entry(s, i, e, c);
        if (c->bad + c->missing > 8 && c->bad + c->missing > c->present / 2)
            return;   /* cannot pass the majority test below */
    }
}

bool roots_top_plausible(const vtop_space *s, const uint8_t *p)
{
    /* A PDPT's entries span 1 GiB each: Linux and Windows always map the
     * top one (the kernel). */
    uint64_t n = vtop_entry_count(s, 0);
    return roots_top_bytes(s) >= PAGE || vtop_entry_present(entry_at(s, p, n - 1));
}

bool roots_top_table(const vtop_space *s, const uint8_t *p,
                     vtop_root_candidate *c)
{
    c->root = s->root;
    c->mode = s->desc->mode;
    c->self_index = -1;
    uint64_t n = vtop_entry_count(s, 0);
    bool small = roots_top_bytes(s) < PAGE;
    if (!roots_top_plausible(s, p))
        return false;
    top_stats ts = {0, 0, 0};
    top_scan(s, p, c, &ts);
    /* Most present entries must be sound, and non-present entries are
     * zero in the top tables of Linux and Windows (a few software entries
     * are tolerated). */
    if (c->kernel == 0 || 2 * (c->bad + c->missing) >= c->present ||
        2 * ts.junk > c->present)
        return false;
    /* A table of 8-byte entries read 4 bytes at a time has its present
     * entries at even indices only (the odd ones are the upper halves). */
    if (s->desc->entry_size == 4 && c->present >= 4 && ts.odd == 0)
        return false;
    /* A page table of a linear mapping (a direct map's 4K pages): more than
     * half full, nearly every entry following the previous one. Its entry
     * for its own page is not a self-map. */
    if (!small && 2 * (uint64_t)c->present >= n && 4 * ts.linear >= 3 * c->present)
        return false;
    if (c->self_index >= 0 && (c->bad || 4 * c->missing > c->present))
        c->self_index = -1;
    c->evidence |= VTOP_ROOT_EV_KERNEL_HALF;
    /* a TTBR1 table has no user half: its lower entries are kernel too */
    if (c->present > c->kernel && !vtop_mode_is_a64(s->desc))
        c->evidence |= VTOP_ROOT_EV_USER_HALF;
    if (c->self_index >= 0)
        c->evidence |= VTOP_ROOT_EV_SELF_MAP;
    return true;
}

/* The walk: one frame per level, explicit stack (no recursion). */
typedef struct walk_frame {
    const uint8_t *table;
    uint64_t next, n;
    uint64_t prev_pa;      /* PA of the previous entry's leaf, or ~0 */
    uint32_t problems;     /* bad or missing entries met in this table */
    uint32_t tables;       /* present non-leaf entries met in this table */
} walk_frame;

/* Leaf PA of entry e at level l, or ~0 when e is not a leaf; an entry with
 * reserved bits (a misaligned large leaf, PS where no leaf is allowed) is
 * bad. */
static uint64_t leaf_pa(const vtop_space *s, unsigned l, uint64_t e,
                        vtop_root_candidate *c)
{
    if (entry_bad(s, l, e)) {
        c->bad++;
        return ~0ull;
    }
    return vtop_entry_is_leaf(s, l, e) ? vtop_entry_leaf_base(s, l, e) : ~0ull;
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

typedef struct walk_state {
    const vtop_space *s;
    vtop_root_candidate *c;
    walk_frame st[VTOP_MAX_LEVELS];
    unsigned depth;
    uint32_t tables;
    seen_set seen;
} walk_state;

/* One entry of the current frame: a leaf, a table to descend to, or
 * nothing. */
static void walk_entry(walk_state *w, walk_frame *f, uint64_t idx)
{
    const vtop_space *s = w->s;
    vtop_root_candidate *c = w->c;
    unsigned depth = w->depth;
    uint64_t e = entry_at(s, f->table, idx);
    if (!vtop_entry_present(e) ||
        (depth == 0 && (c->self_index == (int32_t)idx ||
                        seen_before(&w->seen, vtop_entry_table(s, e))))) {
        f->prev_pa = ~0ull;
        return;
    }
    uint32_t bad_before = c->bad;
    uint64_t pa = depth ? leaf_pa(s, depth, e, c) : ~0ull;
    if (c->bad != bad_before)
        f->problems++;
    if (pa != ~0ull) {
        c->leaves++;
        uint64_t size = vtop_entry_page_size(s, depth);
        if (f->prev_pa != ~0ull && pa == f->prev_pa + size)
            c->linear++;
        f->prev_pa = pa;
        return;
    }
    f->prev_pa = ~0ull;
    /* Descend only through sound table entries (a top entry with reserved
     * bits was counted by roots_top_table already). */
    if (depth + 1 >= s->desc->levels || vtop_entry_is_leaf(s, depth, e) ||
        c->bad != bad_before || entry_bad(s, depth, e))
        return;
    f->tables++;
    const uint8_t *t = vtop_physmem_span(&s->mem, vtop_entry_table(s, e), PAGE);
    if (!t) {
        c->missing++;
        f->problems++;
        return;
    }
    w->tables++;
    w->st[++w->depth] = (walk_frame){t, 0, vtop_entry_count(s, depth + 1), ~0ull, 0, 0};
}

void roots_walk(const vtop_space *s, vtop_root_candidate *c,
                uint32_t max_tables)
{
    walk_state w = {.s = s, .c = c, .depth = 0, .tables = 1};
    const uint8_t *top = vtop_physmem_span(&s->mem, s->root, roots_top_bytes(s));
    if (!top)
        return;
    w.st[0] = (walk_frame){top, 0, vtop_entry_count(s, 0), ~0ull, 0, 0};
    while (w.tables <= max_tables) {
        walk_frame *f = &w.st[w.depth];
        if (f->next >= f->n) {
            if (w.depth == 0)
                break;
            /* a table of pointers (not of 4K leaves) with no flaw */
            if (f->tables && !f->problems)
                c->sound++;
            w.depth--;
            continue;
        }
        /* Tables above the PD are read from their last entry down: the
         * kernel image and the direct map (the same in every process, and
         * at the top of the address space) come first within the budget. */
        uint64_t idx = w.depth + 2 < s->desc->levels ? f->n - 1 - f->next : f->next;
        f->next++;
        walk_entry(&w, f, idx);
    }
    if (c->linear)
        c->evidence |= VTOP_ROOT_EV_LINEAR_LEAVES;
    if (c->bad)
        c->evidence |= VTOP_ROOT_EV_BAD_LEAVES;
    if (c->missing)
        c->evidence |= VTOP_ROOT_EV_MISSING_TABLES;
}

/* A user leaf: counted, and whether written-and-writable or VA == PA. */
static void user_leaf(const vtop_space *s, unsigned l, uint64_t e,
                      uint64_t va, roots_user *u)
{
    u->leaves++;
    if ((e & PTE_RW) && (e & PTE_D))
        u->dirty_writable++;
    if (vtop_entry_leaf_base(s, l, e) == va)
        u->identity++;
}

/* Walk the lower (user) half of the top table, at most max_tables tables:
 * user leaves, of which writable and dirty, and identity-mapped ones. */
void roots_user_walk(const vtop_space *s, uint32_t max_tables, roots_user *u)
{
    const uint8_t *t[VTOP_MAX_LEVELS];
    uint64_t idx[VTOP_MAX_LEVELS], va[VTOP_MAX_LEVELS];
    *u = (roots_user){0, 0, 0};
    t[0] = vtop_physmem_span(&s->mem, s->root, roots_top_bytes(s));
    if (!t[0] || vtop_mode_is_a64(s->desc)) /* TTBR1: no user half */
        return;
    idx[0] = va[0] = 0;
    unsigned depth = 0;
    uint32_t tables = 1;
    while (tables <= max_tables) {
        uint64_t n = vtop_entry_count(s, depth) / (depth ? 1 : 2);
        if (idx[depth] >= n) {
            if (depth == 0)
                break;
            depth--;
            continue;
        }
        uint64_t i = idx[depth]++;
        uint64_t e = entry_at(s, t[depth], i);
        uint64_t v = va[depth] + i * vtop_entry_span(s, depth);
        if (!vtop_entry_present(e))
            continue;
        if (vtop_entry_is_leaf(s, depth, e)) {
            user_leaf(s, depth, e, v, u);
            continue;
        }
        const uint8_t *next = (e & PTE_PS) ? NULL
            : vtop_physmem_span(&s->mem, vtop_entry_table(s, e), PAGE);
        if (!next)
            continue;
        tables++;
        depth++;
        t[depth] = next;
        idx[depth] = 0;
        va[depth] = v;
    }
}

static bool entries_similar(const vtop_space *s, const uint8_t *p,
                            const uint8_t *q, uint64_t from, uint64_t to)
{
    unsigned used = 0, same = 0;
    for (uint64_t i = from; i < to; i++) {
        uint64_t a = entry_at(s, p, i), b = entry_at(s, q, i);
        if (!vtop_entry_present(a) && !vtop_entry_present(b))
            continue;
        used++;
        same += a == b;
    }
    return used && 10 * same >= 9 * used;
}

bool roots_kernel_similar(const vtop_space *s, const uint8_t *p,
                          const uint8_t *q)
{
    uint64_t n = vtop_entry_count(s, 0);
    if (roots_top_bytes(s) >= PAGE)
        return entries_similar(s, p, q, n / 2, n);
    /* Each process may own a copy of the kernel's PD (the top PDPTE):
     * compare the copies' contents. */
    const uint8_t *pd = vtop_physmem_span(
        &s->mem, vtop_entry_table(s, entry_at(s, p, n - 1)), PAGE);
    const uint8_t *qd = vtop_physmem_span(
        &s->mem, vtop_entry_table(s, entry_at(s, q, n - 1)), PAGE);
    return pd && qd && entries_similar(s, pd, qd, 0, vtop_entry_count(s, 1));
}

bool roots_points_to(const vtop_space *s, const uint8_t *p, uint64_t target)
{
    for (uint64_t i = 0; i < vtop_entry_count(s, 0); i++) {
        uint64_t e = entry_at(s, p, i);
        if (vtop_entry_present(e) && vtop_entry_table(s, e) == target)
            return true;
    }
    return false;
}

int64_t roots_base_score(const vtop_root_candidate *c)
{
    uint32_t user = c->present - c->kernel;
    int64_t s = (int64_t)(c->kernel < 64 ? c->kernel : 64) * 4;
    s += (int64_t)(user < 64 ? user : 64) * 2;
    s += (int64_t)c->sound * 8 + (int64_t)c->linear * 4;
    s -= (int64_t)c->top_bad * 8 + (int64_t)(c->bad - c->top_bad) * 16;
    s -= (int64_t)c->missing * 4;
    if (c->self_index >= 0)
        s += 100000;
    return s;
}

bool roots_better(const vtop_root_candidate *a, const vtop_root_candidate *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    return a->root < b->root;
}
