/* vtop EFI app, IA32: live probes of the 32-bit and PAE walkers (see
 * probes.h). Entry layouts: SDM Vol. 3A 4.3 (32-bit, tables 4-4 to 4-6;
 * PSE-36 puts PA bits 35:32 in PDE bits 16:13) and 4.4 (PAE, tables 4-8
 * to 4-11). */
#include "probes.h"

#include <string.h>

#include "efi/cpu.h"
#include "efi/efi_env.h"

#define PAGE 4096ull
#define MIB4 (4ull << 20)
#define MIB2 (2ull << 20)
#define FOUR_GIB (4ull << 30)
#define PROBE_BYTES 64
#define MAX_PROBES 5
#define RFLAGS_IF (1ull << 9)

typedef struct probe {
    const char *name;
    uint64_t va, pa, size;
    bool writable, exec;     /* rights the entry grants */
    bool above_4g;           /* PA not identity-readable: compare with the
                                pattern, written through the VA unless the
                                other layout already did */
    vtop_translation t;
    uint8_t via_mmu[PROBE_BYTES], at_pa[PROBE_BYTES];
} probe;

typedef struct probe_run {
    const probe_env *env;
    uint64_t window;         /* 16 MiB of unlisted MMIO in the map */
    uint64_t block;          /* the pages allocated for the patterns */
    uint64_t buf;            /* 4 MiB aligned pattern block inside */
    uint64_t pt;             /* page table for the 4 KiB probes */
    probe p[MAX_PROBES];
    unsigned n;
    uint64_t saved[3], *slot[3];   /* the directory entries replaced */
    unsigned nslots;
} probe_run;

static uint32_t pattern(uint64_t pa)
{
    return (uint32_t)(pa * 2654435761u) ^ 0x76746f70u;
}

/* 16 MiB of the map that only the unlisted-MMIO fill covers. */
static uint64_t find_window(const idplan *plan)
{
    for (uint64_t a = 16ull << 20; a < FOUR_GIB - (64ull << 20); a += 16ull << 20) {
        uint8_t attr = 0;
        if (idplan_query(plan, a, 16ull << 20, &attr) == 1 && (attr & IDMAP_FIRMWARE))
            return a;
    }
    return 0;
}

/* Entry slots: a 32-bit PDE (4 bytes, kept in a uint64_t copy) or a PAE PDE. */
static uint64_t read_slot(const probe_run *r, unsigned i)
{
    if (r->env->map->layout == IDMAP_32BIT) {
        uint32_t v;
        memcpy(&v, r->slot[i], 4);
        return v;
    }
    return *r->slot[i];
}

static void write_slot(const probe_run *r, unsigned i, uint64_t v)
{
    if (r->env->map->layout == IDMAP_32BIT) {
        uint32_t w = (uint32_t)v;
        memcpy(r->slot[i], &w, 4);
    } else {
        *r->slot[i] = v;
    }
}

static uint64_t *pde_of(const probe_run *r, uint64_t va)
{
    const idmap *m = r->env->map;
    if (m->layout == IDMAP_32BIT)
        return (uint64_t *)(uintptr_t)(m->root + (va >> 22) * 4);
    uint64_t pdpte = *(uint64_t *)(uintptr_t)(m->root + (va >> 30) * 8);
    uint64_t pd = pdpte & 0xFFFFFFFFF000ull;
    return (uint64_t *)(uintptr_t)(pd + ((va >> 21) & 511) * 8);
}

static void add(probe_run *r, probe p)
{
    if (r->n < MAX_PROBES)
        r->p[r->n++] = p;
}

/* Set up the probe entries (interrupts off) and the list to check. */
static void install(probe_run *r)
{
    const probe_env *e = r->env;
    bool pae = e->map->layout == IDMAP_PAE;
    uint64_t big = pae ? MIB2 : MIB4, w = r->window;
    unsigned esz = pae ? 8 : 4;
    uint64_t rw = PTE_P | PTE_RW, nx = pae && e->nxe ? PTE_NX : 0;
    uint64_t pt_entries[3] = { (r->buf + 0x5000) | rw, (r->buf + 0x9000) | PTE_P,
                               (r->buf + 0xd000) | rw | nx };
    memset((void *)(uintptr_t)r->pt, 0, PAGE);
    for (unsigned i = 0; i < 3; i++)
        memcpy((uint8_t *)(uintptr_t)r->pt + (size_t)(i + 1) * esz, &pt_entries[i], esz);
    r->slot[0] = pde_of(r, w);
    r->slot[1] = pde_of(r, w + big);
    r->nslots = 2;
    uint64_t big_pa = pae ? r->buf + MIB2 : r->buf;
    add(r, (probe){ .name = "4K", .va = w + 0x1000, .pa = r->buf + 0x5000, .size = PAGE,
                    .writable = true, .exec = true });
    add(r, (probe){ .name = "read-only 4K", .va = w + 0x2000, .pa = r->buf + 0x9000,
                    .size = PAGE, .exec = true });
    if (pae && e->nxe)
        add(r, (probe){ .name = "NX 4K", .va = w + 0x3000, .pa = r->buf + 0xd000,
                        .size = PAGE, .writable = true });
    add(r, (probe){ .name = pae ? "2M" : "4M PSE", .va = w + big + 0x3450,
                    .pa = big_pa + 0x3450, .size = big, .writable = true, .exec = true });
    uint64_t hi = e->ram_above_4g;
    if (hi && (pae || e->pse36)) {
        r->slot[2] = pde_of(r, w + 2 * big);
        r->nslots = 3;
        add(r, (probe){ .name = pae ? "2M above 4 GiB" : "4M PSE-36", .va = w + 2 * big + 0x80,
                        .pa = hi + 0x80, .size = big, .writable = true, .exec = true,
                        .above_4g = true });
    }
    for (unsigned i = 0; i < r->nslots; i++)
        r->saved[i] = read_slot(r, i);
    write_slot(r, 0, r->pt | rw);
    write_slot(r, 1, big_pa | rw | PTE_PS);
    if (r->nslots == 3 && pae)
        write_slot(r, 2, hi | rw | PTE_PS);
    else if (r->nslots == 3)   /* PSE-36: PA bits 35:32 in PDE bits 16:13 */
        write_slot(r, 2, (hi & 0xFFC00000ull) | ((hi >> 32) & 0xf) << 13 | rw | PTE_PS);
    cpu_write_cr3(cpu_read_cr3());   /* flush: the new entries are not global */
}

static void measure(probe *p, const vtop_space *space, probe_counts *c)
{
    volatile uint8_t *v = (volatile uint8_t *)(uintptr_t)p->va;
    if (p->above_4g) {   /* the pattern, written through the VA once */
        for (unsigned i = 0; i < PROBE_BYTES; i += 4) {
            uint32_t x = pattern(p->pa + i);
            memcpy(&p->at_pa[i], &x, 4);
            if (!c->high_written)
                memcpy((void *)(uintptr_t)(p->va + i), &x, 4);
        }
        c->high_written = true;
        cpu_write_cr3(cpu_read_cr3());
    }
    for (unsigned i = 0; i < PROBE_BYTES; i++)
        p->via_mmu[i] = v[i];
    vtop_translate(space, p->va, &p->t);
    if (!p->above_4g && p->t.status == VTOP_OK && p->t.pa + PROBE_BYTES <= FOUR_GIB)
        memcpy(p->at_pa, (const void *)(uintptr_t)p->t.pa, PROBE_BYTES);
}

static void uninstall(probe_run *r)
{
    for (unsigned i = 0; i < r->nslots; i++)
        write_slot(r, i, r->saved[i]);
    cpu_write_cr3(cpu_read_cr3());
}

static bool report(const probe_run *r, const probe *p)
{
    const vtop_translation *t = &p->t;
    bool w = t->rights & VTOP_RIGHT_WRITE, x = t->rights & VTOP_RIGHT_EXEC;
    uint32_t want;
    memcpy(&want, p->at_pa, 4);
    bool ok = t->status == VTOP_OK && t->pa == p->pa && t->page_size == p->size &&
              w == p->writable && x == p->exec &&
              memcmp(p->via_mmu, p->at_pa, PROBE_BYTES) == 0 && want == pattern(p->pa);
    vtop_printf(r->env->out,
                "probe %s %s: va 0x%llx -> pa 0x%llx (vtop_translate: %s, page 0x%llx, %c%c), "
                "%d bytes via the MMU %s the bytes at that pa: %s\n",
                r->env->map->layout == IDMAP_PAE ? "PAE" : "32-bit", p->name,
                (unsigned long long)p->va, (unsigned long long)t->pa,
                vtop_status_name(t->status), (unsigned long long)t->page_size,
                w ? 'w' : '-', x ? 'x' : '-', PROBE_BYTES,
                memcmp(p->via_mmu, p->at_pa, PROBE_BYTES) ? "differ from" : "equal",
                ok ? "pass" : "FAIL");
    return ok;
}

static bool allocate(probe_run *r)
{
    EFI_PHYSICAL_ADDRESS buf = FOUR_GIB - 1, pt = FOUR_GIB - 1;
    /* 8 MiB + 4 MiB: a 4 MiB aligned 8 MiB block lies inside. */
    if (EFI_ERROR(g_efi.bs->AllocatePages(AllocateMaxAddress, EfiLoaderData, 3072, &buf)))
        return false;
    if (EFI_ERROR(g_efi.bs->AllocatePages(AllocateMaxAddress, EfiLoaderData, 1, &pt))) {
        g_efi.bs->FreePages(buf, 3072);
        return false;
    }
    r->buf = (buf + MIB4 - 1) & ~(MIB4 - 1);
    r->pt = pt;
    for (uint64_t a = r->buf; a < r->buf + 2 * MIB4; a += 4) {
        uint32_t x = pattern(a);
        memcpy((void *)(uintptr_t)a, &x, 4);
    }
    r->block = buf;
    return true;
}

void ia32_probes_run(const probe_env *env, probe_counts *counts)
{
    probe_run r = { .env = env };
    r.window = find_window(env->plan);
    if (!r.window || !allocate(&r)) {
        vtop_printf(env->out, "probes: skipped: %s\n",
                    r.window ? "no memory for the test pages" : "no free window in the map");
        counts->skipped++;
        return;
    }
    uint64_t flags = cpu_read_rflags();
    cpu_cli();
    install(&r);
    for (unsigned i = 0; i < r.n; i++)
        measure(&r.p[i], env->space, counts);
    uninstall(&r);
    if (flags & RFLAGS_IF)
        cpu_sti();
    for (unsigned i = 0; i < r.n; i++) {
        counts->run++;
        counts->passed += report(&r, &r.p[i]);
    }
    bool pae = env->map->layout == IDMAP_PAE;
    if (!env->ram_above_4g || (!pae && !env->pse36)) {
        vtop_printf(env->out, "probe %s: skipped (%s)\n",
                    pae ? "PAE 2M above 4 GiB" : "32-bit 4M PSE-36",
                    env->ram_above_4g ? "CPUID PSE-36 clear" : "no RAM above 4 GiB");
        counts->skipped++;
    }
    g_efi.bs->FreePages(r.pt, 1);
    g_efi.bs->FreePages(r.block, 3072);
}
