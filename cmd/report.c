/* vtop report layer: the context shared by the formatters (report.h). */
#include "cmd/report.h"

#include "cmd/fmt_a64.h"
#include "cmd/fmt_windbg.h"

const char *vtop_report_level_name(const vtop_space *space, int level)
{
    if (level < 0 || !space->desc || level >= (int)space->desc->levels)
        return "-";
    return space->desc->level[level].name;
}

const char *vtop_report_level_name_va(const vtop_space *space, uint64_t va,
                                      int level)
{
    const vtop_mode_desc *d = space->desc ? vtop_space_desc_of(space, va) : NULL;
    if (level < 0 || !d || level >= (int)d->levels)
        return "-";
    return d->level[level].name;
}

void vtop_report_rights(const vtop_space *space, unsigned rights, char out[8])
{
    if (vtop_mode_is_a64(space->desc))
        vtop_fmt_a64_rights(rights, out);
    else
        vtop_fmt_rights((uint8_t)rights, out);
}

const char *vtop_swpte_name(vtop_swpte kind)
{
    switch (kind) {
    case VTOP_SWPTE_NONE: return "none";
    case VTOP_SWPTE_TRANSITION: return "transition";
    case VTOP_SWPTE_PROTOTYPE: return "prototype";
    case VTOP_SWPTE_PAGEFILE: return "pagefile";
    case VTOP_SWPTE_DEMAND_ZERO: return "demand-zero";
    }
    return "unknown";
}

const char *vtop_report_mode_name(vtop_mode mode)
{
    const vtop_mode_desc *d = vtop_mode_describe(mode);
    return d ? d->name : "none";
}
