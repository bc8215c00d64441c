/* vtop host CLI: script lines from a file descriptor (see lines.h). */
#define _POSIX_C_SOURCE 200809L /* read */

#include "lines.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void host_lines_init(host_lines *r, int fd)
{
    r->fd = fd;
    r->at = r->end = 0;
    r->eof = false;
}

/* More bytes when all were used; false at the end (EOF or an error). */
static bool fill(host_lines *r)
{
    if (r->at < r->end)
        return true;
    r->at = r->end = 0;
    while (!r->eof) {
        ssize_t n = read(r->fd, r->buf, sizeof r->buf);
        if (n > 0) {
            r->end = (size_t)n;
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        r->eof = true;
    }
    return false;
}

bool host_lines_next(host_lines *r, char *line, size_t cap, size_t *len)
{
    size_t got = 0;
    bool newline = false;
    while (!newline && got + 1 < cap && fill(r)) {
        size_t room = cap - 1 - got, avail = r->end - r->at;
        size_t n = avail < room ? avail : room;
        const char *nl = memchr(r->buf + r->at, '\n', n);
        if (nl) {
            n = (size_t)(nl - (r->buf + r->at)) + 1;
            newline = true;
        }
        memcpy(line + got, r->buf + r->at, n);
        r->at += n;
        got += n;
    }
    if (got == 0)
        return false;
    line[got] = '\0';
    /* fgets stops at nothing but a newline; strlen stops at a NUL byte */
    const char *nul = memchr(line, '\0', got);
    *len = nul ? (size_t)(nul - line) : got;
    return true;
}

void host_lines_skip(host_lines *r)
{
    while (fill(r)) {
        const char *nl = memchr(r->buf + r->at, '\n', r->end - r->at);
        if (nl) {
            r->at = (size_t)(nl - r->buf) + 1;
            return;
        }
        r->at = r->end;
    }
}
