/* vtop core: root discovery, the scan and the ranking (see roots.h).
 *
 * One pass tests every page (every 32-byte slot for PAE) as the top table
 * of each mode asked for, walks below the survivors and keeps the best in
 * the caller's buffer; roots_rank.c then orders the kept candidates.
 */
#include "roots_int.h"

#define PAGE 4096u
#define CHUNK_PAGES (VTOP_SCAN_CHUNK / PAGE)

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

/* One call's candidates: the n kept so far in buf (at most buf_cap,
 * sorted best first), and where the answer goes (the best cap in out, the
 * counts in res). buf is out when out holds vtop_roots_keep_cap(cap), else
 * pool: the ranking compares kept candidates with each other, so it wants
 * at least VTOP_ROOTS_POOL even when the caller asks for fewer. */
typedef struct kept_set {
    vtop_root_candidate *buf, *out;
    size_t buf_cap, n, cap;
    vtop_roots_result *res;
    vtop_root_candidate pool[VTOP_ROOTS_POOL];
} kept_set;

static void kept_init(kept_set *k, vtop_root_candidate *out, size_t cap,
                      vtop_roots_result *res)
{
    *k = (kept_set){.out = out, .buf_cap = vtop_roots_keep_cap(cap),
                    .cap = cap, .res = res};
    k->buf = k->buf_cap == cap ? out : k->pool;
    *res = (vtop_roots_result){0};
}

/* Insert c into k's buf, kept sorted best first, at most buf_cap long. */
static void keep(kept_set *k, const vtop_root_candidate *c)
{
    vtop_root_candidate *out = k->buf;
    size_t cap = k->buf_cap;
    size_t i = k->n < cap ? k->n++ : cap;
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
 * candidate), the kept candidates, the platform's hooks. */
typedef struct scan {
    vtop_space space[VTOP_MODE_COUNT];
    bool use[VTOP_MODE_COUNT];
    uint32_t walk_tables;
    kept_set *kept;
    const vtop_scan_hooks *hooks;
} scan;

static void try_table(scan *sc, vtop_space *s, uint64_t pa, const uint8_t *p)
{
    if (!roots_top_plausible(s, p) || vtop_space_set_root(s, pa) != VTOP_OK ||
        s->root != pa)
        return;
    vtop_root_candidate c = {0};
    if (!roots_top_table(s, p, &c))
        return;
    sc->kept->res->candidates++;
    c.top_bad = c.bad;
    roots_walk(s, &c, sc->walk_tables);
    c.score = roots_base_score(&c);
    keep(sc->kept, &c);
}

/* Most pages of a RAM image are zero: test 64 bytes at a time (the inner
 * loop vectorizes) and stop at the first non-zero block. */
static bool zero_page(const uint8_t *p)
{
    for (unsigned i = 0; i < PAGE; i += 64) {
        uint8_t any = 0;
        for (unsigned j = 0; j < 64; j++)
            any |= p[i + j];
        if (any)
            return false;
    }
    return true;
}

/* The page at pa as the top table of every mode asked for; a top table
 * smaller than a page (the PAE PDPT: Linux allocates them from a 32-byte
 * slab) at every slot its CR3 alignment allows. */
static void scan_page(scan *sc, uint64_t pa, const uint8_t *p)
{
    sc->kept->res->pages_scanned++;
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

static void progress(const scan *sc, uint64_t bytes)
{
    if (sc->hooks && sc->hooks->progress)
        sc->hooks->progress(sc->hooks->progress_ctx, bytes);
}

/* The end of a chunk: its bytes released to the platform, its progress
 * told. */
static void end_chunk(const scan *sc, const uint8_t *p, uint64_t len)
{
    if (p && sc->hooks && sc->hooks->release)
        sc->hooks->release(sc->hooks->ctx, p, len);
    progress(sc, len);
}

/* pages pages of a direct run from pa, in chunks: each chunk is released
 * once scanned, so resident memory stays one chunk plus what the
 * candidate walks touch. */
static void scan_data(scan *sc, const vtop_run *run, uint64_t pa, uint64_t pages)
{
    const uint8_t *p = run->data + (pa - run->phys);
    uint64_t chunk = 0;   /* first page of the current chunk */
    for (uint64_t i = 0; i < pages; i++) {
        scan_page(sc, pa + i * PAGE, p + i * PAGE);
        if (i + 1 - chunk == CHUNK_PAGES || i + 1 == pages) {
            end_chunk(sc, p + chunk * PAGE, (i + 1 - chunk) * PAGE);
            chunk = i + 1;
        }
    }
}

/* pages pages of a direct run from pa, stretch by stretch: the whole pages
 * of a hole read as zero (counted, never touched); a page that is partly
 * data is read. */
static void scan_direct(scan *sc, const vtop_run *run, uint64_t pa, uint64_t pages)
{
    const vtop_scan_hooks *h = sc->hooks;
    while (pages) {
        uint64_t len = pages * PAGE, n = pages;
        bool hole = false;
        if (h && h->extent) {
            uint64_t e = h->extent(h->ctx, run->data + (pa - run->phys), len, &hole);
            if (e == 0 || e > len)
                e = len, hole = false; /* a hook that says nothing useful */
            n = hole ? e / PAGE : (e + PAGE - 1) / PAGE;
            if (n == 0)
                n = 1, hole = false;   /* a hole shorter than a page */
        }
        if (hole) {
            sc->kept->res->pages_scanned += n;
            progress(sc, n * PAGE);
        } else {
            scan_data(sc, run, pa, n);
        }
        pages -= n;
        pa += n * PAGE;
    }
}

/* Source runs (kdump) yield their pages one at a time; pages the dump left
 * out are skipped. */
static void scan_source(scan *sc, const vtop_physmem *mem, uint64_t pa,
                        uint64_t pages)
{
    uint64_t chunk = 0;
    for (uint64_t i = 0; i < pages; i++) {
        const uint8_t *page = vtop_physmem_span(mem, pa + i * PAGE, PAGE);
        if (page)
            scan_page(sc, pa + i * PAGE, page);
        if (i + 1 - chunk == CHUNK_PAGES || i + 1 == pages) {
            end_chunk(sc, NULL, (i + 1 - chunk) * PAGE);
            chunk = i + 1;
        }
    }
}

/* The whole pages of run inside [from, to) (to == 0: no bound): the
 * first's address and how many (0 when none). */
static uint64_t run_pages(const vtop_run *run, uint64_t from, uint64_t to,
                          uint64_t *first)
{
    uint64_t f = (run->phys + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (f < run->phys || f - run->phys >= run->len)
        return 0;
    uint64_t n = (run->len - (f - run->phys)) / PAGE;
    uint64_t lo = from > UINT64_MAX - (PAGE - 1) ? UINT64_MAX & ~(uint64_t)(PAGE - 1)
                                                 : (from + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (lo > f) {
        uint64_t skip = (lo - f) / PAGE;
        if (skip >= n)
            return 0;
        f += skip * PAGE;
        n -= skip;
    }
    if (to && to <= UINT64_MAX - (PAGE - 1)) {
        uint64_t hi = (to + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        if (hi <= f)
            return 0;
        if ((hi - f) / PAGE < n)
            n = (hi - f) / PAGE;
    }
    *first = f;
    return n;
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

static bool options_of(const vtop_roots_options *opts, vtop_roots_options *o)
{
    *o = (vtop_roots_options){0};
    if (opts)
        *o = *opts;
    if (o->walk_tables == 0)
        o->walk_tables = 24;
    return (unsigned)o->mode < VTOP_MODE_COUNT;
}

size_t vtop_roots_keep_cap(size_t cap)
{
    return cap >= VTOP_ROOTS_POOL ? cap : VTOP_ROOTS_POOL;
}

/* Pass 1 over the pages of o's range: the best candidates by structure,
 * in sc->kept. */
static vtop_status scan_range(scan *sc, const vtop_physmem *mem,
                              const vtop_roots_options *o)
{
    if (scan_modes(sc, mem, o->mode) != VTOP_OK)
        return VTOP_BAD_ARGUMENT;
    for (size_t r = 0; r < mem->count; r++) {
        const vtop_run *run = &mem->runs[r];
        if (!run->data && !mem->source)
            continue; /* absent: past the end of a truncated image */
        uint64_t first = 0, pages = run_pages(run, o->from, o->to, &first);
        if (pages && run->data)
            scan_direct(sc, run, first, pages);
        else if (pages)
            scan_source(sc, mem, first, pages);
    }
    return VTOP_OK;
}

/* k's kept candidates ranked (unless asked not to), then the best cap of
 * them in out. Whether a table qualified is decided before clipping to the
 * caller's capacity: cap 0 is a valid "how many are there?" query (fuzz
 * R1). */
static vtop_status finish(const vtop_physmem *mem, const vtop_roots_options *o,
                          kept_set *k)
{
    if (!o->skip_rank && k->n)
        roots_rank(mem, k->buf, k->n);
    size_t n = k->n < k->cap ? k->n : k->cap;
    if (k->buf != k->out)
        for (size_t i = 0; i < n; i++)
            k->out[i] = k->buf[i];
    k->res->count = n;
    return k->n ? VTOP_OK : VTOP_NO_ROOT;
}

vtop_status vtop_roots_scan(const vtop_physmem *mem,
                            const vtop_roots_options *opts,
                            vtop_root_candidate *out, size_t cap,
                            vtop_roots_result *res)
{
    vtop_roots_options o;
    if (!mem || !res || (!out && cap) || !options_of(opts, &o))
        return VTOP_BAD_ARGUMENT;
    kept_set k;
    kept_init(&k, out, cap, res);
    scan sc = {.walk_tables = o.walk_tables, .kept = &k, .hooks = o.hooks};
    if (scan_range(&sc, mem, &o) != VTOP_OK)
        return VTOP_BAD_ARGUMENT;
    return finish(mem, &o, &k);
}

/* The best of the parts' next candidates (the earliest part on a tie: the
 * order one scan keeps equal candidates in), or -1 when all are used. */
static ptrdiff_t best_part(const vtop_roots_parts *parts, const size_t *at)
{
    ptrdiff_t best = -1;
    for (size_t j = 0; j < parts->count; j++) {
        const vtop_roots_part *p = &parts->part[j];
        if (at[j] < p->res.count &&
            (best < 0 || roots_better(&p->kept[at[j]],
                                      &parts->part[best].kept[at[best]])))
            best = (ptrdiff_t)j;
    }
    return best;
}

vtop_status vtop_roots_merge(const vtop_physmem *mem,
                             const vtop_roots_options *opts,
                             const vtop_roots_parts *parts,
                             vtop_root_candidate *out, size_t cap,
                             vtop_roots_result *res)
{
    vtop_roots_options o;
    if (!mem || !res || !parts || (!out && cap) || !options_of(opts, &o) ||
        parts->count > VTOP_ROOTS_MAX_PARTS || (parts->count && !parts->part))
        return VTOP_BAD_ARGUMENT;
    kept_set k;
    kept_init(&k, out, cap, res);
    size_t at[VTOP_ROOTS_MAX_PARTS] = {0};
    for (size_t j = 0; j < parts->count; j++) {
        res->pages_scanned += parts->part[j].res.pages_scanned;
        res->candidates += parts->part[j].res.candidates;
        if (parts->part[j].res.count && !parts->part[j].kept)
            return VTOP_BAD_ARGUMENT;
    }
    for (ptrdiff_t j; k.n < k.buf_cap && (j = best_part(parts, at)) >= 0; k.n++)
        k.buf[k.n] = parts->part[j].kept[at[j]++];
    return finish(mem, &o, &k);
}
