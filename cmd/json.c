/* vtop report layer: streaming JSON writer (see json.h). */
#include "json.h"

#include <inttypes.h>
#include <string.h>

void vtop_json_quote(const vtop_out *out, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = text;
    out->write(out->ctx, "\"", 1);
    for (const char *p = text;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (p > run)
            out->write(out->ctx, run, (size_t)(p - run));
        if (!c)
            break;
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c < 0x20) {
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        out->write(out->ctx, esc, n);
        run = p + 1;
    }
    out->write(out->ctx, "\"", 1);
}

/* Comma and key before a member. */
static void member(vtop_json *j, const char *key)
{
    if (j->need_comma[j->depth])
        j->out->write(j->out->ctx, ",", 1);
    j->need_comma[j->depth] = true;
    if (key) {
        vtop_json_quote(j->out, key);
        j->out->write(j->out->ctx, ":", 1);
    }
}

static void open_nested(vtop_json *j, char bracket)
{
    j->out->write(j->out->ctx, &bracket, 1);
    if (j->depth + 1 < VTOP_JSON_MAX_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = false;
}

void vtop_json_begin(vtop_json *j, const vtop_out *out)
{
    j->out = out;
    j->depth = 0;
    j->need_comma[0] = false;
    open_nested(j, '{');
}

void vtop_json_end(vtop_json *j)
{
    while (j->depth > 1)
        vtop_json_close(j, '}');
    j->out->write(j->out->ctx, "}\n", 2);
    j->depth = 0;
}

void vtop_json_close(vtop_json *j, char bracket)
{
    j->out->write(j->out->ctx, &bracket, 1);
    if (j->depth > 0)
        j->depth--;
}

void vtop_json_object(vtop_json *j, const char *key)
{
    member(j, key);
    open_nested(j, '{');
}

void vtop_json_array(vtop_json *j, const char *key)
{
    member(j, key);
    open_nested(j, '[');
}

void vtop_json_str(vtop_json *j, const char *key, const char *value)
{
    member(j, key);
    vtop_json_quote(j->out, value ? value : "");
}

void vtop_json_hex(vtop_json *j, const char *key, uint64_t value)
{
    member(j, key);
    vtop_printf(j->out, "\"0x%" PRIx64 "\"", value);
}

void vtop_json_uint(vtop_json *j, const char *key, uint64_t value)
{
    member(j, key);
    vtop_printf(j->out, "%" PRIu64, value);
}

void vtop_json_int(vtop_json *j, const char *key, int64_t value)
{
    member(j, key);
    vtop_printf(j->out, "%" PRId64, value);
}

void vtop_json_bool(vtop_json *j, const char *key, bool value)
{
    member(j, key);
    vtop_puts(j->out, value ? "true" : "false");
}

void vtop_json_null(vtop_json *j, const char *key)
{
    member(j, key);
    vtop_puts(j->out, "null");
}
