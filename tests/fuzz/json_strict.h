/* A strict JSON checker for the fuzz harnesses, written apart from
 * cmd/json.c (the writer under test) so the two do not share mistakes.
 *
 * Grammar: RFC 8259 sections 2-7 (values, objects, arrays, numbers,
 * strings with their escapes, no control characters in strings); text is
 * UTF-8 (section 8.1): no overlong forms, no surrogates, nothing above
 * U+10FFFF. json_strict_object() accepts one complete object and nothing
 * after it (the line's '\n' already removed).
 */
#ifndef VTOP_FUZZ_JSON_STRICT_H
#define VTOP_FUZZ_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define JSON_STRICT_MAX_DEPTH 64

typedef struct json_cursor {
    const unsigned char *p, *end;
    int depth;
} json_cursor;

static bool json_value(json_cursor *c);

static void json_space(json_cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool json_literal(json_cursor *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool json_digits(json_cursor *c)
{
    const unsigned char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > start;
}

/* number = [ "-" ] int [ frac ] [ exp ]; int has no leading zero. */
static bool json_number(json_cursor *c)
{
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!json_digits(c))
        return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!json_digits(c))
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!json_digits(c))
            return false;
    }
    return true;
}

/* One UTF-8 sequence starting at a byte >= 0x80 (RFC 3629 section 4). */
static bool json_utf8(json_cursor *c)
{
    unsigned char b = *c->p;
    int more = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 && b <= 0xef ? 2
               : b >= 0xc2 && b <= 0xdf ? 1 : -1;
    if (more < 0 || c->end - c->p <= more)
        return false;
    unsigned long cp = b & (0x3fu >> more);
    for (int i = 1; i <= more; i++) {
        if ((c->p[i] & 0xc0) != 0x80)
            return false;
        cp = cp << 6 | (c->p[i] & 0x3fu);
    }
    static const unsigned long min[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return false;
    c->p += more + 1;
    return true;
}

static bool json_escape(json_cursor *c)
{
    if (c->p >= c->end)
        return false;
    unsigned char e = *c->p++;
    if (strchr("\"\\/bfnrt", e) && e)
        return true;
    if (e != 'u' || c->end - c->p < 4)
        return false;
    for (int i = 0; i < 4; i++, c->p++)
        if (!strchr("0123456789abcdefABCDEF", *c->p) || !*c->p)
            return false;
    return true;
}

static bool json_string(json_cursor *c)
{
    if (c->p >= c->end || *c->p != '"')
        return false;
    c->p++;
    while (c->p < c->end) {
        unsigned char b = *c->p;
        if (b == '"') {
            c->p++;
            return true;
        }
        if (b < 0x20)
            return false;
        if (b == '\\') {
            c->p++;
            if (!json_escape(c))
                return false;
        } else if (b >= 0x80) {
            if (!json_utf8(c))
                return false;
        } else {
            c->p++;
        }
    }
    return false;
}

/* object or array: open, members separated by ',', close. */
static bool json_container(json_cursor *c, char close)
{
    if (++c->depth > JSON_STRICT_MAX_DEPTH)
        return false;
    c->p++;
    json_space(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return true;
    }
    for (;;) {
        json_space(c);
        if (close == '}') {
            if (!json_string(c))
                return false;
            json_space(c);
            if (c->p >= c->end || *c->p++ != ':')
                return false;
        }
        if (!json_value(c))
            return false;
        json_space(c);
        if (c->p >= c->end)
            return false;
        unsigned char b = *c->p++;
        if (b == close) {
            c->depth--;
            return true;
        }
        if (b != ',')
            return false;
    }
}

static bool json_value(json_cursor *c)
{
    json_space(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '{': return json_container(c, '}');
    case '[': return json_container(c, ']');
    case '"': return json_string(c);
    case 't': return json_literal(c, "true");
    case 'f': return json_literal(c, "false");
    case 'n': return json_literal(c, "null");
    default: return json_number(c);
    }
}

/* True when text[0..n) is exactly one JSON object (surrounding blanks
 * allowed by the grammar). */
static bool json_strict_object(const char *text, size_t n)
{
    json_cursor c = {(const unsigned char *)text, (const unsigned char *)text + n, 0};
    json_space(&c);
    if (c.p >= c.end || *c.p != '{' || !json_value(&c))
        return false;
    json_space(&c);
    return c.p == c.end;
}

#endif
