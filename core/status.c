/* vtop core: status names and their dbgeng HRESULTs. */
#include "status.h"

uint32_t vtop_hresult(vtop_status status)
{
    switch (status) {
    case VTOP_OK:
        return VTOP_S_OK;
    /* "No physical page containing the specified address could be found"
     * (dbgeng VirtualToPhysical): every reason a page-walk ends without a
     * physical page, including a table or frame missing from the image. */
    case VTOP_NOT_PRESENT:
    case VTOP_RESERVED_BIT:
    case VTOP_TABLE_NOT_IN_IMAGE:
    case VTOP_SOFTWARE_PTE:
    case VTOP_PAGE_NOT_IN_IMAGE:
    case VTOP_PAGE_EXCLUDED:
    case VTOP_TRANSLATION_FAULT:
    case VTOP_ADDRESS_SIZE_FAULT:
    case VTOP_ACCESS_FLAG_FAULT:
        return VTOP_E_NO_PAGEFILE;
    case VTOP_NON_CANONICAL:
    case VTOP_ADDRESS_WIDTH:
    case VTOP_BAD_SPACE:
    case VTOP_BAD_ARGUMENT:
        return VTOP_E_INVALIDARG;
    case VTOP_PARTIAL_READ:
        return VTOP_E_PARTIAL_COPY;
    case VTOP_BUFFER_TOO_SMALL:
    case VTOP_LIMIT_REACHED:
        return VTOP_E_OUTOFMEMORY;
    case VTOP_FORMAT_UNSUPPORTED:
        return VTOP_E_NOTIMPL;
    case VTOP_FORMAT_UNKNOWN:
    case VTOP_FORMAT_TRUNCATED:
    case VTOP_FORMAT_CORRUPT:
    case VTOP_NO_ROOT:
    case VTOP_STATUS_COUNT:
        break;
    }
    return VTOP_E_FAIL;
}

const char *vtop_status_name(vtop_status status)
{
    static const char *const names[VTOP_STATUS_COUNT] = {
        [VTOP_OK] = "ok",
        [VTOP_NOT_PRESENT] = "not-present",
        [VTOP_RESERVED_BIT] = "reserved-bit",
        [VTOP_NON_CANONICAL] = "non-canonical",
        [VTOP_ADDRESS_WIDTH] = "address-width",
        [VTOP_TABLE_NOT_IN_IMAGE] = "table-not-in-image",
        [VTOP_SOFTWARE_PTE] = "software-pte",
        [VTOP_PAGE_NOT_IN_IMAGE] = "page-not-in-image",
        [VTOP_PARTIAL_READ] = "partial-read",
        [VTOP_BAD_SPACE] = "bad-space",
        [VTOP_BAD_ARGUMENT] = "bad-argument",
        [VTOP_BUFFER_TOO_SMALL] = "buffer-too-small",
        [VTOP_LIMIT_REACHED] = "limit-reached",
        [VTOP_FORMAT_UNKNOWN] = "format-unknown",
        [VTOP_FORMAT_TRUNCATED] = "format-truncated",
        [VTOP_FORMAT_CORRUPT] = "format-corrupt",
        [VTOP_FORMAT_UNSUPPORTED] = "format-unsupported",
        [VTOP_NO_ROOT] = "no-root",
        [VTOP_PAGE_EXCLUDED] = "page-excluded",
        [VTOP_TRANSLATION_FAULT] = "translation-fault",
        [VTOP_ADDRESS_SIZE_FAULT] = "address-size-fault",
        [VTOP_ACCESS_FLAG_FAULT] = "access-flag-fault",
    };
    if ((unsigned)status < VTOP_STATUS_COUNT && names[status])
        return names[status];
    return "unknown-status";
}
