/* vtop report layer: JSON layouts of tlb, mem, ptov and roots (fmt_json.h). */
#include "cmd/fmt_json.h"

#include "cmd/fmt_windbg.h"
#include "cmd/json.h"
#include "cmd/record_json.h"

int vtop_fmt_json_tlb_leaf(void *ctx, const vtop_leaf *leaf)
{
    const vtop_report *r = ctx;
    vtop_json j;
    char rights[5];
    vtop_fmt_rights(leaf->rights, rights);
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "tlb");
    vtop_json_hex(&j, "va", leaf->va);
    vtop_json_hex(&j, "raw_va", leaf->raw_va);
    vtop_json_hex(&j, "pa", leaf->pa);
    vtop_json_hex(&j, "size", leaf->size);
    vtop_json_hex(&j, "entry", leaf->entry);
    vtop_json_str(&j, "level", vtop_report_level_name(r->space, leaf->level));
    vtop_json_str(&j, "rights", rights);
    vtop_json_leaf_flags(&j, "leaf_flags", leaf->leaf_flags);
    vtop_json_hex(&j, "reserved_bits", leaf->reserved_bits);
    vtop_json_array(&j, "levels");
    for (unsigned i = 0; i < leaf->nlevels && i < VTOP_MAX_LEVELS; i++) {
        vtop_json_object(&j, NULL);
        vtop_json_str(&j, "name", vtop_report_level_name(r->space, leaf->levels[i].level));
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

void vtop_fmt_json_ptov_hit(const vtop_report *r, const vtop_ptov_hit *h)
{
    char rights[5];
    vtop_fmt_rights(h->rights, rights);
    vtop_json j;
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "ptov");
    vtop_json_hex(&j, "pa", h->pa);
    vtop_json_hex(&j, "va", h->va);
    vtop_json_hex(&j, "len", h->len);
    vtop_json_hex(&j, "leaf_va", h->leaf_va);
    vtop_json_hex(&j, "leaf_pa", h->leaf_pa);
    vtop_json_hex(&j, "leaf_size", h->leaf_size);
    vtop_json_str(&j, "level", vtop_report_level_name(r->space, h->level));
    vtop_json_str(&j, "rights", rights);
    vtop_json_end(&j);
}

void vtop_fmt_json_ptov_pair(const vtop_report *r, const vtop_ptov_pair *p)
{
    char rights[5];
    vtop_fmt_rights(p->rights, rights);
    vtop_json j;
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "ptov");
    vtop_json_hex(&j, "pa", p->pa);
    vtop_json_hex(&j, "va", p->va);
    vtop_json_hex(&j, "size", p->size);
    vtop_json_str(&j, "level", vtop_report_level_name(r->space, p->level));
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
