/* vtop report layer: the context shared by the formatters (report.h). */
#include "cmd/report.h"

const char *vtop_report_level_name(const vtop_space *space, int level)
{
    if (level < 0 || !space->desc || level >= (int)space->desc->levels)
        return "-";
    return space->desc->level[level].name;
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
