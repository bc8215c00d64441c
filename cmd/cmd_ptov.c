/* vtop command language: ptov, physical to virtual (WinDbg !ptov):
 * every VA that maps a physical address or range, or the whole map. */
#include "session_int.h"

#include <inttypes.h>

#include "../core/ptov.h"
#include "fmt_json.h"
#include "fmt_windbg.h"
#include "num.h"
#include "scan.h"

/* Hits printed for one query; the total is always reported. */
#define PTOV_MAX_HITS 4096

static void hit_line(vtop_cmd_ctx *c, const vtop_report *r, const vtop_ptov_hit *h)
{
    if (c->json) {
        vtop_fmt_json_ptov_hit(r, h);
        return;
    }
    char rights[8];
    vtop_report_rights(r->space, h->rights, rights);
    vtop_printf(c->out, "pa %016" PRIx64 " va %016" PRIx64 " len %" PRIx64
                " leaf %016" PRIx64 " size %s %s rights %s\n", h->pa, h->va,
                h->len, h->leaf_va, vtop_fmt_size_name(h->leaf_size),
                vtop_report_level_name_va(r->space, h->leaf_va, h->level),
                rights);
}

static void pair_line(vtop_cmd_ctx *c, const vtop_report *r, const vtop_ptov_pair *p)
{
    if (c->json) {
        vtop_fmt_json_ptov_pair(r, p);
        return;
    }
    char rights[8];
    vtop_report_rights(r->space, p->rights, rights);
    vtop_printf(c->out, "%016" PRIx64 " %016" PRIx64 " %s %s\n", p->pa, p->va,
                vtop_fmt_size_name(p->size), rights);
}

typedef struct ptov_print {
    vtop_cmd_ctx *c;
    vtop_report r;
} ptov_print;

static void print_hit(void *ctx, const vtop_ptov_hit *h)
{
    ptov_print *p = ctx;
    hit_line(p->c, &p->r, h);
}

static void print_pair(void *ctx, const vtop_ptov_pair *pair)
{
    ptov_print *p = ctx;
    pair_line(p->c, &p->r, pair);
}

/* One walk of the whole space (through the platform's scan services:
 * progress, --jobs); what it prints is the same without them. */
static vtop_status ptov_walk(vtop_cmd_ctx *c, const vtop_space *space,
                             vtop_ptov_scan *q, ptov_print *p)
{
    *p = (ptov_print){c, {c->out, space}};
    q->space = space;
    q->svc = c->session->scan;
    q->ctx = p;
    return vtop_ptov_scan_run(q);
}

static int ptov_query(vtop_cmd_ctx *c, const vtop_space *space, uint64_t first,
                      uint64_t last)
{
    ptov_print p;
    vtop_ptov_scan q = {.on_hit = print_hit, .pa_first = first, .pa_last = last,
                        .keep = PTOV_MAX_HITS};
    vtop_status st = ptov_walk(c, space, &q, &p);
    if (q.no_memory)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "ptov: out of memory");
    if (st != VTOP_OK)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "ptov: %s", vtop_status_name(st));
    if (!c->json)
        vtop_printf(c->out, "%" PRIu64 " mapping(s)%s\n", q.total,
                    q.total > q.stored ? " (first ones shown)" : "");
    return q.total ? VTOP_EXIT_OK : VTOP_EXIT_FAIL;
}

static int ptov_map(vtop_cmd_ctx *c, const vtop_space *space)
{
    ptov_print p;
    vtop_ptov_scan q = {.on_pair = print_pair};
    vtop_status st = ptov_walk(c, space, &q, &p);
    if (q.no_memory)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "ptov: out of memory");
    if (st != VTOP_OK)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "ptov: %s", vtop_status_name(st));
    return VTOP_EXIT_OK;
}

static int run_ptov(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_space *space = vtop_cmd_need_space(c);
    if (!space)
        return VTOP_EXIT_IMAGE;
    if (!vtop_cmd_argc(c, argc, 1, 4))
        return VTOP_EXIT_USAGE;
    if (argc == 1)
        return ptov_map(c, space);
    uint64_t pa;
    if (argc == 2 && vtop_parse_addr(argv[1], &pa))
        return ptov_query(c, space, pa, pa);
    vtop_range r;
    int bad;
    if (!vtop_parse_range(argc - 1, argv + 1, &r, &bad))
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "ptov: bad address or range "
                              "'%s'", argv[1 + bad]);
    return ptov_query(c, space, r.start, r.end_is_top ? UINT64_MAX : r.end - 1);
}

static const vtop_command cmd_ptov = {
    "ptov", "ptov [PA | RANGE]",
    "virtual addresses mapping a physical address (WinDbg !ptov)",
    "  With PA or RANGE: one line per mapping \"pa P va V len N leaf LEAF_VA\n"
    "  size S LEVEL rights R\", then the count (exit 1 when none).\n"
    "  Alone: the whole map, \"PA VA SIZE RIGHTS\" per leaf, sorted by PA.\n",
    true, run_ptov, NULL};

const vtop_command *const vtop_cmds_ptov[] = {&cmd_ptov, NULL};
