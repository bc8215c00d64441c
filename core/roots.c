/* vtop core: root discovery, the scan and the ranking (see roots.h).
 *
 * One pass tests every page (every 32-byte slot for PAE) as the top table
 * of each mode asked for, walks below the survivors and keeps the best in
 * the caller's buffer; roots_rank.c then orders the kept candidates.
 */
#include "roots_int.h"

#define ROOTS_POOL 64

static const vtop_mode scan_modes[] = {
    VTOP_MODE_32BIT_PSE, VTOP_MODE_PAE, VTOP_MODE_4LEVEL, VTOP_MODE_5LEVEL
};

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

/* Structural and walk evidence only (pass 1). */
static int64_t base_score(const vtop_root_candidate *c)
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

int64_t roots_base_score(const vtop_root_candidate *c)
{
    return base_score(c);
}

bool roots_better(const vtop_root_candidate *a, const vtop_root_candidate *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    return a->root < b->root;
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

static void try_table(const vtop_physmem *mem, vtop_mode mode, uint64_t pa,
                      const uint8_t *p, uint32_t walk, vtop_root_candidate *out,
                      size_t cap, size_t *n, vtop_roots_result *res)
{
    vtop_root_candidate c = {0};
    if (!roots_top_table(mem, mode, pa, p, &c))
        return;
    res->candidates++;
    c.top_bad = c.bad;
    roots_walk(mem, &c, walk);
    c.score = base_score(&c);
    keep(out, cap, n, &c);
}

static bool zero_page(const uint8_t *p)
{
    uint8_t any = 0;
    for (unsigned i = 0; i < 4096; i++)
        any |= p[i];
    return any == 0;
}

static void scan_page(const vtop_physmem *mem, const vtop_roots_options *o,
                      uint64_t pa, const uint8_t *p, vtop_root_candidate *out,
                      size_t cap, size_t *n, vtop_roots_result *res)
{
    if (zero_page(p))
        return;
    for (size_t m = 0; m < sizeof scan_modes / sizeof scan_modes[0]; m++) {
        vtop_mode mode = scan_modes[m];
        if (o->mode != VTOP_MODE_NONE && o->mode != mode &&
            !(o->mode == VTOP_MODE_32BIT && mode == VTOP_MODE_32BIT_PSE))
            continue;
        if (mode != VTOP_MODE_PAE) {
            try_table(mem, mode, pa, p, o->walk_tables, out, cap, n, res);
            continue;
        }
        for (unsigned s = 0; s < 4096; s += 32) /* Linux: 32-byte PAE PGDs */
            try_table(mem, mode, pa + s, p + s, o->walk_tables, out, cap, n, res);
    }
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
    size_t n = 0;
    for (size_t r = 0; r < mem->count; r++) {
        const vtop_run *run = &mem->runs[r];
        if (!run->data && !mem->source)
            continue; /* absent: past the end of a truncated image */
        uint64_t first = (run->phys + 0xFFF) & ~0xFFFull;
        for (uint64_t pa = first; pa >= run->phys && pa - run->phys + 4096 <= run->len;
             pa += 4096) {
            /* Source runs (kdump) yield their pages one at a time; pages
             * the dump left out are skipped. */
            const uint8_t *page = run->data ? run->data + (pa - run->phys)
                                            : vtop_physmem_span(mem, pa, 4096);
            if (!page)
                continue;
            res->pages_scanned++;
            scan_page(mem, &o, pa, page, keep_buf, keep_cap, &n, res);
        }
    }
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
