/* vtop EFI app: firmware paging summary (see fwreport.h). */
#include "fwreport.h"

#include <stdio.h>

#include "core/enum.h"

typedef struct leaf_counts {
    uint64_t by_size[3];     /* 4K, 2M, 1G */
    uint64_t writable, executable, wx, user, identity, bytes;
} leaf_counts;

static int count_leaf(void *ctx, const vtop_leaf *leaf)
{
    leaf_counts *c = ctx;
    c->by_size[leaf->size == 4096 ? 0 : leaf->size == (2ull << 20) ? 1 : 2]++;
    bool w = leaf->rights & VTOP_RIGHT_WRITE, x = leaf->rights & VTOP_RIGHT_EXEC;
    c->writable += w;
    c->executable += x;
    c->wx += w && x;
    c->user += (leaf->rights & VTOP_RIGHT_USER) != 0;
    c->identity += leaf->pa == leaf->va;
    c->bytes += leaf->size;
    return 0;
}

/* The root register as the architecture names it. */
static void print_root(const vtop_space *fw, char *buf, size_t cap)
{
    if (vtop_mode_is_a64(fw->desc))
        snprintf(buf, cap, "TTBR0=0x%llx TTBR1=0x%llx TCR=0x%llx",
                 (unsigned long long)fw->cfg.ttbr0, (unsigned long long)fw->cfg.ttbr1,
                 (unsigned long long)fw->cfg.tcr);
    else
        snprintf(buf, cap, "CR3=0x%llx NXE=%d", (unsigned long long)fw->cfg.cr3,
                 fw->cfg.nxe);
}

bool fwreport_space(vtop_space *fw, const vtop_space_config *cfg,
                    const vtop_physmem *mem, const vtop_out *out)
{
    vtop_status st = vtop_space_init(fw, cfg, mem);
    if (st != VTOP_OK)
        vtop_printf(out, "firmware paging: error: %s\n", vtop_status_name(st));
    return st == VTOP_OK;
}

vtop_status fwreport_summary(const vtop_space *fw, const vtop_out *out)
{
    leaf_counts c = { { 0 }, 0, 0, 0, 0, 0, 0 };
    vtop_enum_stats st;
    /* The whole address space: both halves of a sign-extended or AArch64
     * space, else the 4 GiB of a 32-bit one. */
    bool wide = fw->desc->sign_extended || vtop_mode_is_a64(fw->desc);
    uint64_t top = wide ? ~0ull : 0xffffffffull;
    vtop_status s = vtop_enumerate(fw, 0, top, &(vtop_enum_options){.stats = &st}, count_leaf, &c);
    uint64_t leaves = c.by_size[0] + c.by_size[1] + c.by_size[2];
    char root[96];
    print_root(fw, root, sizeof root);
    vtop_printf(out,
                "firmware paging: %s %s: %llu tables, %llu leaves "
                "(1G=%llu 2M=%llu 4K=%llu), %llu GiB mapped, %llu identity, "
                "%llu writable, %llu executable, %llu W+X, %llu user (%s)\n",
                fw->desc->name, root,
                (unsigned long long)st.tables, (unsigned long long)leaves,
                (unsigned long long)c.by_size[2], (unsigned long long)c.by_size[1],
                (unsigned long long)c.by_size[0], (unsigned long long)(c.bytes >> 30),
                (unsigned long long)c.identity, (unsigned long long)c.writable,
                (unsigned long long)c.executable, (unsigned long long)c.wx,
                (unsigned long long)c.user, vtop_status_name(s));
    return s;
}
