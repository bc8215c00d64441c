/* vtop host CLI: `vtop [OPTIONS] IMAGE [COMMAND [ARGS]]`.
 *
 * The image is mmap'ed read-only (no copy: opening a 300 MB dump costs
 * microseconds); commands run through the shared command language (cmd/),
 * one from the command line, else one per line from stdin (a script, or an
 * interactive prompt when stdin is a terminal). POSIX + cmd + core.
 */
#define _POSIX_C_SOURCE 200809L /* mmap, fstat, isatty, O_CLOEXEC */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/lex.h"
#include "cmd/options.h"
#include "cmd/session.h"
#include "decompress.h"

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

/* ---- the platform loader: mmap ---- */

static const uint8_t empty_image[1];

static int host_load(void *ctx, const char *name, vtop_loaded *out, char *why,
                     size_t why_len)
{
    (void)ctx;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is then
     * refused below, before any read could block. */
    int fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "needs a regular file (this is a %s)",
                 S_ISFIFO(st.st_mode) ? "FIFO" : S_ISDIR(st.st_mode) ? "directory"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device"
                 : "special file");
        close(fd);
        return -1;
    }
    out->size = (uint64_t)st.st_size;
    out->base = empty_image;
    if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            snprintf(why, why_len, "cannot map: %s", strerror(errno));
            close(fd);
            return -1;
        }
        out->base = p;
        out->handle = p;
    }
    close(fd);
    return 0;
}

static void host_unload(void *ctx, vtop_loaded *loaded)
{
    (void)ctx;
    if (loaded->handle)
        munmap(loaded->handle, (size_t)loaded->size);
    loaded->handle = NULL;
    loaded->base = NULL;
}

/* ---- command line ---- */

typedef struct cli_args {
    vtop_open_options opt;
    bool json;
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
        if (strcmp(arg, "--json") == 0) {
            a->json = true;
            i++;
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

/* Read commands from stdin until EOF or `quit`. */
static int run_stream(vtop_session *s, const vtop_out *out, const vtop_out *err)
{
    char line[VTOP_MAX_LINE];
    int worst = VTOP_EXIT_OK;
    bool tty = isatty(STDIN_FILENO);
    unsigned n = 0;
    for (;;) {
        if (tty) {
            fputs("vtop> ", stdout);
            fflush(stdout);
        }
        if (!fgets(line, sizeof line, stdin))
            break;
        vtop_session_set_line(s, ++n);
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            int c;
            while ((c = getchar()) != EOF && c != '\n')
                ;
            fprintf(stderr, "vtop: error: line %u: line too long (max %d "
                    "characters)\n", n, VTOP_MAX_LINE - 2);
            worst = worst > VTOP_EXIT_USAGE ? worst : VTOP_EXIT_USAGE;
            continue;
        }
        int rc = vtop_cmd_execute_line(s, line, out, err);
        if (rc > worst)
            worst = rc;
        if (tty)
            fflush(stdout);
        if (vtop_session_quit_requested(s))
            break;
    }
    return tty ? VTOP_EXIT_OK : worst;
}

int main(int argc, char **argv)
{
    cli_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    vtop_out out = {write_file, stdout};
    vtop_out err = {write_file, stderr};
    vtop_platform platform = {host_load, host_unload, NULL};
    vtop_session *s = vtop_session_new(&platform);
    if (!s) {
        fputs("vtop: error: out of memory\n", stderr);
        return VTOP_EXIT_FAIL;
    }
    vtop_session_set_json(s, a.json);
    vtop_decompressor dec;
    vtop_host_decompressor(&dec);
    vtop_session_set_decompressor(s, &dec);
    rc = vtop_session_open_file(s, a.image, &a.opt, &err);
    if (rc == VTOP_EXIT_OK) {
        if (a.cmd_argc > 0) {
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
