/* vtop core: firmware memory protections.
 *
 * Joins the leaves of one address space with the firmware's own
 * descriptions of its memory (UEFI memory map, GCD memory space map,
 * Memory Attributes Table, loaded images and their PE/COFF sections, the
 * BSP stack, EFI_MEMORY_ATTRIBUTE_PROTOCOL answers) and checks the rules
 * Microsoft's memory mitigation requirements state and Project Mu's
 * PagingAudit tests (mu_plus UefiTestingPkg/AuditTests/PagingAudit), plus
 * what only a join of all sources can show (MAT and GCD agreement).
 *
 * Addresses of the sources are physical; under UEFI they are also the
 * virtual addresses (UEFI spec 2.10 section 2.3.4: identity mapping), so a
 * source range [a, b) is checked at VA [a, b) of the space.
 *
 * Freestanding, no allocation: the caller owns the sources (memory map,
 * GCD and images sorted by start address, non-overlapping: checked) and
 * the report; each check keeps its count and its first VTOP_PROT_FIRST
 * offending ranges.
 */
#ifndef VTOP_PROTECT_H
#define VTOP_PROTECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paging.h"
#include "status.h"

#define VTOP_PROT_NONE  0xffffffffu   /* no type / image / section / entry */
#define VTOP_PROT_FIRST 4             /* offending ranges kept per check */
#define VTOP_PROT_NAME  48            /* image name bytes, NUL included */

/* EFI_MEMORY_TYPE (UEFI spec 2.10 section 7.2, table 7-5). */
enum {
    VTOP_EFI_RESERVED = 0, VTOP_EFI_LOADER_CODE, VTOP_EFI_LOADER_DATA,
    VTOP_EFI_BS_CODE, VTOP_EFI_BS_DATA, VTOP_EFI_RT_CODE, VTOP_EFI_RT_DATA,
    VTOP_EFI_CONVENTIONAL, VTOP_EFI_UNUSABLE, VTOP_EFI_ACPI_RECLAIM,
    VTOP_EFI_ACPI_NVS, VTOP_EFI_MMIO, VTOP_EFI_MMIO_PORT, VTOP_EFI_PAL_CODE,
    VTOP_EFI_PERSISTENT, VTOP_EFI_UNACCEPTED,
    VTOP_EFI_TYPES            /* row of the per-type table for other types */
};
/* EFI_MEMORY_DESCRIPTOR.Attribute bits (UEFI spec 2.10 section 7.2). */
#define VTOP_EFI_MEMORY_RP      0x0000000000002000ull
#define VTOP_EFI_MEMORY_XP      0x0000000000004000ull
#define VTOP_EFI_MEMORY_RO      0x0000000000020000ull
#define VTOP_EFI_MEMORY_RUNTIME 0x8000000000000000ull

/* EFI_GCD_MEMORY_TYPE (PI spec 1.7 vol. 2 section 7.2.4). */
enum {
    VTOP_GCD_NONEXISTENT = 0, VTOP_GCD_RESERVED, VTOP_GCD_SYSTEM_MEMORY,
    VTOP_GCD_MMIO, VTOP_GCD_PERSISTENT, VTOP_GCD_MORE_RELIABLE,
    VTOP_GCD_UNACCEPTED, VTOP_GCD_TYPES
};

/* PE/COFF section characteristics (Microsoft PE format, "Section Flags"). */
#define VTOP_SCN_CNT_CODE    0x00000020u
#define VTOP_SCN_MEM_EXECUTE 0x20000000u
#define VTOP_SCN_MEM_WRITE   0x80000000u

/* A memory-map or MAT descriptor (EFI_MEMORY_DESCRIPTOR). */
typedef struct vtop_prot_mem {
    uint64_t start, pages, attr;
    uint32_t type;
} vtop_prot_mem;

/* A GCD memory space descriptor (EFI_GCD_MEMORY_SPACE_DESCRIPTOR). */
typedef struct vtop_prot_gcd {
    uint64_t start, length, attr;
    uint32_t type;
    bool allocated;          /* ImageHandle != NULL */
} vtop_prot_gcd;

typedef struct vtop_prot_section {
    uint64_t start, size;    /* absolute VA of the section, VirtualSize */
    uint32_t characteristics;
    uint32_t image;          /* index in vtop_prot_sources.images */
    char name[9];            /* IMAGE_SECTION_HEADER.Name, NUL-terminated */
} vtop_prot_section;

typedef struct vtop_prot_image {
    uint64_t base, size;     /* EFI_LOADED_IMAGE_PROTOCOL ImageBase/ImageSize */
    uint32_t section_alignment; /* PE optional header; 0 when unreadable */
    uint32_t first_section, nsections; /* in vtop_prot_sources.sections */
    char name[VTOP_PROT_NAME];
} vtop_prot_image;

/* One EFI_MEMORY_ATTRIBUTE_PROTOCOL.GetMemoryAttributes answer (UEFI spec
 * 2.10, EFI_MEMORY_ATTRIBUTE_PROTOCOL) for one memory-map range. */
typedef struct vtop_prot_attr_answer {
    uint64_t start, length;
    uint64_t attr;           /* RP | XP | RO bits */
    bool ok;                 /* EFI_SUCCESS (else the range has no answer) */
} vtop_prot_attr_answer;

typedef struct vtop_prot_sources {
    const vtop_prot_mem *memmap;   size_t nmemmap;
    const vtop_prot_gcd *gcd;      size_t ngcd;       /* 0: no DXE services */
    const vtop_prot_mem *mat;      size_t nmat;       /* as the table lists them */
    bool has_mat;
    const vtop_prot_image *images; size_t nimages;
    const vtop_prot_section *sections; size_t nsections;
    bool has_stack;
    uint64_t stack_base, stack_size; /* the BSP stack allocation */
    uint64_t rsp;
    bool has_attr_protocol;
    const vtop_prot_attr_answer *attr_answers; size_t nattr;
} vtop_prot_sources;

typedef enum vtop_check_id {
    VTOP_CHECK_NO_WX = 0,         /* 1: no page writable and executable */
    VTOP_CHECK_IMAGE_SECTIONS,    /* 2: code RO, data NX, per image */
    VTOP_CHECK_MMIO_NX,           /* 3: MMIO (memory map, GCD) NX */
    VTOP_CHECK_UNALLOCATED_RP,    /* 4: ConventionalMemory / GCD free not present */
    VTOP_CHECK_OUTSIDE_RP,        /* 5: outside GCD and memory map not present */
    VTOP_CHECK_STACK_NX,          /* 6a: the BSP stack NX */
    VTOP_CHECK_STACK_GUARD,       /* 6b: a not-present guard page below it */
    VTOP_CHECK_NULL_PAGE,         /* 7: page 0 not present */
    VTOP_CHECK_ATTR_PROTOCOL,     /* 8: protocol present, answers = tables */
    VTOP_CHECK_MAT,               /* 9: MAT well formed and honoured */
    VTOP_CHECK_NX_POLICY,         /* 10: data memory types NX (table below) */
    VTOP_CHECK_COUNT
} vtop_check_id;

typedef enum vtop_check_status {
    VTOP_CHECK_PASS = 0,
    VTOP_CHECK_FAIL,
    VTOP_CHECK_NA
} vtop_check_status;

/* Why a check is N/A or what qualifies its answer. */
typedef enum vtop_check_note {
    VTOP_NOTE_NONE = 0,
    VTOP_NOTE_NO_IMAGES,          /* no loaded image listed */
    VTOP_NOTE_NO_GCD,             /* no DXE services table: memory map only */
    VTOP_NOTE_NO_STACK,           /* stack not located */
    VTOP_NOTE_NO_PROTOCOL,        /* EFI_MEMORY_ATTRIBUTE_PROTOCOL absent */
    VTOP_NOTE_NO_MAT,             /* no EFI_MEMORY_ATTRIBUTES_TABLE */
    VTOP_NOTE_GUARD_BELOW,        /* guard: the page below the allocation */
    VTOP_NOTE_GUARD_FIRST,        /* guard: the allocation's first page */
    VTOP_NOTE_COUNT
} vtop_check_note;

/* Reasons an offending range is listed (bits; MAT and image checks). */
#define VTOP_WHY_RIGHTS      (1u << 0)  /* the tables' rights break the rule */
#define VTOP_WHY_MAT_TYPE    (1u << 1)  /* not a runtime memory type */
#define VTOP_WHY_MAT_RUNTIME (1u << 2)  /* EFI_MEMORY_RUNTIME clear */
#define VTOP_WHY_MAT_ATTR    (1u << 3)  /* code not RO / data not XP */
#define VTOP_WHY_MAT_ALIGN   (1u << 4)  /* start not 4 KiB aligned, or empty */
#define VTOP_WHY_MAT_ORDER   (1u << 5)  /* not ascending, or overlapping */
#define VTOP_WHY_MAT_MEMMAP  (1u << 6)  /* not inside a same-type memory-map entry */
#define VTOP_WHY_ALIGNMENT   (1u << 7)  /* image sections below 4 KiB alignment */
#define VTOP_WHY_NO_ANSWER   (1u << 8)  /* GetMemoryAttributes failed */
#define VTOP_WHY_MIXED       (1u << 9)  /* the tables' rights vary in the range */

typedef struct vtop_prot_range {
    uint64_t va, size;       /* bytes */
    uint64_t pa;             /* first byte's frame (when present) */
    bool present;
    uint8_t rights;          /* VTOP_RIGHT_* (present only) */
    uint32_t memtype;        /* memory-map type, VTOP_PROT_NONE: unlisted */
    uint32_t gcdtype;        /* GCD type, VTOP_PROT_NONE: unlisted */
    uint32_t image, section; /* indexes, VTOP_PROT_NONE when outside images */
    uint32_t entry;          /* MAT / memory-map entry index, or NONE */
    uint32_t why;            /* VTOP_WHY_* */
    uint64_t attr;           /* MAT / protocol attributes behind the range */
} vtop_prot_range;

typedef struct vtop_check_result {
    vtop_check_status status;
    vtop_check_note note;
    uint64_t count;          /* offending pages (MAT, protocol: entries) */
    uint64_t checked;        /* pages (entries) examined */
    size_t nfirst;
    vtop_prot_range first[VTOP_PROT_FIRST];
} vtop_check_result;

/* Pages per memory type (row VTOP_EFI_TYPES: other types). */
typedef struct vtop_type_share {
    uint64_t pages, present, nx, ro, wx;
} vtop_type_share;

typedef struct vtop_prot_report {
    vtop_check_result check[VTOP_CHECK_COUNT];
    vtop_type_share types[VTOP_EFI_TYPES + 1];
    uint64_t nx_policy;      /* bit t: every present page of type t is NX */
    uint64_t guard_pages;    /* lone not-present pages between present ones */
    vtop_prot_range first_guard[VTOP_PROT_FIRST];
    size_t nguard;
    uint64_t leaves;         /* leaves met by the joined walk */
} vtop_prot_report;

/* Run every check. Returns VTOP_OK, VTOP_BAD_ARGUMENT (NULL pointer, a
 * source list unsorted or overlapping, a section naming no image),
 * VTOP_BAD_SPACE, VTOP_LIMIT_REACHED (walk budget spent: counts partial). */
vtop_status vtop_protect_check(const vtop_space *space,
                               const vtop_prot_sources *src,
                               vtop_prot_report *report);

/* Short stable names: "no-wx", "image-sections", ...; "PASS" / "FAIL" /
 * "N/A"; never NULL. */
const char *vtop_check_name(vtop_check_id id);
const char *vtop_check_status_name(vtop_check_status status);

/* ---- the pieces the checks are built from (for the tests) ---- */

/* A stretch of VA with one state: a leaf (clipped) or a hole. */
typedef struct vtop_prot_piece {
    uint64_t va, size, pa;
    bool present;
    uint8_t rights;
} vtop_prot_piece;

typedef int (*vtop_piece_fn)(void *ctx, const vtop_prot_piece *piece);

/* Report [va_start, va_end] (inclusive) as pieces in VA order, holes
 * included, so the sizes add up to the range. *leaves (may be NULL) counts
 * leaves met. Returns as vtop_enumerate. */
vtop_status vtop_prot_scan(const vtop_space *space, uint64_t va_start,
                           uint64_t va_end, vtop_piece_fn fn, void *ctx,
                           uint64_t *leaves);

/* The piece as a range tagged with the memory type, GCD type, image and
 * section at its first byte (VTOP_PROT_NONE where none). */
void vtop_prot_tag(const vtop_prot_sources *src, const vtop_prot_piece *p,
                   vtop_prot_range *r);

/* Last byte (page-rounded) of the stretch from va that has one memory-map
 * entry or none, one GCD entry or none and one image or none, below limit
 * when va is (the joined walk cuts its pieces there). */
uint64_t vtop_prot_uniform_last(const vtop_prot_sources *src, uint64_t va,
                                uint64_t limit);

/* Top of the physical address space also reachable at VA = PA:
 * min(2^MAXPHYADDR, the lower half of the VA space). */
uint64_t vtop_prot_phys_limit(const vtop_space *space);

#endif
