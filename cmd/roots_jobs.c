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

/* The physical address at which `skip` whole pages of runs lie before
 * (the start of job k's range when skip = k * pages / jobs). */
static uint64_t split_at(const vtop_physmem *mem, uint64_t skip)
{
    for (size_t r = 0; r < mem->count; r++) {
        uint64_t n = run_pages(mem, r);
        if (skip < n)
            return mem->runs[r].phys + skip * PAGE;
        skip -= n;
    }
    return mem->count ? mem->runs[mem->count - 1].phys + mem->runs[mem->count - 1].len
                      : 0;
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
        uint64_t pages = image_pages(j->mem);
        for (unsigned i = 0; i < jobs; i++) {
            js.opt[i] = j->opt;
            js.opt[i].skip_rank = true;
            js.opt[i].from = i ? split_at(j->mem, pages * i / jobs) : 0;
            js.opt[i].to = i + 1 < jobs ? split_at(j->mem, pages * (i + 1) / jobs) : 0;
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
    /* At least a page per job: every boundary after the first is then
     * above the first page (to == 0 would mean "no bound"). */
    if (jobs > image_pages(j->mem))
        jobs = (unsigned)image_pages(j->mem);
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
