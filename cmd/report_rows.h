/* vtop report layer: the physical address space of a target as rows for
 * the HTML report: consecutive pages with one state (present, rights,
 * memory type, GCD type, image, section, findings) merged into one row.
 * Standard C (heap rows). */
#ifndef VTOP_CMD_REPORT_ROWS_H
#define VTOP_CMD_REPORT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/protect.h"

/* Findings a row can carry (one CSS class each in the page). */
#define ROW_WX        (1u << 0)   /* writable and executable */
#define ROW_MMIO_X    (1u << 1)   /* MMIO executable */
#define ROW_UNALLOC_P (1u << 2)   /* unallocated memory present */
#define ROW_OUTSIDE_P (1u << 3)   /* outside GCD and memory map, present */
#define ROW_NULL      (1u << 4)   /* the null page present */
#define ROW_STACK_X   (1u << 5)   /* stack executable */
#define ROW_IMAGE     (1u << 6)   /* image code writable or data executable */
#define ROW_FINDINGS  7

typedef struct report_row {
    vtop_prot_range r;       /* va, size, pa, present, rights, types, image */
    uint32_t findings;       /* ROW_* */
} report_row;

typedef struct report_rows {
    report_row *rows;        /* malloc'd */
    size_t count, cap;
    uint64_t top;            /* end of the last memory-map range (the picture's span) */
    vtop_status status;
} report_rows;

/* Scan [0, physical limit) of space. Rows are always freed by rows_free. */
void report_rows_build(const vtop_space *space, const vtop_prot_sources *src,
                       report_rows *out);
void report_rows_free(report_rows *rows);

/* "wx", "mmio-x", ...: the CSS class and filter value of finding bit b. */
const char *report_finding_name(unsigned bit);

#endif
