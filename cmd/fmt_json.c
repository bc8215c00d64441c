/* vtop report layer: JSON layouts of tlb, mem, ptov and roots (fmt_json.h). */
#include "cmd/fmt_json.h"

#include "cmd/fmt_a64.h"
#include "cmd/fmt_windbg.h"
#include "cmd/json.h"
#include "cmd/record_json.h"

int vtop_fmt_json_tlb_leaf(void *ctx, const vtop_leaf *leaf)
{
    const vtop_report *r = ctx;
    vtop_json j;
    char rights[8];
    vtop_report_rights(r->space, leaf->rights, rights);
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "tlb");
    vtop_json_hex(&j, "va", leaf->va);
    vtop_json_hex(&j, "raw_va", leaf->raw_va);
    vtop_json_hex(&j, "pa", leaf->pa);
    vtop_json_hex(&j, "size", leaf->size);
    vtop_json_hex(&j, "entry", leaf->entry);
    vtop_json_str(&j, "level", vtop_report_level_name_va(r->space, leaf->va,
                                                         leaf->level));
    vtop_json_str(&j, "rights", rights);
    vtop_json_leaf_flags(&j, "leaf_flags", (uint8_t)leaf->leaf_flags);
    if (vtop_mode_is_a64(r->space->desc))
        vtop_json_a64_flags(&j, "attrs", r->space, leaf->leaf_flags);
    vtop_json_hex(&j, "reserved_bits", leaf->reserved_bits);
    vtop_json_array(&j, "levels");
    for (unsigned i = 0; i < leaf->nlevels && i < VTOP_MAX_LEVELS; i++) {
        vtop_json_object(&j, NULL);
        vtop_json_str(&j, "name", vtop_report_level_name_va(
                                      r->space, leaf->va, leaf->levels[i].level));
        vtop_json_hex(&j, "entry_pa", leaf->levels[i].entry_pa);
        vtop_json_hex(&j, "entry", leaf->levels[i].entry);
        vtop_json_close(&j, '}');
    }
    vtop_json_close(&j, ']');
    vtop_json_end(&j);
    return 0;
}

void vtop_fmt_json_mem_range(const vtop_out *out, const vtop_qemu_range *range)
{
    bool user = range->prot & VTOP_QEMU_PROT_USER;
    bool writable = range->prot & VTOP_QEMU_PROT_RW;
    char prot[4] = {user ? 'u' : '-', 'r', writable ? 'w' : '-', '\0'};
    vtop_json j;
    vtop_json_begin(&j, out);
    vtop_json_str(&j, "cmd", "mem");
    vtop_json_hex(&j, "start", range->start);
    vtop_json_hex(&j, "end", range->end);
    vtop_json_hex(&j, "size", range->size);
    vtop_json_str(&j, "prot", prot);
    vtop_json_bool(&j, "user", user);
    vtop_json_bool(&j, "writable", writable);
    vtop_json_end(&j);
}

void vtop_fmt_json_ptdump_range(const vtop_out *out, const vtop_space *space,
                                const vtop_ptdump_range *range)
{
    unsigned p = range->prot;
    char level[4] = {'L', range->arm_level < 0 ? '-' : (char)('0' + range->arm_level),
                     range->arm_level < 0 ? '1' : '\0', '\0'};
    char mt[40];
    vtop_fmt_ptdump_memtype(space, range->attr_index, mt, sizeof mt);
    vtop_json j;
    vtop_json_begin(&j, out);
    vtop_json_str(&j, "cmd", "mem");
    vtop_json_hex(&j, "start", range->start);
    vtop_json_hex(&j, "end", range->end);
    vtop_json_hex(&j, "size", range->end - range->start);
    vtop_json_str(&j, "ttbr", vtop_fmt_a64_ttbr_name(space, range->half));
    vtop_json_str(&j, "level", level);
    vtop_json_str(&j, "linux_level", range->level_name);
    vtop_json_bool(&j, "user", (p & VTOP_PTDUMP_USR) != 0);
    vtop_json_bool(&j, "writable", !(p & VTOP_PTDUMP_RO));
    vtop_json_bool(&j, "executable", !(p & VTOP_PTDUMP_NX));
    vtop_json_bool(&j, "user_executable", !(p & VTOP_PTDUMP_UXN));
    vtop_json_bool(&j, "shareable", (p & VTOP_PTDUMP_SHD) != 0);
    vtop_json_bool(&j, "af", (p & VTOP_PTDUMP_AF) != 0);
    vtop_json_bool(&j, "ng", (p & VTOP_PTDUMP_NG) != 0);
    vtop_json_bool(&j, "contiguous", (p & VTOP_PTDUMP_CON) != 0);
    vtop_json_bool(&j, "block", (p & VTOP_PTDUMP_BLK) != 0);
    vtop_json_bool(&j, "guarded", (p & VTOP_PTDUMP_GP) != 0);
    vtop_json_uint(&j, "AttrIndx", range->attr_index);
    vtop_json_str(&j, "memtype", mt);
    vtop_json_end(&j);
}

void vtop_fmt_json_ptov_hit(const vtop_report *r, const vtop_ptov_hit *h)
{
    char rights[8];
    vtop_report_rights(r->space, h->rights, rights);
    vtop_json j;
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "ptov");
    vtop_json_hex(&j, "pa", h->pa);
    vtop_json_hex(&j, "va", h->va);
    vtop_json_hex(&j, "len", h->len);
    vtop_json_hex(&j, "leaf_va", h->leaf_va);
    vtop_json_hex(&j, "leaf_pa", h->leaf_pa);
    vtop_json_hex(&j, "leaf_size", h->leaf_size);
    vtop_json_str(&j, "level", vtop_report_level_name_va(r->space, h->leaf_va,
                                                         h->level));
    vtop_json_str(&j, "rights", rights);
    vtop_json_end(&j);
}

void vtop_fmt_json_ptov_pair(const vtop_report *r, const vtop_ptov_pair *p)
{
    char rights[8];
    vtop_report_rights(r->space, p->rights, rights);
    vtop_json j;
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "ptov");
    vtop_json_hex(&j, "pa", p->pa);
    vtop_json_hex(&j, "va", p->va);
    vtop_json_hex(&j, "size", p->size);
    vtop_json_str(&j, "level", vtop_report_level_name_va(r->space, p->va,
                                                         p->level));
    vtop_json_str(&j, "rights", rights);
    vtop_json_end(&j);
}

void vtop_fmt_json_root(const vtop_out *out, size_t rank,
                        const vtop_root_candidate *r, const char *evidence)
{
    vtop_json j;
    vtop_json_begin(&j, out);
    vtop_json_str(&j, "cmd", "roots");
    vtop_json_uint(&j, "rank", rank);
    vtop_json_hex(&j, "root", r->root);
    vtop_json_str(&j, "mode", vtop_report_mode_name(r->mode));
    vtop_json_int(&j, "score", r->score);
    vtop_json_str(&j, "evidence", evidence);
    vtop_json_uint(&j, "present", r->present);
    vtop_json_uint(&j, "kernel", r->kernel);
    vtop_json_int(&j, "self_index", r->self_index);
    vtop_json_uint(&j, "sharers", r->sharers);
    vtop_json_uint(&j, "leaves", r->leaves);
    vtop_json_uint(&j, "sound", r->sound);
    vtop_json_uint(&j, "linear", r->linear);
    vtop_json_uint(&j, "top_bad", r->top_bad);
    vtop_json_uint(&j, "bad", r->bad);
    vtop_json_uint(&j, "missing", r->missing);
    vtop_json_uint(&j, "user_leaves", r->user_leaves);
    vtop_json_uint(&j, "user_dirty", r->user_dirty);
    vtop_json_end(&j);
}
