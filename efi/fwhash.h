/* vtop EFI app: a fingerprint of the firmware's page tables (every table
 * page reachable from its CR3, Accessed and Dirty bits masked because the
 * CPU sets them on its own: SDM Vol. 3A 4.8), printed when the app starts
 * and again when it has restored the firmware's CR3, so a run can show it
 * left the firmware's state as it found it. */
#ifndef VTOP_EFI_FWHASH_H
#define VTOP_EFI_FWHASH_H

#include <stdint.h>

#include "cmd/out.h"
#include "core/paging.h"

typedef struct fwhash {
    uint64_t tables;
    uint64_t hash;           /* FNV-1a 64 over (table PA, masked bytes) */
} fwhash;

vtop_status fwhash_tables(const vtop_space *fw, fwhash *out);

/* "firmware tables WHEN: N pages, hash 0x..." */
void fwhash_print(const vtop_space *fw, const char *when, const vtop_out *out);

#endif
