/* vtop command language: whole-space commands: tlb, mem (QEMU `info tlb`
 * and `info mem` text, fmt_qemu.h) and audit. */
#include "session_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/enum.h"
#include "fmt_qemu.h"
#include "fmt_windbg.h"
#include "json.h"
#include "num.h"
#include "record_json.h"

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

typedef struct tlb_ctx {
    vtop_cmd_ctx *c;
    const vtop_space *space;
} tlb_ctx;

static int tlb_leaf(void *ctx, const vtop_leaf *leaf)
{
    const tlb_ctx *t = ctx;
    if (!t->c->json) {
        vtop_fmt_qemu_tlb_line(t->c->out, t->space, leaf->raw_va, leaf->entry,
                               leaf->level);
        return 0;
    }
    vtop_json j;
    char rights[5];
    vtop_fmt_rights(leaf->rights, rights);
    vtop_json_begin(&j, t->c->out);
    vtop_json_str(&j, "cmd", "tlb");
    vtop_json_hex(&j, "va", leaf->va);
    vtop_json_hex(&j, "raw_va", leaf->raw_va);
    vtop_json_hex(&j, "pa", leaf->pa);
    vtop_json_hex(&j, "size", leaf->size);
    vtop_json_hex(&j, "entry", leaf->entry);
    vtop_json_str(&j, "level", t->space->desc->level[leaf->level].name);
    vtop_json_str(&j, "rights", rights);
    vtop_json_leaf_flags(&j, "leaf_flags", leaf->leaf_flags);
    vtop_json_hex(&j, "reserved_bits", leaf->reserved_bits);
    vtop_json_array(&j, "levels");
    for (unsigned i = 0; i < leaf->nlevels && i < VTOP_MAX_LEVELS; i++) {
        vtop_json_object(&j, NULL);
        vtop_json_str(&j, "name",
                      t->space->desc->level[leaf->levels[i].level].name);
        vtop_json_hex(&j, "entry_pa", leaf->levels[i].entry_pa);
        vtop_json_hex(&j, "entry", leaf->levels[i].entry);
        vtop_json_close(&j, '}');
    }
    vtop_json_close(&j, ']');
    vtop_json_end(&j);
    return 0;
}

static int run_tlb(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_space *space = vtop_cmd_need_space(c);
    uint64_t first, last;
    if (!space)
        return VTOP_EXIT_IMAGE;
    if (!vtop_cmd_argc(c, argc, 1, 4) || !space_range(c, argc, argv, &first, &last))
        return VTOP_EXIT_USAGE;
    if (argc == 1 && !c->json)
        return walk_status(c, vtop_fmt_qemu_tlb(c->out, space, 0));
    tlb_ctx t = {c, space};
    vtop_enum_options opt = {VTOP_ENUM_QEMU, 0, NULL, NULL};
    return walk_status(c, vtop_enumerate(space, first, last, &opt, tlb_leaf, &t));
}

/* ---- mem: QEMU's text, filtered by range or turned into JSON ---- */

typedef struct mem_filter {
    vtop_cmd_ctx *c;
    uint64_t first, last;
    char line[128];
    size_t len;
} mem_filter;

/* A 16-digit hex field of an `info mem` line at text[at]. */
static bool mem_field(const char *text, size_t at, uint64_t *out)
{
    char digits[17];
    memcpy(digits, text + at, 16);
    digits[16] = '\0';
    return vtop_parse_addr(digits, out);
}

/* "%016llx-%016llx %016llx urw\n" (fmt_qemu.h): 55 characters. */
static bool mem_parse(const char *line, size_t len, uint64_t *s, uint64_t *e,
                      uint64_t *size, char prot[4])
{
    if (len != 55 || line[16] != '-' || line[33] != ' ' || line[50] != ' ')
        return false;
    if (!mem_field(line, 0, s) || !mem_field(line, 17, e) ||
        !mem_field(line, 34, size))
        return false;
    memcpy(prot, line + 51, 3);
    prot[3] = '\0';
    return true;
}

static void mem_line(mem_filter *f)
{
    uint64_t s, e, size;
    char prot[4];
    f->line[f->len] = '\0';
    if (!mem_parse(f->line, f->len, &s, &e, &size, prot)) {
        vtop_puts(f->c->out, f->line); /* not a range line ("PG disabled") */
        return;
    }
    if (e != 0 && (e - 1 < f->first || s > f->last))
        return;
    if (!f->c->json) {
        vtop_puts(f->c->out, f->line);
        return;
    }
    vtop_json j;
    vtop_json_begin(&j, f->c->out);
    vtop_json_str(&j, "cmd", "mem");
    vtop_json_hex(&j, "start", s);
    vtop_json_hex(&j, "end", e);
    vtop_json_hex(&j, "size", size);
    vtop_json_str(&j, "prot", prot);
    vtop_json_bool(&j, "user", prot[0] == 'u');
    vtop_json_bool(&j, "writable", prot[2] == 'w');
    vtop_json_end(&j);
}

static void mem_write(void *ctx, const char *text, size_t n)
{
    mem_filter *f = ctx;
    for (size_t i = 0; i < n; i++) {
        if (f->len < sizeof f->line - 2)
            f->line[f->len++] = text[i];
        if (text[i] == '\n') {
            mem_line(f);
            f->len = 0;
        }
    }
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
    if (argc == 1 && !c->json)
        return walk_status(c, vtop_fmt_qemu_mem_ex(c->out, space, 0, flags));
    mem_filter *f = calloc(1, sizeof *f);
    if (!f)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "mem: out of memory");
    f->c = c;
    f->first = first;
    f->last = last;
    vtop_out sink = {mem_write, f};
    vtop_status st = vtop_fmt_qemu_mem_ex(&sink, space, 0, flags);
    free(f);
    return walk_status(c, st);
}

static const vtop_command cmd_tlb = {
    "tlb", "tlb [RANGE]", "every present leaf, as QEMU's `info tlb`",
    "  Lines \"VA: PA XGPDACTUW\" (flags or '-'), byte for byte as QEMU 7.2.\n"
    "  RANGE: START-END (END exclusive), START END, or START L LEN.\n",
    true, run_tlb, NULL};
static const vtop_command cmd_mem = {
    "mem", "mem [--fixed] [RANGE]", "mapped ranges merged by rights, as QEMU's `info mem`",
    "  Lines \"START-END SIZE urw\", byte for byte as QEMU 7.2; with RANGE,\n"
    "  only the lines that overlap it. QEMU 7.2 prints nothing for 5-level\n"
    "  paging (mem_info_la57 tests present bits inverted); --fixed prints\n"
    "  what it means: the 4-level format, sign extension at bit 56.\n",
    true, run_mem, NULL};

/* ---- audit ---- */

typedef struct audit_ctx {
    vtop_cmd_ctx *c;
    const vtop_space *space;
} audit_ctx;

static int audit_finding(void *ctx, const vtop_finding *f)
{
    const audit_ctx *a = ctx;
    const char *level = f->level < a->space->desc->levels ?
        a->space->desc->level[f->level].name : "-";
    if (!a->c->json) {
        vtop_printf(a->c->out, "%-14s %016" PRIx64 "-%016" PRIx64 " %6" PRIu64
                    " %-5s at %016" PRIx64 " = %016" PRIx64 "\n",
                    vtop_finding_name(f->kind), f->va_start, f->va_end, f->count,
                    level, f->entry_pa, f->entry);
        return 0;
    }
    vtop_json j;
    vtop_json_begin(&j, a->c->out);
    vtop_json_str(&j, "cmd", "audit");
    vtop_json_str(&j, "finding", vtop_finding_name(f->kind));
    vtop_json_hex(&j, "va_start", f->va_start);
    vtop_json_hex(&j, "va_end", f->va_end);
    vtop_json_uint(&j, "count", f->count);
    vtop_json_str(&j, "level", level);
    vtop_json_hex(&j, "entry_pa", f->entry_pa);
    vtop_json_hex(&j, "entry", f->entry);
    vtop_json_hex(&j, "pa", f->pa);
    vtop_json_hex(&j, "reserved_bits", f->reserved_bits);
    if (f->kind == VTOP_FINDING_TABLE_SHARED ||
        f->kind == VTOP_FINDING_TABLE_ALIASED) {
        vtop_json_hex(&j, "other_entry_pa", f->other_entry_pa);
        vtop_json_str(&j, "other_level", f->other_level < a->space->desc->levels ?
                      a->space->desc->level[f->other_level].name : "-");
    }
    vtop_json_end(&j);
    return 0;
}

static void audit_summary(vtop_cmd_ctx *c, const vtop_audit_stats *st)
{
    uint64_t total = 0;
    for (int k = 0; k < VTOP_FINDING_COUNT; k++)
        total += st->findings[k];
    if (c->json) {
        vtop_json j;
        vtop_json_begin(&j, c->out);
        vtop_json_str(&j, "cmd", "audit-summary");
        vtop_json_uint(&j, "findings", total);
        for (int k = 0; k < VTOP_FINDING_COUNT; k++)
            vtop_json_uint(&j, vtop_finding_name((vtop_finding_kind)k),
                           st->findings[k]);
        vtop_json_uint(&j, "leaves", st->leaves);
        vtop_json_uint(&j, "tables", st->tables);
        vtop_json_bool(&j, "refs_full", st->refs_full);
        vtop_json_end(&j);
        return;
    }
    vtop_printf(c->out, "audit: %" PRIu64 " finding(s) over %" PRIu64
                " leaves, %" PRIu64 " tables:", total, st->leaves, st->tables);
    for (int k = 0; k < VTOP_FINDING_COUNT; k++)
        vtop_printf(c->out, " %s %" PRIu64, vtop_finding_name((vtop_finding_kind)k),
                    st->findings[k]);
    vtop_puts(c->out, st->refs_full ? " (table checks partial)\n" : "\n");
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
    audit_ctx a = {c, space};
    vtop_status st = vtop_audit(space, &opt, audit_finding, &a, &stats);
    free(opt.refs);
    audit_summary(c, &stats);
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
