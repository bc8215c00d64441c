/* vtop EFI app, AArch64: live probes (see probes.h). Descriptor formats:
 * Arm ARM DDI 0487 D8.3 (4 KiB granule: table descriptors bits[1:0] = 11
 * at levels 0-2, next-level table address in bits [47:12]). */
#include "probes.h"

#include <string.h>

#include "efi/cpu.h"
#include "efi/efi_env.h"

#define PAGE 4096ull
#define MIB2 (2ull << 20)
#define GIB (1ull << 30)
#define PROBE_BYTES 64
#define MAX_PROBES 4
#define BUF_PAGES 1536u              /* 6 MiB: a 2 MiB aligned 4 MiB inside */
#define A64_TABLE 3ull
#define A64_ADDR 0x0000fffffffff000ull

typedef struct probe {
    const char *name;
    uint64_t va, pa, size;
    bool writable, exec;
    vtop_translation t;
    uint8_t via_mmu[PROBE_BYTES];
} probe;

typedef struct probe_run {
    const ownmap *om;
    const vtop_out *out;
    uint64_t window;                /* two free 1 GiB slots */
    uint64_t *slot[2];              /* their level-1 entries */
    uint64_t slot_value[2];         /* what the probes put there */
    EFI_PHYSICAL_ADDRESS block, tables;
    uint64_t buf;                   /* 2 MiB aligned pattern block */
    probe p[MAX_PROBES];
    unsigned n;
} probe_run;

static uint32_t pattern(uint64_t pa)
{
    return (uint32_t)(pa * 2654435761u) ^ 0x76746f70u;
}

/* The level-1 entry for va in the app's tables, or NULL when a table on
 * the way is missing. */
static uint64_t *l1_entry(const idmap *m, uint64_t va)
{
    uint64_t t = m->root;
    for (unsigned l = 0; l + 3 < m->levels; l++) {
        unsigned shift = 12 + 9 * (m->levels - 1 - l);
        uint64_t e = ((uint64_t *)(uintptr_t)t)[(va >> shift) & 511];
        if ((e & 3) != A64_TABLE)
            return NULL;
        t = e & A64_ADDR;
    }
    return &((uint64_t *)(uintptr_t)t)[(va >> 30) & 511];
}

static bool find_window(probe_run *r)
{
    const idplan *plan = &r->om->plan;
    uint64_t top = plan->limit < (512ull << 30) ? plan->limit : 512ull << 30;
    if (r->om->map.levels < 3)
        return false;
    for (uint64_t w = 4 * GIB; w + 2 * GIB <= top; w += GIB) {
        uint8_t attr;
        if (idplan_query(plan, w, 2 * GIB, &attr) != 0)
            continue;
        r->slot[0] = l1_entry(&r->om->map, w);
        r->slot[1] = l1_entry(&r->om->map, w + GIB);
        if (r->slot[0] && r->slot[1] && !*r->slot[0] && !*r->slot[1]) {
            r->window = w;
            return true;
        }
    }
    return false;
}

static bool allocate(probe_run *r)
{
    if (EFI_ERROR(g_efi.bs->AllocatePages(AllocateAnyPages, EfiLoaderData, BUF_PAGES,
                                          &r->block)))
        return false;
    if (EFI_ERROR(g_efi.bs->AllocatePages(AllocateAnyPages, EfiLoaderData, 2, &r->tables))) {
        g_efi.bs->FreePages(r->block, BUF_PAGES);
        return false;
    }
    r->buf = (r->block + MIB2 - 1) & ~(MIB2 - 1);
    for (uint64_t a = r->buf; a < r->buf + 2 * MIB2; a += 4) {
        uint32_t x = pattern(a);
        memcpy((void *)(uintptr_t)a, &x, 4);
    }
    memset((void *)(uintptr_t)r->tables, 0, 2 * PAGE);
    return true;
}

/* Leaves and the list to check; written while no slot is live. */
static void prepare(probe_run *r)
{
    const idmap_a64_attrs *a = &r->om->map.a64;
    uint64_t *l2 = (uint64_t *)(uintptr_t)r->tables;
    uint64_t *l3 = (uint64_t *)(uintptr_t)(r->tables + PAGE);
    uint64_t w = r->window, gib_base = r->buf & ~(GIB - 1);
    l2[0] = (r->tables + PAGE) | A64_TABLE;
    l3[1] = idmap_a64_leaf(a, r->buf + 0x5000, PAGE, IDMAP_W);
    l3[2] = idmap_a64_leaf(a, r->buf + 0x9000, PAGE, IDMAP_X);
    l2[1] = idmap_a64_leaf(a, r->buf + MIB2, MIB2, IDMAP_W);
    static const struct { const char *name; uint64_t va, pa, size; bool w, x; } list[] = {
        { "4K", 0x1000, 0x5000, PAGE, true, false },
        { "read-only executable 4K", 0x2000, 0x9000, PAGE, false, true },
        { "2M block", MIB2 + 0x3450, MIB2 + 0x3450, MIB2, true, false },
    };
    for (unsigned i = 0; i < sizeof list / sizeof list[0]; i++)
        r->p[r->n++] = (probe){ .name = list[i].name, .va = w + list[i].va,
                                .pa = r->buf + list[i].pa, .size = list[i].size,
                                .writable = list[i].w, .exec = list[i].x };
    r->p[r->n++] = (probe){ .name = "read-only 1G block",
                            .va = w + GIB + (r->buf - gib_base) + 0x80,
                            .pa = r->buf + 0x80, .size = GIB };
    r->slot_value[0] = r->tables | A64_TABLE;
    r->slot_value[1] = idmap_a64_leaf(a, gib_base, GIB, 0);
}

static void measure(probe *p, const vtop_space *space)
{
    const volatile uint8_t *v = (const volatile uint8_t *)(uintptr_t)p->va;
    for (unsigned i = 0; i < PROBE_BYTES; i++)
        p->via_mmu[i] = v[i];
    vtop_translate(space, p->va, &p->t);
}

/* Slots live, probes read, slots invalid again: exceptions masked
 * throughout, every change published with the TTBR0 sequence (ttbr.c),
 * which also invalidates the TLB. */
static bool run_probes(probe_run *r, const live_memory *live)
{
    vtop_space space;
    if (a64_own_space(r->om, live, &space) != VTOP_OK)
        return false;
    const a64_machine *m = r->om->m;
    a64_tables_clean(m, r->tables, 2 * PAGE);
    uint64_t daif = a64_daif_mask();
    *r->slot[0] = r->slot_value[0];
    *r->slot[1] = r->slot_value[1];
    a64_ttbr0_load(m, r->om->own_ttbr0, &r->om->map);
    for (unsigned i = 0; i < r->n; i++)
        measure(&r->p[i], &space);
    *r->slot[0] = 0;
    *r->slot[1] = 0;
    a64_ttbr0_load(m, r->om->own_ttbr0, &r->om->map);
    a64_daif_restore(daif);
    return true;
}

static bool report(const probe_run *r, const probe *p)
{
    const vtop_translation *t = &p->t;
    bool w = t->rights & VTOP_RIGHT_WRITE, x = t->rights & VTOP_RIGHT_EXEC;
    bool same = t->status == VTOP_OK &&
                memcmp(p->via_mmu, (const void *)(uintptr_t)t->pa, PROBE_BYTES) == 0;
    uint32_t got;
    memcpy(&got, p->via_mmu, 4);
    bool ok = same && t->pa == p->pa && t->page_size == p->size && w == p->writable &&
              x == p->exec && got == pattern(p->pa);
    vtop_printf(r->out,
                "probe %s: va 0x%llx -> pa 0x%llx (vtop_translate: %s, page 0x%llx, %c%c), "
                "%d bytes via the MMU %s the bytes at that pa: %s\n",
                p->name, (unsigned long long)p->va, (unsigned long long)t->pa,
                vtop_status_name(t->status), (unsigned long long)t->page_size,
                w ? 'w' : '-', x ? 'x' : '-', PROBE_BYTES, same ? "equal" : "differ from",
                ok ? "pass" : "FAIL");
    return ok;
}

bool a64_probes_run(const ownmap *om, const live_memory *live, const vtop_out *out)
{
    probe_run r = { .om = om, .out = out };
    if (!find_window(&r) || !allocate(&r)) {
        vtop_printf(out, "probes: skipped: %s\n",
                    r.window ? "no memory for the test pages" : "no free window in the map");
        return false;
    }
    prepare(&r);
    bool ran = run_probes(&r, live);
    unsigned passed = 0;
    for (unsigned i = 0; ran && i < r.n; i++)
        passed += report(&r, &r.p[i]);
    vtop_printf(out, "probes: %u run, %u passed, window 0x%llx\n", ran ? r.n : 0, passed,
                (unsigned long long)r.window);
    g_efi.bs->FreePages(r.tables, 2);
    g_efi.bs->FreePages(r.block, BUF_PAGES);
    return ran && passed == r.n;
}
