/* vtop core: physical memory as a sorted run list (see physmem.h).
 *
 * All arithmetic on addresses and lengths is overflow-safe: runs come from
 * untrusted image headers, so a run ending past 2^64 or past the end of the
 * file is an error, never a wrap-around.
 */
#include "physmem.h"

vtop_status vtop_physmem_bind(vtop_run *runs, size_t count,
                              const uint8_t *base, uint64_t size)
{
    if ((count && !runs) || (count && !base))
        return VTOP_BAD_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        if (runs[i].file_offset > size ||
            runs[i].len > size - runs[i].file_offset)
            return VTOP_FORMAT_TRUNCATED;
    }
    for (size_t i = 0; i < count; i++)
        runs[i].data = base + runs[i].file_offset;
    return VTOP_OK;
}

vtop_status vtop_physmem_validate(const vtop_run *runs, size_t count)
{
    if (count && !runs)
        return VTOP_FORMAT_CORRUPT;
    for (size_t i = 0; i < count; i++) {
        const vtop_run *r = &runs[i];
        /* last byte r->phys + r->len - 1 must not wrap past 2^64 - 1 */
        if (r->len == 0 || r->len - 1 > UINT64_MAX - r->phys)
            return VTOP_FORMAT_CORRUPT;
        if (i > 0 && r->phys - runs[i - 1].phys < runs[i - 1].len)
            return VTOP_FORMAT_CORRUPT; /* overlaps or is out of order */
        if (i > 0 && r->phys < runs[i - 1].phys)
            return VTOP_FORMAT_CORRUPT;
    }
    return VTOP_OK;
}

ptrdiff_t vtop_physmem_find(const vtop_physmem *mem, uint64_t pa)
{
    if (!mem || !mem->runs || mem->count == 0)
        return -1;
    /* Binary search for the last run with phys <= pa. */
    size_t lo = 0, hi = mem->count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (mem->runs[mid].phys <= pa)
            lo = mid;
        else
            hi = mid;
    }
    const vtop_run *r = &mem->runs[lo];
    if (pa < r->phys || pa - r->phys >= r->len)
        return -1;
    return (ptrdiff_t)lo;
}

const uint8_t *vtop_physmem_span(const vtop_physmem *mem, uint64_t pa,
                                 uint64_t len)
{
    ptrdiff_t i = vtop_physmem_find(mem, pa);
    if (i < 0 || len == 0)
        return NULL;
    const vtop_run *r = &mem->runs[i];
    uint64_t off = pa - r->phys;
    if (!r->data || len > r->len - off)
        return NULL;
    return r->data + off;
}

vtop_status vtop_physmem_read(const vtop_physmem *mem, uint64_t pa, void *out,
                              size_t len, size_t *done)
{
    size_t got = 0;
    uint8_t *dst = out;
    if (done)
        *done = 0;
    if (!mem || (len && !out))
        return VTOP_BAD_ARGUMENT;
    while (got < len) {
        ptrdiff_t i = vtop_physmem_find(mem, pa);
        if (i < 0 || !mem->runs[i].data)
            break;
        const vtop_run *r = &mem->runs[i];
        uint64_t off = pa - r->phys;
        uint64_t n = r->len - off;
        if (n > len - got)
            n = len - got;
        /* The compiler's memcpy: GCC needs memcpy from even a
         * freestanding environment (newlib in EFI, libc on the host), and
         * a byte loop runs at a fraction of memory bandwidth. */
        __builtin_memcpy(dst + got, r->data + off, (size_t)n);
        got += (size_t)n;
        if (n > UINT64_MAX - pa)
            break; /* reached the top of the physical space */
        pa += n;
    }
    if (done)
        *done = got;
    if (got == len)
        return VTOP_OK;
    return got ? VTOP_PARTIAL_READ : VTOP_PAGE_NOT_IN_IMAGE;
}

uint64_t vtop_physmem_total(const vtop_physmem *mem)
{
    uint64_t total = 0;
    if (!mem || !mem->runs)
        return 0;
    for (size_t i = 0; i < mem->count; i++)
        total += mem->runs[i].len;
    return total;
}
