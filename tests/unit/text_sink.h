/* Shared by the report-layer unit tests: a vtop_out that collects what a
 * formatter writes into a NUL-terminated buffer, failing the test rather
 * than overflowing. Include after <cmocka.h>. */
#ifndef VTOP_TEST_TEXT_SINK_H
#define VTOP_TEST_TEXT_SINK_H

#include <stddef.h>
#include <string.h>

typedef struct text_sink {
    char text[8192];
    size_t n;
} text_sink;

static inline void text_sink_write(void *ctx, const char *text, size_t n)
{
    text_sink *b = ctx;
    assert_true(b->n + n < sizeof b->text);
    memcpy(b->text + b->n, text, n);
    b->n += n;
    b->text[b->n] = '\0';
}

#endif
