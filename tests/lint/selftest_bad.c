/* Deliberately wrong code: `make test-lint` checks that cppcheck and
 * clang-tidy both reject it, so a misconfigured checker cannot pass. Not part
 * of any build. */
#include <stddef.h>

int selftest_bad(const int *p);

int selftest_bad(const int *p)
{
    int a[4] = {0, 0, 0, 0};
    if (p == NULL) {
        return *p;   /* NULL dereference: clang-analyzer-core.NullDereference */
    }
    a[4] = *p;       /* out of bounds: cppcheck arrayIndexOutOfBounds */
    return a[0];
}
