/* vtop fuzz harnesses: shared helpers.
 *
 * A harness reads its parameters from the front of the fuzzer's input with
 * the cursor below (missing bytes read as zero, so every input is valid) and
 * checks the API contracts written in the core headers; a broken contract is
 * reported and aborts, which libFuzzer records as a crash. Host-only code
 * (tests/), built with clang -fsanitize=fuzzer,address,undefined.
 */
#ifndef VTOP_FUZZ_COMMON_H
#define VTOP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct fuzz_cursor {
    const uint8_t *p;
    size_t n;
} fuzz_cursor;

static inline uint64_t fuzz_take(fuzz_cursor *c, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        uint64_t b = 0;
        if (c->n > 0) {
            b = *c->p++;
            c->n--;
        }
        v |= b << (8 * i);
    }
    return v;
}

/* A broken contract: say which one and abort (libFuzzer saves the input). */
#define FUZZ_CHECK(cond, ...)                                           \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "fuzz contract broken at %s:%d: %s: ",      \
                    __FILE__, __LINE__, #cond);                         \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
            abort();                                                    \
        }                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
