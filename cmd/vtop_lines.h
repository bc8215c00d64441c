/* vtop command language: scripts with many `vtop VA` lines.
 *
 * A line that is exactly `vtop ADDRESS` (blanks around, an optional
 * `# comment`, no quotes) can be answered together with its neighbours:
 * the platform collects such lines in a vtop_vtop_lines and runs them in
 * one go, which translates them with vtop_translate_batch (the walks
 * overlap) and skips the word splitting and command lookup. The answers,
 * their order, the errors (with their line numbers) and the exit status
 * are those of running each line with vtop_cmd_execute_line.
 */
#ifndef VTOP_CMD_VTOP_LINES_H
#define VTOP_CMD_VTOP_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

#define VTOP_VTOP_LINES_MAX 64

typedef struct vtop_vtop_lines {
    uint64_t va[VTOP_VTOP_LINES_MAX];
    unsigned line[VTOP_VTOP_LINES_MAX]; /* script line numbers, for errors */
    size_t n;
} vtop_vtop_lines;

/* True when line is `vtop ADDRESS` with an address vtop would accept;
 * *va is that address. Anything else (other commands, several addresses,
 * a bad address: its error message) takes vtop_cmd_execute_line. */
bool vtop_vtop_line_parse(const char *line, uint64_t *va);

/* Whether collected lines are answered in a batch right now (the
 * built-in vtop command, an open target with a space); when not,
 * vtop_vtop_lines_run runs them one by one through the command table. */
bool vtop_vtop_lines_batched(const vtop_session *s);

/* Answer the collected lines as vtop_cmd_execute_line would, one after
 * the other, then empty the collection. Returns the highest exit status
 * (VTOP_EXIT_OK when there were none). */
int vtop_vtop_lines_run(vtop_session *s, vtop_vtop_lines *lines,
                        const vtop_out *out, const vtop_out *err);

#endif
