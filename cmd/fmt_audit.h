/* vtop report layer: `audit` findings and its summary, as text and JSON.
 *
 * Text: one line per finding "KIND FIRST-LAST COUNT LEVEL at ENTRY_PA =
 * ENTRY", then "audit: N finding(s) over L leaves, T tables: kind n ...".
 * JSON: {"cmd":"audit",...} per finding, then {"cmd":"audit-summary",...}.
 */
#ifndef VTOP_CMD_FMT_AUDIT_H
#define VTOP_CMD_FMT_AUDIT_H

#include "cmd/report.h"
#include "core/audit.h"

void vtop_fmt_audit_finding(const vtop_report *r, const vtop_finding *f);
void vtop_fmt_json_audit_finding(const vtop_report *r, const vtop_finding *f);
void vtop_fmt_audit_summary(const vtop_out *out, const vtop_audit_stats *st);
void vtop_fmt_json_audit_summary(const vtop_out *out, const vtop_audit_stats *st);

#endif
