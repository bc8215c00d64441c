/* vtop report layer: Linux arm64 ptdump-style `mem` (fmt_ptdump.h).
 * The walk is the core's (vtop_enumerate); this file merges leaves as
 * arch/arm64/mm/ptdump.c note_page does and prints as dump_addr and
 * dump_prot do. */
#include "cmd/fmt_ptdump.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/fmt_a64.h"

const char *vtop_fmt_ptdump_level_name(int start_level, int arm_level)
{
    static const char *const from_bottom[] = {"P4D", "PUD", "PMD", "PTE"};
    if (arm_level == start_level)
        return "PGD";
    if (arm_level < 0 || arm_level > 3)
        return "?";
    return from_bottom[arm_level];
}

/* The Linux names of the memory types of its MAIR layout
 * (arch/arm64/include/asm/memory.h MT_*, ptdump.c pte_bits[]), by MAIR byte. */
void vtop_fmt_ptdump_memtype(const vtop_space *space, unsigned attr_index,
                             char *buf, size_t len)
{
    static const struct { uint8_t attr; const char *name; } linux_names[] = {
        {0x00, "DEVICE/nGnRnE"}, {0x04, "DEVICE/nGnRE"}, {0x08, "DEVICE/nGRE"},
        {0x0c, "DEVICE/GRE"},    {0x44, "MEM/NORMAL-NC"}, {0xff, "MEM/NORMAL"},
        {0xf0, "MEM/NORMAL-TAGGED"},
    };
    if (space->cfg.mair == 0) {
        snprintf(buf, len, "ATTR%u", attr_index);
        return;
    }
    vtop_a64_memattr m = vtop_a64_mair_decode(space->cfg.mair, attr_index);
    for (size_t i = 0; i < sizeof linux_names / sizeof linux_names[0]; i++)
        if (linux_names[i].attr == m.attr) {
            snprintf(buf, len, "%s", linux_names[i].name);
            return;
        }
    snprintf(buf, len, "%s%s", m.type == VTOP_A64_MEM_NORMAL ? "MEM/" : "",
             m.name);
}

/* dump_addr + dump_prot. */
void vtop_fmt_ptdump_line(const vtop_out *out, const vtop_space *space,
                          const vtop_ptdump_range *r)
{
    static const struct { unsigned bit; const char *set, *clear; } bits[] = {
        {VTOP_PTDUMP_USR, "USR", "   "}, {VTOP_PTDUMP_RO, "ro", "RW"},
        {VTOP_PTDUMP_NX, "NX", "x "},    {VTOP_PTDUMP_SHD, "SHD", "   "},
        {VTOP_PTDUMP_AF, "AF", "  "},    {VTOP_PTDUMP_NG, "NG", "  "},
        {VTOP_PTDUMP_CON, "CON", "   "}, {VTOP_PTDUMP_BLK, "BLK", "   "},
        {VTOP_PTDUMP_UXN, "UXN", "   "}, {VTOP_PTDUMP_GP, "GP", "  "},
    };
    static const char units[] = "KMGTPE";
    const char *unit = units;
    uint64_t delta = (r->end - r->start) >> 10;
    while (delta && !(delta & 1023) && unit[1]) {
        delta >>= 10;
        unit++;
    }
    char line[200], mt[40];
    int n = snprintf(line, sizeof line, "0x%016" PRIx64 "-0x%016" PRIx64
                     "   %9" PRIu64 "%c %s  ", r->start, r->end, delta, *unit,
                     r->level_name);
    for (size_t i = 0; i < sizeof bits / sizeof bits[0] && n > 0 &&
                       (size_t)n < sizeof line; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, " %s",
                      (r->prot & bits[i].bit) ? bits[i].set : bits[i].clear);
    vtop_fmt_ptdump_memtype(space, r->attr_index, mt, sizeof mt);
    vtop_printf(out, "%s %s\n", line, mt);
}

/* note_page's state: the open range, or none. */
typedef struct ptdump_state {
    const vtop_space *space;
    vtop_ptdump_fn fn;
    void *ctx;
    bool open;
    vtop_ptdump_range cur;
} ptdump_state;

static unsigned leaf_prot(const vtop_leaf *leaf)
{
    unsigned p = 0, f = leaf->leaf_flags;
    if (leaf->rights & VTOP_RIGHT_USER)
        p |= VTOP_PTDUMP_USR;
    if (!(leaf->rights & VTOP_RIGHT_WRITE))
        p |= VTOP_PTDUMP_RO;
    if (!(leaf->rights & VTOP_RIGHT_EXEC))
        p |= VTOP_PTDUMP_NX;
    if (!(leaf->rights & VTOP_RIGHT_UEXEC))
        p |= VTOP_PTDUMP_UXN;
    if (vtop_leaf_sh(f) == 3)
        p |= VTOP_PTDUMP_SHD;
    if (f & VTOP_LEAF_AF)
        p |= VTOP_PTDUMP_AF;
    if (f & VTOP_LEAF_NG)
        p |= VTOP_PTDUMP_NG;
    if (f & VTOP_LEAF_CONT)
        p |= VTOP_PTDUMP_CON;
    if (!(leaf->entry & VTOP_A64_TABLE))
        p |= VTOP_PTDUMP_BLK;
    if (leaf->entry & (1ull << 50)) /* GP: guarded page (FEAT_BTI) */
        p |= VTOP_PTDUMP_GP;
    return p;
}

static int ptdump_leaf(void *ctx, const vtop_leaf *leaf)
{
    ptdump_state *st = ctx;
    unsigned half = vtop_space_half_of(st->space, leaf->va);
    int start = 4 - (int)st->space->half[half].a64.levels; /* levels = 4 - start */
    vtop_ptdump_range r = {
        .start = leaf->va, .end = leaf->va + leaf->size, .half = half,
        .arm_level = start + leaf->level,
        .prot = leaf_prot(leaf),
        .attr_index = vtop_leaf_attr_index(leaf->leaf_flags),
    };
    r.level_name = vtop_fmt_ptdump_level_name(start, r.arm_level);
    vtop_ptdump_range *c = &st->cur;
    if (st->open && c->end == r.start && c->half == r.half &&
        c->arm_level == r.arm_level && c->prot == r.prot &&
        c->attr_index == r.attr_index) {
        c->end = r.end;
        return 0;
    }
    if (st->open)
        st->fn(st->ctx, c);
    *c = r;
    st->open = true;
    return 0;
}

vtop_status vtop_fmt_ptdump_ranges(const vtop_space *space, uint64_t first,
                                   uint64_t last, vtop_ptdump_fn fn, void *ctx)
{
    if (!space || !fn || !vtop_mode_is_a64(space->desc))
        return VTOP_BAD_ARGUMENT;
    ptdump_state st = {.space = space, .fn = fn, .ctx = ctx};
    vtop_enum_options o = {.policy = VTOP_ENUM_STRICT};
    vtop_status s = vtop_enumerate(space, first, last, &o, ptdump_leaf, &st);
    if (st.open)
        fn(ctx, &st.cur);
    return s;
}

typedef struct text_ctx {
    const vtop_report *r;
    int half;                /* the half whose marker was printed, -1: none */
} text_ctx;

static void text_range(void *ctx, const vtop_ptdump_range *range)
{
    text_ctx *t = ctx;
    if ((int)range->half != t->half) {
        vtop_printf(t->r->out, "---[ %s ]---\n",
                    vtop_fmt_a64_ttbr_name(t->r->space, range->half));
        t->half = (int)range->half;
    }
    vtop_fmt_ptdump_line(t->r->out, t->r->space, range);
}

vtop_status vtop_fmt_ptdump(const vtop_report *r, uint64_t first, uint64_t last)
{
    text_ctx t = {r, -1};
    return vtop_fmt_ptdump_ranges(r->space, first, last, text_range, &t);
}
