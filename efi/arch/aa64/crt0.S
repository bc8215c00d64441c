/* vtop EFI app, AArch64: the image entry point.
 *
 * The firmware calls the entry point with the image handle in x0 and the
 * system table in x1 (UEFI spec 2.10 section 2.3.6: AAPCS64, MMU and caches
 * on, stack 16-byte aligned, at least 128 KiB of it). The image is linked
 * at 0 (linker/efi-aarch64.lds) and loaded anywhere, so before any C code
 * runs, gnu-efi's _relocate(ldbase, dynamic, image, systab) applies the
 * R_AARCH64_RELATIVE entries that _DYNAMIC lists (gnu-efi reloc_aarch64.c).
 * adrp/add give PC-relative addresses, valid wherever the image landed.
 * Then efi_main(image, systab); its EFI_STATUS goes back in x0.
 */
    .text
    .globl _start
    .type _start, %function
_start:
    stp x29, x30, [sp, #-32]!
    mov x29, sp
    stp x0, x1, [sp, #16]
    mov x2, x0
    mov x3, x1
    adrp x0, ImageBase
    add x0, x0, #:lo12:ImageBase
    adrp x1, _DYNAMIC
    add x1, x1, #:lo12:_DYNAMIC
    bl _relocate
    cbnz x0, 1f
    ldp x0, x1, [sp, #16]
    bl efi_main
1:  ldp x29, x30, [sp], #32
    ret
    .size _start, . - _start

/* A PE base-relocation block of IMAGE_REL_BASED_ABSOLUTE (type 0, no-op)
 * entries: some loaders refuse to relocate an image without a .reloc
 * section (Microsoft PE/COFF specification, "The .reloc Section"). The
 * real relocation is _relocate's. Blocks are 32-bit aligned, padded with
 * ABSOLUTE entries (2 bytes each: .hword, as .word is 4 bytes in A64 gas):
 * the 8-byte header and two entries make 12. The block must fill the
 * whole section: bytes left after the last block are read by EDK2's
 * PeCoffLoaderRelocateImage as a further, empty block, and the image is
 * refused (EFI_LOAD_ERROR). The
 * page RVA only has to lie inside the image (a link-time difference, so
 * no relocation of its own). */
    .data
dummy_reloc_target:
    .long 0

    .section .reloc, "a"
    .balign 4
reloc_block:
    .long dummy_reloc_target - reloc_block
    .long 12
    .hword 0, 0

    .section .note.GNU-stack, "", %progbits
