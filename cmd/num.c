/* vtop command language: number and range parsing (see num.h). */
#include "num.h"

#include <string.h>

/* Digit value of c, or -1: a table rather than three range tests, since
 * every address of a script goes through here. */
static int hex_digit(char c)
{
    static const int8_t value[256] = {
        ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
        ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
        ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
        ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    }; /* value + 1, so that the zero default means "not a digit" */
    return value[(unsigned char)c] - 1;
}

/* Plain hex digits only (the common case of every address in a script):
 * false when there is anything else, and parse_digits decides. */
static bool parse_plain_hex(const char *p, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = 0;
    for (; *p; p++, n++) {
        int d = hex_digit(*p);
        if (d < 0 || n == 16)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    if (n == 0)
        return false;
    *out = v;
    return true;
}

/* Digits in radix 10 or 16; backticks allowed between digits only. */
static bool parse_digits(const char *p, unsigned radix, uint64_t *out)
{
    uint64_t v = 0;
    bool any = false, prev_tick = false;
    if (radix == 16 && parse_plain_hex(p, out))
        return true;
    for (; *p; p++) {
        if (*p == '`') {
            if (!any || prev_tick)
                return false;
            prev_tick = true;
            continue;
        }
        int d = hex_digit(*p);
        if (d < 0 || (unsigned)d >= radix)
            return false;
        /* v * radix + d overflows iff v > (UINT64_MAX - d) / radix; the
         * bound is known per radix, so no division per digit */
        if (radix == 16 ? v >> 60 != 0
                        : (v > UINT64_MAX / 10 ||
                           (v == UINT64_MAX / 10 && (uint64_t)d > UINT64_MAX % 10)))
            return false; /* overflow */
        v = v * radix + (uint64_t)d;
        any = true;
        prev_tick = false;
    }
    if (!any || prev_tick)
        return false;
    *out = v;
    return true;
}

bool vtop_parse_addr(const char *text, uint64_t *out)
{
    if (!text)
        return false;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        return parse_digits(text + 2, 16, out);
    if (text[0] == '0' && (text[1] == 'n' || text[1] == 'N'))
        return parse_digits(text + 2, 10, out);
    return parse_digits(text, 16, out);
}

bool vtop_parse_len(const char *text, uint64_t *out)
{
    if (!text || !*text)
        return false;
    size_t n = strlen(text);
    unsigned shift = 0;
    switch (text[n - 1]) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    default:
        return vtop_parse_addr(text, out);
    }
    char digits[32];
    if (n - 1 == 0 || n - 1 >= sizeof digits)
        return false;
    memcpy(digits, text, n - 1);
    digits[n - 1] = '\0';
    uint64_t v;
    if (!parse_digits(digits, 10, &v) || v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

bool vtop_parse_count(const char *text, uint64_t max, uint64_t *out)
{
    uint64_t v;
    if (!text || strchr(text, '`') || !parse_digits(text, 10, &v) || v > max)
        return false;
    *out = v;
    return true;
}

/* "START-END" in one token. */
static bool parse_dash_range(const char *tok, vtop_range *out)
{
    const char *dash = strchr(tok, '-');
    char first[64];
    size_t n = (size_t)(dash - tok);
    if (n == 0 || n >= sizeof first)
        return false;
    memcpy(first, tok, n);
    first[n] = '\0';
    uint64_t s, e;
    if (!vtop_parse_addr(first, &s) || !vtop_parse_addr(dash + 1, &e) || e <= s)
        return false;
    out->start = s;
    out->end = e;
    out->end_is_top = false;
    return true;
}

/* START + LEN, where LEN may reach exactly the top of the 64-bit space. */
static bool set_start_len(vtop_range *out, uint64_t s, uint64_t len)
{
    if (len == 0 || len - 1 > UINT64_MAX - s)
        return false;
    out->start = s;
    out->end = s + len; /* wraps to 0 exactly at the top */
    out->end_is_top = (out->end == 0);
    return true;
}

bool vtop_parse_range(int argc, char *const argv[], vtop_range *out, int *bad)
{
    uint64_t s, e, len;
    *bad = 0;
    if (argc == 1) {
        if (strchr(argv[0], '-'))
            return parse_dash_range(argv[0], out);
        return false;
    }
    if (argc < 1 || argc > 3)
        return false;
    if (!vtop_parse_addr(argv[0], &s))
        return false;
    *bad = 1;
    if (argc == 3) {
        if (strcmp(argv[1], "L") != 0 && strcmp(argv[1], "l") != 0)
            return false;
        *bad = 2;
        return vtop_parse_len(argv[2], &len) && set_start_len(out, s, len);
    }
    if (argv[1][0] == 'L' || argv[1][0] == 'l')
        return vtop_parse_len(argv[1] + 1, &len) && set_start_len(out, s, len);
    if (!vtop_parse_addr(argv[1], &e) || e <= s)
        return false;
    out->start = s;
    out->end = e;
    out->end_is_top = false;
    return true;
}
