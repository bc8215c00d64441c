/* vtop report layer: streaming JSON writer (see json.h). */
#include "json.h"

#include <inttypes.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (RFC 3629 section 4: no overlong
 * form, no surrogate, nothing above U+10FFFF), or 0 when there is none. */
static size_t utf8_length(const unsigned char *p)
{
    unsigned char b = p[0];
    size_t more = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2
                : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (!more)
        return 0;
    uint32_t cp = b & (0x3fu >> more);
    for (size_t i = 1; i <= more; i++) {
        if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    static const uint32_t least[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return more + 1;
}

/* JSON text is UTF-8 (RFC 8259 section 8.1): a byte of text that is not
 * part of a valid UTF-8 sequence (a file name is any bytes) is written as
 * \u00XX, the byte's value read as Latin-1, so the answer stays JSON. */
void vtop_json_quote(const vtop_out *out, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = text;
    out->write(out->ctx, "\"", 1);
    for (const char *p = text;; p++) {
        unsigned char c = (unsigned char)*p;
        size_t seq = c >= 0x80 ? utf8_length((const unsigned char *)p) : 0;
        if (seq) {
            p += seq - 1;
            continue;
        }
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
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
        else if (c < 0x20 || c >= 0x80) {
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
