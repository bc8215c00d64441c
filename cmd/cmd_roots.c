/* vtop command language: roots, candidate page-table roots (CR3) found by
 * scanning the image (core/roots.h), best first. */
#include "session_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/roots.h"
#include "fmt_json.h"
#include "num.h"
#include "options.h"
#include "scan.h"

#define ROOTS_DEFAULT 10
#define ROOTS_MAX 1000
#define JOBS_MAX VTOP_ROOTS_MAX_PARTS

/* "kernel-half,self-map,..." into text. */
static void evidence_text(uint32_t evidence, char *text, size_t cap)
{
    size_t o = 0;
    text[0] = '\0';
    for (uint32_t b = 0; b < VTOP_ROOT_EV_COUNT; b++) {
        if (!(evidence & (1u << b)))
            continue;
        const char *name = vtop_root_evidence_name(1u << b);
        size_t n = strlen(name);
        if (o + n + 2 >= cap)
            break;
        if (o)
            text[o++] = ',';
        memcpy(text + o, name, n + 1);
        o += n;
    }
    if (!o && cap > 1)
        memcpy(text, "-", 2);
}

static void candidate_out(vtop_cmd_ctx *c, size_t rank,
                          const vtop_root_candidate *r)
{
    char ev[200];
    evidence_text(r->evidence, ev, sizeof ev);
    if (c->json) {
        vtop_fmt_json_root(c->out, rank, r, ev);
        return;
    }
    vtop_printf(c->out, "%-4zu %016" PRIx64 " %-9s %8" PRId64 "  %s\n", rank,
                r->root, vtop_report_mode_name(r->mode), r->score, ev);
}

/* roots [--mode M] [--jobs N] [COUNT] */
static bool roots_args(vtop_cmd_ctx *c, int argc, char **argv,
                       vtop_roots_job *job, uint64_t *count)
{
    for (int i = 1; i < argc; i++) {
        uint64_t jobs;
        if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            i++;
            if (!vtop_parse_paging_mode(argv[i], &job->opt.mode)) {
                vtop_cmd_error(c, VTOP_EXIT_USAGE, "roots: unknown mode '%s'",
                               argv[i]);
                return false;
            }
        } else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) {
            i++;
            if (!vtop_parse_count(argv[i], JOBS_MAX, &jobs) || !jobs) {
                vtop_cmd_error(c, VTOP_EXIT_USAGE, "roots: bad job count '%s' "
                               "(1..%d, decimal)", argv[i], JOBS_MAX);
                return false;
            }
            job->jobs = (unsigned)jobs;
        } else if (!vtop_parse_count(argv[i], ROOTS_MAX, count) || !*count) {
            vtop_cmd_error(c, VTOP_EXIT_USAGE, "roots: bad count '%s' (1..%d, "
                           "decimal)", argv[i], ROOTS_MAX);
            return false;
        }
    }
    return true;
}

/* An AArch64 target without --mode (its space, or its ELF machine): scan
 * for TTBR1 tables, not the x86 modes the default scan tries. */
static bool roots_target_a64(const vtop_session *s, const vtop_roots_options *opt)
{
    if (vtop_mode_describe(opt->mode)) /* --mode given */
        return false;
    if (s->has_space && vtop_mode_is_a64(s->space.desc))
        return true;
    return s->target == VTOP_TARGET_IMAGE && s->info->elf_machine == 183;
}

static int run_roots(vtop_cmd_ctx *c, int argc, char **argv)
{
    vtop_session *s = c->session;
    vtop_roots_job job = {.mem = &s->mem, .svc = s->scan,
                          .loaded = s->has_loaded ? &s->loaded : NULL};
    uint64_t count = ROOTS_DEFAULT;
    if (!vtop_cmd_argc(c, argc, 1, 6) || !roots_args(c, argc, argv, &job, &count))
        return VTOP_EXIT_USAGE;
    if (roots_target_a64(s, &job.opt))
        job.opt.mode = VTOP_MODE_AARCH64;
    vtop_root_candidate *cands = calloc((size_t)count, sizeof *cands);
    if (!cands)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "roots: out of memory");
    job.out = cands;
    job.cap = (size_t)count;
    vtop_roots_result res;
    memset(&res, 0, sizeof res);
    vtop_status st = vtop_roots_scan_jobs(&job, &res);
    if (!c->json && res.count)
        vtop_puts(c->out, "rank root             mode         score  evidence\n");
    for (size_t i = 0; i < res.count; i++)
        candidate_out(c, i + 1, &cands[i]);
    free(cands);
    if (!c->json)
        vtop_printf(c->out, "%" PRIu64 " candidate(s) in %" PRIu64
                    " pages scanned\n", res.candidates, res.pages_scanned);
    if (st == VTOP_OK)
        return VTOP_EXIT_OK;
    if (st == VTOP_NO_ROOT)
        return VTOP_EXIT_FAIL;
    return vtop_cmd_error(c, VTOP_EXIT_FAIL, "roots: %s", vtop_status_name(st));
}

static const vtop_command cmd_roots = {
    "roots", "roots [OPTIONS] [COUNT]",
    "candidate page-table roots (CR3) found by scanning the image",
    "  Best first (default 10): rank, root, mode, score, evidence (kernel-half,\n"
    "  self-map, shared-kernel, linear-leaves, cr3-value, ...). Use one with\n"
    "  `open IMAGE --cr3 ROOT --mode MODE`. Exit 1 when none qualifies.\n"
    "  --mode M scans for roots of mode M only; --jobs N splits the scan by\n"
    "  physical range over N threads where the platform has them (the same\n"
    "  answer as one job). AArch64 targets (or --mode aarch64): TTBR1 tables\n"
    "  (4K, 48-bit), used as `open IMAGE --ttbr1 ROOT --tcr X`.\n",
    true, run_roots, NULL};

const vtop_command *const vtop_cmds_roots[] = {&cmd_roots, NULL};
