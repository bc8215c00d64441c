/* vtop report layer: translation record as JSON (see record_json.h). */
#include "record_json.h"

#include "fmt_a64.h"
#include "fmt_windbg.h"
#include "json.h"

void vtop_json_leaf_flags(vtop_json *j, const char *key, uint8_t flags)
{
    vtop_json_object(j, key);
    vtop_json_bool(j, "G", (flags & VTOP_LEAF_G) != 0);
    vtop_json_bool(j, "D", (flags & VTOP_LEAF_D) != 0);
    vtop_json_bool(j, "A", (flags & VTOP_LEAF_A) != 0);
    vtop_json_bool(j, "PAT", (flags & VTOP_LEAF_PAT) != 0);
    vtop_json_bool(j, "PCD", (flags & VTOP_LEAF_PCD) != 0);
    vtop_json_bool(j, "PWT", (flags & VTOP_LEAF_PWT) != 0);
    vtop_json_close(j, '}');
}

void vtop_json_a64_flags(vtop_json *j, const char *key,
                         const vtop_space *space, unsigned flags)
{
    static const char *const sh[4] = {"NS", "??", "OS", "IS"};
    unsigned attr = vtop_leaf_attr_index(flags);
    vtop_json_object(j, key);
    vtop_json_bool(j, "AF", (flags & VTOP_LEAF_AF) != 0);
    vtop_json_bool(j, "nG", (flags & VTOP_LEAF_NG) != 0);
    vtop_json_bool(j, "DBM", (flags & VTOP_LEAF_DBM) != 0);
    vtop_json_bool(j, "CONT", (flags & VTOP_LEAF_CONT) != 0);
    vtop_json_bool(j, "NS", (flags & VTOP_LEAF_NS) != 0);
    vtop_json_str(j, "SH", sh[vtop_leaf_sh(flags)]);
    vtop_json_uint(j, "AttrIndx", attr);
    vtop_json_str(j, "memtype", vtop_a64_mair_decode(space->cfg.mair, attr).name);
    vtop_json_close(j, '}');
}

static void record_levels(vtop_json *j, const vtop_space *space,
                          const vtop_translation *t)
{
    vtop_json_array(j, "levels");
    for (unsigned i = 0; i < t->nlevels && i < VTOP_MAX_LEVELS; i++) {
        vtop_json_object(j, NULL);
        vtop_json_str(j, "name", vtop_report_level_name_va(space, t->va,
                                                           t->levels[i].level));
        vtop_json_hex(j, "entry_pa", t->levels[i].entry_pa);
        vtop_json_hex(j, "entry", t->levels[i].entry);
        vtop_json_close(j, '}');
    }
    vtop_json_close(j, ']');
    vtop_json_array(j, "offsets");
    for (unsigned i = 0; i < t->nlevels && i < VTOP_MAX_LEVELS; i++)
        vtop_json_hex(j, NULL, t->levels[i].entry_pa);
    if (t->status == VTOP_OK)
        vtop_json_hex(j, NULL, t->pa);
    vtop_json_close(j, ']');
}

/* AArch64 members: the half, EL0 execute, the attributes. */
static void record_a64(vtop_json *j, const vtop_space *space,
                       const vtop_translation *t)
{
    unsigned half = vtop_space_half_of(space, t->va);
    vtop_json_str(j, "arch", "aarch64");
    vtop_json_str(j, "ttbr", vtop_fmt_a64_ttbr_name(space, half));
    vtop_json_bool(j, "user_executable", (t->rights & VTOP_RIGHT_UEXEC) != 0);
    vtop_json_a64_flags(j, "attrs", space, t->leaf_flags);
}

void vtop_record_json(const vtop_out *out, const char *cmd,
                      const vtop_space *space, const vtop_translation *t)
{
    vtop_json j;
    vtop_json_begin(&j, out);
    vtop_json_str(&j, "cmd", cmd);
    vtop_json_hex(&j, "va", t->va);
    vtop_json_str(&j, "status", vtop_status_name(t->status));
    vtop_json_hex(&j, "hresult", vtop_hresult(t->status));
    bool a64 = vtop_mode_is_a64(space->desc);
    if (t->status == VTOP_OK) {
        char rights[8];
        vtop_report_rights(space, t->rights, rights);
        vtop_json_hex(&j, "pa", t->pa);
        vtop_json_hex(&j, "page_size", t->page_size);
        vtop_json_str(&j, "rights", rights);
    } else {
        vtop_json_null(&j, "pa");
        if (t->page_size)
            vtop_json_hex(&j, "page_size", t->page_size);
        else
            vtop_json_null(&j, "page_size");
        vtop_json_null(&j, "rights");
    }
    vtop_json_bool(&j, "writable", (t->rights & VTOP_RIGHT_WRITE) != 0);
    vtop_json_bool(&j, "user", (t->rights & VTOP_RIGHT_USER) != 0);
    vtop_json_bool(&j, "executable", (t->rights & VTOP_RIGHT_EXEC) != 0);
    vtop_json_leaf_flags(&j, "leaf_flags", (uint8_t)t->leaf_flags);
    if (a64)
        record_a64(&j, space, t);
    if (t->fault_level >= 0)
        vtop_json_str(&j, "fault_level",
                      vtop_report_level_name_va(space, t->va, t->fault_level));
    else
        vtop_json_null(&j, "fault_level");
    vtop_json_hex(&j, "reserved_bits", t->reserved_bits);
    vtop_json_str(&j, "swpte", vtop_swpte_name(t->swpte));
    vtop_json_uint(&j, "nlevels", t->nlevels);
    record_levels(&j, space, t);
    vtop_json_end(&j);
}
