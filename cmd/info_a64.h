/* vtop command language: `info` for an AArch64 space (info_a64.c). */
#ifndef VTOP_CMD_INFO_A64_H
#define VTOP_CMD_INFO_A64_H

#include "json.h"
#include "session.h"

/* The regime, each half's TTBR and decoded TCR fields, the MAIR
 * attributes: text lines, or JSON members. */
void vtop_info_a64_text(vtop_cmd_ctx *c);
void vtop_info_a64_json(vtop_json *j, const vtop_session *s);

#endif
