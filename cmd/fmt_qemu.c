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

#include "core/enum.h"

#define QEMU_PG_PSE  (1ull << 7)
#define QEMU_PG_USER (1ull << 2)
#define QEMU_PG_RW   (1ull << 1)

/* addr_canonical: sign-extends from bit 56 when CR4.LA57 is set, else from
 * bit 47 (only in qemu-system-x86_64; below 4 GiB both builds agree). */
static uint64_t addr_canonical(const vtop_space *s, uint64_t addr)
{
    if (s->desc->mode == VTOP_MODE_5LEVEL) {
        if (addr & (1ull << 56))
            addr |= ~((1ull << 57) - 1);
    } else if (addr & (1ull << 47)) {
        addr |= ~((1ull << 48) - 1);
    }
    return addr;
}

static char *put_hex16(char *p, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        p[i] = digits[v & 0xf];
        v >>= 4;
    }
    return p + 16;
}

/* The (pte, mask) pair the tlb_info_* functions pass to print_pte for a leaf
 * at `level`: a 4K PTE goes in with PG_PSE cleared (its bit 7 is PAT) and
 * mask ~0xfff (0x3fffffffff000 in long mode); a 4M PDE with
 * ~((1 << 21) - 1) on a 32-bit value; a PAE 2M PDE with
 * ~((hwaddr)(1 << 20) - 1), so bit 63 (NX) shows in the address; long mode
 * 2M / 1G with 0x3ffffffe00000 / 0x3ffffc0000000. */
static void qemu_pte_mask(const vtop_space *s, uint8_t level, uint64_t entry,
                          uint64_t *pte, uint64_t *mask)
{
    const vtop_mode_desc *d = s->desc;
    bool last = (unsigned)level + 1u == d->levels;
    *pte = last ? (entry & ~QEMU_PG_PSE) : entry;
    if (d->entry_size == 4)
        *mask = last ? 0xFFFFF000ull : 0xFFE00000ull;
    else if (d->mode == VTOP_MODE_PAE)
        *mask = last ? ~0xFFFull : ~0xFFFFFull;
    else if (last)
        *mask = 0x3fffffffff000ull;
    else
        *mask = d->level[level].shift == 30 ? 0x3ffffc0000000ull
                                            : 0x3ffffffe00000ull;
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
    qemu_pte_mask(space, level, entry, &pte, &mask);
    char line[16 + 2 + 16 + 1 + 9 + 1];
    char *p = put_hex16(line, addr_canonical(space, raw_va));
    *p++ = ':';
    *p++ = ' ';
    p = put_hex16(p, pte & mask);
    *p++ = ' ';
    for (int i = 0; i < 9; i++)
        *p++ = (pte & flags[i].bit) ? flags[i].c : '-';
    *p++ = '\n';
    out->write(out->ctx, line, (size_t)(p - line));
}

typedef struct tlb_ctx {
    const vtop_out *out;
    const vtop_space *space;
} tlb_ctx;

static int tlb_leaf(void *ctx, const vtop_leaf *leaf)
{
    const tlb_ctx *t = ctx;
    vtop_fmt_qemu_tlb_line(t->out, t->space, leaf->raw_va, leaf->entry,
                           leaf->level);
    return 0;
}

/* hmp_info_tlb: "PG disabled" without paging, else one print_pte line per
 * present leaf in table order (tlb_info_32 / pae32 / la48 / la57). */
vtop_status vtop_fmt_qemu_tlb(const vtop_out *out, const vtop_space *space,
                              uint64_t max_tables)
{
    if (!out || !space || !space->desc)
        return VTOP_BAD_ARGUMENT;
    if (space->desc->levels == 0) {
        vtop_puts(out, "PG disabled\n");
        return VTOP_OK;
    }
    tlb_ctx t = {out, space};
    vtop_enum_options o = {VTOP_ENUM_QEMU, max_tables, NULL, NULL};
    return vtop_enumerate(space, 0, ~0ull, &o, tlb_leaf, &t);
}

/* mem_print's state: start is -1 while no range is open. */
typedef struct mem_ctx {
    const vtop_out *out;
    const vtop_space *space;
    uint64_t start;
    unsigned last_prot;
} mem_ctx;

static void mem_line(const mem_ctx *m, uint64_t end)
{
    char line[16 + 1 + 16 + 1 + 16 + 1 + 3 + 1];
    char *p = put_hex16(line, addr_canonical(m->space, m->start));
    *p++ = '-';
    p = put_hex16(p, addr_canonical(m->space, end));
    *p++ = ' ';
    p = put_hex16(p, addr_canonical(m->space, end - m->start));
    *p++ = ' ';
    *p++ = (m->last_prot & QEMU_PG_USER) ? 'u' : '-';
    *p++ = 'r';
    *p++ = (m->last_prot & QEMU_PG_RW) ? 'w' : '-';
    *p++ = '\n';
    m->out->write(m->out->ctx, line, (size_t)(p - line));
}

/* mem_print: a range closes (and prints) whenever prot changes; merging is
 * by equal prot only, never by physical contiguity. */
static int mem_unit(void *ctx, uint64_t end, unsigned prot)
{
    mem_ctx *m = ctx;
    if (prot != m->last_prot) {
        if (m->start != ~0ull)
            mem_line(m, end);
        m->start = prot ? end : ~0ull;
        m->last_prot = prot;
    }
    return 0;
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
    if (space->desc->levels == 0) {
        vtop_puts(out, "PG disabled\n");
        return VTOP_OK;
    }
    mem_ctx m = {out, space, ~0ull, 0};
    return vtop_qemu_mem_walk_ex(space, max_tables, flags, mem_unit, &m);
}
