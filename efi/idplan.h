/* vtop EFI app: what the app's own identity map must cover.
 *
 * A plan is a sorted list of page-aligned physical ranges, each with the
 * attributes its pages get. It comes from two sources:
 *  - the UEFI memory map: every descriptor, code types executable, the rest
 *    NX (when usable), read-only where the descriptor has EFI_MEMORY_RO,
 *    no-execute where it has EFI_MEMORY_XP, uncached for MMIO types (UEFI
 *    spec 2.10 section 7.2, EFI_MEMORY_DESCRIPTOR.Attribute);
 *  - the firmware's own page tables, for what the memory map omits but the
 *    firmware maps identically (LAPIC/IOAPIC, the PCI MMIO windows below 4 GiB
 *    and above the top of RAM; docs/efi-toolchain.md): mapped RW, NX, UC;
 *    on AArch64 with the firmware leaf's own rights and memory type (its
 *    flash holds code that runs in place).
 * Large pages are later chosen only where the plan is uniform, so no large
 * page spans ranges whose attributes differ.
 */
#ifndef VTOP_EFI_IDPLAN_H
#define VTOP_EFI_IDPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/paging.h"
#include "memmap.h"

#define IDMAP_W        0x01u  /* writable */
#define IDMAP_X        0x02u  /* executable */
#define IDMAP_UC       0x04u  /* uncached (PCD|PWT): MMIO */
#define IDMAP_FIRMWARE 0x08u  /* not in the memory map, mapped by the firmware */

typedef struct idplan_range {
    uint64_t start, end;   /* [start, end), 4 KiB aligned */
    uint8_t attr;          /* IDMAP_* */
} idplan_range;

typedef struct idplan {
    idplan_range *ranges;  /* malloc'd, sorted, non-overlapping */
    size_t count, cap;
    uint64_t limit;        /* nothing at or above: the identity-mappable top */
    bool use_nx;           /* EFER.NXE set and CPUID NX: non-code gets NX */
    uint64_t fw_probes;    /* firmware leaves read while planning */
    vtop_status fw_status; /* first failed firmware walk, or VTOP_OK */
} idplan;

/* Build the plan. fw is the firmware's live space (its CR3); limit is
 * min(2^MAXPHYADDR, 2^(VA bits - 1)) so identity addresses stay canonical.
 * Returns EFI_SUCCESS or EFI_OUT_OF_RESOURCES. */
EFI_STATUS idplan_build(idplan *plan, const efi_memmap *map,
                        const vtop_space *fw, uint64_t limit, bool use_nx);
void idplan_free(idplan *plan);

/* Add [from, to) minus what the plan already lists, with attr (plus
 * IDMAP_FIRMWARE): for firmware that runs without paging, where nothing
 * says which unlisted addresses it touches (MMIO BARs, LAPIC). Returns
 * EFI_SUCCESS or EFI_OUT_OF_RESOURCES. */
EFI_STATUS idplan_add_unlisted(idplan *plan, uint64_t from, uint64_t to,
                               uint8_t attr);

/* How [start, start+size) is covered: 0 = by nothing, 1 = entirely by ranges
 * with one attribute set (*attr), 2 = mixed (partly or differing). */
int idplan_query(const idplan *plan, uint64_t start, uint64_t size,
                 uint8_t *attr);

/* Total bytes planned. */
uint64_t idplan_bytes(const idplan *plan);

#endif
