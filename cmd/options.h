/* vtop command language: the options of `open` (also the host CLI's). */
#ifndef VTOP_CMD_OPTIONS_H
#define VTOP_CMD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* The option list for help texts and the man page. */
#define VTOP_OPEN_OPTIONS_HELP \
    "  --format F       raw, elf, lime, windmp64, windmp32, kdump, flat\n" \
    "                   (default: detect by content)\n" \
    "  --cr3 X          page-table root (hex); default: the image's vCPU CR3\n" \
    "  --mode M         32bit, 32bit-pse, pae, 4level, 5level\n" \
    "  --cpu N          use vCPU N's registers (decimal, default 0)\n" \
    "  --maxphyaddr N   physical address width in bits, 32..52 (default 52)\n" \
    "  --windows        decode not-present entries as Windows software PTEs\n" \
    "  --nxe, --no-nxe  EFER.NXE on/off (default: the image's, else on)\n" \
    "  --strict         refuse a damaged image (truncated, pages past the end)\n" \
    "  --arch A         x86 (default) or aarch64 (default: the image's)\n" \
    "  --ttbr0 X, --ttbr1 X, --tcr X, --mair X\n" \
    "                   AArch64 translation registers (hex; TTBR1 and TCR from\n" \
    "                   VMCOREINFO when the image has them); implies aarch64\n" \
    "  --el2            TCR/TTBR0 are TCR_EL2/TTBR0_EL2 (EL2, one range)\n" \
    "  --e2h            EL2 with HCR_EL2.E2H: two ranges, TCR_EL1 layout\n"

/* A mode name that walks tables ("32bit" ... "5level", not "none": a mode
 * with a descriptor, core/paging.h): true with *out set. */
bool vtop_parse_paging_mode(const char *text, vtop_mode *out);

/* Try argv[*i] as an open option. Returns 1 when it was one (consumed with
 * its value; *i is advanced past it), 0 when argv[*i] is not an open option,
 * -1 on error with a message naming the offending word in why. */
int vtop_open_option(int argc, char **argv, int *i, vtop_open_options *opt,
                     char *why, size_t why_len);

#endif
