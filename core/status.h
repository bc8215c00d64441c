/* vtop core: status codes.
 *
 * Freestanding: includes only <stdint.h>. Every core function returns one of
 * these; vtop_hresult() maps them to the HRESULTs of dbgeng's
 * IDebugDataSpaces2::VirtualToPhysical (Microsoft dbgeng.h documentation).
 */
#ifndef VTOP_STATUS_H
#define VTOP_STATUS_H

#include <stdint.h>

typedef enum vtop_status {
    VTOP_OK = 0,
    /* Translation outcomes (the walker). */
    VTOP_NOT_PRESENT,          /* P=0 at some level: no physical page */
    VTOP_RESERVED_BIT,         /* a reserved bit is set at some level (#PF RSVD) */
    VTOP_NON_CANONICAL,        /* VA not canonical for the mode's width */
    VTOP_ADDRESS_WIDTH,        /* VA wider than the mode can translate (32-bit modes) */
    VTOP_TABLE_NOT_IN_IMAGE,   /* a paging-structure entry lies outside the memory held */
    VTOP_SOFTWARE_PTE,         /* Windows P=0 entry: prototype, page file or demand zero */
    /* Memory access. */
    VTOP_PAGE_NOT_IN_IMAGE,    /* physical address in a hole of the image */
    VTOP_PARTIAL_READ,         /* a read stopped early; bytes_read says how far */
    /* Caller errors. */
    VTOP_BAD_SPACE,            /* invalid address-space description */
    VTOP_BAD_ARGUMENT,         /* invalid argument (NULL, bad range, ...) */
    VTOP_BUFFER_TOO_SMALL,     /* caller buffer too small; the size needed is reported */
    VTOP_LIMIT_REACHED,        /* a caller-set bound on work or output was reached */
    /* Image formats. */
    VTOP_FORMAT_UNKNOWN,       /* no format recognised the bytes */
    VTOP_FORMAT_TRUNCATED,     /* a header or structure runs past the end of the span */
    VTOP_FORMAT_CORRUPT,       /* magic right but fields inconsistent */
    VTOP_FORMAT_UNSUPPORTED,   /* a recognised variant vtop does not handle */
    VTOP_NO_ROOT,              /* the image carries no CR3 and none was supplied */
    /* Memory access (kdump): the dump tool left the page out (makedumpfile
     * -d: zero, cache, user or free pages), unlike a page the image never
     * covered (VTOP_PAGE_NOT_IN_IMAGE). */
    VTOP_PAGE_EXCLUDED,
    /* AArch64 stage 1 faults (Arm ARM D8.2, D8.3; the fault status codes of
     * ESR_ELx.DFSC, D19.2), with the level in the record like x86's. */
    VTOP_TRANSLATION_FAULT,    /* invalid descriptor (bits[1:0] = x0), a block
                                  where the granule allows none, L3 bits 01,
                                  or the half disabled by TCR.EPDn */
    VTOP_ADDRESS_SIZE_FAULT,   /* a table or output address (or TTBR.BADDR)
                                  with bits at or above the output size */
    VTOP_ACCESS_FLAG_FAULT,    /* leaf with AF=0 and TCR.HA=0 */
    VTOP_STATUS_COUNT
} vtop_status;

/* HRESULT values (winerror.h; HRESULT_FROM_NT(x) = x | 0x10000000). */
#define VTOP_S_OK                   0x00000000u
#define VTOP_E_FAIL                 0x80004005u
#define VTOP_E_NOTIMPL              0x80004001u
#define VTOP_E_INVALIDARG           0x80070057u
#define VTOP_E_OUTOFMEMORY          0x8007000Eu
#define VTOP_E_UNEXPECTED           0x8000FFFFu
/* HRESULT_FROM_WIN32(ERROR_PARTIAL_COPY) */
#define VTOP_E_PARTIAL_COPY         0x8007012Bu
/* HRESULT_FROM_NT(STATUS_NO_PAGEFILE) = 0xC0000147 | 0x10000000 */
#define VTOP_E_NO_PAGEFILE          0xD0000147u

/* The dbgeng HRESULT a status stands for. */
uint32_t vtop_hresult(vtop_status status);

/* A short stable name ("not-present", "reserved-bit", ...), never NULL. */
const char *vtop_status_name(vtop_status status);

#endif
