/* vtop command language: one address at a time: vtop and pte.
 * Text comes from the WinDbg-style views (fmt_windbg.h); --json gives the
 * whole record (record_json.h). */
#include "session_int.h"

#include "fmt_windbg.h"
#include "lex.h"
#include "record_json.h"

/* A frame the translation reached but the dump left out (makedumpfile -d)
 * or cannot decompress here: the answer is right, the bytes are not there. */
static void note_frame(vtop_cmd_ctx *c, const vtop_space *space,
                       const vtop_translation *t)
{
    if (c->json || t->status != VTOP_OK)
        return;
    vtop_status ps = vtop_physmem_probe(&space->mem, t->pa);
    if (ps == VTOP_PAGE_EXCLUDED)
        vtop_printf(c->out, "note: frame %016llx: page excluded from the dump "
                    "(%s)\n", (unsigned long long)(t->pa & ~0xFFFull),
                    vtop_status_name(ps));
    else if (ps == VTOP_FORMAT_UNSUPPORTED)
        vtop_printf(c->out, "note: frame %016llx: compressed with a method "
                    "this build cannot decompress (%s)\n",
                    (unsigned long long)(t->pa & ~0xFFFull), vtop_status_name(ps));
}

/* Translate each VA argument; print with `view`. Exit 1 if any failed. */
static int translate_each(vtop_cmd_ctx *c, int argc, char **argv,
                          void (*view)(const vtop_out *, const vtop_space *,
                                       const vtop_translation *))
{
    if (!vtop_cmd_argc(c, argc, 2, VTOP_MAX_ARGS))
        return VTOP_EXIT_USAGE;
    const vtop_space *space = vtop_cmd_need_space(c);
    if (!space)
        return VTOP_EXIT_IMAGE;
    uint64_t va[VTOP_MAX_ARGS];
    for (int i = 1; i < argc; i++)       /* check them all before answering */
        if (!vtop_cmd_addr(c, "address", argv[i], &va[i]))
            return VTOP_EXIT_USAGE;
    int rc = VTOP_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        vtop_translation t;
        if (vtop_translate(space, va[i], &t) != VTOP_OK)
            rc = VTOP_EXIT_FAIL;
        if (c->json)
            vtop_record_json(c->out, c->cmd->name, space, &t);
        else
            view(c->out, space, &t);
        note_frame(c, space, &t);
    }
    return rc;
}

static int run_vtop(vtop_cmd_ctx *c, int argc, char **argv)
{
    return translate_each(c, argc, argv, vtop_fmt_windbg_vtop);
}

static int run_pte(vtop_cmd_ctx *c, int argc, char **argv)
{
    return translate_each(c, argc, argv, vtop_fmt_windbg_pte);
}

static const vtop_command cmd_vtop = {
    "vtop", "vtop VA [VA...]",
    "translate virtual to physical (dbgeng VirtualToPhysical), one line each",
    "  ok:   va V pa P size S rights R status 0x00000000 ok\n"
    "  else: va V status HRESULT REASON at LEVEL\n"
    "  HRESULT 0xD0000147 = HRESULT_FROM_NT(STATUS_NO_PAGEFILE): no physical\n"
    "  page; 0x80070057 = E_INVALIDARG (e.g. non-canonical address).\n"
    "  Rights: r, w|-, x|-, u(ser)|k(ernel), combined over all levels.\n"
    "  Exit status 1 when any address does not translate.\n",
    true, run_vtop, NULL};
static const vtop_command cmd_pte = {
    "pte", "pte VA [VA...]",
    "show every paging entry read for VA, in the style of WinDbg !pte",
    "  One line per level: entry address, raw value, pfn and flags\n"
    "  (C G L(arge) D A N(PCD) T(PWT) U|K W|R E V), then the result and the\n"
    "  status line \"status HRESULT NAME\".\n",
    true, run_pte, NULL};

const vtop_command *const vtop_cmds_translate[] = {&cmd_vtop, &cmd_pte, NULL};
