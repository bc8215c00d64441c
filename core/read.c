/* vtop core: ReadVirtual / ReadPhysical with dbgeng's partial-read contract
 * (IDebugDataSpaces::ReadVirtual / ReadPhysical in Microsoft's dbgeng.h
 * documentation): success when every byte was read, a partial
 * read that stops at the first page that does not translate or is not in
 * the image, otherwise the first failure's status.
 */
#include "paging.h"
#include "physmem.h"

vtop_status vtop_read_physical(const vtop_space *space, uint64_t pa, void *out,
                               size_t len, size_t *done)
{
    if (done)
        *done = 0;
    if (!space || !done || (len && !out))
        return VTOP_BAD_ARGUMENT;
    if (len == 0)
        return VTOP_OK;
    return vtop_physmem_read(&space->mem, pa, out, len, done);
}

/* Status of a read that stopped after `got` bytes because of `why`. */
static vtop_status read_stopped(size_t got, vtop_status why)
{
    return got ? VTOP_PARTIAL_READ : why;
}

vtop_status vtop_read_virtual(const vtop_space *space, uint64_t va, void *out,
                              size_t len, size_t *done)
{
    uint8_t *dst = out;
    size_t got = 0;
    if (done)
        *done = 0;
    if (!space || !done || (len && !out))
        return VTOP_BAD_ARGUMENT;
    while (got < len) {
        uint64_t pa = 0, size = 0;
        vtop_status st = vtop_translate_pa(space, va, &pa, &size);
        if (st != VTOP_OK)
            return read_stopped(got, st);
        /* Copy up to the end of this page (4K, 2M, 4M or 1G). */
        uint64_t room = size - (va & (size - 1));
        size_t n = room < (uint64_t)(len - got) ? (size_t)room : len - got;
        size_t copied = 0;
        st = vtop_physmem_read(&space->mem, pa, dst + got, n, &copied);
        got += copied;
        *done = got;
        if (st != VTOP_OK)
            return read_stopped(got, st); /* not in image, excluded, ... */
        if (n > UINT64_MAX - va)
            break; /* the next byte would wrap past 2^64 */
        va += n;
    }
    return got == len ? VTOP_OK : VTOP_PARTIAL_READ;
}
