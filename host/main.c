/* vtop host CLI: `vtop [OPTIONS] IMAGE [COMMAND [ARGS]]`.
 *
 * The image is mmap'ed read-only (host/image.c); commands run through the shared command language (cmd/),
 * one from the command line, else one per line from stdin (a script, or an
 * interactive prompt when stdin is a terminal). POSIX + cmd + core.
 */
#define _POSIX_C_SOURCE 200809L /* isatty */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/lex.h"
#include "cmd/num.h"
#include "cmd/options.h"
#include "cmd/session.h"
#include "cmd/vtop_lines.h"
#include "decompress.h"
#include "image.h"
#include "lines.h"
#include "scan.h"

#ifndef VTOP_VERSION
#define VTOP_VERSION "dev"
#endif

static const char usage_text[] =
    "Usage: vtop [OPTIONS] IMAGE [COMMAND [ARGS...]]\n"
    "Translate x86 virtual addresses to physical ones through the page tables\n"
    "held in a memory image (raw, QEMU ELF core, LiME, Windows crash dump).\n"
    "With a COMMAND, run it and exit; without, read commands from stdin, one\n"
    "per line (a prompt `vtop> ` when stdin is a terminal).\n"
    "\n"
    "Options (also `open`'s options):\n"
    VTOP_OPEN_OPTIONS_HELP
    "  --json           answers as JSON, one object per line\n"
    "  --jobs N         whole-image scans (roots, ptov) use N threads (default 1)\n"
    "  --progress       a progress line on stderr during whole-image scans\n"
    "                   (shown anyway when stderr is a terminal)\n"
    "  -h, --help       this help;  --version  the version\n"
    "\n"
    "Commands:\n"
    "  info                 format, runs, vCPUs, address space\n"
    "  vtop VA [VA...]      translate (dbgeng VirtualToPhysical), one line each\n"
    "  pte VA               every entry read, WinDbg !pte style\n"
    "  tlb [RANGE]          present leaves, as QEMU `info tlb`\n"
    "  mem [--fixed] [RANGE] ranges merged by rights, as QEMU `info mem`\n"
    "  ptov [PA|RANGE]      virtual addresses mapping a physical one\n"
    "  read VA LEN          hexdump of virtual memory\n"
    "  readp PA LEN         hexdump of physical memory\n"
    "  audit                W+X, user pages in the upper half, shared tables...\n"
    "  roots [N]            candidate page-table roots (CR3) found in the image\n"
    "  open IMAGE [OPTIONS] switch image;  json on|off;  help [CMD];  quit\n"
    "Numbers are hex (0x optional; fffff800`00000000 grouping; 0n for decimal).\n"
    "RANGE: START-END (END exclusive), START END, or START L LEN.\n"
    "\n"
    "Exit status: 0 ok; 1 a command failed (an address that does not\n"
    "translate, a partial read); 2 usage error (unknown command or option,\n"
    "bad number); 3 image error (cannot open, damaged, no CR3 known).\n"
    "Reading commands from stdin, the status is the highest of all lines,\n"
    "and errors name the line number.\n";

static void write_file(void *ctx, const char *text, size_t n)
{
    fwrite(text, 1, n, (FILE *)ctx);
}

/* ---- command line ---- */

typedef struct cli_args {
    vtop_open_options opt;
    bool json;
    bool progress;
    unsigned jobs;
    const char *image;
    int cmd_argc;
    char **cmd_argv;
} cli_args;

static int usage_error(const char *fmt, const char *word)
{
    fputs("vtop: error: ", stderr);
    fprintf(stderr, fmt, word);
    fputs("\nTry 'vtop --help'.\n", stderr);
    return VTOP_EXIT_USAGE;
}

/* Returns -1 to go on, else an exit status (help, version, usage error). */
static int parse_args(int argc, char **argv, cli_args *a)
{
    char why[200];
    vtop_open_options_init(&a->opt);
    for (int i = 1; i < argc;) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_text, stdout);
            return VTOP_EXIT_OK;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("vtop %s\n", VTOP_VERSION);
            return VTOP_EXIT_OK;
        }
        if (strcmp(arg, "--json") == 0 || strcmp(arg, "--progress") == 0) {
            *(arg[2] == 'j' ? &a->json : &a->progress) = true;
            i++;
            continue;
        }
        if (strcmp(arg, "--jobs") == 0) {
            uint64_t n;
            if (i + 1 >= argc || !vtop_parse_count(argv[i + 1], 64, &n) || !n)
                return usage_error("--jobs needs a count 1..64, got '%s'",
                                   i + 1 < argc ? argv[i + 1] : "");
            a->jobs = (unsigned)n;
            i += 2;
            continue;
        }
        int r = vtop_open_option(argc, argv, &i, &a->opt, why, sizeof why);
        if (r < 0)
            return usage_error("%s", why);
        if (r > 0)
            continue;
        if (arg[0] == '-' && arg[1] != '\0')
            return usage_error("unknown option '%s'", arg);
        if (!a->image) {
            a->image = arg;
            i++;
            continue;
        }
        a->cmd_argc = argc - i;
        a->cmd_argv = argv + i;
        break;
    }
    if (!a->image)
        return usage_error("%s", "missing IMAGE");
    return -1;
}

/* Join words into one command line, quoting each so the lexer gives them
 * back unchanged. Returns false when the line would be too long. */
static bool join_words(int argc, char **argv, char *line, size_t cap)
{
    size_t o = 0;
    for (int i = 0; i < argc; i++) {
        if (o + 3 >= cap)
            return false;
        if (i)
            line[o++] = ' ';
        line[o++] = '"';
        for (const char *p = argv[i]; *p; p++) {
            if (o + 4 >= cap)
                return false;
            if (*p == '"' || *p == '\\')
                line[o++] = '\\';
            line[o++] = *p;
        }
        line[o++] = '"';
    }
    line[o] = '\0';
    return true;
}

/* One line of stdin: fgets on a terminal (the prompt's), else the
 * buffered reader; *len its strlen. */
static bool next_line(bool tty, host_lines *r, char *line, size_t cap, size_t *len)
{
    if (!tty)
        return host_lines_next(r, line, cap, len);
    if (!fgets(line, (int)cap, stdin))
        return false;
    *len = strlen(line);
    return true;
}

/* Read commands from stdin until EOF or `quit`. Not interactive, runs of
 * `vtop VA` lines are answered together (cmd/vtop_lines.h: batched walks,
 * the same output); any other line first answers the run before it. */
static int run_stream(vtop_session *s, const vtop_out *out, const vtop_out *err)
{
    char line[VTOP_MAX_LINE];
    static vtop_vtop_lines pending;
    static host_lines reader;
    int worst = VTOP_EXIT_OK;
    bool tty = isatty(STDIN_FILENO);
    unsigned n = 0;
    size_t len;
    host_lines_init(&reader, STDIN_FILENO);
    for (;;) {
        if (tty) {
            fputs("vtop> ", stdout);
            fflush(stdout);
        }
        if (!next_line(tty, &reader, line, sizeof line, &len))
            break;
        ++n;
        if (!tty && len < sizeof line - 1 &&
            vtop_vtop_line_parse(line, &pending.va[pending.n])) {
            pending.line[pending.n++] = n;
            if (pending.n == VTOP_VTOP_LINES_MAX) {
                int rc = vtop_vtop_lines_run(s, &pending, out, err);
                worst = rc > worst ? rc : worst;
            }
            continue;
        }
        int rc = vtop_vtop_lines_run(s, &pending, out, err);
        worst = rc > worst ? rc : worst;
        vtop_session_set_line(s, n);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            if (tty) {
                int c;
                while ((c = getchar()) != EOF && c != '\n')
                    ;
            } else {
                host_lines_skip(&reader);
            }
            fprintf(stderr, "vtop: error: line %u: line too long (max %d "
                    "characters)\n", n, VTOP_MAX_LINE - 2);
            worst = worst > VTOP_EXIT_USAGE ? worst : VTOP_EXIT_USAGE;
            continue;
        }
        rc = vtop_cmd_execute_line(s, line, out, err);
        if (rc > worst)
            worst = rc;
        if (tty)
            fflush(stdout);
        if (vtop_session_quit_requested(s))
            break;
    }
    int rc = vtop_vtop_lines_run(s, &pending, out, err);
    worst = rc > worst ? rc : worst;
    return tty ? VTOP_EXIT_OK : worst;
}

/* `vtop IMAGE vtop VA...` where every VA is an address: answered in
 * batches (cmd/vtop_lines.h), so the count is not bounded by the command
 * line's length or word limit. False (nothing printed) when a word is not
 * an address or there is no space to batch on: the command line then runs
 * as usual and reports it. */
static bool run_vtop_words(vtop_session *s, const cli_args *a,
                           const vtop_out *out, const vtop_out *err, int *rc)
{
    static vtop_vtop_lines pending;
    if (strcmp(a->cmd_argv[0], "vtop") != 0 || !vtop_vtop_lines_batched(s))
        return false;
    /* every word parsed once, into va[] (nothing printed before all are) */
    uint64_t *va = malloc((size_t)a->cmd_argc * sizeof *va);
    if (!va)
        return false;
    for (int i = 1; i < a->cmd_argc; i++) {
        if (!vtop_parse_addr(a->cmd_argv[i], &va[i])) {
            free(va);
            return false;
        }
    }
    *rc = VTOP_EXIT_OK;
    for (int i = 1; i < a->cmd_argc; i++) {
        pending.va[pending.n] = va[i];
        pending.line[pending.n++] = 0;
        if (pending.n == VTOP_VTOP_LINES_MAX || i + 1 == a->cmd_argc) {
            int r = vtop_vtop_lines_run(s, &pending, out, err);
            *rc = r > *rc ? r : *rc;
        }
    }
    free(va);
    return true;
}

int main(int argc, char **argv)
{
    cli_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    /* Not a terminal: one large buffer, flushed when full and at exit
     * (a terminal keeps stdio's line buffering and the prompt's flushes). */
    if (!isatty(STDOUT_FILENO)) {
        static char out_buf[1 << 16];
        setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
    }
    vtop_out out = {write_file, stdout};
    vtop_out err = {write_file, stderr};
    static host_scan scan;
    vtop_scan_services services;
    host_scan_services(&scan, a.jobs, a.progress, &services);
    vtop_platform platform = {host_load, host_unload, NULL};
    vtop_session *s = vtop_session_new(&platform);
    if (!s) {
        fputs("vtop: error: out of memory\n", stderr);
        return VTOP_EXIT_FAIL;
    }
    vtop_session_set_json(s, a.json);
    vtop_session_set_scan(s, &services);
    vtop_decompressor dec;
    vtop_host_decompressor(&dec);
    vtop_session_set_decompressor(s, &dec);
    rc = vtop_session_open_file(s, a.image, &a.opt, &err);
    if (rc == VTOP_EXIT_OK) {
        if (a.cmd_argc > 1 && run_vtop_words(s, &a, &out, &err, &rc)) {
            /* answered: `vtop VA...` with any number of addresses */
        } else if (a.cmd_argc > 0) {
            char line[VTOP_MAX_LINE];
            if (join_words(a.cmd_argc, a.cmd_argv, line, sizeof line))
                rc = vtop_cmd_execute_line(s, line, &out, &err);
            else
                rc = usage_error("%s", "command line too long");
        } else {
            rc = run_stream(s, &out, &err);
        }
    }
    vtop_session_free(s);
    if (fflush(stdout) != 0 && rc == VTOP_EXIT_OK)
        rc = VTOP_EXIT_FAIL;
    return rc;
}
