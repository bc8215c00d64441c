/* vtop EFI app: the `protections` command's provider: the firmware
 * sources gathered once, read-only, before the app changes anything
 * (fwsources.h), and why the app's own identity map cannot meet some of
 * the rules pre-OS. */
#ifndef VTOP_EFI_FWPROTECT_H
#define VTOP_EFI_FWPROTECT_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/cmd_protections.h"
#include "fwsources.h"

typedef struct fwprotect {
    fwsources fs;
    bool ok;                     /* gathered */
    EFI_STATUS why;              /* else the error */
    uint64_t own_root;           /* the app's own top table, once loaded (0: none) */
    vtop_prot_provider provider;
} fwprotect;

/* Gather the sources now and bind the provider to fp (which must stay put). */
void fwprotect_init(fwprotect *fp);
void fwprotect_free(fwprotect *fp);

#endif
