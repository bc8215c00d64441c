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

#include "a64.h"
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
    VTOP_MODE_AARCH64,    /* AArch64 VMSAv8-64 stage 1 (Arm ARM DDI 0487 D8):
                             the geometry of each half comes from TCR */
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
    /* AArch64 (0 in the x86 modes; beside the fields the walk reads, so
     * the architecture test costs no cache line). Every AArch64 descriptor
     * has mode VTOP_MODE_AARCH64 and name "aarch64"; there is one per
     * granule, input size and half, so levels/level[] are exactly one
     * half's walk: level[0] is the start level, named "L-1".."L3" (D8.2.x),
     * level[0].index_bits the start level's index width for that input
     * size. */
    uint8_t a64_granule;  /* log2 of the granule: 12, 14, 16; 0: x86 */
    bool a64_upper;       /* TTBR1 half: VAs are 2^64 - 2^va_bits .. 2^64-1
                             (vtop_canonical fills bits 63..va_bits with ones) */
    vtop_mode scan_as;    /* root discovery reads this mode's tables as
                             scan_as's: 32-bit paging as 32-bit with PSE,
                             whose tables it cannot tell apart; NONE: none */
    vtop_qemu_desc qemu;
    vtop_level_desc level[VTOP_MAX_LEVELS]; /* [0] is the top level */
} vtop_mode_desc;

/* The descriptor is an AArch64 one (its walk is decoded from per-space data,
 * core/entry.h). */
static inline bool vtop_mode_is_a64(const vtop_mode_desc *d)
{
    return d && d->a64_granule != 0;
}

/* The mode translates through tables (false: paging disabled, or NULL). */
static inline bool vtop_mode_has_tables(const vtop_mode_desc *d)
{
    return d && d->levels > 0;
}

/* The static descriptor of a mode, or NULL for VTOP_MODE_NONE/invalid. */
const vtop_mode_desc *vtop_mode_describe(vtop_mode mode);

/* Mode name -> mode ("32bit", "32bit-pse", "pse", "pae", "4level", "5level",
 * "aarch64" (also "arm64"); also "none"). Returns VTOP_OK or VTOP_BAD_ARGUMENT. */
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
    uint8_t hi_shift;        /* (e & pse36_mask) << hi_shift: the address
                                bits an entry holds out of place: 19 (PSE-36),
                                36 (AArch64 64K: bits 15:12 = OA[51:48]),
                                42 (LPA2: bits 9:8 = OA[51:50]) */
    /* The generic entry tests (core/entry.h), data in both architectures:
     *   stop:  (e ^ expect) & stop_mask        (x86: P=0 or reserved;
     *          AArch64: invalid, wrong descriptor type, address size)
     *   leaf:  last || ((e ^ leaf_xor) & ps_mask)  (x86: PS=1; AArch64:
     *          bits[1:0] = 01 where a block is allowed)
     *   fault of a leaf: (e ^ leaf_expect) & reserved[1]  (AArch64: AF=0
     *          without TCR.HA). */
    uint64_t expect;         /* PTE_P (x86); 3 (AArch64: bits[1:0] = 11) */
    uint64_t leaf_xor;       /* 0 (x86); 2 (AArch64 block: bit 1 clear) */
    uint64_t leaf_expect;    /* 0 (x86); VTOP_A64_AF (AArch64) */
    uint64_t table_mask;     /* next-level table address bits of a table
                                entry here (x86: the space's addr_mask) */
} vtop_space_level;

/* One half of an AArch64 space: its geometry and everything the walk of
 * a VA of that half reads (x86 spaces leave these zero). */
typedef struct vtop_space_half {
    const vtop_mode_desc *desc;  /* this half's descriptor (levels, names) */
    vtop_a64_half a64;           /* decoded TCR/TTBR */
    uint64_t addr_mask;          /* table/frame address bits of an entry */
    vtop_space_level level[VTOP_MAX_LEVELS];
    size_t root_run;             /* as vtop_space's, for this half's root */
    uint64_t root_win_phys, root_win_span;
    const uint8_t *root_win_data;
} vtop_space_half;

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
    /* AArch64: both halves, [0] TTBR0, [1] TTBR1. desc, root, addr_mask,
     * level[] and the root window above are half[0]'s (so an AArch64 space
     * reads as its TTBR0 half where one half is meant); the walk picks the
     * half by VA bit 55 (D8.2.x). Modules that go over all of a space do so
     * half by half through vtop_space_half_view. */
    vtop_space_half half[2];
    uint8_t walk_levels;     /* the walk's dispatch: desc->levels in the x86
                                modes (0: paging disabled), VTOP_WALK_A64 */
} vtop_space;

#define VTOP_WALK_A64 0xff

/* Returns VTOP_OK or VTOP_BAD_SPACE (unknown mode, maxphyaddr out of range,
 * root not representable; AArch64: a regime, TGn or TnSZ vtop_a64_decode
 * refuses, or neither half with tables). */
vtop_status vtop_space_init(vtop_space *space, const vtop_space_config *cfg,
                            const vtop_physmem *mem);

/* The same space with another CR3 (another process, a candidate root):
 * the root and the walk's first window follow cr3; everything else stays.
 * AArch64: cr3 is the TTBRn of the half space->desc describes (TTBR1 in a
 * vtop_space_half_view of half 1, else TTBR0), decoded with the space's TCR.
 * Returns VTOP_OK, VTOP_BAD_ARGUMENT (NULL or uninitialised space) or
 * VTOP_BAD_SPACE (cr3 wider than the mode's CR3). */
vtop_status vtop_space_set_root(vtop_space *space, uint64_t cr3);

/* The half of space a VA belongs to: VA bit 55 in an AArch64 space (D8.2:
 * the TTBR is chosen by bit 55 whatever TBI says), 0 otherwise. */
static inline unsigned vtop_space_half_of(const vtop_space *space, uint64_t va)
{
    return vtop_mode_is_a64(space->desc) ? (unsigned)((va >> 55) & 1) : 0;
}

/* The descriptor that names the levels of va's walk (the record's levels[],
 * fault_level and a leaf's level index desc->level[]): its half's in an
 * AArch64 space (NULL when the regime has no such half), else space->desc. */
const vtop_mode_desc *vtop_space_desc_of(const vtop_space *space, uint64_t va);

/* *view = space reduced to one half: desc, root, addr_mask, level[] and root
 * window are that half's, both half[] entries stay. x86 spaces have only half
 * 0 (the space itself). VTOP_OK, VTOP_BAD_ARGUMENT (NULL, uninitialised
 * space, half > 1), VTOP_BAD_SPACE (the regime has no such half, or the half
 * is disabled by EPDn: it has no tables to go over). */
vtop_status vtop_space_half_view(const vtop_space *space, unsigned half,
                                 vtop_space *view);

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
 * executable iff no level has NX (with NXE).
 * AArch64 (Arm ARM D8.4): WRITE = writable (AP[2]=0, no APTable[1] above);
 * USER = accessible at EL0 (AP[1]=1, no APTable[0] above; never in the EL2
 * regime); EXEC = executable at the privileged level (no PXN/PXNTable, and
 * not EL0-writable in EL1&0; in EL2 without E2H: no XN/XNTable); UEXEC =
 * executable at EL0 (no UXN/UXNTable, EL0-readable). x86 never sets UEXEC. */
#define VTOP_RIGHT_WRITE (1u << 0)
#define VTOP_RIGHT_USER  (1u << 1)
#define VTOP_RIGHT_EXEC  (1u << 2)
#define VTOP_RIGHT_UEXEC (1u << 3)

/* Leaf attribute bits, as decoded (independent of entry layout). x86: G, D,
 * A, PAT, PCD, PWT. AArch64 (D8.3 descriptor, D8.5 attributes): A is the
 * access flag AF, plus nG, DBM, Contiguous (reported, never relied on), NS,
 * SH[1:0] (TCR.SHn with LPA2) and AttrIndx[2:0] (the MAIR index). */
#define VTOP_LEAF_G    (1u << 0)
#define VTOP_LEAF_D    (1u << 1)
#define VTOP_LEAF_A    (1u << 2)
#define VTOP_LEAF_PAT  (1u << 3)
#define VTOP_LEAF_PCD  (1u << 4)
#define VTOP_LEAF_PWT  (1u << 5)
#define VTOP_LEAF_AF   VTOP_LEAF_A
#define VTOP_LEAF_NG   (1u << 6)
#define VTOP_LEAF_DBM  (1u << 7)
#define VTOP_LEAF_CONT (1u << 8)
#define VTOP_LEAF_NS   (1u << 9)
#define VTOP_LEAF_SH_SHIFT   10
#define VTOP_LEAF_SH_MASK    (3u << VTOP_LEAF_SH_SHIFT)   /* 0 non, 2 outer, 3 inner */
#define VTOP_LEAF_ATTR_SHIFT 12
#define VTOP_LEAF_ATTR_MASK  (7u << VTOP_LEAF_ATTR_SHIFT) /* AttrIndx */
static inline unsigned vtop_leaf_sh(unsigned flags)
{
    return (flags & VTOP_LEAF_SH_MASK) >> VTOP_LEAF_SH_SHIFT;
}
static inline unsigned vtop_leaf_attr_index(unsigned flags)
{
    return (flags & VTOP_LEAF_ATTR_MASK) >> VTOP_LEAF_ATTR_SHIFT;
}

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
    uint16_t leaf_flags;     /* VTOP_LEAF_* */
    vtop_level_read levels[VTOP_MAX_LEVELS];
} vtop_translation;

/* Translate va in space. Always fills *out (status included) and returns
 * out->status: VTOP_OK, VTOP_NOT_PRESENT, VTOP_RESERVED_BIT,
 * VTOP_NON_CANONICAL, VTOP_ADDRESS_WIDTH, VTOP_TABLE_NOT_IN_IMAGE,
 * VTOP_SOFTWARE_PTE, VTOP_BAD_ARGUMENT; AArch64: VTOP_TRANSLATION_FAULT,
 * VTOP_ADDRESS_SIZE_FAULT, VTOP_ACCESS_FLAG_FAULT with fault_level, and
 * VTOP_NON_CANONICAL for a VA outside both halves' ranges (D8.2: bits above
 * the input size, after TBI, differ from bit 55), fault_level -1.
 * levels[] and fault_level index the descriptor of va's half
 * (vtop_space_desc_of): levels[i].level == i, level 0 the start level. */
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
    if (desc->a64_upper) /* AArch64 TTBR1 half: bits 63..va_bits all ones */
        return va | ~(~0ull >> (64u - desc->va_bits));
    return va & (~0ull >> (64u - desc->va_bits));
}

/* va is an address of the mode as it stands (canonical in long mode, below
 * 2^va_bits otherwise). x86 descriptors only: AArch64 walks check the range
 * of va's half with TBI (vtop_a64_va_fault). */
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
