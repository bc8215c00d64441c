/* vtop core: page-table audit (audit.h).
 *
 * One strict enumeration pass: leaves feed the range checks (W+X,
 * user-accessible upper half, null page, frame outside the image), each
 * kept as an open range per kind that grows while leaves stay contiguous
 * and is reported when it breaks; walk events feed the entry checks
 * (reserved bits, tables outside the image) and the table-reference set
 * (a table met twice: at two levels = shared, at one level = aliased).
 */
#include "audit.h"

#define REF_EMPTY 0xffu
#define LEAF_KINDS 4 /* WX, USER_UPPER, NULL_PAGE, OUTSIDE_MEMORY */

typedef struct open_range {
    bool open;
    vtop_finding f;
} open_range;

typedef struct audit {
    const vtop_space *space;
    const vtop_audit_options *opt;
    vtop_finding_fn on_finding;
    void *ctx;
    vtop_audit_stats *st;
    vtop_event_fn watch;
    void *watch_ctx;
    open_range open[LEAF_KINDS];
} audit;

static const vtop_finding_kind leaf_kind[LEAF_KINDS] = {
    VTOP_FINDING_WX, VTOP_FINDING_USER_UPPER, VTOP_FINDING_NULL_PAGE,
    VTOP_FINDING_OUTSIDE_MEMORY,
};

const char *vtop_finding_name(vtop_finding_kind kind)
{
    static const char *const names[VTOP_FINDING_COUNT] = {
        [VTOP_FINDING_WX] = "wx",
        [VTOP_FINDING_USER_UPPER] = "user-upper",
        [VTOP_FINDING_NULL_PAGE] = "null-page",
        [VTOP_FINDING_TABLE_SHARED] = "table-shared",
        [VTOP_FINDING_TABLE_ALIASED] = "table-aliased",
        [VTOP_FINDING_RESERVED_BITS] = "reserved-bits",
        [VTOP_FINDING_OUTSIDE_MEMORY] = "outside-memory",
        [VTOP_FINDING_TABLE_OUTSIDE] = "table-outside",
    };
    return (unsigned)kind < VTOP_FINDING_COUNT ? names[kind] : "unknown";
}

static int report(audit *a, const vtop_finding *f)
{
    a->st->findings[f->kind]++;
    if (a->on_finding(a->ctx, f)) {
        a->st->stopped = true;
        return 1;
    }
    return 0;
}

/* Supervisor half: long mode's upper canonical half, or VA >= 2 GiB in the
 * 32-bit modes (the usual kernel/user split boundary, Windows' default). */
static bool upper_half(const vtop_space *s, uint64_t va)
{
    if (vtop_mode_is_a64(s->desc)) /* AArch64: the TTBR1 half (D8.2) */
        return vtop_space_half_of(s, va) == 1;
    return s->desc->sign_extended ? (va >> 63) != 0 : va >= 0x80000000ull;
}

/* Executable at some level: x86 EXEC; AArch64 EXEC (privileged) or UEXEC. */
#define ANY_EXEC (VTOP_RIGHT_EXEC | VTOP_RIGHT_UEXEC)

static bool leaf_has(const audit *a, unsigned k, const vtop_leaf *l)
{
    switch (leaf_kind[k]) {
    case VTOP_FINDING_WX:
        return (l->rights & VTOP_RIGHT_WRITE) && (l->rights & ANY_EXEC);
    case VTOP_FINDING_USER_UPPER:
        return (l->rights & (VTOP_RIGHT_USER | VTOP_RIGHT_UEXEC)) &&
               upper_half(a->space, l->va);
    case VTOP_FINDING_NULL_PAGE:
        return l->va == 0;
    case VTOP_FINDING_OUTSIDE_MEMORY:
        return vtop_physmem_find(&a->space->mem, l->pa) < 0;
    default:
        return false;
    }
}

static int flush(audit *a, unsigned k)
{
    if (!a->open[k].open)
        return 0;
    a->open[k].open = false;
    return report(a, &a->open[k].f);
}

static int on_leaf(void *ctx, const vtop_leaf *l)
{
    audit *a = ctx;
    a->st->leaves++;
    for (unsigned k = 0; k < LEAF_KINDS; k++) {
        open_range *o = &a->open[k];
        bool has = leaf_has(a, k, l);
        if (has && o->open && o->f.va_end + 1 == l->va) {
            o->f.va_end = l->va + (l->size - 1);
            o->f.count++;
            continue;
        }
        if (flush(a, k))
            return 1;
        if (has) {
            const vtop_level_read *r = &l->levels[l->level];
            o->open = true;
            o->f = (vtop_finding){
                .kind = leaf_kind[k], .va_start = l->va,
                .va_end = l->va + (l->size - 1), .count = 1, .level = l->level,
                .entry_pa = r->entry_pa, .entry = r->entry, .pa = l->pa,
            };
        }
    }
    return 0;
}

/* Remember the first reference to each table; report later ones. */
static int table_ref(audit *a, const vtop_enum_event *e)
{
    vtop_table_ref *refs = a->opt ? a->opt->refs : NULL;
    size_t cap = refs ? a->opt->refs_cap : 0;
    if (cap == 0)
        return 0;
    size_t i = (size_t)((e->table_pa >> 12) * 0x9E3779B97F4A7C15ull % cap);
    for (size_t probes = 0; probes < cap; probes++, i = (i + 1) % cap) {
        vtop_table_ref *r = &refs[i];
        if (r->level == REF_EMPTY) {
            *r = (vtop_table_ref){e->table_pa, e->entry_pa, e->table_level,
                                  e->level};
            return 0;
        }
        if (r->table_pa != e->table_pa)
            continue;
        vtop_finding f = {
            .kind = r->level == e->table_level ? VTOP_FINDING_TABLE_ALIASED
                                               : VTOP_FINDING_TABLE_SHARED,
            .va_start = e->va, .va_end = e->va + (e->size - 1), .count = 1,
            .level = e->level, .entry_pa = e->entry_pa, .entry = e->entry,
            .pa = e->table_pa, .other_entry_pa = r->entry_pa,
            .other_level = r->entry_level,
        };
        return report(a, &f);
    }
    a->st->refs_full = true;
    return 0;
}

static int on_event(void *ctx, const vtop_enum_event *e)
{
    audit *a = ctx;
    if (a->watch)
        (void)a->watch(a->watch_ctx, e);
    vtop_finding f = {
        .va_start = e->va, .va_end = e->va + (e->size - 1), .count = 1,
        .level = e->level, .entry_pa = e->entry_pa, .entry = e->entry,
        .reserved_bits = e->reserved_bits,
    };
    switch (e->kind) {
    case VTOP_EVENT_TABLE:
        a->st->tables++;
        return table_ref(a, e);
    case VTOP_EVENT_RESERVED:
        /* An AArch64 leaf with AF = 0 is a page not accessed yet (Linux
         * pte_mkold), not a bad entry. */
        if (e->reserved_bits == VTOP_A64_AF && vtop_mode_is_a64(a->space->desc))
            return 0;
        f.kind = VTOP_FINDING_RESERVED_BITS;
        return report(a, &f);
    case VTOP_EVENT_TABLE_NOT_IN_IMAGE:
        f.kind = VTOP_FINDING_TABLE_OUTSIDE;
        f.pa = e->table_pa;
        return report(a, &f);
    default:
        return 0;
    }
}

vtop_status vtop_audit(const vtop_space *space, const vtop_audit_options *opt,
                       vtop_finding_fn on_finding, void *ctx,
                       vtop_audit_stats *stats)
{
    return vtop_audit_watched(space, opt, NULL, NULL, on_finding, ctx, stats);
}

vtop_status vtop_audit_watched(const vtop_space *space,
                               const vtop_audit_options *opt,
                               vtop_event_fn watch, void *watch_ctx,
                               vtop_finding_fn on_finding, void *ctx,
                               vtop_audit_stats *stats)
{
    vtop_audit_stats local = {0};
    vtop_audit_stats *st = stats ? stats : &local;
    *st = (vtop_audit_stats){0};
    if (!space || !on_finding || (opt && opt->refs_cap && !opt->refs))
        return VTOP_BAD_ARGUMENT;
    if (opt)
        for (size_t i = 0; i < opt->refs_cap; i++)
            opt->refs[i].level = REF_EMPTY;
    audit a = {space, opt, on_finding, ctx, st, watch, watch_ctx, {{0}}};
    vtop_enum_options eo = {.policy = VTOP_ENUM_STRICT,
                            .max_tables = opt ? opt->max_tables : 0,
                            .on_event = on_event, .event_ctx = &a};
    vtop_status s = vtop_enumerate(space, 0, ~0ull, &eo, on_leaf, &a);
    for (unsigned k = 0; k < LEAF_KINDS && !st->stopped; k++)
        (void)flush(&a, k);
    return s;
}
