/* vtop report layer: the context shared by the formatters (report.h). */
#include "cmd/report.h"

const char *vtop_report_level_name(const vtop_space *space, uint8_t level)
{
    return level < space->desc->levels ? space->desc->level[level].name : "-";
}

const char *vtop_report_mode_name(vtop_mode mode)
{
    const vtop_mode_desc *d = vtop_mode_describe(mode);
    return d ? d->name : "none";
}
