/* vtop command language: word splitting (see lex.h). */
#include "lex.h"

#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* Copy one word starting at *pp into w->buf at *used; advance both. */
static vtop_lex_result lex_word(const char **pp, vtop_words *w, size_t *used)
{
    const char *p = *pp;
    size_t o = *used;
    w->argv[w->argc++] = &w->buf[o];
    while (*p && !is_blank(*p)) {
        if (*p != '"') {
            w->buf[o++] = *p++;
            continue;
        }
        for (p++; *p != '"'; p++) {
            if (!*p)
                return VTOP_LEX_UNTERMINATED;
            if (*p == '\\' && p[1])
                p++;
            w->buf[o++] = *p;
        }
        p++;
    }
    w->buf[o++] = '\0';
    *pp = p;
    *used = o;
    return VTOP_LEX_OK;
}

vtop_lex_result vtop_lex(const char *line, vtop_words *w)
{
    w->argc = 0;
    w->argv[0] = NULL;
    if (strlen(line) >= VTOP_MAX_LINE)
        return VTOP_LEX_TOO_LONG;
    /* Each word's copy is at most its source length + 1 and words are
     * separated by at least one blank, so buf cannot overflow. */
    size_t used = 0;
    const char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p || *p == '#')
            break;
        if (w->argc == VTOP_MAX_ARGS)
            return VTOP_LEX_TOO_MANY;
        vtop_lex_result r = lex_word(&p, w, &used);
        if (r != VTOP_LEX_OK)
            return r;
    }
    w->argv[w->argc] = NULL;
    return VTOP_LEX_OK;
}

const char *vtop_lex_message(vtop_lex_result r)
{
    switch (r) {
    case VTOP_LEX_OK:
        return "ok";
    case VTOP_LEX_TOO_LONG:
        return "line too long";
    case VTOP_LEX_TOO_MANY:
        return "too many words";
    case VTOP_LEX_UNTERMINATED:
        return "unterminated quote";
    }
    return "bad line";
}
