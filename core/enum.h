/* vtop core: leaf enumeration over a virtual-address range.
 *
 * vtop_enumerate walks a space's tables top-down in virtual-address order and
 * reports every leaf (a present 4K page or a 2M/4M/1G large page) through a
 * callback. It uses the mode's level descriptors (core/paging.h) and one
 * entry decoder, the same as vtop_translate (STYLE.md rule 1).
 *
 * Contract: freestanding, no allocation, constant stack (one small frame per
 * level, at most VTOP_MAX_LEVELS), O(1) work per entry read, and a caller-set
 * budget of table visits so hostile images (self-maps, loops of tables)
 * always finish: a walk is at most max_tables * 512 (1024) entry reads.
 *
 * Two policies:
 *  - VTOP_ENUM_STRICT: exactly the leaves vtop_translate would succeed on:
 *    entries with reserved bits set are skipped (and reported as events),
 *    PAE PDPTE / PML4E / PML5E rules as the SDM (Vol. 3A 4.4, 4.5) says.
 *  - VTOP_ENUM_QEMU: QEMU 7.2's monitor walker (target/i386/monitor.c,
 *    tlb_info_32/pae32/la48/la57): only P and PS are looked at, reserved bits
 *    are ignored, PS is honoured only in a PDE (32-bit with CR4.PSE, PAE, long
 *    mode) and a PDPTE (long mode only), tables are found with QEMU's masks
 *    (~0xfff for 32-bit, 0x3fffffffff000 = bits 12..49 otherwise), and a
 *    table missing from the image reads as zeros (no leaves).
 */
#ifndef VTOP_ENUM_H
#define VTOP_ENUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paging.h"
#include "status.h"

typedef enum vtop_enum_policy {
    VTOP_ENUM_STRICT = 0,
    VTOP_ENUM_QEMU
} vtop_enum_policy;

/* Default budget of table visits when vtop_enum_options.max_tables is 0
 * (vtop_enum_default_budget): levels * (pages of the image) + 64, capped
 * at VTOP_ENUM_DEFAULT_MAX_TABLES. Every table is a page of the image and
 * a real walk meets a table once per level at most (a self-map shows each
 * table once per depth), so real spaces stay far below it, while a hostile
 * one-page self-map (512 entries -> itself) stops after 68 tables instead
 * of 2^20 (fuzz finding E1). */
#define VTOP_ENUM_DEFAULT_MAX_TABLES (1ull << 20)
uint64_t vtop_enum_default_budget(const vtop_space *space);

/* One leaf. va is canonical (sign-extended in long mode); in the QEMU
 * policy, raw_va is the un-extended linear address QEMU computes (the two
 * differ only in long mode's upper half). */
typedef struct vtop_leaf {
    uint64_t va;
    uint64_t raw_va;      /* va & ((1 << va_bits) - 1) */
    uint64_t pa;          /* physical base: strict = what vtop_translate
                             gives for va; QEMU = entry & QEMU's table mask */
    uint64_t size;        /* 4K, 2M, 4M or 1G */
    uint64_t entry;       /* raw leaf entry (zero-extended for 4-byte entries) */
    uint8_t level;        /* desc->level[] index of the leaf entry */
    uint8_t nlevels;      /* valid entries in levels[] (level + 1) */
    uint8_t rights;       /* VTOP_RIGHT_* (AND of RW/US, OR of NX with NXE) */
    uint16_t leaf_flags;  /* VTOP_LEAF_* */
    uint64_t reserved_bits; /* QEMU policy: reserved bits seen on the path
                               (strict policy never reports such a leaf) */
    vtop_level_read levels[VTOP_MAX_LEVELS]; /* top first */
} vtop_leaf;

/* Things met during a walk that are not leaves (for audit and diagnostics). */
typedef enum vtop_enum_event_kind {
    VTOP_EVENT_TABLE = 0,        /* about to read the table at table_pa */
    VTOP_EVENT_RESERVED,         /* present entry with reserved bits: skipped (strict) */
    VTOP_EVENT_TABLE_NOT_IN_IMAGE, /* table_pa not (entirely) in the image */
    VTOP_EVENT_SOFTWARE_PTE      /* P=0 non-zero entry (windows_pte spaces) */
} vtop_enum_event_kind;

typedef struct vtop_enum_event {
    vtop_enum_event_kind kind;
    uint64_t va;            /* canonical VA of the first byte the entry/table covers */
    uint64_t size;          /* bytes of VA it covers */
    uint8_t level;          /* desc->level[] index of `entry`, the entry the
                               event is about: for TABLE and
                               TABLE_NOT_IN_IMAGE the entry pointing to the
                               table (the root table has none: level 0,
                               entry_pa ~0, entry 0) */
    uint8_t table_level;    /* TABLE / TABLE_NOT_IN_IMAGE: level index of the
                               table's own entries; else = level */
    uint64_t entry_pa;      /* the entry pointing to the table / the faulty entry;
                               for the root table: ~0 */
    uint64_t entry;
    uint64_t table_pa;      /* TABLE / TABLE_NOT_IN_IMAGE: the table */
    uint64_t reserved_bits; /* RESERVED: the bits found set */
} vtop_enum_event;

/* Return 0 to go on, non-zero to stop the walk (vtop_enumerate then returns
 * VTOP_OK; vtop_enum_stats.stopped says so). */
typedef int (*vtop_leaf_fn)(void *ctx, const vtop_leaf *leaf);
typedef int (*vtop_event_fn)(void *ctx, const vtop_enum_event *event);

/* Statistics of one walk, for callers that report them. */
typedef struct vtop_enum_stats {
    uint64_t tables;        /* tables visited */
    uint64_t entries;       /* entries read */
    uint64_t leaves;        /* leaves reported */
    bool stopped;           /* a callback asked to stop */
} vtop_enum_stats;

typedef struct vtop_enum_options {
    vtop_enum_policy policy;
    uint64_t max_tables;    /* budget of table visits; 0 = vtop_enum_default_budget */
    vtop_event_fn on_event; /* optional */
    void *event_ctx;
    vtop_enum_stats *stats; /* optional: filled by every walk */
} vtop_enum_options;

/* Walk [va_start, va_end] (inclusive, canonical addresses; parts outside the
 * mode's canonical space are skipped) and call on_leaf for every leaf that
 * overlaps it, in VA order. opt may be NULL (strict, default budget).
 * Returns VTOP_OK, VTOP_BAD_ARGUMENT (NULL space/callback, start > end),
 * VTOP_BAD_SPACE (paging disabled), VTOP_LIMIT_REACHED (table budget spent;
 * the leaves before that point were reported). */
vtop_status vtop_enumerate(const vtop_space *space, uint64_t va_start,
                           uint64_t va_end, const vtop_enum_options *opt,
                           vtop_leaf_fn on_leaf, void *ctx);

/* QEMU 7.2 `info mem` units (target/i386/monitor.c mem_info_*): calls
 * on_unit(ctx, raw_end, prot) exactly where QEMU calls mem_print(end, prot),
 * in the same order, including QEMU 7.2's inverted P tests at the PDPTE and
 * PDE levels of mem_info_la57 (so the 5-level output matches that QEMU, bug
 * included), then the final flush at 1 << 32 / 48 / 57 with prot 0. prot is
 * QEMU's (PG_USER | PG_RW | PG_PRESENT) AND over the levels it ANDs.
 * Returns VTOP_OK, VTOP_BAD_ARGUMENT, VTOP_BAD_SPACE, VTOP_LIMIT_REACHED. */
typedef int (*vtop_qemu_mem_fn)(void *ctx, uint64_t raw_end, unsigned prot);
vtop_status vtop_qemu_mem_walk(const vtop_space *space, uint64_t max_tables,
                               vtop_qemu_mem_fn on_unit, void *ctx);

/* Same, choosing the la57 behaviour: VTOP_QEMU_MEM_FIX_LA57 tests P the
 * right way round at every level (what mem_info_la57 means: the 4-level
 * algorithm plus the PML5E level, AND of U/RW over five levels). Other
 * modes are unaffected. */
#define VTOP_QEMU_MEM_FIX_LA57 (1u << 0)
vtop_status vtop_qemu_mem_walk_ex(const vtop_space *space, uint64_t max_tables,
                                  unsigned flags, vtop_qemu_mem_fn on_unit,
                                  void *ctx);

#endif
