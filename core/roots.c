/* vtop core: root discovery, the scan and the ranking (see roots.h).
 *
 * One pass tests every page (every 32-byte slot for PAE) as the top table
 * of each mode asked for, walks below the survivors and keeps the best in
 * the caller's buffer; roots_rank.c then orders the kept candidates.
 */
#include "roots_int.h"

#define ROOTS_POOL 64
#define PAGE 4096u

const char *vtop_root_evidence_name(uint32_t bit)
{
    static const char *const names[VTOP_ROOT_EV_COUNT] = {
        "kernel-half", "user-half", "self-map", "shared-kernel-half",
        "linear-leaves", "misaligned-large-pages", "tables-outside-image",
        "process", "dirty-user-pages", "identity-user-half",
        "child-of-deeper-root",
    };
    for (unsigned i = 0; i < VTOP_ROOT_EV_COUNT; i++)
        if (bit == (1u << i))
            return names[i];
    return "?";
}

/* Insert c into out[0..*n) kept sorted best first, at most cap long. */
static void keep(vtop_root_candidate *out, size_t cap, size_t *n,
                 const vtop_root_candidate *c)
{
    size_t i = *n < cap ? (*n)++ : cap;
    if (i == cap && (cap == 0 || !roots_better(c, &out[cap - 1])))
        return;
    if (i == cap)
        i = cap - 1;
    while (i > 0 && roots_better(c, &out[i - 1])) {
        out[i] = out[i - 1];
        i--;
    }
    out[i] = *c;
}

/* One scan: a space per mode asked for (its root moved to each
 * candidate), and the kept candidates. */
typedef struct scan {
    vtop_space space[VTOP_MODE_COUNT];
    bool use[VTOP_MODE_COUNT];
    uint32_t walk_tables;
    vtop_root_candidate *out;
    size_t cap, n;
    vtop_roots_result *res;
} scan;

static void try_table(scan *sc, vtop_space *s, uint64_t pa, const uint8_t *p)
{
    if (!roots_top_plausible(s, p) || vtop_space_set_root(s, pa) != VTOP_OK ||
        s->root != pa)
        return;
    vtop_root_candidate c = {0};
    if (!roots_top_table(s, p, &c))
        return;
    sc->res->candidates++;
    c.top_bad = c.bad;
    roots_walk(s, &c, sc->walk_tables);
    c.score = roots_base_score(&c);
    keep(sc->out, sc->cap, &sc->n, &c);
}

static bool zero_page(const uint8_t *p)
{
    uint8_t any = 0;
    for (unsigned i = 0; i < PAGE; i++)
        any |= p[i];
    return any == 0;
}

/* The page at pa as the top table of every mode asked for; a top table
 * smaller than a page (the PAE PDPT: Linux allocates them from a 32-byte
 * slab) at every slot its CR3 alignment allows. */
static void scan_page(scan *sc, uint64_t pa, const uint8_t *p)
{
    if (zero_page(p))
        return;
    for (unsigned m = 0; m < VTOP_MODE_COUNT; m++) {
        if (!sc->use[m])
            continue;
        vtop_space *s = &sc->space[m];
        uint64_t step = roots_top_bytes(s);
        for (uint64_t off = 0; off + step <= PAGE; off += step)
            try_table(sc, s, pa + off, p + off);
    }
}

/* Which modes to scan: every mode's scan_as, or the one asked for's. */
static vtop_status scan_modes(scan *sc, const vtop_physmem *mem, vtop_mode asked)
{
    const vtop_mode_desc *want = vtop_mode_describe(asked);
    for (unsigned m = 0; m < VTOP_MODE_COUNT; m++) {
        const vtop_mode_desc *d = vtop_mode_describe((vtop_mode)m);
        /* no mode asked: the x86 modes (AArch64 only when asked for) */
        sc->use[m] = d && d->scan_as == d->mode &&
                     (want ? want->scan_as == d->mode : !vtop_mode_is_a64(d));
        if (sc->use[m] && !roots_space(&sc->space[m], mem, d->mode, 0))
            return VTOP_BAD_ARGUMENT;
    }
    return VTOP_OK;
}

vtop_status vtop_roots_scan(const vtop_physmem *mem,
                            const vtop_roots_options *opts,
                            vtop_root_candidate *out, size_t cap,
                            vtop_roots_result *res)
{
    if (!mem || !res || (!out && cap))
        return VTOP_BAD_ARGUMENT;
    vtop_roots_options o = {0};
    if (opts)
        o = *opts;
    if (o.walk_tables == 0)
        o.walk_tables = 24;
    if ((unsigned)o.mode >= VTOP_MODE_COUNT)
        return VTOP_BAD_ARGUMENT;
    *res = (vtop_roots_result){0};
    /* The ranking compares the kept candidates with each other (one kernel,
     * many processes), so keep at least ROOTS_POOL of them even when the
     * caller asks for fewer. */
    vtop_root_candidate pool[ROOTS_POOL] = {{0}};
    vtop_root_candidate *keep_buf = cap >= ROOTS_POOL ? out : pool;
    size_t keep_cap = cap >= ROOTS_POOL ? cap : ROOTS_POOL;
    scan sc = {.walk_tables = o.walk_tables, .out = keep_buf, .cap = keep_cap,
               .n = 0, .res = res};
    if (scan_modes(&sc, mem, o.mode) != VTOP_OK)
        return VTOP_BAD_ARGUMENT;
    for (size_t r = 0; r < mem->count; r++) {
        const vtop_run *run = &mem->runs[r];
        if (!run->data && !mem->source)
            continue; /* absent: past the end of a truncated image */
        uint64_t first = (run->phys + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        for (uint64_t pa = first; pa >= run->phys && pa - run->phys + PAGE <= run->len;
             pa += PAGE) {
            /* Source runs (kdump) yield their pages one at a time; pages
             * the dump left out are skipped. */
            const uint8_t *page = run->data ? run->data + (pa - run->phys)
                                            : vtop_physmem_span(mem, pa, PAGE);
            if (!page)
                continue;
            res->pages_scanned++;
            scan_page(&sc, pa, page);
        }
    }
    size_t n = sc.n;
    if (!o.skip_rank && n)
        roots_rank(mem, keep_buf, n);
    /* Whether a table qualified is decided before clipping to the caller's
     * capacity: cap 0 is a valid "how many are there?" query (fuzz R1). */
    vtop_status st = n ? VTOP_OK : VTOP_NO_ROOT;
    if (keep_buf != out) {
        n = n < cap ? n : cap;
        for (size_t i = 0; i < n; i++)
            out[i] = pool[i];
    }
    res->count = n;
    return st;
}
