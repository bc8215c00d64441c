/* vtop core/formats: VMCOREINFO text (see vmcoreinfo.h). */
#include "vmcoreinfo.h"

/* Kernel layout constants: __START_KERNEL_map
 * (arch/x86/include/asm/page_64_types.h) and the i386 default PAGE_OFFSET
 * (arch/x86/Kconfig, VMSPLIT_3G). */
#define START_KERNEL_MAP 0xffffffff80000000ull
#define I386_PAGE_OFFSET 0xc0000000ull

typedef struct vmci_line {
    const uint8_t *key, *val;
    uint64_t klen, vlen;
} vmci_line;

static bool key_is(const vmci_line *l, const char *k)
{
    uint64_t i = 0;
    for (; k[i]; i++)
        if (i >= l->klen || l->key[i] != (uint8_t)k[i])
            return false;
    return i == l->klen;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A hex (SYMBOL, KERNELOFFSET: printed with %lx, no 0x) or decimal
 * (NUMBER: %ld, may be negative) value. */
static bool parse_num(const vmci_line *l, unsigned base, uint64_t *out)
{
    uint64_t i = 0, v = 0;
    bool neg = base == 10 && l->vlen > 0 && l->val[0] == '-';
    if (neg)
        i = 1;
    if (base == 16 && l->vlen > 2 && l->val[0] == '0' &&
        (l->val[1] == 'x' || l->val[1] == 'X'))
        i = 2;
    if (i >= l->vlen || l->vlen - i > 20)
        return false;
    for (; i < l->vlen; i++) {
        int d = hex_digit(l->val[i]);
        if (d < 0 || (unsigned)d >= base)
            return false;
        v = v * base + (unsigned)d;
    }
    *out = neg ? (uint64_t)0 - v : v;
    return true;
}

/* NUMBER(x) is "%ld" in kernel/crash_core.c, but arm64's
 * arch_crash_save_vmcoreinfo prints some as "0x%llx". */
static bool parse_number(const vmci_line *l, uint64_t *out)
{
    bool hex = l->vlen > 2 && l->val[0] == '0' && (l->val[1] == 'x' || l->val[1] == 'X');
    return parse_num(l, hex ? 16 : 10, out);
}

static bool apply_arm64(vtop_vmcoreinfo *o, const vmci_line *l)
{
    if (key_is(l, "NUMBER(VA_BITS)"))
        return (o->has_va_bits = parse_number(l, &o->va_bits));
    if (key_is(l, "NUMBER(kimage_voffset)"))
        return (o->has_kimage_voffset = parse_number(l, &o->kimage_voffset));
    if (key_is(l, "NUMBER(PHYS_OFFSET)"))
        return (o->has_phys_offset = parse_number(l, &o->phys_offset));
    if (key_is(l, "NUMBER(TCR_EL1_T1SZ)"))
        return (o->has_t1sz = parse_number(l, &o->t1sz));
    if (key_is(l, "NUMBER(MAX_PHYSMEM_BITS)"))
        return (o->has_max_physmem_bits = parse_number(l, &o->max_physmem_bits));
    return true;
}

static bool apply_number(vtop_vmcoreinfo *o, const vmci_line *l)
{
    uint64_t v = 0;
    if (key_is(l, "SYMBOL(init_top_pgt)"))
        return (o->has_init_top_pgt = parse_num(l, 16, &o->init_top_pgt));
    if (key_is(l, "SYMBOL(swapper_pg_dir)"))
        return (o->has_swapper_pg_dir = parse_num(l, 16, &o->swapper_pg_dir));
    if (key_is(l, "KERNELOFFSET"))
        return (o->has_kerneloffset = parse_num(l, 16, &o->kerneloffset));
    if (key_is(l, "NUMBER(phys_base)")) {
        o->has_phys_base = parse_num(l, 10, &v);
        o->phys_base = (int64_t)v;
        return o->has_phys_base;
    }
    if (key_is(l, "NUMBER(pgtable_l5_enabled)")) {
        o->has_l5 = parse_num(l, 10, &v);
        o->l5 = v != 0;
        return o->has_l5;
    }
    if (key_is(l, "NUMBER(sme_mask)"))
        return (o->has_sme_mask = parse_num(l, 10, &o->sme_mask));
    if (key_is(l, "PAGESIZE"))
        return parse_num(l, 10, &o->page_size);
    return apply_arm64(o, l);
}

static bool apply_line(vtop_vmcoreinfo *o, const vmci_line *l)
{
    if (key_is(l, "OSRELEASE")) {
        size_t i = 0;
        for (; i < l->vlen && i + 1 < sizeof o->osrelease; i++)
            o->osrelease[i] = (char)l->val[i];
        o->osrelease[i] = '\0'; /* cut to utsname's 64 characters */
        return true;
    }
    if (key_is(l, "CONFIG_X86_PAE")) {
        o->pae = l->vlen == 1 && l->val[0] == 'y';
        return true;
    }
    return apply_number(o, l);
}

vtop_status vtop_vmcoreinfo_parse(const uint8_t *text, uint64_t len,
                                  vtop_vmcoreinfo *out)
{
    if (!out || (len && !text))
        return VTOP_BAD_ARGUMENT;
    *out = (vtop_vmcoreinfo){.lines = 0};
    uint64_t i = 0;
    while (i < len && text[i]) {
        uint64_t start = i, eq = len;
        for (; i < len && text[i] && text[i] != '\n'; i++)
            if (text[i] == '=' && eq == len)
                eq = i;
        uint64_t end = i;
        if (i < len && text[i] == '\n')
            i++;
        if (eq == len || eq == start)
            continue; /* not KEY=VALUE: skip, as crash does */
        vmci_line l = {text + start, text + eq + 1, eq - start, end - eq - 1};
        out->lines++;
        if (!apply_line(out, &l))
            return VTOP_FORMAT_CORRUPT;
    }
    return out->lines ? VTOP_OK : VTOP_FORMAT_CORRUPT;
}

vtop_status vtop_vmcoreinfo_root(const vtop_vmcoreinfo *v, bool x86_64,
                                 uint64_t *root, vtop_mode *mode,
                                 const char **why)
{
    if (!v || !root || !mode || !why)
        return VTOP_BAD_ARGUMENT;
    if (x86_64) {
        if (!v->has_init_top_pgt || v->init_top_pgt < START_KERNEL_MAP) {
            *why = "VMCOREINFO has no SYMBOL(init_top_pgt)";
            return VTOP_NO_ROOT;
        }
        *root = v->init_top_pgt - START_KERNEL_MAP + (uint64_t)v->phys_base;
        *mode = v->l5 ? VTOP_MODE_5LEVEL : VTOP_MODE_4LEVEL;
        *why = v->l5 ? "VMCOREINFO: x86-64, NUMBER(pgtable_l5_enabled)=1: 5-level"
                     : "VMCOREINFO: x86-64, pgtable_l5_enabled not set: 4-level";
        return VTOP_OK;
    }
    if (!v->has_swapper_pg_dir || v->swapper_pg_dir < I386_PAGE_OFFSET) {
        *why = "VMCOREINFO has no SYMBOL(swapper_pg_dir) above PAGE_OFFSET";
        return VTOP_NO_ROOT;
    }
    *root = v->swapper_pg_dir - I386_PAGE_OFFSET;
    /* A non-PAE i386 kernel turns CR4.PSE on for its 4M direct map when the
     * CPU has PSE (arch/x86/mm/init.c), so 32-bit with PSE is the mode. */
    *mode = v->pae ? VTOP_MODE_PAE : VTOP_MODE_32BIT_PSE;
    *why = v->pae ? "VMCOREINFO: i386, CONFIG_X86_PAE=y: PAE"
                  : "VMCOREINFO: i386 without CONFIG_X86_PAE: 32-bit with PSE";
    return VTOP_OK;
}
