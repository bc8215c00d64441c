/* vtop core: the unit stream of QEMU 7.2's `info mem` (enum.h,
 * vtop_qemu_mem_walk).
 *
 * QEMU target/i386/monitor.c mem_info_32 / mem_info_pae32 / mem_info_la48 /
 * mem_info_la57 scan every entry of every table they reach and call
 * mem_print(end, prot) once per entry: prot 0 for an entry that is not
 * followed, the AND of (U | RW | P) over the levels for a leaf. This file
 * calls on_unit at exactly those points, so cmd/fmt_qemu.c can run
 * mem_print's merging state machine and print the same bytes. Quirks kept:
 *  - 32-bit: prot = pte & pde (4M leaf: pde alone), PS only with CR4.PSE;
 *  - PAE: the PDPTE takes no part in prot (it has no U/RW);
 *  - la57: the P tests of the PDPTE and PDE levels are inverted in QEMU 7.2
 *    (a present PDPTE/PDE is a prot-0 unit, a non-present one is followed,
 *    as a leaf when PS is set); kept so 5-level output matches that QEMU;
 *  - tables are located with ~0xfff (32-bit) or 0x3fffffffff000 and memory
 *    outside the image reads as zeros.
 * A subtree whose AND of (U | RW | P) is already 0 can only yield prot 0:
 * it is reported as one unit, which mem_print treats the same way.
 */
#include "enum.h"

#include "entry.h"

#define QEMU_PROT_MASK (PTE_US | PTE_RW | PTE_P)

typedef struct mem_frame {
    const uint8_t *tab;
    uint64_t table_pa;
    uint64_t base;        /* raw VA of entry 0 */
    uint64_t acc;         /* AND of the entries above that count for prot */
    uint32_t idx;
} mem_frame;

/* QEMU 7.2's mem_info_la57 follows a PDPTE or PDE when P is clear (a
 * quirk kept so 5-level output matches: the mode table's qemu.mem_inverted
 * levels). */
static bool qemu_inverted(const vtop_mode_desc *d, uint8_t level, unsigned flags)
{
    return !(flags & VTOP_QEMU_MEM_FIX_LA57) &&
           ((d->qemu.mem_inverted >> level) & 1u);
}

static uint64_t qemu_entry(const vtop_space *s, const mem_frame *f, uint32_t i)
{
    uint8_t es = s->desc->entry_size;
    uint64_t e = 0;
    if (f->tab)
        return vtop_entry_load(f->tab + (uint64_t)i * es, es);
    if (vtop_entry_read(s, f->table_pa, i, &e) != VTOP_OK)
        return 0; /* QEMU reads unassigned memory as zeros */
    return e;
}

static void mem_push(const vtop_space *s, mem_frame *f, uint8_t level,
                     uint64_t table_pa, uint64_t base, uint64_t acc)
{
    f->table_pa = table_pa;
    f->base = base;
    f->acc = acc;
    f->idx = 0;
    const vtop_run *hint = NULL;
    f->tab = vtop_entry_table_bytes(s, &hint, level, table_pa);
}

/* One walk: the space, the la57 choice, the callback, and the frames. */
typedef struct mem_walk {
    const vtop_space *s;
    unsigned flags;
    vtop_qemu_mem_fn on_unit;
    void *ctx;
    mem_frame fr[VTOP_MAX_LEVELS];
} mem_walk;

/* What one entry says comes next (as core/enum.c's walk_step). */
typedef enum mem_step { MEM_GO_ON, MEM_DESCEND, MEM_STOP } mem_step;

/* One entry: a unit reported (MEM_GO_ON), a table pushed at level + 1
 * (MEM_DESCEND), or the callback asked to stop (MEM_STOP). */
static mem_step mem_visit(mem_walk *w, uint8_t level, uint64_t e)
{
    const vtop_space *s = w->s;
    const vtop_mode_desc *d = s->desc;
    mem_frame *f = &w->fr[level];
    uint64_t end = f->base + ((uint64_t)(f->idx - 1) << d->level[level].shift);
    bool follow = qemu_inverted(d, level, w->flags) ? !(e & PTE_P) : (e & PTE_P);
    unsigned prot = 0;
    if (follow && vtop_entry_is_leaf(s, level, e)) {
        prot = (unsigned)(e & QEMU_PROT_MASK & f->acc);
    } else if (follow) {
        /* A level without U/RW (the PAE PDPTE) takes no part in prot. */
        uint64_t acc = f->acc & (e | s->level[level].fill);
        if (acc & QEMU_PROT_MASK) {
            mem_push(s, &w->fr[level + 1], (uint8_t)(level + 1),
                     vtop_qemu_table(s, e), end, acc);
            return MEM_DESCEND;
        }
    }
    return w->on_unit(w->ctx, end, prot) ? MEM_STOP : MEM_GO_ON;
}

vtop_status vtop_qemu_mem_walk(const vtop_space *space, uint64_t max_tables,
                               vtop_qemu_mem_fn on_unit, void *ctx)
{
    return vtop_qemu_mem_walk_ex(space, max_tables, 0, on_unit, ctx);
}

vtop_status vtop_qemu_mem_walk_ex(const vtop_space *space, uint64_t max_tables,
                                  unsigned flags, vtop_qemu_mem_fn on_unit,
                                  void *ctx)
{
    if (!space || !on_unit)
        return VTOP_BAD_ARGUMENT;
    const vtop_mode_desc *d = space->desc;
    /* QEMU's `info mem` exists for x86 only (target/i386/monitor.c) */
    if (!vtop_mode_has_tables(d) || vtop_mode_is_a64(d))
        return VTOP_BAD_SPACE;
    uint64_t budget = max_tables ? max_tables : vtop_enum_default_budget(space);
    uint64_t tables = 1;
    mem_walk w = {.s = space, .flags = flags, .on_unit = on_unit, .ctx = ctx};
    mem_push(space, &w.fr[0], 0, vtop_qemu_root(space), 0, ~0ull);
    int depth = 0;
    while (depth >= 0) {
        mem_frame *f = &w.fr[depth];
        if (f->idx >= vtop_entry_count(space, (unsigned)depth)) {
            depth--;
            continue;
        }
        uint64_t e = qemu_entry(space, f, f->idx++);
        mem_step step = mem_visit(&w, (uint8_t)depth, e);
        if (step == MEM_STOP)
            return VTOP_OK;
        if (step == MEM_DESCEND) {
            if (++tables > budget)
                return VTOP_LIMIT_REACHED;
            depth++;
        }
    }
    /* "Flush last range": mem_print(1 << 32 / 48 / 57, 0). */
    (void)on_unit(ctx, 1ull << d->va_bits, 0);
    return VTOP_OK;
}
