/* vtop EFI app: the malloc arena behind sbrk (efi/syscalls.c). */
#ifndef VTOP_EFI_HEAP_H
#define VTOP_EFI_HEAP_H

#include <stddef.h>

#include <efi.h>

/* Arena size to ask for, from the current memory map. */
size_t efi_heap_pick_size(void);
/* Allocate the arena (AllocatePages, EfiLoaderData). Call before any malloc
 * or printf. */
EFI_STATUS efi_heap_init(size_t bytes);
/* Free the arena: the last thing before returning to the firmware. */
void efi_heap_release(void);
size_t efi_heap_size(void);
size_t efi_heap_used(void);

#endif
