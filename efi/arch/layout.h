/* vtop EFI app: the own map's paging layout, where the architecture offers
 * a choice (-paging option). IA32 builds 32-bit (PSE) and PAE tables and
 * may load either (efi/arch/ia32/ownmap.c); x64 loads tables in the mode
 * the firmware runs (efi/ownmap.c), so it offers none. */
#ifndef VTOP_EFI_ARCH_LAYOUT_H
#define VTOP_EFI_ARCH_LAYOUT_H

#include <stdbool.h>

/* Pick the layout by name ("32bit", "pae"). Returns false when this
 * architecture has no such choice; call before ownmap_setup. */
bool arch_own_layout_choose(const char *name);

#endif
