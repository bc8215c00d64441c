/* End-to-end figures: the CLI answering a script of `vtop VA` lines and
 * `vtop IMAGE vtop VA...` (child CPU time per line, output included),
 * against the minimal walk of the same run, with exec of /bin/true on the
 * same words beside it (the kernel's share) and the difference (vtop's);
 * and vtop_read_virtual over 64 MiB of the guest's direct map against
 * memcpy of the same bytes.
 * Host code (POSIX: mkstemp; children through bench_child.c). */
#define _DEFAULT_SOURCE /* mkstemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_run.h"

#define CLI_LINES 1000000
#define CLI_LINES_QUICK 5000
#define CLI_WORDS 60000
/* The CLI target: issue #20 asks for 200 ns a line, set on the 4-level
 * image where the minimal walk took 8 ns, so 25x that walk in the same
 * run. The reference is the 4-level image's walk in every mode: a line's
 * cost is the parse, the output and the process, none of which shrinks
 * with the table depth; the mode's own walk (2.6 ns on 32-bit paging
 * here) would ask 65 ns a line, a third of the figure. */
#define CLI_PER_WALK 25
#define READ_BYTES (64u << 20)

/* Child CPU seconds (user + system) of argv with stdin from in, or -1. */
static double run_child(char **argv, const char *in)
{
    bench_child c;
    return bench_spawn(argv, in, NULL, &c) == 0 ? c.cpu_s : -1;
}

typedef struct cli_cmd {
    char *argv[8 + CLI_WORDS];
    char cr3[32];
    char words[CLI_WORDS][24];
} cli_cmd;

static void cli_prepare(cli_cmd *c, const bench_ctx *b, const bench_image *im)
{
    snprintf(c->cr3, sizeof c->cr3, "0x%llx", (unsigned long long)im->space.cfg.cr3);
    int k = 0;
    c->argv[k++] = (char *)b->vtop_bin;
    c->argv[k++] = "--cr3";
    c->argv[k++] = c->cr3;
    c->argv[k++] = "--mode";
    c->argv[k++] = (char *)im->space.desc->name;
    c->argv[k++] = (char *)im->path;
    c->argv[k] = NULL;
}

/* ns per line of a script of `lines` vtop lines, and per address of one
 * `vtop VA...` command with `words` addresses. */
static void cli_times(const bench_ctx *b, const bench_image *im, const bench_set *set,
                      double out[3])
{
    static cli_cmd c;
    size_t lines = b->quick ? CLI_LINES_QUICK : CLI_LINES, words = b->quick ? 500 : CLI_WORDS;
    char script[] = "/tmp/vtop-bench-XXXXXX";
    int fd = mkstemp(script);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    out[0] = out[1] = out[2] = -1;
    if (!f)
        return;
    for (size_t i = 0; i < lines; i++)
        fprintf(f, "vtop %llx\n", (unsigned long long)set->hot[i % set->n]);
    fclose(f);
    cli_prepare(&c, b, im);
    double s0 = run_child(c.argv, script);
    unlink(script);
    out[0] = s0 < 0 ? -1 : s0 * 1e9 / (double)lines;
    c.argv[6] = "vtop";
    for (size_t i = 0; i < words; i++) {
        snprintf(c.words[i], sizeof c.words[i], "%llx",
                 (unsigned long long)set->hot[(i * 7) % set->n]);
        c.argv[7 + i] = c.words[i];
    }
    c.argv[7 + words] = NULL;
    double s1 = run_child(c.argv, NULL);
    out[1] = s1 < 0 ? -1 : s1 * 1e9 / (double)words;
    /* The same words handed to a program that does nothing: what exec
     * alone costs per word (the kernel copies every argument). */
    c.argv[6] = "/bin/true";
    double s2 = run_child(c.argv + 6, NULL);
    out[2] = s2 < 0 ? -1 : s2 * 1e9 / (double)words;
}

void bench_cli(bench_ctx *b, const bench_image *im, const bench_set *set)
{
    if (!b->vtop_bin || !im->path[0])
        return;
    double v[4][BENCH_MAX_REPS];
    int ok = 1;
    for (int r = 0; r < b->reps; r++) {
        double t[3];
        cli_times(b, im, set, t);
        ok &= t[0] > 0 && t[1] > 0 && t[2] > 0;
        v[0][r] = t[0];
        v[1][r] = t[1];
        v[2][r] = t[2];
        /* vtop's own share: the command line's cost less what exec with
         * the same words costs, both from this repetition */
        v[3][r] = t[1] - t[2];
    }
    bench_check(b, ok, "%s: the CLI (%s) ran every script and command line", im->name,
                b->vtop_bin);
    double ref = b->ref_walk_ns > 0 ? b->ref_walk_ns : set->min_indep;
    double lim = CLI_PER_WALK * ref;
    char tgt[96];
    snprintf(tgt, sizeof tgt, "<= %dx %s minimal walk (%.0f ns)", CLI_PER_WALK,
             b->ref_walk_ns > 0 ? "4-level" : "this image's", lim);
    bench_stat s0 = bench_stats(v[0], b->reps), s1 = bench_stats(v[1], b->reps);
    bench_stat s2 = bench_stats(v[2], b->reps), s3 = bench_stats(v[3], b->reps);
    bench_row(b, "cli", im->name, "script of vtop VA lines, per line", "ns", s0, tgt,
              ok && s0.median <= lim);
    bench_row(b, "cli", im->name, "vtop IMAGE vtop VA..., per address", "ns", s1, tgt,
              ok && s1.median <= lim);
    bench_row(b, "limit", im->name, "exec /bin/true with the same words, per word", "ns",
              s2, NULL, -1);
    bench_row(b, "cli", im->name, "own share: vtop VA... less exec, per address",
              "ns", s3, NULL, -1);
    bench_note(b, "%s: cli = child CPU time (user+sys) of build/vtop, output to /dev/null, "
               "open and exit included; %d lines / %d addresses", im->name,
               b->quick ? CLI_LINES_QUICK : CLI_LINES, b->quick ? 500 : CLI_WORDS);
    /* The kernel copies every word of the command line before vtop runs
     * (fs/exec.c: copy_strings, then create_elf_tables in
     * fs/binfmt_elf.c), so that part of the per-address figure is beyond
     * vtop's reach; the note says whether the target is. */
    if (ok && s2.median > lim)
        bench_note(b, "%s: vtop IMAGE vtop VA...: exec alone (/bin/true, the same %d words) "
                   "costs %.0f ns a word, above the %.0f ns target: end to end cannot reach "
                   "it on this machine whatever vtop does; vtop's own share is %.0f ns",
                   im->name, b->quick ? 500 : CLI_WORDS, s2.median, lim, s3.median);
    else if (ok)
        bench_note(b, "%s: vtop IMAGE vtop VA...: exec alone (/bin/true, the same %d words) "
                   "costs %.0f ns a word of the %.0f ns target; vtop's own share is %.0f ns",
                   im->name, b->quick ? 500 : CLI_WORDS, s2.median, lim, s3.median);
}

/* 64 MiB of the direct map that translates entirely: VA and PA start. */
static int read_range(const bench_image *im, const bench_leaf_list *l, uint64_t *va,
                      uint64_t *pa)
{
    uint64_t delta = bench_direct_map_delta(im, l), lo = ~0ull;
    for (size_t i = 0; i < l->n; i++)
        if (l->va[i] - bench_min_walk(im, l->va[i]) == delta && l->va[i] < lo)
            lo = l->va[i];
    static uint8_t probe[4096];
    for (uint64_t off = 16u << 20; off < (1ull << 32); off += 16u << 20) {
        size_t done = 0;
        uint64_t v = lo + off, p = v - delta;
        if (p + READ_BYTES > im->flat_size)
            return -1;
        int whole = 1;
        for (uint64_t o = 0; o < READ_BYTES && whole; o += 4096)
            whole = vtop_read_virtual(&im->space, v + o, probe, 1, &done) == VTOP_OK &&
                    bench_min_walk(im, v + o) == p + o;
        if (whole) {
            *va = v;
            *pa = p;
            return 0;
        }
    }
    return -1;
}

void bench_read(bench_ctx *b, const bench_image *im, const bench_set *set)
{
    uint64_t va = 0, pa = 0;
    if (!im->flat || read_range(im, set->leaves, &va, &pa) != 0) {
        bench_note(b, "%s: no 64 MiB linear range in the direct map: read not measured",
                   im->name);
        return;
    }
    uint8_t *dst = malloc(READ_BYTES);
    memset(dst, 1, READ_BYTES); /* fault the pages in before timing */
    double v[2][BENCH_MAX_REPS];
    size_t done = 0;
    int same = 1;
    for (int r = 0; r < b->reps; r++) {
        double t0 = bench_now_ns();
        memcpy(dst, im->flat + pa, READ_BYTES);
        double t1 = bench_now_ns();
        vtop_status st = vtop_read_virtual(&im->space, va, dst, READ_BYTES, &done);
        double t2 = bench_now_ns();
        same &= st == VTOP_OK && done == READ_BYTES &&
                memcmp(dst, im->flat + pa, READ_BYTES) == 0;
        v[0][r] = READ_BYTES / (t1 - t0); /* bytes per ns = GB/s */
        v[1][r] = READ_BYTES / (t2 - t1);
    }
    bench_check(b, same, "%s: vtop_read_virtual of 64 MiB at %llx equals the bytes at "
                "pa %llx", im->name, (unsigned long long)va, (unsigned long long)pa);
    bench_stat mc = bench_stats(v[0], b->reps), rd = bench_stats(v[1], b->reps);
    bench_row(b, "limit", im->name, "memcpy 64 MiB (the same bytes)", "GB/s", mc, NULL, -1);
    char tgt[96];
    snprintf(tgt, sizeof tgt, ">= 50%% of memcpy (%.2f GB/s)", mc.median / 2);
    bench_row(b, "read", im->name, "vtop_read_virtual 64 MiB direct map", "GB/s", rd, tgt,
              same && rd.median >= mc.median / 2);
    free(dst);
}
