/* `make bench`: translation speed against the hardware limit.
 *
 * usage: bench [--quick] [--guests DIR] [--dumps DIR] [--json FILE] [--synthetic]
 *              [--vtop CLI] [--scan DIR] [--cold-guest DIR] [--only batch|kdump]
 * Uses DIR/amd64-4level and DIR/amd64-5level (guest.raw for the flat
 * minimal walk, guest.elf/guest.lime through the format API) when they
 * exist, synthetic 4/5-level tables (~75,000 4K leaves) otherwise. Prints
 * one table (median of >= 5 reps with min and max) and writes JSON.
 * --quick: tiny iteration counts, TAP `ok`/`not ok` lines for the checks
 * (the test-bench-smoke suite). --cold-guest DIR: the 4K direct-map guest
 * of the cold batched rows (build/bench-guests/amd64-4level-4k, bench.mk
 * captures it). --only batch: the cold batched rows alone (synthetic 4K
 * space and the cold guest), for measuring them without the rest; --only
 * kdump: the kdump and flattened rows alone. Host code. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "bench_run.h"

#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "?"
#endif

void bench_row(bench_ctx *b, const char *section, const char *image,
               const char *what, const char *unit, bench_stat s,
               const char *target, int met)
{
    if (b->nrows == BENCH_MAX_ROWS) {
        fprintf(stderr, "bench: more than %d rows: '%s' dropped (raise BENCH_MAX_ROWS)\n",
                BENCH_MAX_ROWS, what);
        return;
    }
    bench_row_data *r = &b->rows[b->nrows++];
    snprintf(r->section, sizeof r->section, "%s", section);
    snprintf(r->image, sizeof r->image, "%s", image);
    snprintf(r->what, sizeof r->what, "%s", what);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    snprintf(r->target, sizeof r->target, "%s", target ? target : "");
    r->stat = s;
    r->met = target ? met : -1;
}

void bench_note(bench_ctx *b, const char *fmt, ...)
{
    if (b->nnotes == BENCH_MAX_NOTES) {
        fprintf(stderr, "bench: more than %d notes: one dropped (raise BENCH_MAX_NOTES)\n",
                BENCH_MAX_NOTES);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->notes[b->nnotes++], sizeof b->notes[0], fmt, ap);
    va_end(ap);
}

void bench_check(bench_ctx *b, int ok, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    b->checks++;
    b->failed += !ok;
    printf("%s %d - %s\n", ok ? "ok" : "not ok", b->checks, text);
}

static void cpu_model(char *out, size_t n)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    snprintf(out, n, "unknown");
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
            snprintf(out, n, "%s", strchr(line, ':') + 2);
            out[strcspn(out, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
}

static void print_table(const bench_ctx *b, const char *cpu)
{
    printf("# vtop bench: CPU %s; flags %s; %d reps, %zu translations/rep; thread CPU time\n", cpu,
           BENCH_CFLAGS, b->reps, b->translations);
    printf("%-10s %-24s %-40s %12s %12s %12s %-6s  %s\n", "section", "image", "figure",
           "median", "min", "max", "unit", "target");
    for (int i = 0; i < b->nrows; i++) {
        const bench_row_data *r = &b->rows[i];
        printf("%-10s %-24s %-40s %12.3f %12.3f %12.3f %-6s  %s%s\n", r->section,
               r->image, r->what, r->stat.median, r->stat.min, r->stat.max, r->unit,
               r->met < 0 ? "" : r->met ? "MET " : "MISSED ", r->target);
    }
    for (int i = 0; i < b->nnotes; i++)
        printf("# %s\n", b->notes[i]);
}

/* Writes path.tmp and renames it over path, so a reader never sees half a
 * file; on any failure the old path is removed too, so no stale figures
 * are left behind. Returns 0 on success. */
static int write_json(const bench_ctx *b, const char *path, const char *cpu)
{
    char tmp[1024];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        remove(path);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        remove(path);
        return -1;
    }
    fprintf(f, "{\n  \"cpu\": \"%s\",\n  \"cflags\": \"%s\",\n  \"reps\": %d,\n"
               "  \"translations_per_rep\": %zu,\n  \"rows\": [\n",
            cpu, BENCH_CFLAGS, b->reps, b->translations);
    for (int i = 0; i < b->nrows; i++) {
        const bench_row_data *r = &b->rows[i];
        fprintf(f, "    {\"section\": \"%s\", \"image\": \"%s\", \"figure\": \"%s\", "
                   "\"unit\": \"%s\", \"median\": %.4f, \"min\": %.4f, \"max\": %.4f, "
                   "\"reps\": %d, \"target\": \"%s\", \"met\": %s}%s\n",
                r->section, r->image, r->what, r->unit, r->stat.median, r->stat.min,
                r->stat.max, r->stat.reps, r->target,
                r->met < 0 ? "null" : r->met ? "true" : "false",
                i + 1 < b->nrows ? "," : "");
    }
    fprintf(f, "  ],\n  \"notes\": [\n");
    for (int i = 0; i < b->nnotes; i++)
        fprintf(f, "    \"%s\"%s\n", b->notes[i], i + 1 < b->nnotes ? "," : "");
    fprintf(f, "  ]\n}\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        remove(tmp);
        remove(path);
        return -1;
    }
    return 0;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* One guest directory: raw (flat minimal walk + vtop), ELF (vtop through
 * the run list), open times of every format present. */
static void bench_guest(bench_ctx *b, const char *dir, const char *mode)
{
    char elf[512], raw[512], lime[512], name[64];
    snprintf(elf, sizeof elf, "%s/%s/guest.elf", dir, mode);
    snprintf(raw, sizeof raw, "%s/%s/guest.raw", dir, mode);
    snprintf(lime, sizeof lime, "%s/%s/guest.lime", dir, mode);
    static bench_image e, r;
    snprintf(name, sizeof name, "%s elf", mode);
    if (bench_image_load(&e, elf, name) != 0) {
        bench_check(b, 0, "open %s", elf);
        return;
    }
    snprintf(name, sizeof name, "%s raw", mode);
    if (exists(raw) && bench_image_load_raw(&r, raw, name, &e) == 0)
        bench_translate(b, &r, &e);
    else if (e.flat)
        bench_translate(b, &e, NULL);
    const char *files[3] = {elf, lime, raw};
    const char *fmts[3] = {"elf", "lime", "raw"};
    for (int i = 0; i < 3; i++) {
        if (!exists(files[i]))
            continue;
        double v[BENCH_MAX_REPS];
        int ok = 0;
        for (int k = 0; k < b->reps; k++)
            v[k] = bench_open_us(files[i], &ok);
        char what[64];
        snprintf(what, sizeof what, "open %s (map+parse+unmap)", fmts[i]);
        bench_stat s = bench_stats(v, b->reps);
        bench_row(b, "open", mode, what, "us", s, "<= 1000 us", ok && s.median <= 1000);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--spawn-helper") == 0)
        return bench_spawn_helper(argc, argv);
    static bench_ctx b;
    const char *guests = "build/guests", *json = "build/bench.json";
    const char *dumps = "build/dumps", *scan = NULL, *cold = NULL;
    int synthetic = 0;
    /* --only: one group of rows, else every row (ONLY_ALL). */
    enum { ONLY_ALL, ONLY_BATCH, ONLY_KDUMP } only = ONLY_ALL;
    b.reps = 7;
    b.translations = 1u << 20;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            b.quick = 1;
            b.reps = 5;
            b.translations = 20000;
        } else if (!strcmp(argv[i], "--synthetic")) {
            synthetic = 1;
        } else if (!strcmp(argv[i], "--guests") && i + 1 < argc) {
            guests = argv[++i];
        } else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
            json = argv[++i];
        } else if (!strcmp(argv[i], "--vtop") && i + 1 < argc) {
            b.vtop_bin = argv[++i];
        } else if (!strcmp(argv[i], "--dumps") && i + 1 < argc) {
            dumps = argv[++i];
        } else if (!strcmp(argv[i], "--scan") && i + 1 < argc) {
            scan = argv[++i];
        } else if (!strcmp(argv[i], "--cold-guest") && i + 1 < argc) {
            cold = argv[++i];
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc && !strcmp(argv[i + 1], "batch")) {
            only = ONLY_BATCH;
            i++;
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc && !strcmp(argv[i + 1], "kdump")) {
            only = ONLY_KDUMP;
            i++;
        } else {
            fprintf(stderr, "usage: bench [--quick] [--synthetic] [--guests DIR] [--dumps DIR] "
                            "[--json FILE] [--vtop CLI] [--scan DIR] [--cold-guest DIR] "
                            "[--only batch|kdump]\n");
            return 2;
        }
    }
    char cpu[160], probe[512];
    cpu_model(cpu, sizeof cpu);
    /* The amd64 guests fall back to synthetic tables; the i386 ones (PAE,
     * 32-bit paging) are measured only when captured. */
    const char *modes[4] = {"amd64-4level", "amd64-5level", "i386-pae", "i386-32bit"};
    for (int i = 0; i < 4 && only == ONLY_ALL; i++) {
        snprintf(probe, sizeof probe, "%s/%s/guest.elf", guests, modes[i]);
        if (!synthetic && exists(probe)) {
            bench_guest(&b, guests, modes[i]);
        } else if (i < 2) {
            static bench_image syn;
            if (bench_synthetic(&syn, i ? 5 : 4, 75000) != 0) {
                bench_check(&b, 0, "build synthetic %s tables", modes[i]);
                continue;
            }
            bench_note(&b, "%s: no captured guest in %s, synthetic tables used",
                       modes[i], guests);
            bench_translate(&b, &syn, NULL);
            free((void *)syn.base);
        }
    }
    if (only == ONLY_ALL || only == ONLY_BATCH)
        bench_batch_cold(&b, synthetic ? NULL : cold);
    if (only == ONLY_ALL)
        bench_a64(&b);
    if (!synthetic && (only == ONLY_ALL || only == ONLY_KDUMP))
        bench_kdump(&b, dumps);
    if (!synthetic && scan && only == ONLY_ALL)
        bench_scan(&b, scan);
    bench_note(&b, "EFI boot times: tests/bench/efi_boot.py (make bench), build/bench-efi.json");
    print_table(&b, cpu);
    int written = write_json(&b, json, cpu) == 0;
    bench_check(&b, written, "wrote %s", json);
    if (!written) {
        fprintf(stderr, "bench: cannot write %s\n", json);
        return 1;
    }
    return b.quick && b.failed ? 1 : 0;
}
