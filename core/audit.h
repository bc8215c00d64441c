/* vtop core: page-table audit.
 *
 * Findings a boot or kernel engineer wants from one address space, each
 * naming a VA range and the entry behind it, delivered through a callback
 * in VA order per kind of check:
 *  - W+X: writable and executable ranges (SDM Vol. 3A 4.6: rights are the
 *    AND of R/W, the OR of NX over all levels; AArch64, Arm ARM D8.4:
 *    writable and executable at EL1 or EL0);
 *  - user-accessible pages in the upper half (supervisor address space:
 *    long mode's upper canonical half, VA >= 0x80000000 in 32-bit modes,
 *    AArch64's TTBR1 half; EL0 access or EL0 execution);
 *  - the null page (VA 0) mapped;
 *  - a table referenced at two different levels (shared between levels, as
 *    a self-map does) or twice at the same level (aliased);
 *  - present entries with reserved bits set (AArch64: a descriptor that
 *    faults, other than AF = 0);
 *  - leaves whose frame lies outside the image's physical memory, and
 *    tables outside it.
 * Adjacent leaves with the same finding are merged into one range
 * (count says how many leaves).
 *
 * Freestanding, allocation-free: the table-reference check needs a caller
 * buffer (open-addressed set); without one, or when it fills, that check
 * is skipped or partial and vtop_audit_stats says so.
 */
#ifndef VTOP_AUDIT_H
#define VTOP_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enum.h"
#include "paging.h"
#include "status.h"

typedef enum vtop_finding_kind {
    VTOP_FINDING_WX = 0,          /* writable + executable */
    VTOP_FINDING_USER_UPPER,      /* user-accessible in the supervisor half */
    VTOP_FINDING_NULL_PAGE,       /* the page at VA 0 is mapped */
    VTOP_FINDING_TABLE_SHARED,    /* one table at two different levels */
    VTOP_FINDING_TABLE_ALIASED,   /* one table referenced twice, same level */
    VTOP_FINDING_RESERVED_BITS,   /* present entry with reserved bits */
    VTOP_FINDING_OUTSIDE_MEMORY,  /* leaf frame not in the image */
    VTOP_FINDING_TABLE_OUTSIDE,   /* table not in the image */
    VTOP_FINDING_COUNT
} vtop_finding_kind;

/* Short stable name: "wx", "user-upper", "null-page", "table-shared",
 * "table-aliased", "reserved-bits", "outside-memory", "table-outside". */
const char *vtop_finding_name(vtop_finding_kind kind);

typedef struct vtop_finding {
    vtop_finding_kind kind;
    uint64_t va_start;      /* canonical, first byte */
    uint64_t va_end;        /* canonical, last byte (inclusive) */
    uint64_t count;         /* leaves (or entries) merged into the range */
    uint8_t level;          /* desc->level[] index of the entry behind it */
    uint64_t entry_pa;      /* that entry's physical address (first of range) */
    uint64_t entry;         /* its raw value */
    uint64_t pa;            /* leaf frame / table address concerned */
    uint64_t reserved_bits; /* RESERVED_BITS */
    /* TABLE_SHARED / TABLE_ALIASED: the first reference to the same table. */
    uint64_t other_entry_pa;
    uint8_t other_level;
} vtop_finding;

/* Return 0 to go on, non-zero to stop. */
typedef int (*vtop_finding_fn)(void *ctx, const vtop_finding *finding);

/* Caller buffer for the table-reference set. */
typedef struct vtop_table_ref {
    uint64_t table_pa;      /* 0 with level 0xff = empty */
    uint64_t entry_pa;      /* the entry that referenced it (~0: CR3) */
    uint8_t level;          /* level index of the table's entries */
    uint8_t entry_level;    /* level index of that entry */
} vtop_table_ref;

typedef struct vtop_audit_options {
    uint64_t max_tables;        /* walk budget, 0 = default */
    vtop_table_ref *refs;       /* optional: enables shared/aliased checks */
    size_t refs_cap;            /* make it >= 2x the tables expected */
} vtop_audit_options;

typedef struct vtop_audit_stats {
    uint64_t findings[VTOP_FINDING_COUNT];
    uint64_t leaves;
    uint64_t tables;
    bool refs_full;             /* the table set filled: shared/aliased partial */
    bool stopped;               /* the callback asked to stop */
} vtop_audit_stats;

/* Audit the whole space. opt and stats may be NULL.
 * Returns VTOP_OK, VTOP_LIMIT_REACHED (budget spent: findings up to there),
 * VTOP_BAD_ARGUMENT, VTOP_BAD_SPACE. */
vtop_status vtop_audit(const vtop_space *space, const vtop_audit_options *opt,
                       vtop_finding_fn on_finding, void *ctx,
                       vtop_audit_stats *stats);

/* vtop_audit with a watcher: watch(watch_ctx, event) sees every walk event
 * before the audit does (a caller's progress: TABLE events come in VA
 * order); its return value is ignored, the audit alone stops the walk.
 * watch may be NULL (then it is vtop_audit). */
vtop_status vtop_audit_watched(const vtop_space *space,
                               const vtop_audit_options *opt,
                               vtop_event_fn watch, void *watch_ctx,
                               vtop_finding_fn on_finding, void *ctx,
                               vtop_audit_stats *stats);

#endif
