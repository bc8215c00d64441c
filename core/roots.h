/* vtop core: root discovery (finding CR3 in an image that carries none).
 *
 * vtop_roots_scan looks at every page of a physical memory (and, for PAE,
 * every 32-byte slot: Linux allocates PAE PDPTs from a 32-byte slab) for
 * tables that look like the top level of a paging mode, then ranks them:
 *  - structure: every present entry has its reserved bits clear and points
 *    inside the image (SDM Vol. 3A 4.4, 4.5: PS is reserved in a PML4E and
 *    PML5E; PAE PDPTEs have no R/W, U/S or NX), at least one upper-half
 *    (kernel) entry is present;
 *  - a bounded walk below the candidate: leaves whose physical addresses
 *    advance by their own size from one entry to the next (a direct map or a
 *    kernel image) count for it, large pages with misaligned addresses and
 *    tables outside the image count against it. This is what tells the modes
 *    apart: a 4-level PML4 read as a PML5 makes 2M leaves look like
 *    misaligned 1G leaves; a PML5 read as a PML4 makes 2M leaves look like
 *    4K leaves 2M apart;
 *  - Windows x64: an upper-half entry pointing back to the table itself
 *    (the self-map) is decisive;
 *  - a table that a root of a deeper mode points to (a 5-level kernel's
 *    P4D reads as a perfect 4-level root) is a child, not a root;
 *  - Linux: every process has its own top table with (nearly) the same
 *    kernel half: such candidates share the best structural score of their
 *    group, and are then ordered by their user halves: a process over a
 *    kernel-only table, a trampoline (user half mapping VA == PA) last, and
 *    more writable dirty user pages first.
 * What "true root" means: the CR3 of the vCPU at the time of the dump. Among
 * processes sharing one kernel half nothing in memory says for sure which
 * one ran; the dirty-page order is a heuristic (a process that keeps
 * running keeps its written pages writable, one that forks loses them to
 * copy-on-write), so the others are listed right after it. (Counting
 * where a candidate's address is stored as a plain value was tried and
 * dropped: it found nothing on real guests and round addresses such as
 * 16 MiB are common values.)
 *
 * Contract: freestanding, no allocation, bounded work (one pass over the
 * image, a walk of at most opts->walk_tables tables per structural
 * candidate, then a bounded user-half walk and pairwise kernel-half
 * comparisons among the kept candidates: keep cap modest, e.g. <= 256),
 * results best first in a caller buffer. The kept set is the caller's
 * buffer: pass cap >= 32 so every process of a Linux guest is compared.
 */
#ifndef VTOP_ROOTS_H
#define VTOP_ROOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paging.h"
#include "physmem.h"
#include "status.h"

/* Evidence bits (vtop_root_evidence_name gives their text). */
#define VTOP_ROOT_EV_KERNEL_HALF    (1u << 0)  /* upper-half entries present */
#define VTOP_ROOT_EV_USER_HALF      (1u << 1)  /* lower-half entries present */
#define VTOP_ROOT_EV_SELF_MAP       (1u << 2)  /* an entry maps the table itself */
#define VTOP_ROOT_EV_SHARED_KERNEL  (1u << 3)  /* kernel half like other candidates' */
#define VTOP_ROOT_EV_LINEAR_LEAVES  (1u << 4)  /* leaves advance by their size */
#define VTOP_ROOT_EV_BAD_LEAVES     (1u << 5)  /* misaligned large pages / reserved bits */
#define VTOP_ROOT_EV_MISSING_TABLES (1u << 6)  /* tables below outside the image */
#define VTOP_ROOT_EV_PROCESS        (1u << 7)  /* user-half leaves: a process */
#define VTOP_ROOT_EV_DIRTY_USER     (1u << 8)  /* writable dirty user pages */
#define VTOP_ROOT_EV_IDENTITY_USER  (1u << 9)  /* user half maps VA == PA (trampoline) */
#define VTOP_ROOT_EV_CHILD_TABLE    (1u << 10) /* pointed to by a deeper mode's root */
#define VTOP_ROOT_EV_COUNT 11

typedef struct vtop_root_candidate {
    uint64_t root;          /* physical address of the top table */
    vtop_mode mode;
    int64_t score;          /* higher is better */
    uint32_t evidence;      /* VTOP_ROOT_EV_* */
    uint32_t present;       /* present entries in the top table */
    uint32_t kernel;        /* of which in the upper half */
    int32_t self_index;     /* self-map entry index, or -1 */
    uint32_t sharers;       /* other kept candidates with a like kernel half */
    uint32_t leaves;        /* leaves seen by the bounded walk */
    uint32_t sound;         /* tables below whose entries all look right */
    uint32_t linear;        /* leaf pairs advancing by their size */
    uint32_t top_bad;       /* top-table entries with reserved bits */
    uint32_t bad;           /* of those plus misaligned large leaves below */
    uint32_t missing;       /* tables outside the image */
    uint32_t value_refs;    /* always 0: stored-value counting was dropped
                               (kept so existing reports still build) */
    uint32_t user_leaves;   /* leaves below the lower half (bounded walk) */
    uint32_t user_dirty;    /* of which writable and dirty */
} vtop_root_candidate;

/* What the platform knows about the image's bytes during a scan (every
 * member optional). A scan of a sparse 1 TiB file must not read its holes,
 * and one of a dense file must not keep it all resident. */
typedef struct vtop_scan_hooks {
    /* Length (> 0, <= len) of the stretch of the image starting at p (a
     * byte of a direct run) that is all data or all hole, and in *hole
     * which. Host: lseek SEEK_DATA / SEEK_HOLE on the file. A hole reads
     * as zeros, so its whole pages are counted as scanned, never read. */
    uint64_t (*extent)(void *ctx, const uint8_t *p, uint64_t len, bool *hole);
    /* The scan is done with [p, p+len): the platform may drop those bytes
     * from memory (host: madvise MADV_DONTNEED on its mapping). */
    void (*release)(void *ctx, const uint8_t *p, uint64_t len);
    /* bytes more of the scanned range are done (holes included), after
     * every chunk of at most VTOP_SCAN_CHUNK bytes. */
    void (*progress)(void *progress_ctx, uint64_t bytes);
    void *ctx;              /* extent's and release's */
    void *progress_ctx;
} vtop_scan_hooks;

#define VTOP_SCAN_CHUNK (8u << 20)

typedef struct vtop_roots_options {
    vtop_mode mode;         /* VTOP_MODE_NONE: try 32bit-pse, pae, 4level, 5level;
                               VTOP_MODE_AARCH64: TTBR1 tables (4K granule,
                               48-bit halves, as Linux and Windows use) */
    uint32_t walk_tables;   /* tables per candidate walk; 0 means 24 */
    bool skip_rank;         /* skip the group and user-half ranking */
    /* Physical range whose pages are scanned: [from, to); to == 0 means
     * no upper bound. A split of the image into ranges scanned apart and
     * joined by vtop_roots_merge gives the answer of one whole scan. */
    uint64_t from, to;
    const vtop_scan_hooks *hooks; /* NULL: none */
} vtop_roots_options;

typedef struct vtop_roots_result {
    uint64_t pages_scanned;
    uint64_t candidates;    /* tables that passed the structural test */
    size_t count;           /* candidates written, best first (<= cap) */
} vtop_roots_result;

/* Scan mem and write the best min(cap, candidates) candidates to out, best
 * first. opts may be NULL (defaults). Returns VTOP_OK, VTOP_BAD_ARGUMENT
 * (NULL mem/res, out NULL with cap > 0, mode not a paging mode), or
 * VTOP_NO_ROOT when no table qualified (res filled either way). */
vtop_status vtop_roots_scan(const vtop_physmem *mem,
                            const vtop_roots_options *opts,
                            vtop_root_candidate *out, size_t cap,
                            vtop_roots_result *res);

/* Candidates one scan keeps for the ranking, whatever cap is asked:
 * max(cap, VTOP_ROOTS_POOL) (the ranking compares kept candidates with
 * each other: one kernel, many processes). */
#define VTOP_ROOTS_POOL 64
size_t vtop_roots_keep_cap(size_t cap);

/* The kept candidates of one range scanned with skip_rank (out and res of
 * vtop_roots_scan with cap = vtop_roots_keep_cap(final cap)). */
typedef struct vtop_roots_part {
    const vtop_root_candidate *kept;
    vtop_roots_result res;
} vtop_roots_part;

#define VTOP_ROOTS_MAX_PARTS 64

typedef struct vtop_roots_parts {
    const vtop_roots_part *part;  /* in ascending physical order */
    size_t count;
} vtop_roots_parts;

/* Join the parts of a scan split by physical range: the best
 * vtop_roots_keep_cap(cap) of all kept candidates, in the order one scan
 * keeps them, ranked (unless opts->skip_rank), then the best cap of them
 * in out (cap entries). At most VTOP_ROOTS_MAX_PARTS parts. Returns as
 * vtop_roots_scan: VTOP_OK, VTOP_NO_ROOT, VTOP_BAD_ARGUMENT. */
vtop_status vtop_roots_merge(const vtop_physmem *mem,
                             const vtop_roots_options *opts,
                             const vtop_roots_parts *parts,
                             vtop_root_candidate *out, size_t cap,
                             vtop_roots_result *res);

/* "kernel-half", "self-map", ... for one VTOP_ROOT_EV_* bit; "?" otherwise. */
const char *vtop_root_evidence_name(uint32_t bit);

#endif
