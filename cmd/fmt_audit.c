/* vtop report layer: audit findings and summary (fmt_audit.h). */
#include "cmd/fmt_audit.h"

#include <inttypes.h>

#include "cmd/json.h"

void vtop_fmt_audit_finding(const vtop_report *r, const vtop_finding *f)
{
    vtop_printf(r->out, "%-14s %016" PRIx64 "-%016" PRIx64 " %6" PRIu64
                " %-5s at %016" PRIx64 " = %016" PRIx64 "\n",
                vtop_finding_name(f->kind), f->va_start, f->va_end, f->count,
                vtop_report_level_name_va(r->space, f->va_start, f->level),
                f->entry_pa, f->entry);
}

void vtop_fmt_json_audit_finding(const vtop_report *r, const vtop_finding *f)
{
    vtop_json j;
    vtop_json_begin(&j, r->out);
    vtop_json_str(&j, "cmd", "audit");
    vtop_json_str(&j, "finding", vtop_finding_name(f->kind));
    vtop_json_hex(&j, "va_start", f->va_start);
    vtop_json_hex(&j, "va_end", f->va_end);
    vtop_json_uint(&j, "count", f->count);
    vtop_json_str(&j, "level",
                  vtop_report_level_name_va(r->space, f->va_start, f->level));
    vtop_json_hex(&j, "entry_pa", f->entry_pa);
    vtop_json_hex(&j, "entry", f->entry);
    vtop_json_hex(&j, "pa", f->pa);
    vtop_json_hex(&j, "reserved_bits", f->reserved_bits);
    if (f->kind == VTOP_FINDING_TABLE_SHARED || f->kind == VTOP_FINDING_TABLE_ALIASED) {
        vtop_json_hex(&j, "other_entry_pa", f->other_entry_pa);
        vtop_json_str(&j, "other_level", vtop_report_level_name(r->space, f->other_level));
    }
    vtop_json_end(&j);
}

static uint64_t total_findings(const vtop_audit_stats *st)
{
    uint64_t total = 0;
    for (int k = 0; k < VTOP_FINDING_COUNT; k++)
        total += st->findings[k];
    return total;
}

void vtop_fmt_audit_summary(const vtop_out *out, const vtop_audit_stats *st)
{
    vtop_printf(out, "audit: %" PRIu64 " finding(s) over %" PRIu64
                " leaves, %" PRIu64 " tables:", total_findings(st), st->leaves,
                st->tables);
    for (int k = 0; k < VTOP_FINDING_COUNT; k++)
        vtop_printf(out, " %s %" PRIu64, vtop_finding_name((vtop_finding_kind)k),
                    st->findings[k]);
    vtop_puts(out, st->refs_full ? " (table checks partial)\n" : "\n");
}

void vtop_fmt_json_audit_summary(const vtop_out *out, const vtop_audit_stats *st)
{
    vtop_json j;
    vtop_json_begin(&j, out);
    vtop_json_str(&j, "cmd", "audit-summary");
    vtop_json_uint(&j, "findings", total_findings(st));
    for (int k = 0; k < VTOP_FINDING_COUNT; k++)
        vtop_json_uint(&j, vtop_finding_name((vtop_finding_kind)k), st->findings[k]);
    vtop_json_uint(&j, "leaves", st->leaves);
    vtop_json_uint(&j, "tables", st->tables);
    vtop_json_bool(&j, "refs_full", st->refs_full);
    vtop_json_end(&j);
}
