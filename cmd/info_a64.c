/* vtop command language: `info`'s AArch64 regime lines: the TCR fields of
 * each half as the core decoded them (vtop_a64_decode: granule, TnSZ, VA
 * size, start level, output size from IPS/PS, TBI, HPD, HA/HD, DS, SH),
 * the TTBRs and the MAIR attributes (Arm ARM DDI 0487 D19.2 TCR_ELx,
 * TTBRn_ELx, MAIR_ELx; D8.2 for the geometry). */
#include "info_a64.h"

#include <inttypes.h>

#include "fmt_a64.h"
#include "session_int.h"

static const char *regime_name(const vtop_space_config *cfg)
{
    switch (cfg->a64_regime) {
    case VTOP_A64_EL2: return "EL2";
    case VTOP_A64_EL2_E2H: return "EL2&0 (E2H)";
    default: return "EL1&0";
    }
}

static const char *sh_name(unsigned sh)
{
    static const char *const names[4] = {"NS", "??", "OS", "IS"};
    return names[sh & 3];
}

/* TCR.IPS (TCR_EL1 bits 34:32), or TCR_EL2.PS (bits 18:16) without E2H. */
static unsigned ips_field(const vtop_space_config *cfg)
{
    unsigned shift = cfg->a64_regime == VTOP_A64_EL2 ? 16 : 32;
    return (unsigned)((cfg->tcr >> shift) & 7);
}

static void half_text(vtop_cmd_ctx *c, const vtop_space *sp, unsigned h)
{
    const vtop_a64_half *a = &sp->half[h].a64;
    const char *reg = vtop_fmt_a64_ttbr_name(sp, h);
    uint64_t ttbr = h ? sp->cfg.ttbr1 : sp->cfg.ttbr0;
    if (!a->present)
        return;
    if (c->session->a64_unknown & (1u << h)) {
        vtop_printf(c->out, "%s unknown: EPD%u set, its range is not walked\n",
                    reg, h);
        return;
    }
    vtop_printf(c->out, "%s %016" PRIx64 ": root %016" PRIx64 ", %uK granule, "
                "T%uSZ=%u (%u-bit VA), start L%d, %s=%u (PA %u-bit)%s%s\n", reg,
                ttbr, a->root, (1u << a->granule) >> 10, h, a->tsz, a->va_bits,
                a->start_level, sp->cfg.a64_regime == VTOP_A64_EL2 ? "PS" : "IPS",
                ips_field(&sp->cfg), a->oa_bits,
                a->enabled ? "" : ", disabled (EPD)",
                a->root_fault ? ", root above the PA size" : "");
    vtop_printf(c->out, "          TBI%u=%u HPD%u=%u HA=%u HD=%u DS=%u SH%u=%s\n",
                h, a->tbi, h, a->hpd, a->ha, a->hd, a->ds, h, sh_name(a->sh));
}

void vtop_info_a64_text(vtop_cmd_ctx *c)
{
    const vtop_space *sp = &c->session->space;
    const vtop_space_config *cfg = &sp->cfg;
    vtop_printf(c->out, "space:    aarch64, %s, TCR %016" PRIx64 ", MAIR %016"
                PRIx64 ", maxphyaddr %u\n", regime_name(cfg), cfg->tcr,
                cfg->mair, cfg->maxphyaddr ? cfg->maxphyaddr : 52);
    for (unsigned h = 0; h < 2; h++)
        half_text(c, sp, h);
    if (!cfg->mair) {
        vtop_puts(c->out, "mair:     unknown (memory types by AttrIndx only)\n");
        return;
    }
    vtop_puts(c->out, "mair:    ");
    for (unsigned i = 0; i < 8; i++) {
        vtop_a64_memattr m = vtop_a64_mair_decode(cfg->mair, i);
        vtop_printf(c->out, " %u=%02x %s%s", i, m.attr, m.name, i == 3 ? "\n         " : "");
    }
    vtop_puts(c->out, "\n");
}

static void half_json(vtop_json *j, const vtop_session *s, unsigned h)
{
    const vtop_a64_half *a = &s->space.half[h].a64;
    vtop_json_object(j, NULL);
    vtop_json_str(j, "ttbr", vtop_fmt_a64_ttbr_name(&s->space, h));
    vtop_json_bool(j, "present", a->present);
    vtop_json_bool(j, "known", !(s->a64_unknown & (1u << h)));
    vtop_json_bool(j, "enabled", a->enabled);
    vtop_json_hex(j, "value", h ? s->space.cfg.ttbr1 : s->space.cfg.ttbr0);
    vtop_json_hex(j, "root", a->root);
    vtop_json_uint(j, "granule", 1u << a->granule);
    vtop_json_uint(j, "tsz", a->tsz);
    vtop_json_uint(j, "va_bits", a->va_bits);
    vtop_json_int(j, "start_level", a->start_level);
    vtop_json_uint(j, "pa_bits", a->oa_bits);
    vtop_json_bool(j, "tbi", a->tbi);
    vtop_json_bool(j, "hpd", a->hpd);
    vtop_json_bool(j, "ha", a->ha);
    vtop_json_bool(j, "hd", a->hd);
    vtop_json_bool(j, "ds", a->ds);
    vtop_json_str(j, "sh", sh_name(a->sh));
    vtop_json_close(j, '}');
}

void vtop_info_a64_json(vtop_json *j, const vtop_session *s)
{
    const vtop_space_config *cfg = &s->space.cfg;
    vtop_json_str(j, "regime", regime_name(cfg));
    vtop_json_hex(j, "tcr", cfg->tcr);
    vtop_json_hex(j, "mair", cfg->mair);
    vtop_json_array(j, "halves");
    for (unsigned h = 0; h < 2; h++)
        half_json(j, s, h);
    vtop_json_close(j, ']');
    vtop_json_array(j, "mair_attrs");
    for (unsigned i = 0; cfg->mair && i < 8; i++)
        vtop_json_str(j, NULL, vtop_a64_mair_decode(cfg->mair, i).name);
    vtop_json_close(j, ']');
}
