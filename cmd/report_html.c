/* vtop command language: `report --html FILE`, one self-contained HTML page
 * (no network, no external script or style) of a capture's protections:
 * the summary of checks, the per-type shares, a picture of the physical
 * address space coloured by memory type and by protection, and the table
 * of ranges, filterable by finding with a few lines of inline script. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_protections.h"
#include "report_rows.h"
#include "session_int.h"

static void esc(FILE *f, const char *t)
{
    for (; *t; t++) {
        if (*t == '<') fputs("&lt;", f);
        else if (*t == '>') fputs("&gt;", f);
        else if (*t == '&') fputs("&amp;", f);
        else if (*t == '"') fputs("&quot;", f);
        else fputc(*t, f);
    }
}

static const char *const type_colour[VTOP_EFI_TYPES + 1] = {
    "#888", "#c9f", "#a7d", "#f96", "#fc6", "#f33", "#f99", "#9c9", "#555",
    "#6cf", "#39c", "#ccc", "#bbb", "#963", "#6c6", "#999", "#444",
};

static const char *prot_colour(const vtop_prot_range *r)
{
    bool w = r->rights & VTOP_RIGHT_WRITE, x = r->rights & VTOP_RIGHT_EXEC;
    return !r->present ? "#eee" : w && x ? "#d00" : x ? "#f90" : w ? "#3a3" : "#36c";
}

static void head(FILE *f, const vtop_session *s, const vtop_space *space)
{
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vtop protections: ", f);
    esc(f, s->name);
    fputs("</title>\n<style>body{font:13px sans-serif;margin:1em}table{border-collapse:"
          "collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-family:monospace}"
          ".FAIL{background:#fcc}.PASS{background:#cfc}.NA{background:#eee}"
          "tr.hidden{display:none}</style></head><body>\n<h1>vtop protections: ", f);
    esc(f, s->name);
    fprintf(f, "</h1>\n<p id=\"space\">%s, CR3 0x%" PRIx64 ", NXE %d, MAXPHYADDR %u</p>\n",
            space->desc->name, space->cfg.cr3, space->cfg.nxe,
            space->cfg.maxphyaddr ? space->cfg.maxphyaddr : 52);
}

static void summary(FILE *f, const vtop_prot_report *rep)
{
    fputs("<h2>Checks</h2>\n<table id=\"summary\"><tr><th>check</th><th>status</th>"
          "<th>count</th><th>checked</th></tr>\n", f);
    for (int i = 0; i < VTOP_CHECK_COUNT; i++) {
        const vtop_check_result *c = &rep->check[i];
        const char *st = vtop_check_status_name(c->status);
        fprintf(f, "<tr data-check=\"%s\" data-status=\"%s\" data-count=\"%" PRIu64
                "\"><td>%s</td><td class=\"%s\">%s</td><td>%" PRIu64 "</td><td>%"
                PRIu64 "</td></tr>\n", vtop_check_name((vtop_check_id)i), st, c->count,
                vtop_check_name((vtop_check_id)i), c->status == VTOP_CHECK_NA ? "NA" : st,
                st, c->count, c->checked);
    }
    fprintf(f, "</table>\n<p id=\"guards\" data-count=\"%" PRIu64 "\">guard pages: %" PRIu64
            "</p>\n", rep->guard_pages, rep->guard_pages);
    fputs("<h2>Pages per memory type</h2>\n<table id=\"types\"><tr><th>type</th><th>pages"
          "</th><th>present</th><th>NX</th><th>RO</th><th>W+X</th></tr>\n", f);
    for (uint32_t t = 0; t <= VTOP_EFI_TYPES; t++) {
        const vtop_type_share *s = &rep->types[t];
        if (!s->pages)
            continue;
        char b[16];
        fprintf(f, "<tr data-type=\"%s\" data-wx=\"%" PRIu64 "\"><td>%s</td><td>%" PRIu64
                    "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%"
                    PRIu64 "</td></tr>\n", vtop_fmt_memtype(t, b), s->wx, vtop_fmt_memtype(t, b),
                    s->pages, s->present, s->nx, s->ro, s->wx);
    }
    fputs("</table>\n", f);
}

/* Two bars over [0, top): memory type above, protection below. */
static void picture(FILE *f, const report_rows *rows)
{
    const double width = 1200.0;
    double scale = rows->top ? width / (double)rows->top : 0;
    fprintf(f, "<h2>Physical address space 0 - 0x%" PRIx64 "</h2>\n<svg id=\"map\" "
            "xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"70\">\n", rows->top);
    for (size_t i = 0; i < rows->count && rows->rows[i].r.va < rows->top; i++) {
        const vtop_prot_range *r = &rows->rows[i].r;
        uint64_t size = r->size < rows->top - r->va ? r->size : rows->top - r->va;
        double x = (double)r->va * scale, w = (double)size * scale;
        uint32_t t = r->memtype == VTOP_PROT_NONE ? VTOP_EFI_TYPES
                     : r->memtype < VTOP_EFI_TYPES ? r->memtype : VTOP_EFI_TYPES;
        fprintf(f, "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"30\" fill=\"%s\"/>"
                "<rect x=\"%.2f\" y=\"35\" width=\"%.2f\" height=\"30\" fill=\"%s\"/>\n",
                x, w < 0.5 ? 0.5 : w, type_colour[t], x, w < 0.5 ? 0.5 : w, prot_colour(r));
    }
    fputs("</svg>\n<p>Top bar: memory type. Bottom bar: red W+X, orange RX, green RW NX, "
          "blue RO NX, grey not present.</p>\n", f);
}

static void range_table(FILE *f, const vtop_prot_sources *src, const report_rows *rows)
{
    fputs("<h2>Ranges</h2>\n<label>finding <select id=\"filter\" onchange=\"filt()\">"
          "<option value=\"\">all</option>", f);
    for (unsigned b = 0; b < ROW_FINDINGS; b++)
        fprintf(f, "<option>%s</option>", report_finding_name(b));
    fputs("</select></label>\n<table id=\"ranges\"><tr><th>VA</th><th>PA</th><th>size</th>"
          "<th>rights</th><th>memory type</th><th>GCD type</th><th>image</th><th>section</th>"
          "<th>findings</th></tr>\n", f);
    for (size_t i = 0; i < rows->count; i++) {
        const report_row *row = &rows->rows[i];
        const vtop_prot_range *r = &row->r;
        char b1[16], b2[16];
        fputs("<tr class=\"", f);
        for (unsigned b = 0; b < ROW_FINDINGS; b++)
            if (row->findings >> b & 1)
                fprintf(f, "f-%s ", report_finding_name(b));
        fprintf(f, "\"><td>%016" PRIx64 "</td><td>%s%016" PRIx64 "</td><td>%" PRIx64
                "</td><td>%s%s%s</td><td>%s</td><td>%s</td><td>", r->va,
                r->present ? "" : "-", r->present ? r->pa : 0, r->size,
                r->present ? "r" : "-", r->present && (r->rights & VTOP_RIGHT_WRITE) ? "w" : "-",
                r->present && (r->rights & VTOP_RIGHT_EXEC) ? "x" : "-",
                vtop_fmt_memtype(r->memtype, b1), vtop_fmt_gcdtype(r->gcdtype, b2));
        esc(f, r->image < src->nimages ? src->images[r->image].name : "-");
        fputs("</td><td>", f);
        esc(f, r->section < src->nsections ? src->sections[r->section].name : "-");
        fputs("</td><td>", f);
        for (unsigned b = 0; b < ROW_FINDINGS; b++)
            if (row->findings >> b & 1)
                fprintf(f, "%s ", report_finding_name(b));
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "</table>\n<p id=\"rowcount\" data-count=\"%zu\">%zu ranges</p>\n"
            "<script>function filt(){var v=document.getElementById('filter').value;"
            "var r=document.querySelectorAll('#ranges tr');for(var i=1;i<r.length;i++)"
            "r[i].className=r[i].className.replace(/ ?hidden/,'')+((v&&r[i].className"
            ".indexOf('f-'+v+' ')<0)?' hidden':'');}\n"
            "var h=location.hash.match(/^#f=([\\w-]+)$/);if(h){"
            "document.getElementById('filter').value=h[1];filt();}</script>\n"
            "</body></html>\n",
            rows->count, rows->count);
}

static int write_page(vtop_cmd_ctx *c, const char *path, const vtop_space *space,
                      const vtop_prot_sources *src, const vtop_prot_report *rep)
{
    report_rows rows;
    report_rows_build(space, src, &rows);
    FILE *f = rows.status == VTOP_OK ? fopen(path, "w") : NULL;
    int rc = VTOP_EXIT_OK;
    if (!f) {
        rc = vtop_cmd_error(c, VTOP_EXIT_FAIL, "report: %s: %s", path,
                            rows.status == VTOP_OK ? "cannot create" : vtop_status_name(rows.status));
    } else {
        head(f, c->session, space);
        summary(f, rep);
        picture(f, &rows);
        range_table(f, src, &rows);
        if (fclose(f) != 0)
            rc = vtop_cmd_error(c, VTOP_EXIT_FAIL, "report: %s: write failed", path);
        else
            vtop_printf(c->out, "report: %s: %zu ranges\n", path, rows.count);
    }
    report_rows_free(&rows);
    return rc;
}

static int cmd_report(vtop_cmd_ctx *c, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--html") != 0)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "report: usage: %s", c->cmd->usage);
    const vtop_space *space = vtop_cmd_need_space(c);
    if (!space)
        return VTOP_EXIT_IMAGE;
    vtop_capture_sources_buf cs = { { NULL, NULL, NULL, NULL, NULL, NULL } };
    vtop_prot_sources src;
    char why[128] = "";
    vtop_prot_report *rep = NULL;
    int rc;
    if (vtop_capture_sources_load(c->session, &cs, &src, why, sizeof why) != 0)
        rc = vtop_cmd_error(c, VTOP_EXIT_IMAGE, "report: %s", why);
    else if (!(rep = malloc(sizeof *rep)))
        rc = vtop_cmd_error(c, VTOP_EXIT_FAIL, "report: out of memory");
    else if (vtop_protect_check(space, &src, rep) != VTOP_OK)
        rc = vtop_cmd_error(c, VTOP_EXIT_IMAGE, "report: the sources do not fit the tables");
    else
        rc = write_page(c, argv[2], space, &src, rep);
    free(rep);
    vtop_capture_sources_free(&cs);
    return rc;
}

static const vtop_command report_command = {
    .name = "report",
    .usage = "report --html FILE",
    .summary = "one self-contained HTML page of a capture's protections",
    .help = "On a vtop capture: the checks, pages per memory type, a picture of\n"
            "the physical address space by memory type and by protection, and\n"
            "the ranges (VA, PA, size, rights, memory type, GCD type, image,\n"
            "section), filterable by finding. No network, no external script.\n",
    .needs_target = true,
    .run = cmd_report,
};

const vtop_command *const vtop_cmds_report[] = { &report_command, NULL };
