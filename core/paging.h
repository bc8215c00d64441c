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

/* Windows x64 software PTE bits (Volatility 3 WindowsIntel32e, LibVMI windows_pte_to_paddr). */
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

/* One level of a mode. Everything the walker, the enumerator, root
 * discovery and the reports need to know about a level is here (STYLE.md
 * rule 2): vtop_space_init derives the per-level masks from it. */
typedef struct vtop_level_desc {
    const char *name;     /* "PML5E", "PML4E", "PDPTE", "PDE", "PTE" */
    uint8_t shift;        /* lowest VA bit of this level's index */
    uint8_t index_bits;   /* 10 (32-bit), 9, or 2 (PAE PDPTE) */
    bool leaf_allowed;    /* PS=1 makes a leaf here (PDE, PDPTE in long mode) */
    bool no_rights;       /* no R/W, U/S, NX bits: the entry grants all rights
                             and bit 63 is reserved (PAE PDPTE, SDM table 4-8) */
    bool pse36;           /* a large leaf holds PA bits 32.. in bits 13..
                             (PSE-36 4M PDE, SDM 4.3 table 4-4) */
    uint64_t rsvd_fixed;  /* reserved in every form of the entry: PAE PDPTE
                             bits 2:1 (table 4-8), PS in a PML4E/PML5E
                             (tables 4-14, 4-15) */
} vtop_level_desc;

/* What QEMU 7.2's monitor does differently in a mode
 * (target/i386/monitor.c): the masks it locates tables with, and the
 * levels where mem_info_la57 tests P inverted (a QEMU quirk). */
typedef struct vtop_qemu_desc {
    uint64_t root_mask;      /* cr3 & ~0xfff, ~0x1f (PAE), 0x3fffffffff000 */
    uint64_t table_mask;     /* ~0xfff (32-bit), 0x3fffffffff000 otherwise */
    uint8_t mem_inverted;    /* bit l: `info mem` follows level l when P=0 */
} vtop_qemu_desc;

typedef struct vtop_mode_desc {
    vtop_mode mode;
    const char *name;     /* "32bit", "32bit-pse", "pae", "4level", "5level" */
    const char *reason;   /* which register bits select it (SDM table 4-1) */
    uint8_t levels;       /* 2, 3, 4 or 5 */
    uint8_t entry_size;   /* 4 or 8 bytes */
    uint8_t va_bits;      /* 32, 48 or 57 */
    bool sign_extended;   /* long mode: canonical upper half */
    bool has_nx;          /* bit 63 is NX with EFER.NXE, else reserved */
    uint8_t rsvd_top;     /* bits rsvd_top..MAXPHYADDR are reserved: 62 (PAE),
                             51 (long mode: 62:52 are ignored), 0: none */
    uint8_t root_low;     /* lowest CR3 bit of the root: 12, or 5 (PAE's
                             32-byte aligned PDPT, SDM 4.4.1) */
    uint8_t cr3_bits;     /* CR3 width: 32 outside IA-32e mode, 0 = MAXPHYADDR */
    vtop_mode scan_as;    /* root discovery reads this mode's tables as
                             scan_as's: 32-bit paging as 32-bit with PSE,
                             whose tables it cannot tell apart; NONE: none */
    vtop_qemu_desc qemu;
    vtop_level_desc level[VTOP_MAX_LEVELS]; /* [0] is the top level */
} vtop_mode_desc;

/* The mode translates through tables (false: paging disabled, or NULL). */
static inline bool vtop_mode_has_tables(const vtop_mode_desc *d)
{
    return d && d->levels > 0;
}

/* The static descriptor of a mode, or NULL for VTOP_MODE_NONE/invalid. */
const vtop_mode_desc *vtop_mode_describe(vtop_mode mode);

/* Mode name -> mode ("32bit", "32bit-pse", "pse", "pae", "4level", "5level";
 * also "none"). Returns VTOP_OK or VTOP_BAD_ARGUMENT. */
vtop_status vtop_mode_parse(const char *name, vtop_mode *out);

/* The mode a CPU with these control registers uses (SDM Vol. 3A 4.1.1,
 * table 4-1): PG=0 -> NONE; PAE=0 -> 32BIT or 32BIT_PSE by CR4.PSE;
 * PAE=1 and EFER.LMA (or LME with PG) -> 4LEVEL or 5LEVEL by CR4.LA57;
 * else PAE. Images that carry no EFER (QEMU ELF cores) pass EFER_LMA when
 * the machine type says long mode. */
vtop_mode vtop_mode_from_registers(uint64_t cr0, uint64_t cr4, uint64_t efer);

/* Static text saying which register bits select mode (for reports), e.g.
 * "CR0.PG=1, CR4.PAE=1, long mode, CR4.LA57=0: 4-level"; "?" if invalid. */
const char *vtop_mode_reason(vtop_mode mode);

/* Control-register bits used above. */
#define CR0_PG    (1ull << 31)
#define CR0_WP    (1ull << 16)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)

/* The top table's physical address that cr3 selects in mode (the mode
 * table's root alignment and CR3 width; maxphyaddr 0 means 52), 0 for a
 * mode without tables. */
uint64_t vtop_mode_root(vtop_mode mode, uint64_t cr3, unsigned maxphyaddr);

/* What the caller knows about an address space. */
typedef struct vtop_space_config {
    vtop_mode mode;
    uint64_t cr3;            /* raw CR3: flag and PCID bits are masked per mode */
    bool nxe;                /* EFER.NXE: bit 63 is NX, else reserved (PAE/long) */
    uint8_t maxphyaddr;      /* 32..52; 0 means 52 */
    uint64_t pa_extra_mask;  /* bits to strip from every physical address read
                                from an entry (AMD SEV C-bit, Intel TDX shared bit) */
    bool windows_pte;        /* interpret P=0 entries as Windows software PTEs */
    /* AArch64 stage 1 (VTOP_MODE_AARCH64; Arm ARM DDI 0487 D8, registers in
     * D19): the translation regime's registers. cr3, nxe and windows_pte are
     * unused there; maxphyaddr caps the output size TCR.IPS/PS selects. */
    uint64_t ttbr0;          /* TTBR0_ELx: BADDR (and CnP, ASID as found) */
    uint64_t ttbr1;          /* TTBR1_EL1, or TTBR1_EL2 with HCR_EL2.E2H */
    uint64_t tcr;            /* TCR_EL1, or TCR_EL2 (its own layout without E2H) */
    uint64_t mair;           /* MAIR_ELx, for memory-type names; 0: unknown */
    uint8_t a64_regime;      /* vtop_a64_regime */
} vtop_space_config;

/* The AArch64 stage 1 regime a space describes (Arm ARM D8.1.2). */
typedef enum vtop_a64_regime {
    VTOP_A64_EL1 = 0,        /* EL1&0: TTBR0/TTBR1 split by VA bit 55 */
    VTOP_A64_EL2,            /* EL2 without E2H: TTBR0_EL2 only */
    VTOP_A64_EL2_E2H         /* EL2&0 (VHE): split like EL1&0 */
} vtop_a64_regime;

/* Per-level data, derived once by vtop_space_init from the level's
 * descriptor, MAXPHYADDR, NXE and the extra mask: the one representation the
 * walk loop and every entry decoder (core/entry.h) read. Packed so one level
 * is one cache line. */
typedef struct vtop_space_level {
    uint64_t reserved[2];    /* reserved bits when the entry points to a table
                                [0] or is a leaf [1] (SDM Vol. 3A tables 4-6,
                                4-8..4-11, 4-14..4-20) */
    uint64_t ps_mask;        /* PTE_PS where PS makes a large leaf, else 0 */
    uint64_t fill;           /* R/W|U/S where the entry has none (PAE PDPTE) */
    uint64_t leaf_mask;      /* frame bits of a leaf here (large: the low bits,
                                PAT included, cleared) */
    uint64_t pse36_mask;     /* PSE-36 4M PDE bits 13.. -> PA bits 32.. */
    uint64_t page_size;      /* bytes one entry maps: 1 << shift */
    uint64_t stop_mask;      /* reserved[0] | PTE_P: (e ^ PTE_P) & stop_mask
                                is non-zero iff P=0 or a bit reserved in every
                                form of the entry is set */
    uint16_t off_mask;       /* byte offset of the entry in its table: */
    uint8_t off_shift;       /*   (va >> off_shift) & off_mask */
    uint8_t last;            /* 1 at the last level (always a leaf) */
    uint8_t pat_shift;       /* (e >> pat_shift) & 8 = VTOP_LEAF_PAT of a leaf
                                here: PAT is bit 7 (4K) or bit 12 (large) */
} vtop_space_level;

/* A ready-to-walk address space. Caller-owned; init fills it. */
typedef struct vtop_space {
    vtop_space_config cfg;
    const vtop_mode_desc *desc;
    vtop_physmem mem;
    uint64_t root;           /* physical address of the top table */
    uint64_t addr_mask;      /* bits of an entry that hold a table/frame address */
    uint64_t nx_mask;        /* PTE_NX with NXE in 8-byte modes, else 0 */
    uint64_t win_pfn_mask;   /* Windows transition PFN bits 12..min(M,45)-1 */
    vtop_space_level level[VTOP_MAX_LEVELS]; /* parallel to desc->level[] */
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

/* The same space with another CR3 (another process, a candidate root):
 * the root and the walk's first window follow cr3; everything else stays.
 * Returns VTOP_OK, VTOP_BAD_ARGUMENT (NULL or uninitialised space) or
 * VTOP_BAD_SPACE (cr3 wider than the mode's CR3). */
vtop_status vtop_space_set_root(vtop_space *space, uint64_t cr3);

/* Windows software PTE kinds (Volatility 3 WindowsIntel32e, LibVMI windows_pte_to_paddr). */
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

/* ReadVirtual contract (dbgeng IDebugDataSpaces::ReadVirtual): copies up to len bytes from
 * va; *done is the count copied. VTOP_OK when all were read, VTOP_PARTIAL_READ
 * when at least one byte but not all were (stopped at the first page that does
 * not translate or is not in the image), else the first failure's status. */
vtop_status vtop_read_virtual(const vtop_space *space, uint64_t va, void *out,
                              size_t len, size_t *done);

/* ReadPhysical: same contract over physical addresses. */
vtop_status vtop_read_physical(const vtop_space *space, uint64_t pa, void *out,
                               size_t len, size_t *done);

/* va sign-extended from bit bits-1 (bits in 1..64). */
static inline uint64_t vtop_sign_extend(uint64_t va, unsigned bits)
{
    unsigned unused = 64u - bits;
    return bits >= 64 ? va : (uint64_t)((int64_t)(va << unused) >> unused);
}

/* The canonical-address rule, once for every module (SDM Vol. 3A 3.3.7.1,
 * 4.1.1): canonical form of va for the mode (sign extension from bit
 * va_bits-1 in long mode, truncation to va_bits otherwise; NULL: va). */
static inline uint64_t vtop_canonical(const vtop_mode_desc *desc, uint64_t va)
{
    if (!desc || desc->va_bits == 0 || desc->va_bits >= 64)
        return va;
    if (desc->sign_extended)
        return vtop_sign_extend(va, desc->va_bits);
    return va & (~0ull >> (64u - desc->va_bits));
}

/* va is an address of the mode as it stands (canonical in long mode, below
 * 2^va_bits otherwise). */
static inline bool vtop_va_valid(const vtop_mode_desc *desc, uint64_t va)
{
    /* the walker's hot path: every descriptor has va_bits in 32..57 */
    unsigned unused = 64u - desc->va_bits;
    if (desc->sign_extended)
        return (uint64_t)((int64_t)(va << unused) >> unused) == va;
    return (va >> desc->va_bits) == 0;
}

/* End of the lower half: the first address above the low canonical half
 * (2^(va_bits-1) in long mode, 2^va_bits otherwise). */
static inline uint64_t vtop_lower_half_end(const vtop_mode_desc *desc)
{
    return 1ull << (desc->va_bits - (desc->sign_extended ? 1u : 0u));
}

#endif
