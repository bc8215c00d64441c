/* vtop report layer: QEMU 7.2 `info tlb` and `info mem` text (fmt_qemu.h).
 *
 * Each function names the QEMU function (target/i386/monitor.c) it
 * follows; the table walks themselves are core's (vtop_enumerate with the
 * QEMU policy, vtop_qemu_mem_walk), this file only reproduces the printing:
 * print_pte's masks and flag letters, mem_print's merging, addr_canonical.
 * Lines are built by hand (16 hex digits, lower case, as "%016" PRIx64)
 * so 75k-line outputs stay cheap on the host and in the EFI app.
 */
#include "cmd/fmt_qemu.h"

#include "cmd/qemu_quirks.h"
#include "core/enum.h"

static char *put_hex16(char *p, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        p[i] = digits[v & 0xf];
        v >>= 4;
    }
    return p + 16;
}

/* print_pte: "%016llx: %016llx XGPDACTUW\n". */
void vtop_fmt_qemu_tlb_line(const vtop_out *out, const vtop_space *space,
                            uint64_t raw_va, uint64_t entry, uint8_t level)
{
    static const struct { uint64_t bit; char c; } flags[9] = {
        {1ull << 63, 'X'}, {1ull << 8, 'G'}, {1ull << 7, 'P'},
        {1ull << 6, 'D'},  {1ull << 5, 'A'}, {1ull << 4, 'C'},
        {1ull << 3, 'T'},  {1ull << 2, 'U'}, {1ull << 1, 'W'},
    };
    uint64_t pte, mask;
    vtop_qemu_pte_mask(space, level, entry, &pte, &mask);
    char line[16 + 2 + 16 + 1 + 9 + 1];
    char *p = put_hex16(line, vtop_qemu_canonical(space, raw_va));
    *p++ = ':';
    *p++ = ' ';
    p = put_hex16(p, pte & mask);
    *p++ = ' ';
    for (int i = 0; i < 9; i++)
        *p++ = (pte & flags[i].bit) ? flags[i].c : '-';
    *p++ = '\n';
    out->write(out->ctx, line, (size_t)(p - line));
}

static int tlb_leaf(void *ctx, const vtop_leaf *leaf)
{
    const vtop_report *r = ctx;
    vtop_fmt_qemu_tlb_line(r->out, r->space, leaf->raw_va, leaf->entry, leaf->level);
    return 0;
}

/* hmp_info_tlb: "PG disabled" without paging, else one print_pte line per
 * present leaf in table order (tlb_info_32 / pae32 / la48 / la57). */
vtop_status vtop_fmt_qemu_tlb_range(const vtop_report *r, uint64_t first,
                                    uint64_t last, uint64_t max_tables)
{
    if (!r || !r->out || !r->space || !r->space->desc)
        return VTOP_BAD_ARGUMENT;
    if (vtop_qemu_paging_off(r->space)) {
        vtop_puts(r->out, "PG disabled\n");
        return VTOP_OK;
    }
    vtop_enum_options o = {VTOP_ENUM_QEMU, max_tables, NULL, NULL, NULL};
    return vtop_enumerate(r->space, first, last, &o, tlb_leaf, (void *)r);
}

vtop_status vtop_fmt_qemu_tlb(const vtop_out *out, const vtop_space *space,
                              uint64_t max_tables)
{
    vtop_report r = {out, space};
    return vtop_fmt_qemu_tlb_range(&r, 0, ~0ull, max_tables);
}

void vtop_fmt_qemu_mem_line(const vtop_out *out, const vtop_qemu_range *range)
{
    char line[16 + 1 + 16 + 1 + 16 + 1 + 3 + 1];
    char *p = put_hex16(line, range->start);
    *p++ = '-';
    p = put_hex16(p, range->end);
    *p++ = ' ';
    p = put_hex16(p, range->size);
    *p++ = ' ';
    *p++ = (range->prot & VTOP_QEMU_PROT_USER) ? 'u' : '-';
    *p++ = 'r';
    *p++ = (range->prot & VTOP_QEMU_PROT_RW) ? 'w' : '-';
    *p++ = '\n';
    out->write(out->ctx, line, (size_t)(p - line));
}

/* mem_print's state: start is -1 while no range is open. */
typedef struct mem_ctx {
    const vtop_space *space;
    uint64_t start;
    unsigned last_prot;
    vtop_qemu_range_fn fn;
    void *fn_ctx;
} mem_ctx;

/* mem_print: a range closes (and is reported) whenever prot changes;
 * merging is by equal prot only, never by physical contiguity. */
static int mem_unit(void *ctx, uint64_t end, unsigned prot)
{
    mem_ctx *m = ctx;
    if (prot != m->last_prot) {
        if (m->start != ~0ull) {
            vtop_qemu_range r = {vtop_qemu_canonical(m->space, m->start),
                                 vtop_qemu_canonical(m->space, end),
                                 vtop_qemu_canonical(m->space, end - m->start),
                                 m->last_prot};
            m->fn(m->fn_ctx, &r);
        }
        m->start = prot ? end : ~0ull;
        m->last_prot = prot;
    }
    return 0;
}

vtop_status vtop_fmt_qemu_mem_ranges(const vtop_space *space, uint64_t max_tables,
                                     unsigned flags, vtop_qemu_range_fn fn, void *ctx)
{
    if (!space || !space->desc || !fn)
        return VTOP_BAD_ARGUMENT;
    if (vtop_qemu_paging_off(space))
        return VTOP_OK;
    mem_ctx m = {space, ~0ull, 0, fn, ctx};
    return vtop_qemu_mem_walk_ex(space, max_tables, flags, mem_unit, &m);
}

static void mem_print(void *ctx, const vtop_qemu_range *range)
{
    vtop_fmt_qemu_mem_line(ctx, range);
}

/* hmp_info_mem: "PG disabled", else mem_info_32 / pae32 / la48 / la57. */
vtop_status vtop_fmt_qemu_mem(const vtop_out *out, const vtop_space *space,
                              uint64_t max_tables)
{
    return vtop_fmt_qemu_mem_ex(out, space, max_tables, 0);
}

vtop_status vtop_fmt_qemu_mem_ex(const vtop_out *out, const vtop_space *space,
                                 uint64_t max_tables, unsigned flags)
{
    if (!out || !space || !space->desc)
        return VTOP_BAD_ARGUMENT;
    if (vtop_qemu_paging_off(space)) {
        vtop_puts(out, "PG disabled\n");
        return VTOP_OK;
    }
    return vtop_fmt_qemu_mem_ranges(space, max_tables, flags, mem_print, (void *)out);
}
