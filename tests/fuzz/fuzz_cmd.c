/* Fuzz harness: the command language (cmd/session.h) over arbitrary text,
 * against an arbitrary image.
 *
 * Input: [0] flags (bit0: --json, bit1: open the image first, bit2: the
 * platform loader serves the image for any name so `open NAME` works),
 * [1..2] image length (u16), the image bytes, then command text; each line
 * (split at '\n', at most MAX_LINES) runs through vtop_cmd_execute_line.
 * The image is copied into a buffer of exactly its size, so ASan sees reads
 * outside it; each line is a separate exact-size string.
 *
 * Contracts checked (session.h): every command returns a VTOP_EXIT_* status
 * (0..3); the session survives any sequence of lines; output stays bounded
 * (at most MAX_OUTPUT bytes per line: a command must not print without end);
 * with JSON on, every line a command (other than `help`, whose text is for
 * people) prints is one complete JSON object (json_strict.h), ended by '\n'.
 */
#include <stdbool.h>
#include <string.h>

#include "cmd/lex.h"
#include "cmd/out.h"
#include "cmd/session.h"
#include "fuzz_common.h"
#include "json_strict.h"

#define MAX_LINES 32
#define MAX_OUTPUT (64u << 20)

typedef struct sink {
    uint64_t bytes;
    bool check_json;        /* each completed line must be a JSON object */
    char *line;             /* the line being printed (when checking) */
    size_t len, cap;
} sink;

static void sink_line_done(sink *s)
{
    FUZZ_CHECK(json_strict_object(s->line, s->len), "not one JSON object: '%.*s'",
               (int)(s->len < 400 ? s->len : 400), s->line);
    s->len = 0;
}

static void sink_write(void *ctx, const char *text, size_t n)
{
    sink *s = ctx;
    if (n > 0) {
        /* Touch both ends: ASan checks the formatter's buffer. */
        volatile char a = text[0], b = text[n - 1];
        (void)a;
        (void)b;
    }
    s->bytes += n;
    for (size_t i = 0; s->check_json && i < n; i++) {
        if (text[i] == '\n') {
            sink_line_done(s);
            continue;
        }
        if (s->len == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 4096;
            char *grown = realloc(s->line, cap);
            FUZZ_CHECK(grown != NULL, "out of memory for a %zu-byte line", cap);
            s->line = grown;
            s->cap = cap;
        }
        s->line[s->len++] = text[i];
    }
}

/* JSON answers are checked for every command but `help` (the command
 * word as the session's own lexer splits it). */
static bool answers_in_json(const vtop_session *s, const char *line)
{
    static vtop_words w;
    if (!vtop_session_json(s))
        return false;
    return vtop_lex(line, &w) != VTOP_LEX_OK || w.argc == 0 || strcmp(w.argv[0], "help") != 0;
}

typedef struct image {
    const uint8_t *base;
    uint64_t size;
} image;

static int load_image(void *ctx, const char *name, vtop_loaded *out,
                      char *why, size_t why_len)
{
    const image *img = ctx;
    (void)name;
    if (img->base == NULL) {
        snprintf(why, why_len, "No such file");
        return 1;
    }
    memset(out, 0, sizeof *out);
    out->base = img->base;
    out->size = img->size;
    return 0;
}

static void unload_image(void *ctx, vtop_loaded *loaded)
{
    (void)ctx;
    (void)loaded;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    unsigned flags = (unsigned)fuzz_take(&c, 1);
    size_t ilen = (size_t)fuzz_take(&c, 2);
    if (ilen > c.n) {
        ilen = c.n;
    }
    uint8_t *img = malloc(ilen ? ilen : 1);
    if (img == NULL) {
        return 0;
    }
    memcpy(img, c.p, ilen);
    c.p += ilen;
    c.n -= ilen;

    image served = {(flags & 4u) ? img : NULL, ilen};
    vtop_platform plat = {load_image, unload_image, &served};
    vtop_session *s = vtop_session_new(&plat);
    if (s == NULL) {
        free(img);
        return 0;
    }
    sink so = {0}, se = {0};
    vtop_out out = {sink_write, &so}, err = {sink_write, &se};
    vtop_session_set_json(s, flags & 1u);
    if (flags & 2u) {
        vtop_open_options opt;
        vtop_open_options_init(&opt);
        int rc = vtop_session_open_span(s, "fuzz", img, ilen, &opt, &err);
        FUZZ_CHECK(rc >= VTOP_EXIT_OK && rc <= VTOP_EXIT_IMAGE, "open_span %d", rc);
    }
    for (unsigned n = 0; n < MAX_LINES && c.n > 0 && !vtop_session_quit_requested(s); n++) {
        const uint8_t *nl = memchr(c.p, '\n', c.n);
        size_t len = nl ? (size_t)(nl - c.p) : c.n;
        char *line = malloc(len + 1);
        if (line == NULL) {
            break;
        }
        memcpy(line, c.p, len);
        line[len] = '\0';
        c.p += nl ? len + 1 : len;
        c.n -= nl ? len + 1 : len;
        uint64_t before = so.bytes + se.bytes;
        vtop_session_set_line(s, n + 1);
        so.check_json = answers_in_json(s, line);
        int rc = vtop_cmd_execute_line(s, line, &out, &err);
        FUZZ_CHECK(so.len == 0, "line '%s': JSON answer without its final newline", line);
        so.check_json = false;
        FUZZ_CHECK(rc >= VTOP_EXIT_OK && rc <= VTOP_EXIT_IMAGE, "line '%s': %d", line, rc);
        FUZZ_CHECK(so.bytes + se.bytes - before <= MAX_OUTPUT,
                   "line '%s' printed %llu bytes", line,
                   (unsigned long long)(so.bytes + se.bytes - before));
        free(line);
    }
    vtop_session_free(s);
    free(so.line);
    free(img);
    return 0;
}
