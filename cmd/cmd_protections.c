/* vtop command language: `protections` (cmd_protections.h). */
#include "cmd_protections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/formats/capture.h"
#include "session_int.h"

/* ---- the built-in provider: the sources a capture file carries ---- */

void vtop_capture_sources_free(vtop_capture_sources_buf *cs)
{
    free(cs->buf.memmap);
    free(cs->buf.mat);
    free(cs->buf.gcd);
    free(cs->buf.images);
    free(cs->buf.sections);
    free(cs->buf.answers);
}

int vtop_capture_sources_load(vtop_session *s, vtop_capture_sources_buf *cs,
                              vtop_prot_sources *src, char *why, size_t why_len)
{
    vtop_capture_info ci;
    if (!s->has_loaded || !s->loaded.base ||
        vtop_capture_probe(s->loaded.base, s->loaded.size, &ci) != VTOP_OK ||
        !ci.has_sources) {
        snprintf(why, why_len, "the image is not a vtop capture (EFI `capture FILE`)");
        return -1;
    }
    cs->buf = (vtop_capture_buffers){
        calloc(ci.nmemmap + 1, sizeof(vtop_prot_mem)), calloc(ci.nmat + 1, sizeof(vtop_prot_mem)),
        calloc(ci.ngcd + 1, sizeof(vtop_prot_gcd)), calloc(ci.nimages + 1, sizeof(vtop_prot_image)),
        calloc(ci.nsections + 1, sizeof(vtop_prot_section)),
        calloc(ci.nattr + 1, sizeof(vtop_prot_attr_answer)),
    };
    vtop_capture_buffers *b = &cs->buf;
    if (!b->memmap || !b->mat || !b->gcd || !b->images || !b->sections || !b->answers) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    vtop_status st = vtop_capture_sources(s->loaded.base, s->loaded.size, &ci, b, src);
    if (st != VTOP_OK) {
        snprintf(why, why_len, "damaged sources note (%s)", vtop_status_name(st));
        return -1;
    }
    return 0;
}

typedef struct unmet_ctx {
    const vtop_prot_provider *p;
    const vtop_space *space;
} unmet_ctx;

static const char *unmet_of(void *ctx, vtop_check_id id)
{
    unmet_ctx *u = ctx;
    return u->p && u->p->unmet ? u->p->unmet(u->p->ctx, u->space, id) : NULL;
}

static int cmd_protections(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_prot_provider *p = c->cmd->data;
    bool verbose = argc == 2 && strcmp(argv[1], "-v") == 0;
    if (argc > 2 || (argc == 2 && !verbose))
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "protections: unknown argument "
                              "'%s'; usage: %s", argv[argc - 1], c->cmd->usage);
    const vtop_space *space = vtop_session_space(c->session);
    if (!space)
        return vtop_cmd_error(c, VTOP_EXIT_IMAGE, "protections: the target has no "
                              "page tables to check (no CR3 known)");
    vtop_prot_sources src;
    char why[128] = "";
    vtop_capture_sources_buf cs = { { NULL, NULL, NULL, NULL, NULL, NULL } };
    int got = p ? p->sources(p->ctx, &src, why, sizeof why)
                : vtop_capture_sources_load(c->session, &cs, &src, why, sizeof why);
    vtop_prot_report *rep = got == 0 ? malloc(sizeof *rep) : NULL;
    if (!rep) {
        vtop_capture_sources_free(&cs);
        return got ? vtop_cmd_error(c, VTOP_EXIT_IMAGE, "protections: no firmware "
                                    "sources for this target: %s", why)
                   : vtop_cmd_error(c, VTOP_EXIT_FAIL, "protections: out of memory");
    }
    vtop_status st = vtop_protect_check(space, &src, rep);
    int rc = VTOP_EXIT_OK;
    if (st != VTOP_OK) {
        rc = vtop_cmd_error(c, st == VTOP_LIMIT_REACHED ? VTOP_EXIT_FAIL : VTOP_EXIT_IMAGE,
                            "protections: %s", vtop_status_name(st));
    } else {
        unmet_ctx u = { p, space };
        vtop_prot_view v = { rep, &src, unmet_of, &u };
        if (verbose && !c->json)
            vtop_fmt_prot_sources(&src, c->out);
        if (c->json)
            vtop_fmt_protections_json(&v, c->out);
        else
            vtop_fmt_protections(&v, c->out);
        for (int i = 0; i < VTOP_CHECK_COUNT; i++)
            if (rep->check[i].status == VTOP_CHECK_FAIL)
                rc = VTOP_EXIT_FAIL;
    }
    free(rep);
    vtop_capture_sources_free(&cs);
    return rc;
}

vtop_command vtop_protections_command(const vtop_prot_provider *provider)
{
    return (vtop_command){
        .name = "protections",
        .usage = "protections [-v]",
        .summary = "firmware memory protections: PagingAudit's checks and more",
        .help = "Joins the page tables with the firmware's memory map, GCD map,\n"
                "Memory Attributes Table, loaded images' PE/COFF sections, the BSP\n"
                "stack and EFI_MEMORY_ATTRIBUTE_PROTOCOL, and prints each check as\n"
                "PASS / FAIL / N/A with a count and the first offending ranges\n"
                "(memory type, GCD type, image, section), then the share of NX,\n"
                "read-only and not-present pages per memory type. -v lists the\n"
                "sources first. --json: one object per check. Exit status 1 when\n"
                "a check fails.\n",
        .needs_target = true,
        .run = cmd_protections,
        .data = (void *)(uintptr_t)provider,
    };
}

/* Built in: the sources come from the open capture; the EFI app replaces
 * it with the live firmware's (vtop_cmd_register). */
static const vtop_command builtin_protections = {
    .name = "protections",
    .usage = "protections [-v]",
    .summary = "firmware memory protections of a capture (PagingAudit's checks and more)",
    .help = "On a vtop capture (EFI `capture FILE`): the checks the EFI app's\n"
            "`protections` made live, from the sources the capture carries.\n",
    .needs_target = true,
    .run = cmd_protections,
    .data = NULL,
};

const vtop_command *const vtop_cmds_protections[] = { &builtin_protections, NULL };
