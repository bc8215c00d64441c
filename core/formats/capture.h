/* vtop core/formats: the capture, a firmware's paging state in one file
 * (layout in docs/capture-format.md).
 *
 * An ELF64 core (System V gABI) that every vtop ELF reader opens as it is:
 *  - a "QEMU" note with QEMUCPUState (QEMU target/i386/arch_dump.c): CR0,
 *    CR3, CR4, so the root and the paging mode come out as for a QEMU dump;
 *  - a "VTOP" note of type VTOP_CAPTURE_MACHINE: EFER, MAXPHYADDR;
 *  - a "VTOP" note of type VTOP_CAPTURE_SOURCES: the protection sources
 *    (memory map, GCD, MAT, images and sections, stack, attribute answers);
 *  - PT_LOAD segments covering exactly the physical memory the live reader
 *    had: the page-table pages with their bytes, every other page backed by
 *    one shared block of zeros (its content is not captured), so walks,
 *    audits and `outside memory` answers are those of the live machine.
 * Freestanding: the writer streams through a callback, the reader decodes
 * into caller buffers.
 */
#ifndef VTOP_FORMATS_CAPTURE_H
#define VTOP_FORMATS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../paging.h"
#include "../protect.h"
#include "../status.h"

#define VTOP_CAPTURE_MACHINE 1u
#define VTOP_CAPTURE_SOURCES 2u
#define VTOP_CAPTURE_VERSION 1u

/* Sorted, distinct page addresses of every table a strict walk of space
 * reads that lies in space->mem. *count gets the number found; more than
 * cap gives VTOP_BUFFER_TOO_SMALL (call again with *count). Also
 * VTOP_BAD_ARGUMENT, VTOP_BAD_SPACE, VTOP_LIMIT_REACHED. */
vtop_status vtop_capture_tables(const vtop_space *space, uint64_t *pages,
                                size_t cap, size_t *count);

typedef struct vtop_capture_input {
    const vtop_space *space;        /* tables and layout: space->mem */
    const uint64_t *tables;         /* from vtop_capture_tables */
    size_t ntables;
    const vtop_prot_sources *src;   /* NULL: no sources note */
    uint64_t cr0, cr4, efer;
} vtop_capture_input;

/* Returns 0 when len bytes were written, non-zero to abort. */
typedef int (*vtop_capture_write_fn)(void *ctx, const void *data, size_t len);

/* Stream the capture file. Returns VTOP_OK, VTOP_BAD_ARGUMENT, VTOP_LIMIT_REACHED
 * (the callback failed or too many segments). */
vtop_status vtop_capture_write(const vtop_capture_input *in,
                               vtop_capture_write_fn fn, void *ctx);

/* What a capture's VTOP notes hold. */
typedef struct vtop_capture_info {
    bool has_machine, has_sources;
    uint64_t efer;
    uint8_t maxphyaddr;
    uint64_t sources_off, sources_len;   /* the sources note's desc */
    size_t nmemmap, ngcd, nmat, nimages, nsections, nattr;
} vtop_capture_info;

/* Find the VTOP notes of an ELF64 span. VTOP_OK (has_* say what was
 * found), VTOP_FORMAT_UNKNOWN (not ELF64 little-endian), VTOP_FORMAT_TRUNCATED,
 * VTOP_FORMAT_CORRUPT. */
vtop_status vtop_capture_probe(const uint8_t *base, uint64_t size,
                               vtop_capture_info *info);

/* Caller buffers sized from vtop_capture_info's counts. */
typedef struct vtop_capture_buffers {
    vtop_prot_mem *memmap, *mat;
    vtop_prot_gcd *gcd;
    vtop_prot_image *images;
    vtop_prot_section *sections;
    vtop_prot_attr_answer *answers;
} vtop_capture_buffers;

/* Decode the sources note into buf and point *src at it. VTOP_OK,
 * VTOP_BAD_ARGUMENT (no sources note), VTOP_FORMAT_CORRUPT. */
vtop_status vtop_capture_sources(const uint8_t *base, uint64_t size,
                                 const vtop_capture_info *info,
                                 const vtop_capture_buffers *buf,
                                 vtop_prot_sources *src);

#endif
