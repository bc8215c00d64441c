/* vtop EFI app, x64: no choice of own-map layout (see efi/arch/layout.h). */
#include "efi/arch/layout.h"

bool arch_own_layout_choose(const char *name)
{
    (void)name;
    return false;
}
