/* vtop EFI app: `capture FILE` (capture.h). */
#include "capture.h"

#include <stdlib.h>
#include <string.h>

#include "core/formats/capture.h"
#include "files.h"

typedef struct grow_buf {
    uint8_t *data;
    size_t len, cap;
} grow_buf;

static int buf_write(void *ctx, const void *data, size_t len)
{
    grow_buf *b = ctx;
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 1u << 20;
        while (len > cap - b->len)
            cap *= 2;
        uint8_t *grown = realloc(b->data, cap);
        if (!grown)
            return 1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static vtop_status table_list(const vtop_space *space, uint64_t **pages, size_t *n)
{
    size_t cap = 0;
    vtop_status st = vtop_capture_tables(space, NULL, 0, &cap);
    if (st != VTOP_OK && st != VTOP_BUFFER_TOO_SMALL)
        return st;
    *pages = malloc((cap ? cap : 1) * sizeof **pages);
    if (!*pages)
        return VTOP_LIMIT_REACHED;
    return vtop_capture_tables(space, *pages, cap, n);
}

static int cmd_capture(vtop_cmd_ctx *c, int argc, char **argv)
{
    const efi_capture_ctx *cx = c->cmd->data;
    if (argc != 2)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "capture: usage: %s", c->cmd->usage);
    const vtop_space *space = vtop_session_space(c->session);
    if (!space)
        return vtop_cmd_error(c, VTOP_EXIT_IMAGE, "capture: the target has no page tables");
    vtop_prot_sources src;
    char why[128] = "";
    bool has_src = cx->sources && cx->sources->sources(cx->sources->ctx, &src, why,
                                                       sizeof why) == 0;
    uint64_t *tables = NULL;
    size_t n = 0;
    vtop_status st = table_list(space, &tables, &n);
    grow_buf b = { NULL, 0, 0 };
    if (st == VTOP_OK) {
        vtop_capture_input in = { space, tables, n, has_src ? &src : NULL,
                                  cx->cr0, cx->cr4, cx->efer };
        st = vtop_capture_write(&in, buf_write, &b);
    }
    free(tables);
    int rc = VTOP_EXIT_OK;
    if (st != VTOP_OK)
        rc = vtop_cmd_error(c, VTOP_EXIT_FAIL, "capture: %s", vtop_status_name(st));
    else if (EFI_ERROR(efi_file_write(argv[1], b.data, b.len, why, sizeof why)))
        rc = vtop_cmd_error(c, VTOP_EXIT_FAIL, "capture: %s: %s", argv[1], why);
    else
        vtop_printf(c->out, "capture: %s: %zu table pages, %zu bytes, sources %s\n",
                    argv[1], n, b.len, has_src ? "included" : "not available");
    free(b.data);
    return rc;
}

vtop_command efi_capture_command(const efi_capture_ctx *ctx)
{
    return (vtop_command){
        .name = "capture",
        .usage = "capture FILE",
        .summary = "write the target's tables, registers and firmware sources to FILE (EFI only)",
        .help = "Writes a vtop capture (an ELF core: table pages, the memory layout\n"
                "the live reader has, CR0/CR3/CR4/EFER, and the memory map, GCD,\n"
                "MAT, images, stack and attribute answers) to FILE on the boot\n"
                "volume. `vtop FILE tlb|mem|audit|protections` on the host then\n"
                "answers as the live target did.\n",
        .needs_target = true,
        .run = cmd_capture,
        .data = (void *)(uintptr_t)ctx,
    };
}
