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

/* What one step of the walk says comes next: the visitor decides, the
 * loop obeys (no status codes or counters carry control flow). */
typedef enum walk_step {
    WALK_GO_ON,    /* the next entry of the same table */
    WALK_DESCEND,  /* a table was pushed one level down: scan it next */
    WALK_STOP      /* end: a callback asked to (st->stopped) or the table
                      budget is spent (end = VTOP_LIMIT_REACHED) */
} walk_step;

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
    bool a64;             /* AArch64: one half at a time (space is a view) */
    vtop_status end;      /* what vtop_enumerate returns */
    vtop_leaf leaf;       /* levels[] doubles as the path of entries above */
    walk_frame f[VTOP_MAX_LEVELS];
} walk;

/* Hand ev (va still raw) to the event callback. */
static walk_step emit(walk *w, vtop_enum_event ev)
{
    if (!w->opt || !w->opt->on_event)
        return WALK_GO_ON;
    ev.va = vtop_canonical(w->d, ev.va);
    if (w->opt->on_event(w->opt->event_ctx, &ev) == 0)
        return WALK_GO_ON;
    w->st->stopped = true;
    return WALK_STOP;
}

/* An event about the table of `level` (its entries' level) at table_pa
 * covering raw VAs from base; the entry above it is the parent. */
static walk_step table_event(walk *w, vtop_enum_event_kind kind,
                             unsigned level, uint64_t base, uint64_t table_pa)
{
    const vtop_level_read *up = level ? &w->leaf.levels[level - 1] : NULL;
    return emit(w, (vtop_enum_event){
        .kind = kind, .va = base,
        .size = vtop_entry_span(w->space, level) * vtop_entry_count(w->space, level),
        .level = up ? up->level : 0, .table_level = (uint8_t)level,
        .entry_pa = up ? up->entry_pa : ~0ull, .entry = up ? up->entry : 0,
        .table_pa = table_pa,
    });
}

/* An event about the entry just visited at `level` (w->leaf.levels). */
static walk_step entry_event(walk *w, vtop_enum_event_kind kind,
                             unsigned level, uint64_t raw_va)
{
    const vtop_level_read *r = &w->leaf.levels[level];
    return emit(w, (vtop_enum_event){
        .kind = kind, .va = raw_va, .size = vtop_entry_span(w->space, level),
        .level = (uint8_t)level, .table_level = (uint8_t)level,
        .entry_pa = r->entry_pa, .entry = r->entry,
        .reserved_bits = kind == VTOP_EVENT_RESERVED
                             ? vtop_entry_reserved(w->space, level, r->entry) : 0,
    });
}

static uint64_t root_table(const walk *w)
{
    return w->qemu ? vtop_qemu_root(w->space) : w->space->root;
}

/* Push the table at table_pa for the entries of `level` covering raw VAs
 * from base: WALK_DESCEND, or WALK_STOP (budget spent, or the event
 * callback asked to stop). */
static walk_step push_table(walk *w, unsigned level, uint64_t table_pa,
                            uint64_t base, unsigned rights)
{
    if (w->st->tables >= w->max_tables) {
        w->end = VTOP_LIMIT_REACHED;
        return WALK_STOP;
    }
    w->st->tables++;
    if (table_event(w, VTOP_EVENT_TABLE, level, base, table_pa) == WALK_STOP)
        return WALK_STOP;
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
    return WALK_DESCEND;
}

/* Entry idx of frame f, or false when it is not in the image (QEMU reads
 * unassigned memory as zeros, so the QEMU policy gets 0 instead). The
 * first miss in a table is an event; a stop request there sets
 * st->stopped. */
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
        (void)table_event(w, VTOP_EVENT_TABLE_NOT_IN_IMAGE, level, f->base,
                          f->table_pa);
    }
    *e = 0;
    return w->qemu && !w->st->stopped;
}

/* Report the leaf at `level`: base and rights as vtop_translate computes
 * them (core/walk.c). */
static inline walk_step report_leaf(walk *w, unsigned level, uint64_t raw_va,
                                    uint64_t e, uint64_t base, unsigned rights)
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
    l->leaf_flags = (e & PTE_P) ? (uint16_t)vtop_entry_leaf_flags(w->space, level, e) : 0;
    l->reserved_bits = rsv;
    w->st->leaves++;
    if (w->on_leaf(w->ctx, l) == 0)
        return WALK_GO_ON;
    w->st->stopped = true;
    return WALK_STOP;
}

/* A P=0 entry: only a Windows transition entry goes on (core/walk.c). */
static walk_step visit_absent(walk *w, unsigned level, uint64_t raw_va,
                              uint64_t e, unsigned rights)
{
    const vtop_space *s = w->space;
    if (w->qemu || w->a64 || !s->cfg.windows_pte)
        return WALK_GO_ON;
    if (vtop_entry_swpte(s, e) != VTOP_SWPTE_TRANSITION)
        return e ? entry_event(w, VTOP_EVENT_SOFTWARE_PTE, level, raw_va)
                 : WALK_GO_ON;
    uint64_t next = vtop_entry_transition_base(s, e);
    if (level + 1u == w->d->levels) {
        rights &= (e & PTE_RW) ? VTOP_RIGHTS_ALL : ~(unsigned)VTOP_RIGHT_WRITE;
        return report_leaf(w, level, raw_va, e, next, rights);
    }
    return push_table(w, level + 1, next, raw_va, rights);
}

/* One entry: skip it (WALK_GO_ON), report it as a leaf, or descend
 * (WALK_DESCEND); WALK_STOP ends the walk. */
static walk_step visit(walk *w, unsigned level, uint32_t idx, uint64_t e,
                       uint64_t entry_pa)
{
    const vtop_space *s = w->space;
    uint64_t raw_va = w->f[level].base + ((uint64_t)idx << w->d->level[level].shift);
    unsigned rights = w->f[level].rights;
    w->st->entries++;
    w->leaf.levels[level] = (vtop_level_read){ entry_pa, e, (uint8_t)level };
    if (!(e & PTE_P))
        return visit_absent(w, level, raw_va, e, rights);
    bool leaf = vtop_entry_is_leaf(s, level, e);
    if (!w->qemu && (w->a64 ? vtop_entry_fault(s, level, e) != VTOP_OK
                            : (e & s->level[level].reserved[leaf]) != 0))
        return entry_event(w, VTOP_EVENT_RESERVED, level, raw_va);
    rights = leaf ? vtop_path_leaf(s, level, e, rights)
                  : vtop_path_table(s, level, e, rights);
    if (leaf) {
        uint64_t base = w->qemu ? vtop_qemu_table(s, e) &
                                      ~(vtop_entry_page_size(s, level) - 1)
                                : vtop_entry_leaf_base(s, level, e);
        return report_leaf(w, level, raw_va, e, base, rights);
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
 * WALK_GO_ON, or WALK_STOP when the callback asked to stop. */
static walk_step scan_leaves(walk *w, walk_frame *f, unsigned level)
{
    const vtop_space *s = w->space;
    const vtop_space_level *lv = &s->level[level];
    unsigned esize = w->d->entry_size, shift = w->d->level[level].shift;
    /* The stop test and the leaf's own fault test in one (core/entry.h):
     * x86 P=0 or reserved bits; AArch64 not a page, address bits, AF=0. */
    uint64_t bad = lv->stop_mask | lv->reserved[1];
    uint64_t want = lv->expect | (lv->leaf_expect & lv->reserved[1]);
    uint32_t i = f->idx, last = f->last, first = f->idx;
    walk_step step = WALK_GO_ON;
    while (step == WALK_GO_ON &&
           (i = next_nonzero(f->tab, i, last, esize)) <= last) {
        uint64_t e = vtop_entry_load(f->tab + (uint64_t)i * esize, esize);
        if ((e ^ want) & bad)
            break;
        uint64_t entry_pa = f->table_pa + (uint64_t)i * esize;
        w->leaf.levels[level] = (vtop_level_read){ entry_pa, e, (uint8_t)level };
        unsigned rights = vtop_path_leaf(s, level, e, f->rights);
        step = report_leaf(w, level, f->base + ((uint64_t)i << shift), e,
                           vtop_entry_leaf_base(s, level, e), rights);
        i++;
    }
    w->st->entries += i - first;
    f->idx = i;
    return step;
}

static vtop_status run(walk *w)
{
    walk_step step = push_table(w, 0, root_table(w), 0, vtop_path_start(w->space));
    int depth = 0;
    while (step != WALK_STOP && depth >= 0) {
        walk_frame *f = &w->f[depth];
        if (f->tab && f->idx <= f->last) {
            skip_zeros(w, f);
            bool leaves = !w->qemu && (unsigned)depth + 1u == w->d->levels;
            if (leaves && f->idx <= f->last &&
                scan_leaves(w, f, (unsigned)depth) == WALK_STOP)
                break;
        }
        if (f->idx > f->last) {
            depth--;
            continue;
        }
        uint32_t idx = f->idx++;
        uint64_t e;
        if (!read_entry(w, f, (unsigned)depth, idx, &e)) {
            if (w->st->stopped)
                break;
            continue;
        }
        uint64_t entry_pa = f->table_pa + (uint64_t)idx * w->d->entry_size;
        step = visit(w, (unsigned)depth, idx, e, entry_pa);
        if (step == WALK_DESCEND)
            depth++;
    }
    return w->end;
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
    if (d->a64_upper) { /* AArch64 TTBR1: the top 2^va_bits of the space */
        uint64_t first = ~0ull << d->va_bits;
        if (e < first)
            return false;
        *rs = (s < first ? first : s) & ~first;
        *re = e & ~first;
        return true;
    }
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

/* The part of [s, e] the walk's space covers, walked. */
static vtop_status walk_range(walk *w, uint64_t s, uint64_t e)
{
    if (!raw_range(w->d, s, e, &w->rs, &w->re))
        return VTOP_OK;
    return run(w);
}

vtop_status vtop_enumerate(const vtop_space *space, uint64_t va_start,
                           uint64_t va_end, const vtop_enum_options *opt,
                           vtop_leaf_fn on_leaf, void *ctx)
{
    vtop_enum_stats local = { 0 };
    vtop_enum_stats *st = (opt && opt->stats) ? opt->stats : &local;
    *st = (vtop_enum_stats){ 0 };
    if (!space || !on_leaf || va_start > va_end)
        return VTOP_BAD_ARGUMENT;
    if (!vtop_mode_has_tables(space->desc))
        return VTOP_BAD_SPACE;
    bool a64 = vtop_mode_is_a64(space->desc);
    walk w = {
        .space = space, .d = space->desc, .opt = opt, .on_leaf = on_leaf,
        .ctx = ctx, .st = st,
        .max_tables = (opt && opt->max_tables) ? opt->max_tables
                                               : vtop_enum_default_budget(space),
        /* QEMU has no `info tlb` for Arm: its policy is x86's monitor */
        .qemu = !a64 && opt && opt->policy == VTOP_ENUM_QEMU, .a64 = a64,
        .end = VTOP_OK,
    };
    if (!a64)
        return walk_range(&w, va_start, va_end);
    /* AArch64: TTBR0's range, then TTBR1's, each as a one-half space
     * (D8.2: the halves are separate walks); budget and counters shared. */
    for (unsigned h = 0; h < 2; h++) {
        vtop_space view;
        if (vtop_space_half_view(space, h, &view) != VTOP_OK)
            continue; /* absent or disabled (EPDn): no leaves */
        w.space = &view;
        w.d = view.desc;
        w.hint = NULL;
        vtop_status r = walk_range(&w, va_start, va_end);
        if (r != VTOP_OK || st->stopped)
            return r;
    }
    return VTOP_OK;
}
