/* vtop report layer: a translation record as one JSON object (every field
 * of vtop_translation, plus dbgeng's GetVirtualTranslationPhysicalOffsets
 * list: each entry's physical address, then the final physical address). */
#ifndef VTOP_CMD_RECORD_JSON_H
#define VTOP_CMD_RECORD_JSON_H

#include "../core/paging.h"
#include "out.h"
#include "report.h"

void vtop_record_json(const vtop_out *out, const char *cmd,
                      const vtop_space *space, const vtop_translation *t);

struct vtop_json;
/* VTOP_LEAF_* bits as an object {"G":..,"D":..,"A":..,"PAT":..,"PCD":..,"PWT":..}. */
void vtop_json_leaf_flags(struct vtop_json *j, const char *key, uint8_t flags);
/* AArch64 leaf attributes: {"AF","nG","DBM","CONT","NS": bools, "SH": "NS"|
 * "OS"|"IS"|"??", "AttrIndx": n, "memtype": MAIR name ("unknown" without
 * MAIR)}. */
void vtop_json_a64_flags(struct vtop_json *j, const char *key,
                         const vtop_space *space, unsigned flags);

#endif
