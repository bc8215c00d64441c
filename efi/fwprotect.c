/* vtop EFI app: the `protections` provider (fwprotect.h). */
#include "fwprotect.h"

#include <stdio.h>

static int provide(void *ctx, vtop_prot_sources *src, char *why, size_t why_len)
{
    fwprotect *fp = ctx;
    if (!fp->ok) {
        snprintf(why, why_len, "gathering failed (EFI status 0x%llx)",
                 (unsigned long long)fp->why);
        return -1;
    }
    *src = fp->fs.src;
    return 0;
}

/* The app's own map (efi/idplan.h) is planned from the memory map alone and
 * must keep boot services working while it is loaded: these rules it
 * cannot meet before ExitBootServices. */
static const char *own_unmet(void *ctx, const vtop_space *space, vtop_check_id id)
{
    const fwprotect *fp = ctx;
    if (!fp->own_root || space->root != fp->own_root)
        return NULL;
    switch (id) {
    case VTOP_CHECK_NO_WX:
    case VTOP_CHECK_IMAGE_SECTIONS:
        return "the app's map follows the memory map, whose code entries hold whole "
               "images (code and data sections): firmware still writes their data "
               "while boot services run, so those pages stay writable and executable";
    case VTOP_CHECK_UNALLOCATED_RP:
        return "ConventionalMemory stays mapped: AllocatePages hands it to firmware "
               "and the app while the app's map is loaded";
    case VTOP_CHECK_OUTSIDE_RP:
        return "the app keeps the firmware's mappings of what the memory map omits "
               "(LAPIC, IOAPIC, PCI windows) so drivers keep working";
    case VTOP_CHECK_STACK_GUARD:
        return "the app maps the stack allocation as the memory map lists it and "
               "adds no guard page of its own";
    case VTOP_CHECK_NULL_PAGE:
        return "page 0 is memory-map RAM that boot services may hand out";
    case VTOP_CHECK_ATTR_PROTOCOL:
        return "the protocol answers for the firmware's tables, not the app's";
    case VTOP_CHECK_MAT:
        return "runtime code stays writable in the app's map, as the memory map "
               "does not split runtime images into sections";
    default:
        return NULL;
    }
}

void fwprotect_init(fwprotect *fp)
{
    fp->why = fwsources_gather(&fp->fs);
    fp->ok = !EFI_ERROR(fp->why);
    fp->own_root = 0;
    fp->provider = (vtop_prot_provider){ provide, own_unmet, fp };
}

void fwprotect_free(fwprotect *fp)
{
    fwsources_free(&fp->fs);
    fp->ok = false;
}
