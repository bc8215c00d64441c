/* vtop command language: `roots` over the whole image with the platform's
 * scan services (cmd/scan.h): hole and release hooks, progress, and the
 * physical range split into jobs whose kept candidates vtop_roots_merge
 * joins into the answer of one scan. */
#include <stdlib.h>

#include "scan.h"
#include "session.h"

#define PAGE 4096u

/* Whole pages of run r that a scan covers (none of an absent run: past
 * the end of a truncated image). */
static uint64_t run_pages(const vtop_physmem *mem, size_t r)
{
    return mem->runs[r].data || mem->source ? mem->runs[r].len / PAGE : 0;
}

static uint64_t image_pages(const vtop_physmem *mem)
{
    uint64_t n = 0;
    for (size_t r = 0; r < mem->count; r++)
        n += run_pages(mem, r);
    return n;
}

/* Pages [i, i + *n) of a direct run's n pages from page i: how many the
 * extent hook puts in one stretch (as the core scan cuts them), and
 * whether it is a hole. */
static bool stretch(const vtop_scan_hooks *h, const vtop_run *run, uint64_t i,
                    uint64_t *n)
{
    bool hole = false;
    uint64_t len = *n * PAGE;
    uint64_t e = h->extent(h->ctx, run->data + i * PAGE, len, &hole);
    if (e == 0 || e > len)
        return false;
    uint64_t k = hole ? e / PAGE : (e + PAGE - 1) / PAGE;
    if (k == 0)
        return false;
    *n = k;
    return hole;
}

/* The pages a split weighs: every page of the runs or, with an extent
 * hook, only those that may hold data (a sparse image's holes cost the
 * scan nothing, so the jobs share its data). With skip below their
 * count, *at = the address of the page numbered skip and skip is
 * returned; else the count. */
static uint64_t weigh_pages(const vtop_physmem *mem, const vtop_scan_hooks *h,
                            uint64_t skip, uint64_t *at)
{
    uint64_t seen = 0;
    for (size_t r = 0; r < mem->count; r++) {
        const vtop_run *run = &mem->runs[r];
        uint64_t n = run_pages(mem, r);
        for (uint64_t i = 0; i < n;) {
            uint64_t k = n - i;
            bool hole = h && h->extent && run->data && stretch(h, run, i, &k);
            if (!hole && skip - seen < k) {
                *at = run->phys + (i + (skip - seen)) * PAGE;
                return skip;
            }
            seen += hole ? 0 : k;
            i += k;
        }
    }
    return seen;
}

typedef struct jobs_state {
    const vtop_roots_job *job;
    vtop_roots_part *part;
    vtop_root_candidate *kept;  /* jobs * keep_cap */
    vtop_roots_options *opt;    /* one per job: its range */
    size_t keep_cap;
} jobs_state;

static void run_part(void *arg, unsigned i)
{
    jobs_state *js = arg;
    vtop_root_candidate *kept = js->kept + (size_t)i * js->keep_cap;
    js->part[i].kept = kept;
    vtop_roots_scan(js->job->mem, &js->opt[i], kept, js->keep_cap,
                    &js->part[i].res);
}

static vtop_status scan_split(const vtop_roots_job *j, unsigned jobs,
                              vtop_roots_result *res)
{
    jobs_state js = {.job = j, .keep_cap = vtop_roots_keep_cap(j->cap)};
    js.part = calloc(jobs, sizeof *js.part);
    js.opt = calloc(jobs, sizeof *js.opt);
    js.kept = calloc((size_t)jobs * js.keep_cap, sizeof *js.kept);
    vtop_status st;
    if (!js.part || !js.opt || !js.kept) {
        st = vtop_roots_scan(j->mem, &j->opt, j->out, j->cap, res);
    } else {
        const vtop_scan_hooks *h = j->opt.hooks;
        uint64_t at = 0, pages = weigh_pages(j->mem, h, UINT64_MAX, &at);
        for (unsigned i = 0; i < jobs; i++) {
            js.opt[i] = j->opt;
            js.opt[i].skip_rank = true;
            js.opt[i].from = js.opt[i].to = 0;
            if (i)
                js.opt[i].from = js.opt[i - 1].to;
            if (i + 1 < jobs && weigh_pages(j->mem, h, pages * (i + 1) / jobs, &at) < pages)
                js.opt[i].to = at;
        }
        j->svc->parallel(j->svc->ctx, jobs, run_part, &js);
        vtop_roots_parts parts = {js.part, jobs};
        st = vtop_roots_merge(j->mem, &j->opt, &parts, j->out, j->cap, res);
    }
    free(js.part);
    free(js.opt);
    free(js.kept);
    return st;
}

vtop_status vtop_roots_scan_jobs(vtop_roots_job *j, vtop_roots_result *res)
{
    const vtop_scan_services *svc = j->svc;
    vtop_scan_hooks hooks = {0};
    if (svc && svc->hooks && j->loaded && j->loaded->base)
        svc->hooks(svc->ctx, j->loaded, &hooks);
    if (svc && svc->progress_begin)
        svc->progress_begin(svc->ctx, "roots", image_pages(j->mem) * PAGE, &hooks);
    j->opt.hooks = &hooks;
    unsigned jobs = j->jobs ? j->jobs : svc ? svc->jobs : 1;
    if (jobs > VTOP_ROOTS_MAX_PARTS)
        jobs = VTOP_ROOTS_MAX_PARTS;
    /* At least a page (of data) per job: every boundary after the first
     * is then above the first page (to == 0 would mean "no bound"). */
    uint64_t at, weight = jobs > 1 ? weigh_pages(j->mem, &hooks, UINT64_MAX, &at) : 1;
    if (jobs > weight)
        jobs = (unsigned)weight;
    vtop_status st;
    if (jobs > 1 && svc && svc->parallel && !j->mem->source)
        st = scan_split(j, jobs, res);
    else
        st = vtop_roots_scan(j->mem, &j->opt, j->out, j->cap, res);
    if (svc && svc->progress_end && hooks.progress)
        svc->progress_end(svc->ctx);
    j->opt.hooks = NULL;
    return st;
}
