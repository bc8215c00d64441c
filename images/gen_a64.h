/* gen_a64: synthetic AArch64 stage 1 address spaces (images/gen_a64.c),
 * written by gen_images beside the x86 ones.
 *
 * Output (in the directory given):
 *   A64MANIFEST   "image FILE FORMAT SPACE REGS" per image; REGS is
 *                 "sidecar" (raw, LiME: the registers are in SPACE.regs and
 *                 the test passes them as --ttbr0/--ttbr1/--tcr/--mair) or
 *                 "vmcoreinfo" (ELF core: TTBR1 and T1SZ are in the note)
 *   SPACE.regs    "ttbr0 X", "ttbr1 X", "tcr X", "mair X", "regime R" (el1, el2, e2h),
 *                 "granule N", "va_bits N", "pa_bits N" (one per line)
 *   SPACE.map     "map VA PA SIZE LEVEL priv=RWX user=RWX attr=N sh=SH
 *                 af=A ng=G cont=C dbm=D" per leaf (rights of the privileged
 *                 level and of EL0, derived in the generator from the
 *                 descriptors and the table bits on the path), "fault VA
 *                 KIND LEVEL" per address that must not translate (KIND:
 *                 translation, address-size, access-flag, table-not-in-image,
 *                 out-of-range; LEVEL "-" when no level applies), "tbi VA
 *                 CANON" for an address that translates as CANON (TBI)
 * Windows ARM64 and kdump variants are written by their own writers.
 */
#ifndef VTOP_IMAGES_GEN_A64_H
#define VTOP_IMAGES_GEN_A64_H

#include <stdio.h>

/* Write every AArch64 space in every format to dir; exits on I/O errors. */
void gen_a64_all(const char *dir);

#endif
