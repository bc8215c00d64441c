/* vtop command language: read VA LEN and readp PA LEN, as hexdumps that
 * report a partial read (dbgeng ReadVirtual/ReadPhysical: success when at
 * least one byte was read, BytesRead < Size when it stopped early). */
#include "session_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hexdump.h"
#include "json.h"
#include "num.h"

/* Bound on one read, so a typo cannot print gigabytes. */
#define VTOP_READ_MAX (1u << 20)

typedef struct read_result {
    uint64_t addr;
    uint64_t want;
    size_t done;
    vtop_status status;      /* of the read */
    vtop_status stop_reason; /* why it stopped, when done < want */
} read_result;

static void read_json(vtop_cmd_ctx *c, const read_result *r, const uint8_t *buf)
{
    static const char hex[] = "0123456789abcdef";
    vtop_json j;
    vtop_json_begin(&j, c->out);
    vtop_json_str(&j, "cmd", c->cmd->name);
    vtop_json_hex(&j, "address", r->addr);
    vtop_json_uint(&j, "requested", r->want);
    vtop_json_uint(&j, "read", r->done);
    vtop_json_str(&j, "status", vtop_status_name(r->status));
    vtop_json_hex(&j, "hresult", vtop_hresult(r->status));
    if (r->done < r->want) {
        vtop_json_hex(&j, "stopped_at", r->addr + r->done);
        vtop_json_str(&j, "stop_reason", vtop_status_name(r->stop_reason));
    }
    vtop_puts(c->out, ",\"data\":\"");
    for (size_t i = 0; i < r->done; i++) {
        char two[2] = {hex[buf[i] >> 4], hex[buf[i] & 15]};
        c->out->write(c->out->ctx, two, 2);
    }
    vtop_puts(c->out, "\"");
    vtop_json_end(&j);
}

static int read_report(vtop_cmd_ctx *c, const read_result *r,
                       const uint8_t *buf)
{
    if (c->json)
        read_json(c, r, buf);
    else
        vtop_hexdump(c->out, r->addr, buf, r->done);
    if (r->done == r->want)
        return VTOP_EXIT_OK;
    if (!c->json)
        vtop_printf(c->out, "read 0x%zx of 0x%" PRIx64 " bytes: stopped at "
                    "%016" PRIx64 " (%s) status 0x%08" PRIX32 " %s\n", r->done,
                    r->want, r->addr + r->done, vtop_status_name(r->stop_reason),
                    vtop_hresult(r->status), vtop_status_name(r->status));
    return VTOP_EXIT_FAIL;
}

/* Which address space `read` / `readp` reads. */
typedef enum read_space { READ_VIRTUAL, READ_PHYSICAL } read_space;

static int run_read_common(vtop_cmd_ctx *c, int argc, char **argv, read_space where)
{
    bool virt = where == READ_VIRTUAL;
    read_result r;
    memset(&r, 0, sizeof r);
    if (!vtop_cmd_argc(c, argc, 3, 3))
        return VTOP_EXIT_USAGE;
    const vtop_space *space = NULL;
    if (virt && !(space = vtop_cmd_need_space(c)))
        return VTOP_EXIT_IMAGE;
    if (!vtop_cmd_addr(c, "address", argv[1], &r.addr))
        return VTOP_EXIT_USAGE;
    if (!vtop_parse_len(argv[2], &r.want) || r.want == 0 ||
        r.want > VTOP_READ_MAX)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "%s: bad length '%s' (1 to "
                              "0x%x bytes; hex, or 4k, 0n100)", c->cmd->name,
                              argv[2], VTOP_READ_MAX);
    uint8_t *buf = malloc((size_t)r.want);
    if (!buf)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "%s: out of memory",
                              c->cmd->name);
    if (virt) {
        r.status = vtop_read_virtual(space, r.addr, buf, (size_t)r.want, &r.done);
    } else {
        r.status = vtop_physmem_read(&c->session->mem, r.addr, buf,
                                     (size_t)r.want, &r.done);
    }
    r.stop_reason = VTOP_PAGE_NOT_IN_IMAGE;
    if (virt && r.done < r.want) {
        /* Say why the next byte could not be read: its translation, or its
         * page missing from the image. */
        vtop_translation t;
        vtop_status ts = vtop_translate(space, r.addr + r.done, &t);
        if (ts != VTOP_OK)
            r.stop_reason = ts;
        else if (vtop_physmem_probe(&space->mem, t.pa) != VTOP_OK)
            r.stop_reason = vtop_physmem_probe(&space->mem, t.pa);
    }
    if (!virt && r.done < r.want &&
        vtop_physmem_probe(&c->session->mem, r.addr + r.done) != VTOP_OK)
        r.stop_reason = vtop_physmem_probe(&c->session->mem, r.addr + r.done);
    int rc = read_report(c, &r, buf);
    free(buf);
    return rc;
}

static int run_read(vtop_cmd_ctx *c, int argc, char **argv)
{
    return run_read_common(c, argc, argv, READ_VIRTUAL);
}

static int run_readp(vtop_cmd_ctx *c, int argc, char **argv)
{
    return run_read_common(c, argc, argv, READ_PHYSICAL);
}

#define READ_HELP \
    "  LEN is hex (0x100), or decimal with 0n (0n256) or a k/m suffix (4k);\n" \
    "  at most 1 MiB. A read that stops early dumps what was read, then\n" \
    "  \"read N of M bytes: stopped at ADDR (REASON) status HRESULT NAME\"\n" \
    "  and exits with status 1.\n"

static const vtop_command cmd_read = {
    "read", "read VA LEN", "hexdump LEN bytes of virtual memory", READ_HELP,
    true, run_read, NULL};
static const vtop_command cmd_readp = {
    "readp", "readp PA LEN", "hexdump LEN bytes of physical memory", READ_HELP,
    true, run_readp, NULL};

const vtop_command *const vtop_cmds_read[] = {&cmd_read, &cmd_readp, NULL};
