/* vtop command language: whole-space commands: tlb, mem (QEMU `info tlb`
 * and `info mem` text, fmt_qemu.h; JSON, fmt_json.h) and audit
 * (fmt_audit.h). */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/enum.h"
#include "fmt_a64.h"
#include "fmt_audit.h"
#include "fmt_json.h"
#include "fmt_ptdump.h"
#include "fmt_qemu.h"
#include "num.h"
#include "qemu_quirks.h"
#include "scan.h"

/* Optional RANGE arguments (argv[1..argc)), inclusive last byte in *last. */
static bool space_range(vtop_cmd_ctx *c, int argc, char **argv,
                        uint64_t *first, uint64_t *last)
{
    *first = 0;
    *last = UINT64_MAX;
    if (argc == 1)
        return true;
    vtop_range r;
    int bad;
    if (!vtop_parse_range(argc - 1, argv + 1, &r, &bad)) {
        vtop_cmd_error(c, VTOP_EXIT_USAGE, "%s: bad range at '%s' (START-END, "
                       "START END or START L LEN)", c->cmd->name, argv[1 + bad]);
        return false;
    }
    *first = r.start;
    *last = r.end_is_top ? UINT64_MAX : r.end - 1;
    return true;
}

static int walk_status(vtop_cmd_ctx *c, vtop_status st)
{
    if (st == VTOP_OK)
        return VTOP_EXIT_OK;
    if (st == VTOP_LIMIT_REACHED)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "%s: stopped: the table budget "
                              "was spent (a loop of tables?)", c->cmd->name);
    return vtop_cmd_error(c, VTOP_EXIT_FAIL, "%s: %s", c->cmd->name,
                          vtop_status_name(st));
}

/* ---- tlb ---- */

static int run_tlb(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_space *space = vtop_cmd_need_space(c);
    uint64_t first, last;
    if (!space)
        return VTOP_EXIT_IMAGE;
    if (!vtop_cmd_argc(c, argc, 1, 4) || !space_range(c, argc, argv, &first, &last))
        return VTOP_EXIT_USAGE;
    vtop_report r = {c->out, space};
    bool a64 = vtop_mode_is_a64(space->desc);
    if (a64 && !c->json) /* no QEMU `info tlb` for Arm: fmt_a64.h's lines */
        return walk_status(c, vtop_enumerate(space, first, last, NULL,
                                             vtop_fmt_a64_tlb_leaf, &r));
    if (!c->json)
        return walk_status(c, vtop_fmt_qemu_tlb_range(&r, first, last, 0));
    vtop_enum_options opt = {a64 ? VTOP_ENUM_STRICT : VTOP_ENUM_QEMU, 0, NULL,
                             NULL, NULL};
    return walk_status(c, vtop_enumerate(space, first, last, &opt,
                                         vtop_fmt_json_tlb_leaf, &r));
}

/* ---- mem: QEMU's ranges, filtered by RANGE, as text or JSON ---- */

typedef struct mem_filter {
    const vtop_cmd_ctx *c;
    uint64_t first, last;
} mem_filter;

static void mem_range(void *ctx, const vtop_qemu_range *r)
{
    const mem_filter *f = ctx;
    if (r->end != 0 && (r->end - 1 < f->first || r->start > f->last))
        return;
    if (f->c->json)
        vtop_fmt_json_mem_range(f->c->out, r);
    else
        vtop_fmt_qemu_mem_line(f->c->out, r);
}

/* AArch64: Linux arm64 ptdump-style ranges (fmt_ptdump.h). */
static void mem_a64_json(void *ctx, const vtop_ptdump_range *range)
{
    const vtop_cmd_ctx *c = ctx;
    vtop_fmt_json_ptdump_range(c->out, &c->session->space, range);
}

static int mem_a64(vtop_cmd_ctx *c, const vtop_space *space, unsigned flags,
                   uint64_t first, uint64_t last)
{
    if (flags)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "mem --fixed: x86 only "
                              "(QEMU's 5-level `info mem`)");
    vtop_report r = {c->out, space};
    if (c->json)
        return walk_status(c, vtop_fmt_ptdump_ranges(space, first, last,
                                                     mem_a64_json, c));
    return walk_status(c, vtop_fmt_ptdump(&r, first, last));
}

static int run_mem(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_space *space = vtop_cmd_need_space(c);
    uint64_t first, last;
    if (!space)
        return VTOP_EXIT_IMAGE;
    /* --fixed: QEMU 7.2's mem_info_la57 tests the PDPTE and PDE present bits
     * inverted and prints nothing for a 5-level Linux guest; the default
     * reproduces that byte for byte, --fixed prints what it means. */
    unsigned flags = 0;
    if (argc > 1 && strcmp(argv[1], "--fixed") == 0) {
        flags = VTOP_QEMU_MEM_FIX_LA57;
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    if (!vtop_cmd_argc(c, argc, 1, 4) || !space_range(c, argc, argv, &first, &last))
        return VTOP_EXIT_USAGE;
    if (vtop_mode_is_a64(space->desc))
        return mem_a64(c, space, flags, first, last);
    if (vtop_qemu_paging_off(space)) {
        vtop_puts(c->out, "PG disabled\n");
        return VTOP_EXIT_OK;
    }
    mem_filter f = {c, first, last};
    return walk_status(c, vtop_fmt_qemu_mem_ranges(space, 0, flags, mem_range, &f));
}

static const vtop_command cmd_tlb = {
    "tlb", "tlb [RANGE]", "every present leaf, as QEMU's `info tlb`",
    "  Lines \"VA: PA XGPDACTUW\" (flags or '-'), byte for byte as QEMU 7.2.\n"
    "  AArch64: \"VA: PA SIZE LEVEL RIGHTS AP=.. UXN PXN AF nG SH=.. C DBM\n"
    "  attrN TYPE\" (QEMU has no `info tlb` for Arm).\n"
    "  RANGE: START-END (END exclusive), START END, or START L LEN.\n",
    true, run_tlb, NULL};
static const vtop_command cmd_mem = {
    "mem", "mem [--fixed] [RANGE]", "mapped ranges merged by rights, as QEMU's `info mem`",
    "  Lines \"START-END SIZE urw\", byte for byte as QEMU 7.2; with RANGE,\n"
    "  only the lines that overlap it. QEMU 7.2 prints nothing for 5-level\n"
    "  paging (mem_info_la57 tests present bits inverted); --fixed prints\n"
    "  what it means: the 4-level format, sign extension at bit 56.\n"
    "  AArch64: ranges merged as Linux's arm64 ptdump prints them\n"
    "  (arch/arm64/mm/ptdump.c), one \"---[ TTBRn_ELx ]---\" marker per half.\n",
    true, run_mem, NULL};

/* ---- audit ---- */

static int audit_finding(void *ctx, const vtop_finding *f)
{
    const vtop_cmd_ctx *c = ctx;
    vtop_report r = {c->out, &c->session->space};
    if (c->json)
        vtop_fmt_json_audit_finding(&r, f);
    else
        vtop_fmt_audit_finding(&r, f);
    return 0;
}

#define AUDIT_REFS (1u << 16)

static int run_audit(vtop_cmd_ctx *c, int argc, char **argv)
{
    (void)argv;
    const vtop_space *space = vtop_cmd_need_space(c);
    if (!space)
        return VTOP_EXIT_IMAGE;
    if (!vtop_cmd_argc(c, argc, 1, 1))
        return VTOP_EXIT_USAGE;
    vtop_audit_options opt = {0, calloc(AUDIT_REFS, sizeof(vtop_table_ref)),
                              AUDIT_REFS};
    if (!opt.refs)
        opt.refs_cap = 0;
    for (size_t i = 0; i < opt.refs_cap; i++)
        opt.refs[i].level = 0xff; /* empty slot (audit.h) */
    vtop_audit_stats stats;
    memset(&stats, 0, sizeof stats);
    vtop_status st = vtop_audit_scan(space, c->session->scan, &opt,
                                     audit_finding, c, &stats);
    free(opt.refs);
    if (c->json)
        vtop_fmt_json_audit_summary(c->out, &stats);
    else
        vtop_fmt_audit_summary(c->out, &stats);
    return walk_status(c, st);
}

static const vtop_command cmd_audit = {
    "audit", "audit", "check the tables: W+X, user pages in the upper half, ...",
    "  One line per finding: KIND FIRST-LAST COUNT LEVEL at ENTRY_PA = ENTRY;\n"
    "  kinds: wx, user-upper, null-page, table-shared, table-aliased,\n"
    "  reserved-bits, outside-memory, table-outside. Then a summary line.\n",
    true, run_audit, NULL};

const vtop_command *const vtop_cmds_space[] = {&cmd_tlb, &cmd_mem, &cmd_audit,
                                               NULL};
