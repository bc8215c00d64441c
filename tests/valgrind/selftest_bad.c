/* Deliberately wrong program: test-valgrind checks that memcheck, with the
 * suite's flags, rejects it (a branch on uninitialised memory and a
 * definite leak), so a broken Valgrind setup cannot pass silently. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    int *p = malloc(4 * sizeof *p);
    if (p == NULL) {
        return 2;
    }
    if (p[1] > 0) {          /* uninitialised read: memcheck error */
        puts("positive");
    }
    p = NULL;                /* the block leaks: definite leak */
    return 0;
}
