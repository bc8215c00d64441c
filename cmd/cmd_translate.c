/* vtop command language: one address at a time: vtop and pte.
 * Text comes from the WinDbg-style views (fmt_windbg.h); --json gives the
 * whole record (record_json.h). */
#include "session_int.h"

#include <inttypes.h>
#include <stdio.h>

#include "core/batch.h"
#include "fmt_windbg.h"
#include "hexfmt.h"
#include "lex.h"
#include "num.h"
#include "vtop_lines.h"
#include "record_json.h"

/* A frame the translation reached but the dump left out (makedumpfile -d)
 * or cannot decompress here: the answer is right, the bytes are not there. */
static void note_frame(const vtop_out *out, bool json, const vtop_space *space,
                       const vtop_translation *t)
{
    if (json || t->status != VTOP_OK)
        return;
    vtop_status ps = vtop_physmem_probe(&space->mem, t->pa);
    if (ps == VTOP_PAGE_EXCLUDED)
        vtop_printf(out, "note: frame %016llx: page excluded from the dump "
                    "(%s)\n", (unsigned long long)(t->pa & ~0xFFFull),
                    vtop_status_name(ps));
    else if (ps == VTOP_FORMAT_UNSUPPORTED)
        vtop_printf(out, "note: frame %016llx: compressed with a method "
                    "this build cannot decompress (%s)\n",
                    (unsigned long long)(t->pa & ~0xFFFull), vtop_status_name(ps));
}

/* Translate each VA argument; print with `view`. Exit 1 if any failed. */
static int translate_each(vtop_cmd_ctx *c, int argc, char **argv,
                          void (*view)(const vtop_out *, const vtop_space *,
                                       const vtop_translation *))
{
    if (!vtop_cmd_argc(c, argc, 2, VTOP_MAX_ARGS))
        return VTOP_EXIT_USAGE;
    const vtop_space *space = vtop_cmd_need_space(c);
    if (!space)
        return VTOP_EXIT_IMAGE;
    uint64_t va[VTOP_MAX_ARGS];
    for (int i = 1; i < argc; i++)       /* check them all before answering */
        if (!vtop_cmd_addr(c, "address", argv[i], &va[i]))
            return VTOP_EXIT_USAGE;
    /* All at once: the walks overlap (core/batch.h); same records as one
     * vtop_translate each. */
    vtop_translation t[VTOP_MAX_ARGS];
    int n = argc - 1;
    int rc = vtop_translate_batch(space, va + 1, (size_t)n, t) == VTOP_OK
                 ? VTOP_EXIT_OK : VTOP_EXIT_FAIL;
    for (int i = 0; i < n; i++) {
        if (c->json)
            vtop_record_json(c->out, c->cmd->name, space, &t[i]);
        else
            view(c->out, space, &t[i]);
        note_frame(c->out, c->json, space, &t[i]);
    }
    return rc;
}

static int run_vtop(vtop_cmd_ctx *c, int argc, char **argv)
{
    return translate_each(c, argc, argv, vtop_fmt_windbg_vtop);
}

static int run_pte(vtop_cmd_ctx *c, int argc, char **argv)
{
    return translate_each(c, argc, argv, vtop_fmt_windbg_pte);
}

static const vtop_command cmd_vtop = {
    "vtop", "vtop VA [VA...]",
    "translate virtual to physical (dbgeng VirtualToPhysical), one line each",
    "  ok:   va V pa P size S rights R status 0x00000000 ok\n"
    "  else: va V status HRESULT REASON at LEVEL\n"
    "  HRESULT 0xD0000147 = HRESULT_FROM_NT(STATUS_NO_PAGEFILE): no physical\n"
    "  page; 0x80070057 = E_INVALIDARG (e.g. non-canonical address).\n"
    "  Rights: r, w|-, x|-, u(ser)|k(ernel), combined over all levels.\n"
    "  Exit status 1 when any address does not translate.\n",
    true, run_vtop, NULL};
static const vtop_command cmd_pte = {
    "pte", "pte VA [VA...]",
    "show every paging entry read for VA, in the style of WinDbg !pte",
    "  One line per level: entry address, raw value, pfn and flags\n"
    "  (C G L(arge) D A N(PCD) T(PWT) U|K W|R E V), then the result and the\n"
    "  status line \"status HRESULT NAME\".\n",
    true, run_pte, NULL};

const vtop_command *const vtop_cmds_translate[] = {&cmd_vtop, &cmd_pte, NULL};

/* ---- many `vtop VA` lines at once (vtop_lines.h) ---- */

static bool line_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f'; /* the lexer's blanks (lex.c) */
}

/* The common word, read in place: 1 to 16 plain hex digits (an optional
 * 0x before them) up to a blank or the end; *end is after it. False for
 * anything else (grouping backticks, 0n, too long: vtop_parse_addr
 * decides those). */
static bool plain_hex_word(const char *p, uint64_t *va, const char **end)
{
    static const uint8_t digit[256] = {
        ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
        ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
        ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
        ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    }; /* value + 1: zero means "not a digit" */
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    uint64_t v = 0;
    unsigned n = 0;
    for (unsigned d; (d = digit[(unsigned char)*p]) != 0; p++, n++) {
        if (n == 16)
            return false;
        v = v << 4 | (uint64_t)(d - 1);
    }
    if (n == 0 || (*p && !line_blank(*p)))
        return false;
    *va = v;
    *end = p;
    return true;
}

bool vtop_vtop_line_parse(const char *line, uint64_t *va)
{
    const char *p = line;
    while (line_blank(*p))
        p++;
    if (p[0] != 'v' || p[1] != 't' || p[2] != 'o' || p[3] != 'p' ||
        !line_blank(p[4]))
        return false;
    for (p += 4; line_blank(*p);)
        p++;
    const char *end;
    if (plain_hex_word(p, va, &end)) {
        while (line_blank(*end))
            end++;
        return !*end || *end == '#';
    }
    char word[VTOP_MAX_LINE];
    size_t n = 0;
    for (; *p && !line_blank(*p); p++) {
        if (*p == '"' || n + 1 == sizeof word)
            return false;
        word[n++] = *p;
    }
    word[n] = '\0';
    while (line_blank(*p))
        p++;
    if (n == 0 || (*p && *p != '#'))
        return false;
    return vtop_parse_addr(word, va);
}

/* The lines one by one through the command table (the built-in vtop was
 * replaced, or there is no target or space: its errors name each line). */
static int lines_one_by_one(vtop_session *s, const vtop_vtop_lines *b,
                            const vtop_out *out, const vtop_out *err)
{
    int worst = VTOP_EXIT_OK;
    for (size_t i = 0; i < b->n; i++) {
        char text[40];
        snprintf(text, sizeof text, "vtop 0x%" PRIx64, b->va[i]);
        vtop_session_set_line(s, b->line[i]);
        int rc = vtop_cmd_execute_line(s, text, out, err);
        worst = rc > worst ? rc : worst;
    }
    return worst;
}

bool vtop_vtop_lines_batched(const vtop_session *s)
{
    return vtop_cmd_find(s, "vtop") == &cmd_vtop && s->target != VTOP_TARGET_NONE &&
           s->has_space;
}

int vtop_vtop_lines_run(vtop_session *s, vtop_vtop_lines *b,
                        const vtop_out *out, const vtop_out *err)
{
    int rc = VTOP_EXIT_OK;
    if (b->n == 0)
        return rc;
    if (!vtop_vtop_lines_batched(s)) {
        rc = lines_one_by_one(s, b, out, err);
    } else {
        vtop_translation t[VTOP_VTOP_LINES_MAX];
        if (vtop_translate_batch(&s->space, b->va, b->n, t) != VTOP_OK)
            rc = VTOP_EXIT_FAIL;
        vtop_out_buffer buf; /* the answers leave in one write */
        vtop_out_buffer_init(&buf, out);
        for (size_t i = 0; i < b->n; i++) {
            if (s->json)
                vtop_record_json(&buf.out, cmd_vtop.name, &s->space, &t[i]);
            else
                vtop_fmt_windbg_vtop(&buf.out, &s->space, &t[i]);
            note_frame(&buf.out, s->json, &s->space, &t[i]);
        }
        vtop_out_buffer_flush(&buf);
        vtop_session_set_line(s, b->line[b->n - 1]);
    }
    b->n = 0;
    return rc;
}
