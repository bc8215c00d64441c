/* vtop host CLI: reading a script from a file descriptor line by line as
 * fgets would cut it, without stdio's per-call locking and copying (a
 * million-line script spent a fifth of its time in fgets). */
#ifndef VTOP_HOST_LINES_H
#define VTOP_HOST_LINES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct host_lines {
    int fd;
    size_t at, end;        /* unread bytes: buf[at..end) */
    bool eof;
    char buf[1 << 16];
} host_lines;

void host_lines_init(host_lines *r, int fd);

/* The next line as fgets(line, cap, f) gives it: at most cap - 1 bytes,
 * through the newline when it fits, NUL-terminated; *len = strlen(line).
 * False at the end of the input (or a read error) with nothing read. */
bool host_lines_next(host_lines *r, char *line, size_t cap, size_t *len);

/* Drop the input up to and including the next newline. */
void host_lines_skip(host_lines *r);

#endif
