/* vtop core: x86 paging modes, address spaces and the translation record.
 *
 * One table-driven walker serves every mode (STYLE.md rule 1): a
 * vtop_mode_desc lists the levels of a mode, top first; a vtop_space adds the
 * root, NXE, MAXPHYADDR and masks, and precomputes each level's reserved-bit
 * masks once, so the walk loop itself only masks and compares.
 *
 * Sources: Intel SDM Vol. 3A chapter 4 (4.3 32-bit, 4.4 PAE, 4.5 4/5-level);
 * AMD APM Vol. 2 chapter 5. Freestanding: <stdint.h>, <stddef.h>,
 * <stdbool.h> only.
 */
#ifndef VTOP_PAGING_H
#define VTOP_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "physmem.h"
#include "status.h"

/* Entry bits common to every mode (SDM Vol. 3A tables 4-4 .. 4-20). */
#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)   /* large page in a PDE/PDPTE; PAT in a 4K PTE */
#define PTE_G    (1ull << 8)
#define PTE_PAT_4K    (1ull << 7)
#define PTE_PAT_LARGE (1ull << 12) /* PAT of a 2M/4M/1G leaf: not an address bit */
#define PTE_NX   (1ull << 63)

/* Windows x64 software PTE bits (REFERENCE.md section 3). */
#define PTE_WIN_PROTOTYPE  (1ull << 10)
#define PTE_WIN_TRANSITION (1ull << 11)

typedef enum vtop_mode {
    VTOP_MODE_NONE = 0,   /* paging disabled (CR0.PG=0): identity */
    VTOP_MODE_32BIT,      /* 2 levels, 4-byte entries, CR4.PSE=0: 4K only */
    VTOP_MODE_32BIT_PSE,  /* 2 levels, CR4.PSE=1: 4K and 4M (PSE-36 high bits) */
    VTOP_MODE_PAE,        /* 3 levels (PDPTE, PDE, PTE), 8-byte entries */
    VTOP_MODE_4LEVEL,     /* PML4E, PDPTE, PDE, PTE */
    VTOP_MODE_5LEVEL,     /* PML5E, PML4E, PDPTE, PDE, PTE */
    VTOP_MODE_COUNT
} vtop_mode;

#define VTOP_MAX_LEVELS 5

typedef struct vtop_level_desc {
    const char *name;     /* "PML5E", "PML4E", "PDPTE", "PDE", "PTE" */
    uint8_t shift;        /* lowest VA bit of this level's index */
    uint8_t index_bits;   /* 10 (32-bit), 9, or 2 (PAE PDPTE) */
    bool leaf_allowed;    /* PS=1 makes a leaf here (PDE, PDPTE in long mode) */
} vtop_level_desc;

typedef struct vtop_mode_desc {
    vtop_mode mode;
    const char *name;     /* "32bit", "32bit-pse", "pae", "4level", "5level" */
    uint8_t levels;       /* 2, 3, 4 or 5 */
    uint8_t entry_size;   /* 4 or 8 bytes */
    uint8_t va_bits;      /* 32, 48 or 57 */
    bool sign_extended;   /* long mode: canonical upper half */
    vtop_level_desc level[VTOP_MAX_LEVELS]; /* [0] is the top level */
} vtop_mode_desc;

/* The static descriptor of a mode, or NULL for VTOP_MODE_NONE/invalid. */
const vtop_mode_desc *vtop_mode_describe(vtop_mode mode);

/* Mode name -> mode ("32bit", "32bit-pse", "pse", "pae", "4level", "5level";
 * also "none"). Returns VTOP_OK or VTOP_BAD_ARGUMENT. */
vtop_status vtop_mode_parse(const char *name, vtop_mode *out);

/* The mode a CPU with these control registers uses (SDM Vol. 3A 4.1.1,
 * table 4-1): PG=0 -> NONE; PAE=0 -> 32BIT or 32BIT_PSE by CR4.PSE;
 * PAE=1 and EFER.LMA (or LME with PG) -> 4LEVEL or 5LEVEL by CR4.LA57;
 * else PAE. */
vtop_mode vtop_mode_from_registers(uint64_t cr0, uint64_t cr4, uint64_t efer);

/* Control-register bits used above. */
#define CR0_PG    (1ull << 31)
#define CR0_WP    (1ull << 16)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)

/* What the caller knows about an address space. */
typedef struct vtop_space_config {
    vtop_mode mode;
    uint64_t cr3;            /* raw CR3: flag and PCID bits are masked per mode */
    bool nxe;                /* EFER.NXE: bit 63 is NX, else reserved (PAE/long) */
    uint8_t maxphyaddr;      /* 36..52; 0 means 52 */
    uint64_t pa_extra_mask;  /* bits to strip from every physical address read
                                from an entry (AMD SEV C-bit, Intel TDX shared bit) */
    bool windows_pte;        /* interpret P=0 entries as Windows software PTEs */
} vtop_space_config;

/* Per-level data the walk loop reads, packed together (one cache line per
 * level) and derived once by vtop_space_init. */
typedef struct vtop_level_fast {
    uint64_t reserved[2];    /* = vtop_space.reserved[l] */
    uint64_t ps_mask;        /* PTE_PS where PS makes a large leaf, else 0 */
    uint64_t fill;           /* = vtop_space.rights_fill[l] */
    uint64_t leaf_mask;      /* = vtop_space.leaf_mask[l] */
    uint64_t pse36_mask;     /* = vtop_space.pse36_mask[l] */
    uint64_t page_size;      /* bytes one entry maps: 1 << shift */
    uint64_t stop_mask;      /* reserved[0] | PTE_P: (e ^ PTE_P) & stop_mask
                                is non-zero iff P=0 or a bit reserved in every
                                form of the entry is set */
    uint16_t off_mask;       /* byte offset of the entry in its table: */
    uint8_t off_shift;       /*   (va >> off_shift) & off_mask */
    uint8_t last;            /* 1 at the last level (always a leaf) */
    uint8_t pat_shift;       /* (e >> pat_shift) & 8 = VTOP_LEAF_PAT of a leaf
                                here: PAT is bit 7 (4K) or bit 12 (large) */
} vtop_level_fast;

/* A ready-to-walk address space. Caller-owned; init fills it. */
typedef struct vtop_space {
    vtop_space_config cfg;
    const vtop_mode_desc *desc;
    vtop_physmem mem;
    uint64_t root;           /* physical address of the top table */
    uint64_t addr_mask;      /* bits of an entry that hold a table/frame address */
    /* Per level: reserved bits when the entry points to a table [0] or is a
     * large leaf [1] (SDM Vol. 3A tables 4-6, 4-8..4-11, 4-14..4-20). */
    uint64_t reserved[VTOP_MAX_LEVELS][2];
    /* Precomputed by vtop_space_init so the walk loop only masks (see
     * core/entry.h, which every walk-like module uses to read entries). */
    uint64_t leaf_mask[VTOP_MAX_LEVELS];   /* frame bits of a leaf at this level
                                              (large: low bits incl. PAT cleared) */
    uint64_t pse36_mask[VTOP_MAX_LEVELS];  /* PSE-36 4M PDE bits 13.. -> PA bits 32.. */
    uint64_t rights_fill[VTOP_MAX_LEVELS]; /* R/W|U/S where absent (PAE PDPTE) */
    uint64_t nx_mask;        /* PTE_NX with NXE in 8-byte modes, else 0 */
    uint64_t win_pfn_mask;   /* Windows transition PFN bits 12..min(M,45)-1 */
    vtop_level_fast fast[VTOP_MAX_LEVELS];
    size_t root_run;         /* index of the run holding the root (0 if none):
                                the walk's first guess for the top table */
    uint64_t root_win_phys;  /* that run as the walk's window: an entry at pa */
    uint64_t root_win_span;  /*   is inside iff pa - phys < span */
    const uint8_t *root_win_data;
} vtop_space;

/* Returns VTOP_OK or VTOP_BAD_SPACE (unknown mode, maxphyaddr out of range,
 * root not representable). */
vtop_status vtop_space_init(vtop_space *space, const vtop_space_config *cfg,
                            const vtop_physmem *mem);

/* Windows software PTE kinds (REFERENCE.md section 3). */
typedef enum vtop_swpte {
    VTOP_SWPTE_NONE = 0,     /* hardware-present entry, or windows_pte off */
    VTOP_SWPTE_TRANSITION,   /* page still in RAM: translation succeeds */
    VTOP_SWPTE_PROTOTYPE,
    VTOP_SWPTE_PAGEFILE,
    VTOP_SWPTE_DEMAND_ZERO
} vtop_swpte;

typedef struct vtop_level_read {
    uint64_t entry_pa;       /* physical address of the entry that was read */
    uint64_t entry;          /* its raw value (zero-extended for 4-byte entries) */
    uint8_t level;           /* index into desc->level[] */
} vtop_level_read;

/* Effective rights (SDM Vol. 3A 4.6): AND of R/W and U/S over all levels,
 * executable iff no level has NX (with NXE). */
#define VTOP_RIGHT_WRITE (1u << 0)
#define VTOP_RIGHT_USER  (1u << 1)
#define VTOP_RIGHT_EXEC  (1u << 2)

/* Leaf attribute bits, as decoded (independent of entry layout). */
#define VTOP_LEAF_G    (1u << 0)
#define VTOP_LEAF_D    (1u << 1)
#define VTOP_LEAF_A    (1u << 2)
#define VTOP_LEAF_PAT  (1u << 3)
#define VTOP_LEAF_PCD  (1u << 4)
#define VTOP_LEAF_PWT  (1u << 5)

typedef struct vtop_translation {
    vtop_status status;      /* VTOP_OK or why not; vtop_hresult() gives dbgeng's code */
    uint64_t va;
    uint64_t pa;             /* valid when status == VTOP_OK */
    uint64_t page_size;      /* 4K, 2M, 4M or 1G when a leaf was reached */
    uint8_t nlevels;         /* entries read (valid in levels[]); on
                                VTOP_TABLE_NOT_IN_IMAGE levels[fault_level].entry_pa
                                is the address that could not be read */
    int8_t fault_level;      /* desc->level[] index where the walk stopped, -1 if none */
    uint64_t reserved_bits;  /* the reserved bits found set, for VTOP_RESERVED_BIT */
    vtop_swpte swpte;        /* Windows software PTE kind, when applicable */
    uint8_t rights;          /* VTOP_RIGHT_* */
    uint8_t leaf_flags;      /* VTOP_LEAF_* */
    vtop_level_read levels[VTOP_MAX_LEVELS];
} vtop_translation;

/* Translate va in space. Always fills *out (status included) and returns
 * out->status: VTOP_OK, VTOP_NOT_PRESENT, VTOP_RESERVED_BIT,
 * VTOP_NON_CANONICAL, VTOP_ADDRESS_WIDTH, VTOP_TABLE_NOT_IN_IMAGE,
 * VTOP_SOFTWARE_PTE, VTOP_BAD_ARGUMENT. */
vtop_status vtop_translate(const vtop_space *space, uint64_t va,
                           vtop_translation *out);

/* The same walk, checks and statuses as vtop_translate without the record
 * (for callers that only need the address: reads, caches, benchmarks).
 * On VTOP_OK sets *pa and *page_size (either may be NULL). */
vtop_status vtop_translate_pa(const vtop_space *space, uint64_t va,
                              uint64_t *pa, uint64_t *page_size);

/* ReadVirtual contract (REFERENCE.md section 1): copies up to len bytes from
 * va; *done is the count copied. VTOP_OK when all were read, VTOP_PARTIAL_READ
 * when at least one byte but not all were (stopped at the first page that does
 * not translate or is not in the image), else the first failure's status. */
vtop_status vtop_read_virtual(const vtop_space *space, uint64_t va, void *out,
                              size_t len, size_t *done);

/* ReadPhysical: same contract over physical addresses. */
vtop_status vtop_read_physical(const vtop_space *space, uint64_t pa, void *out,
                               size_t len, size_t *done);

/* Canonical form of va for the space's mode (sign extension in long mode). */
uint64_t vtop_canonical(const vtop_mode_desc *desc, uint64_t va);

#endif
