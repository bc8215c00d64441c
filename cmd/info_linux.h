/* vtop command language: the `info` lines about where the root came from
 * and what a Linux dump says about its kernel (VMCOREINFO, kdump header),
 * in text and JSON. */
#ifndef VTOP_CMD_INFO_LINUX_H
#define VTOP_CMD_INFO_LINUX_H

#include "json.h"
#include "session.h"

void vtop_info_linux_text(vtop_cmd_ctx *c);
void vtop_info_linux_json(vtop_json *j, const vtop_session *s);

#endif
