/* vtop report layer: the `protections` report (fmt_protections.h). */
#include "fmt_protections.h"

#include <inttypes.h>
#include <stdio.h>

#include "json.h"

/* UEFI spec 2.10 section 7.2, table 7-5 (EFI_MEMORY_TYPE). */
static const char *const memtype_names[VTOP_EFI_TYPES] = {
    "ReservedMemoryType", "LoaderCode", "LoaderData", "BootServicesCode",
    "BootServicesData", "RuntimeServicesCode", "RuntimeServicesData",
    "ConventionalMemory", "UnusableMemory", "ACPIReclaimMemory",
    "ACPIMemoryNVS", "MemoryMappedIO", "MemoryMappedIOPortSpace",
    "PalCode", "PersistentMemory", "UnacceptedMemoryType",
};

/* PI spec 1.7 vol. 2 section 7.2.4 (EFI_GCD_MEMORY_TYPE). */
static const char *const gcd_names[VTOP_GCD_TYPES] = {
    "NonExistent", "Reserved", "SystemMemory", "MemoryMappedIo",
    "Persistent", "MoreReliable", "Unaccepted",
};

static const char *type_name(const char *const *names, uint32_t n, const char *other,
                             uint32_t type, char buf[16])
{
    if (type == VTOP_PROT_NONE)
        return "unlisted";
    if (type < n)
        return names[type];
    snprintf(buf, 16, "%s0x%" PRIx32, other, type);
    return buf;
}

const char *vtop_fmt_memtype(uint32_t type, char buf[16])
{
    return type_name(memtype_names, VTOP_EFI_TYPES, "Type", type, buf);
}

const char *vtop_fmt_gcdtype(uint32_t type, char buf[16])
{
    return type_name(gcd_names, VTOP_GCD_TYPES, "Gcd", type, buf);
}

static const char *const check_label[VTOP_CHECK_COUNT] = {
    "1", "2", "3", "4", "5", "6a", "6b", "7", "8", "9", "10",
};

static const char *const check_rule[VTOP_CHECK_COUNT] = {
    "no page both writable and executable",
    "image code sections read-only, data sections NX",
    "MMIO (memory map and GCD) NX",
    "unallocated memory (ConventionalMemory, GCD free) not present",
    "address space outside the GCD and the memory map not present",
    "BSP stack NX",
    "not-present guard page below the BSP stack",
    "null page not present",
    "EFI_MEMORY_ATTRIBUTE_PROTOCOL present, answers equal the tables",
    "MAT well formed and honoured by the tables",
    "data memory types NX (per-type shares below)",
};

static const char *note_text(vtop_check_note n)
{
    switch (n) {
    case VTOP_NOTE_NO_IMAGES:   return "no loaded image is listed";
    case VTOP_NOTE_NO_GCD:      return "no DXE Services Table: the GCD map is not known, "
                                       "memory map only";
    case VTOP_NOTE_NO_STACK:    return "the BSP stack was not located";
    case VTOP_NOTE_NO_PROTOCOL: return "EFI_MEMORY_ATTRIBUTE_PROTOCOL is not installed "
                                       "(UEFI 2.10; absent from EDK2 before 2023): "
                                       "nothing to compare";
    case VTOP_NOTE_NO_MAT:      return "no EFI_MEMORY_ATTRIBUTES_TABLE in the "
                                       "configuration table";
    case VTOP_NOTE_GUARD_BELOW: return "guard: the page below the stack allocation";
    case VTOP_NOTE_GUARD_FIRST: return "guard: the first page of the stack allocation";
    default:                    return NULL;
    }
}

static const char *unit_of(vtop_check_id id)
{
    return id == VTOP_CHECK_MAT || id == VTOP_CHECK_ATTR_PROTOCOL ? "entries" : "pages";
}

static void why_text(uint32_t why, char *buf, size_t cap)
{
    static const char *const names[] = {
        "rights", "type", "no-runtime", "attr", "align", "order", "memmap",
        "section-alignment", "no-answer", "mixed",
    };
    size_t k = 0;
    buf[0] = '\0';
    for (unsigned b = 0; b < sizeof names / sizeof names[0]; b++)
        if ((why >> b) & 1)
            k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0, "%s%s",
                                  k ? "," : "", names[b]);
}

static void rights_text(const vtop_prot_range *r, char out[4])
{
    out[0] = r->present ? 'r' : '-';
    out[1] = r->present && (r->rights & VTOP_RIGHT_WRITE) ? 'w' : '-';
    out[2] = r->present && (r->rights & VTOP_RIGHT_EXEC) ? 'x' : '-';
    out[3] = '\0';
}

typedef struct range_names {
    char rights[4], why[96], mt[16], gt[16];
    const char *memtype, *gcdtype, *image, *section;
} range_names;

static void names_of(const vtop_prot_sources *src, const vtop_prot_range *r,
                     range_names *n)
{
    rights_text(r, n->rights);
    why_text(r->why, n->why, sizeof n->why);
    n->memtype = vtop_fmt_memtype(r->memtype, n->mt);
    n->gcdtype = vtop_fmt_gcdtype(r->gcdtype, n->gt);
    n->image = r->image < src->nimages ? src->images[r->image].name : "-";
    n->section = r->section < src->nsections ? src->sections[r->section].name : "-";
}

static void range_line(const vtop_prot_view *v, const vtop_prot_range *r,
                       const vtop_out *out)
{
    range_names n;
    names_of(v->src, r, &n);
    vtop_printf(out, "    %016" PRIx64 "-%016" PRIx64 " %8" PRIu64 " pages %s %s",
                r->va, r->va + r->size, (r->size + 4095) >> 12, n.rights, n.memtype);
    vtop_printf(out, " gcd %s image %s section %s", n.gcdtype, n.image, n.section);
    if (r->entry != VTOP_PROT_NONE)
        vtop_printf(out, " entry %" PRIu32 " attr 0x%" PRIx64, r->entry, r->attr);
    vtop_printf(out, "%s%s\n", r->why ? " why " : "", n.why);
}

static void type_table(const vtop_prot_view *v, const vtop_out *out)
{
    const vtop_prot_report *rep = v->rep;
    vtop_printf(out, "    %-24s %9s %9s %9s %9s %9s %9s\n", "memory type", "pages",
                "present", "NX", "RO", "not-prsnt", "W+X");
    for (uint32_t t = 0; t <= VTOP_EFI_TYPES; t++) {
        const vtop_type_share *s = &rep->types[t];
        if (!s->pages)
            continue;
        char b[16];
        vtop_printf(out, "    %-24s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
                    " %9" PRIu64 " %9" PRIu64 "\n",
                    t < VTOP_EFI_TYPES ? vtop_fmt_memtype(t, b) : "(other types)",
                    s->pages, s->present, s->nx, s->ro, s->pages - s->present, s->wx);
    }
    vtop_printf(out, "    effective NX policy (PcdDxeNxMemoryProtectionPolicy bits, "
                "type t all NX): 0x%016" PRIx64 "\n", rep->nx_policy);
}

void vtop_fmt_protections(const vtop_prot_view *v, const vtop_out *out)
{
    const vtop_prot_report *rep = v->rep;
    unsigned tally[3] = { 0, 0, 0 };
    for (int i = 0; i < VTOP_CHECK_COUNT; i++) {
        const vtop_check_result *c = &rep->check[i];
        tally[c->status]++;
        vtop_printf(out, "%-3s %-26s %-4s %" PRIu64 " of %" PRIu64 " %s: %s\n",
                    check_label[i], vtop_check_name((vtop_check_id)i),
                    vtop_check_status_name(c->status), c->count, c->checked,
                    unit_of((vtop_check_id)i), check_rule[i]);
        const char *note = note_text(c->note);
        if (note)
            vtop_printf(out, "    note: %s\n", note);
        const char *unmet = v->unmet ? v->unmet(v->unmet_ctx, (vtop_check_id)i) : NULL;
        if (unmet && c->status == VTOP_CHECK_FAIL)
            vtop_printf(out, "    pre-OS: %s\n", unmet);
        for (size_t k = 0; k < c->nfirst; k++)
            range_line(v, &c->first[k], out);
        if (i == VTOP_CHECK_NX_POLICY)
            type_table(v, out);
    }
    vtop_printf(out, "guard pages: %" PRIu64 " (lone not-present pages between present "
                "ones, as heap and stack guards leave)\n", rep->guard_pages);
    for (size_t k = 0; k < rep->nguard; k++)
        range_line(v, &rep->first_guard[k], out);
    vtop_printf(out, "protections: %u PASS, %u FAIL, %u N/A (%" PRIu64 " leaves)\n",
                tally[VTOP_CHECK_PASS], tally[VTOP_CHECK_FAIL], tally[VTOP_CHECK_NA],
                rep->leaves);
}

static void json_range(const vtop_prot_view *v, vtop_json *j, const vtop_prot_range *r)
{
    range_names n;
    names_of(v->src, r, &n);
    vtop_json_object(j, NULL);
    vtop_json_hex(j, "va", r->va);
    vtop_json_hex(j, "size", r->size);
    vtop_json_hex(j, "pa", r->pa);
    vtop_json_str(j, "rights", n.rights);
    vtop_json_str(j, "memory_type", n.memtype);
    vtop_json_str(j, "gcd_type", n.gcdtype);
    vtop_json_str(j, "image", n.image);
    vtop_json_str(j, "section", n.section);
    if (r->entry != VTOP_PROT_NONE) {
        vtop_json_uint(j, "entry", r->entry);
        vtop_json_hex(j, "attr", r->attr);
    }
    vtop_json_str(j, "why", n.why);
    vtop_json_close(j, '}');
}

static void json_types(const vtop_prot_report *rep, vtop_json *j)
{
    vtop_json_hex(j, "nx_policy", rep->nx_policy);
    vtop_json_array(j, "types");
    for (uint32_t t = 0; t <= VTOP_EFI_TYPES; t++) {
        const vtop_type_share *s = &rep->types[t];
        if (!s->pages)
            continue;
        char b[16];
        vtop_json_object(j, NULL);
        vtop_json_str(j, "type", t < VTOP_EFI_TYPES ? vtop_fmt_memtype(t, b) : "other");
        vtop_json_uint(j, "pages", s->pages);
        vtop_json_uint(j, "present", s->present);
        vtop_json_uint(j, "nx", s->nx);
        vtop_json_uint(j, "ro", s->ro);
        vtop_json_uint(j, "not_present", s->pages - s->present);
        vtop_json_uint(j, "wx", s->wx);
        vtop_json_close(j, '}');
    }
    vtop_json_close(j, ']');
}

void vtop_fmt_protections_json(const vtop_prot_view *v, const vtop_out *out)
{
    for (int i = 0; i < VTOP_CHECK_COUNT; i++) {
        const vtop_check_result *c = &v->rep->check[i];
        vtop_json j;
        vtop_json_begin(&j, out);
        vtop_json_str(&j, "cmd", "protections");
        vtop_json_str(&j, "id", check_label[i]);
        vtop_json_str(&j, "check", vtop_check_name((vtop_check_id)i));
        vtop_json_str(&j, "status", vtop_check_status_name(c->status));
        vtop_json_uint(&j, "count", c->count);
        vtop_json_uint(&j, "checked", c->checked);
        vtop_json_str(&j, "unit", unit_of((vtop_check_id)i));
        const char *note = note_text(c->note);
        const char *unmet = v->unmet ? v->unmet(v->unmet_ctx, (vtop_check_id)i) : NULL;
        if (note)
            vtop_json_str(&j, "note", note);
        if (unmet && c->status == VTOP_CHECK_FAIL)
            vtop_json_str(&j, "pre_os", unmet);
        vtop_json_array(&j, "first");
        for (size_t k = 0; k < c->nfirst; k++)
            json_range(v, &j, &c->first[k]);
        vtop_json_close(&j, ']');
        if (i == VTOP_CHECK_NX_POLICY)
            json_types(v->rep, &j);
        vtop_json_end(&j);
    }
    vtop_json j;
    vtop_json_begin(&j, out);
    vtop_json_str(&j, "cmd", "protections");
    vtop_json_str(&j, "id", "guard");
    vtop_json_str(&j, "check", "guard-pages");
    vtop_json_uint(&j, "count", v->rep->guard_pages);
    vtop_json_uint(&j, "leaves", v->rep->leaves);
    vtop_json_array(&j, "first");
    for (size_t k = 0; k < v->rep->nguard; k++)
        json_range(v, &j, &v->rep->first_guard[k]);
    vtop_json_close(&j, ']');
    vtop_json_end(&j);
}
