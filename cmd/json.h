/* vtop report layer: a small streaming JSON writer.
 *
 * --json answers are one JSON object per line, so scripts can read them
 * line by line. 64-bit quantities (addresses, raw entries, HRESULTs) are
 * written as "0x..." strings because JSON numbers lose precision above
 * 2^53; small counts are plain numbers. Standard C only.
 */
#ifndef VTOP_CMD_JSON_H
#define VTOP_CMD_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "out.h"

#define VTOP_JSON_MAX_DEPTH 8

typedef struct vtop_json {
    const vtop_out *out;
    int depth;
    bool need_comma[VTOP_JSON_MAX_DEPTH];
} vtop_json;

/* Start a top-level object ("{"). */
void vtop_json_begin(vtop_json *j, const vtop_out *out);
/* Close it and end the line ("}\n"). */
void vtop_json_end(vtop_json *j);

/* Members; key is NULL for elements of an array. */
void vtop_json_str(vtop_json *j, const char *key, const char *value);
void vtop_json_hex(vtop_json *j, const char *key, uint64_t value);
void vtop_json_uint(vtop_json *j, const char *key, uint64_t value);
void vtop_json_int(vtop_json *j, const char *key, int64_t value);
void vtop_json_bool(vtop_json *j, const char *key, bool value);
void vtop_json_null(vtop_json *j, const char *key);
void vtop_json_object(vtop_json *j, const char *key);  /* opens { */
void vtop_json_array(vtop_json *j, const char *key);   /* opens [ */
void vtop_json_close(vtop_json *j, char bracket);      /* '}' or ']' */

/* A JSON string literal of text (with quotes and escapes) to out. */
void vtop_json_quote(const vtop_out *out, const char *text);

#endif
