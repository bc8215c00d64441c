/* vtop command language: splitting a command line into words.
 *
 * Words are separated by blanks; "double quotes" keep blanks inside a word
 * (file names), a backslash inside quotes escapes the next character; '#'
 * at the start of a word starts a comment that runs to the end of the line.
 * Standard C only.
 */
#ifndef VTOP_CMD_LEX_H
#define VTOP_CMD_LEX_H

#include <stddef.h>

#define VTOP_MAX_ARGS 32
#define VTOP_MAX_LINE 1024

typedef enum vtop_lex_result {
    VTOP_LEX_OK = 0,
    VTOP_LEX_TOO_LONG,       /* line longer than VTOP_MAX_LINE - 1 */
    VTOP_LEX_TOO_MANY,       /* more than VTOP_MAX_ARGS words */
    VTOP_LEX_UNTERMINATED    /* a quote is not closed */
} vtop_lex_result;

typedef struct vtop_words {
    char buf[VTOP_MAX_LINE];
    char *argv[VTOP_MAX_ARGS + 1]; /* argv[argc] == NULL */
    int argc;
} vtop_words;

/* Split line into w (which owns the word storage). */
vtop_lex_result vtop_lex(const char *line, vtop_words *w);

/* A short English phrase for a result ("unterminated quote", ...). */
const char *vtop_lex_message(vtop_lex_result r);

#endif
