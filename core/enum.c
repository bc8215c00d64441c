/* vtop core: leaf enumeration (see enum.h for the contract).
 *
 * One iterative walk over the mode's levels (core/paging.h descriptors):
 * a fixed array of VTOP_MAX_LEVELS frames replaces recursion, each frame
 * holds the table being scanned, the index range that overlaps the request
 * and what the entries above contributed (rights, reserved bits). A table is
 * fetched once as a span when it lies inside one run of the image, else
 * entry by entry. Every table visit is counted against a budget, which is
 * what makes self-maps and loops of tables finish.
 */
#include "enum.h"

#include "entry.h"

typedef struct walk_frame {
    const uint8_t *tab;   /* the table's bytes, or NULL: read entry by entry */
    uint64_t table_pa;
    uint64_t base;        /* raw VA of entry 0 */
    uint32_t idx;         /* next entry to read */
    uint32_t last;        /* last entry overlapping the request */
    unsigned rights;      /* AND of the rights of the entries above */
    bool missing_reported;
} walk_frame;

typedef struct walk {
    const vtop_space *space;
    const vtop_mode_desc *d;
    const vtop_enum_options *opt;
    vtop_leaf_fn on_leaf;
    void *ctx;
    vtop_enum_stats *st;
    const vtop_run *hint; /* run of the last table fetched */
    uint64_t max_tables;
    uint64_t rs, re;      /* raw range, inclusive */
    bool qemu;
    vtop_leaf leaf;       /* levels[] doubles as the path of entries above */
    walk_frame f[VTOP_MAX_LEVELS];
} walk;

static int emit_event(walk *w, vtop_enum_event_kind kind, unsigned level,
                      uint64_t raw_va, uint64_t entry_pa, uint64_t entry,
                      uint64_t table_pa)
{
    if (!w->opt || !w->opt->on_event)
        return 0;
    vtop_enum_event ev = {
        .kind = kind, .va = vtop_canonical(w->d, raw_va),
        .size = vtop_entry_span(w->space, level), .level = (uint8_t)level,
        .entry_pa = entry_pa, .entry = entry, .table_pa = table_pa,
        .reserved_bits = kind == VTOP_EVENT_RESERVED
                             ? vtop_entry_reserved(w->space, level, entry) : 0,
    };
    if (kind == VTOP_EVENT_TABLE || kind == VTOP_EVENT_TABLE_NOT_IN_IMAGE)
        ev.size *= vtop_entry_count(w->space, level);
    return w->opt->on_event(w->opt->event_ctx, &ev);
}

static uint64_t root_table(const walk *w)
{
    return w->qemu ? vtop_qemu_root(w->space) : w->space->root;
}

/* Push the table at table_pa for the entries of `level` covering raw VAs
 * from base. Returns VTOP_OK, VTOP_LIMIT_REACHED, or VTOP_BAD_ARGUMENT when
 * the event callback asked to stop (st->stopped set). */
static vtop_status push_table(walk *w, unsigned level, uint64_t table_pa,
                              uint64_t base, unsigned rights)
{
    if (w->st->tables >= w->max_tables)
        return VTOP_LIMIT_REACHED;
    w->st->tables++;
    uint64_t parent_pa = level ? w->leaf.levels[level - 1].entry_pa : ~0ull;
    uint64_t parent = level ? w->leaf.levels[level - 1].entry : 0;
    if (emit_event(w, VTOP_EVENT_TABLE, level, base, parent_pa, parent, table_pa)) {
        w->st->stopped = true;
        return VTOP_BAD_ARGUMENT;
    }
    walk_frame *f = &w->f[level];
    unsigned shift = w->d->level[level].shift;
    uint64_t n = vtop_entry_count(w->space, level);
    uint64_t span_last = base + ((n << shift) - 1);
    f->table_pa = table_pa;
    f->base = base;
    f->rights = rights;
    f->idx = w->rs > base ? (uint32_t)((w->rs - base) >> shift) : 0;
    f->last = (uint32_t)(w->re < span_last ? (w->re - base) >> shift : n - 1);
    f->tab = vtop_entry_table_bytes(w->space, &w->hint, level, table_pa);
    f->missing_reported = false;
    return VTOP_OK;
}

/* Entry idx of frame f, or false when it is not in the image (QEMU reads
 * unassigned memory as zeros, so the QEMU policy gets 0 instead). */
static bool read_entry(walk *w, walk_frame *f, unsigned level, uint32_t idx,
                       uint64_t *e)
{
    unsigned esize = w->d->entry_size;
    if (f->tab) {
        *e = vtop_entry_load(f->tab + (uint64_t)idx * esize, esize);
        return true;
    }
    if (vtop_entry_read_hint(w->space, &w->hint, f->table_pa, idx, e) == VTOP_OK)
        return true;
    if (!f->missing_reported) {
        f->missing_reported = true;
        uint64_t parent_pa = level ? w->leaf.levels[level - 1].entry_pa : ~0ull;
        uint64_t parent = level ? w->leaf.levels[level - 1].entry : 0;
        (void)emit_event(w, VTOP_EVENT_TABLE_NOT_IN_IMAGE, level, f->base,
                         parent_pa, parent, f->table_pa);
    }
    *e = 0;
    return w->qemu;
}

/* Report the leaf at `level`: base and rights as vtop_translate computes
 * them (core/walk.c). */
static inline int report_leaf(walk *w, unsigned level, uint64_t raw_va, uint64_t e,
                       uint64_t base, unsigned rights)
{
    vtop_leaf *l = &w->leaf;
    uint64_t rsv = 0;
    if (w->qemu) {
        for (unsigned i = 0; i <= level; i++)
            if (l->levels[i].entry & PTE_P)
                rsv |= vtop_entry_reserved(w->space, i, l->levels[i].entry);
    }
    l->size = vtop_entry_page_size(w->space, level);
    l->raw_va = raw_va;
    l->va = vtop_canonical(w->d, raw_va);
    l->pa = base;
    l->entry = e;
    l->level = (uint8_t)level;
    l->nlevels = (uint8_t)(level + 1);
    l->rights = (uint8_t)rights;
    l->leaf_flags = (e & PTE_P) ? (uint8_t)vtop_entry_leaf_flags(w->space, level, e) : 0;
    l->reserved_bits = rsv;
    w->st->leaves++;
    return w->on_leaf(w->ctx, l);
}

/* A P=0 entry: only a Windows transition entry goes on (core/walk.c). */
static vtop_status visit_absent(walk *w, unsigned level, uint64_t raw_va,
                                uint64_t entry_pa, uint64_t e, unsigned rights)
{
    const vtop_space *s = w->space;
    if (w->qemu || !s->cfg.windows_pte)
        return VTOP_OK;
    if (vtop_entry_swpte(s, e) != VTOP_SWPTE_TRANSITION) {
        if (e && emit_event(w, VTOP_EVENT_SOFTWARE_PTE, level, raw_va, entry_pa, e, 0))
            w->st->stopped = true;
        return w->st->stopped ? VTOP_BAD_ARGUMENT : VTOP_OK;
    }
    uint64_t next = vtop_entry_transition_base(s, e);
    if (level + 1u == w->d->levels) {
        rights &= (e & PTE_RW) ? VTOP_RIGHTS_ALL : ~(unsigned)VTOP_RIGHT_WRITE;
        if (report_leaf(w, level, raw_va, e, next, rights))
            w->st->stopped = true;
        return w->st->stopped ? VTOP_BAD_ARGUMENT : VTOP_OK;
    }
    return push_table(w, level + 1, next, raw_va, rights);
}

/* One entry: skip it, report it as a leaf, or descend. Returns VTOP_OK to
 * continue, or the status that ends the walk (a stop request is
 * VTOP_BAD_ARGUMENT with st->stopped set). */
static vtop_status visit(walk *w, unsigned level, uint32_t idx, uint64_t e,
                         uint64_t entry_pa)
{
    const vtop_space *s = w->space;
    uint64_t raw_va = w->f[level].base + ((uint64_t)idx << w->d->level[level].shift);
    unsigned rights = w->f[level].rights;
    w->st->entries++;
    w->leaf.levels[level] = (vtop_level_read){ entry_pa, e, (uint8_t)level };
    if (!(e & PTE_P))
        return visit_absent(w, level, raw_va, entry_pa, e, rights);
    bool leaf = vtop_entry_is_leaf(s, level, e);
    if (!w->qemu && (e & s->level[level].reserved[leaf])) {
        if (emit_event(w, VTOP_EVENT_RESERVED, level, raw_va, entry_pa, e, 0))
            w->st->stopped = true;
        return w->st->stopped ? VTOP_BAD_ARGUMENT : VTOP_OK;
    }
    rights &= vtop_entry_rights(s, level, e);
    if (leaf) {
        uint64_t base = w->qemu ? vtop_qemu_table(s, e) &
                                      ~(vtop_entry_page_size(s, level) - 1)
                                : vtop_entry_leaf_base(s, level, e);
        if (report_leaf(w, level, raw_va, e, base, rights))
            w->st->stopped = true;
        return w->st->stopped ? VTOP_BAD_ARGUMENT : VTOP_OK;
    }
    uint64_t next = w->qemu ? vtop_qemu_table(s, e) : vtop_entry_table(s, e);
    return push_table(w, level + 1, next, raw_va, rights);
}

/* Index of the first non-zero entry in [i, last] of a table read as a
 * span, or last + 1. Sparse tables are mostly zeros (Linux guest: ~1.1M
 * entries read for ~74k leaves), so this loop sets the pace of a whole
 * enumeration: 8-byte entries are tested four at a time (one OR of four
 * loads, two instructions per entry instead of a decode each). */
static inline uint32_t next_nonzero(const uint8_t *tab, uint32_t i, uint32_t last,
                             unsigned esize)
{
    if (esize != 8) {
        while (i <= last && vtop_load_le32(tab + (uint64_t)i * 4) == 0)
            i++;
        return i;
    }
    const uint8_t *p = tab + (uint64_t)i * 8, *end = tab + ((uint64_t)last + 1) * 8;
    while (end - p >= 32 && (vtop_load_le64(p) | vtop_load_le64(p + 8) |
                             vtop_load_le64(p + 16) | vtop_load_le64(p + 24)) == 0)
        p += 32;
    while (p < end && vtop_load_le64(p) == 0)
        p += 8;
    return (uint32_t)((uint64_t)(p - tab) / 8);
}

/* Move f->idx past the zero entries of a table read as a span: a zero
 * entry is not present, not a software PTE (demand zero) and no transition,
 * so visit() would only count it. */
static void skip_zeros(walk *w, walk_frame *f)
{
    uint32_t i = next_nonzero(f->tab, f->idx, f->last, w->d->entry_size);
    w->st->entries += i - f->idx;
    f->idx = i;
}

/* Strict policy, last level, table read as a span: the common case of a
 * present entry without reserved bits is a 4K leaf, reported here without
 * the generic visit() (same record, same counters), zeros skipped in
 * between. Stops at the first entry that needs more (not present,
 * reserved bits): f->idx is left on it for visit(). The entry counter is
 * added once at the end: a per-entry increment through w->st is a
 * store-to-load chain that cost more than the scan itself. Returns
 * VTOP_OK, or VTOP_BAD_ARGUMENT when the callback asked to stop
 * (st->stopped set), as visit() does. */
static vtop_status scan_leaves(walk *w, walk_frame *f, unsigned level)
{
    const vtop_space *s = w->space;
    unsigned esize = w->d->entry_size, shift = w->d->level[level].shift;
    uint64_t rsv = s->level[level].reserved[1];
    uint32_t i = f->idx, last = f->last, first = f->idx;
    vtop_status st = VTOP_OK;
    while ((i = next_nonzero(f->tab, i, last, esize)) <= last) {
        uint64_t e = vtop_entry_load(f->tab + (uint64_t)i * esize, esize);
        if (!(e & PTE_P) || (e & rsv))
            break;
        uint64_t entry_pa = f->table_pa + (uint64_t)i * esize;
        w->leaf.levels[level] = (vtop_level_read){ entry_pa, e, (uint8_t)level };
        unsigned rights = f->rights & vtop_entry_rights(s, level, e);
        int stop = report_leaf(w, level, f->base + ((uint64_t)i << shift), e,
                               vtop_entry_leaf_base(s, level, e), rights);
        i++;
        if (stop) {
            w->st->stopped = true;
            st = VTOP_BAD_ARGUMENT;
            break;
        }
    }
    w->st->entries += i - first;
    f->idx = i;
    return st;
}

static vtop_status run(walk *w)
{
    vtop_status s = push_table(w, 0, root_table(w), 0, VTOP_RIGHTS_ALL);
    int depth = 0;
    while (s == VTOP_OK && depth >= 0) {
        walk_frame *f = &w->f[depth];
        if (f->tab && f->idx <= f->last) {
            skip_zeros(w, f);
            bool leaves = !w->qemu && (unsigned)depth + 1u == w->d->levels;
            if (leaves && f->idx <= f->last &&
                (s = scan_leaves(w, f, (unsigned)depth)) != VTOP_OK)
                break;
        }
        if (f->idx > f->last) {
            depth--;
            continue;
        }
        uint32_t idx = f->idx++;
        uint64_t e;
        if (!read_entry(w, f, (unsigned)depth, idx, &e))
            continue;
        uint64_t entry_pa = f->table_pa + (uint64_t)idx * w->d->entry_size;
        uint64_t before = w->st->tables;
        s = visit(w, (unsigned)depth, idx, e, entry_pa);
        if (s == VTOP_OK && w->st->tables != before)
            depth++;
    }
    if (w->st->stopped)
        return VTOP_OK;
    return s;
}

uint64_t vtop_enum_default_budget(const vtop_space *space)
{
    uint64_t pages = vtop_physmem_total(&space->mem) >> 12;
    uint64_t levels = (space->desc && space->desc->levels) ? space->desc->levels : 1;
    if (pages >= VTOP_ENUM_DEFAULT_MAX_TABLES / levels)
        return VTOP_ENUM_DEFAULT_MAX_TABLES;
    uint64_t b = pages * levels + 64;
    return b < VTOP_ENUM_DEFAULT_MAX_TABLES ? b : VTOP_ENUM_DEFAULT_MAX_TABLES;
}

/* Clip a canonical range to the mode's canonical space and turn it into raw
 * linear addresses. false: nothing of it is translatable. */
static bool raw_range(const vtop_mode_desc *d, uint64_t s, uint64_t e,
                      uint64_t *rs, uint64_t *re)
{
    if (!d->sign_extended) {
        uint64_t top = d->va_bits >= 64 ? ~0ull : (1ull << d->va_bits) - 1;
        if (s > top)
            return false;
        *rs = s;
        *re = e < top ? e : top;
        return true;
    }
    uint64_t half = 1ull << (d->va_bits - 1);   /* first non-canonical */
    uint64_t upper = ~(half - 1);               /* first upper-half VA */
    if (s >= half && s < upper)
        s = upper;
    if (e >= half && e < upper)
        e = half - 1;
    if (s > e)
        return false;
    *rs = s & ((1ull << d->va_bits) - 1);
    *re = e & ((1ull << d->va_bits) - 1);
    return true;
}

vtop_status vtop_enumerate_ex(const vtop_space *space, uint64_t va_start,
                              uint64_t va_end, const vtop_enum_options *opt,
                              vtop_leaf_fn on_leaf, void *ctx,
                              vtop_enum_stats *stats)
{
    vtop_enum_stats local = { 0 };
    vtop_enum_stats *st = stats ? stats : &local;
    *st = (vtop_enum_stats){ 0 };
    if (!space || !on_leaf || va_start > va_end)
        return VTOP_BAD_ARGUMENT;
    if (!space->desc || space->desc->levels == 0 ||
        space->desc->levels > VTOP_MAX_LEVELS)
        return VTOP_BAD_SPACE;
    walk w = {
        .space = space, .d = space->desc, .opt = opt, .on_leaf = on_leaf,
        .ctx = ctx, .st = st,
        .max_tables = (opt && opt->max_tables) ? opt->max_tables
                                               : vtop_enum_default_budget(space),
        .qemu = opt && opt->policy == VTOP_ENUM_QEMU,
    };
    if (!raw_range(w.d, va_start, va_end, &w.rs, &w.re))
        return VTOP_OK;
    return run(&w);
}

vtop_status vtop_enumerate(const vtop_space *space, uint64_t va_start,
                           uint64_t va_end, const vtop_enum_options *opt,
                           vtop_leaf_fn on_leaf, void *ctx)
{
    return vtop_enumerate_ex(space, va_start, va_end, opt, on_leaf, ctx, NULL);
}
