/* vtop EFI app: the `memtypes` command: the current
 * target's mappings merged by rights and by the UEFI memory type of the
 * physical pages behind them (RuntimeServicesCode, MemoryMappedIO, ...,
 * "unlisted" where the memory map says nothing). Meant for the live
 * targets; on an image it names what this machine has at those addresses. */
#ifndef VTOP_EFI_MEMTYPES_H
#define VTOP_EFI_MEMTYPES_H

#include "cmd/session.h"

extern const vtop_command efi_memtypes_command;

#endif
