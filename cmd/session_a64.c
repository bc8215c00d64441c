/* vtop command language: an AArch64 space from the image and the options
 * (--arch aarch64, --ttbr0/--ttbr1/--tcr/--mair, --el2, --e2h).
 *
 * The registers follow the Arm ARM (DDI 0487) D19.2: TTBR0_ELx/TTBR1_ELx
 * hold the tables' bases, TCR_ELx the geometry of both halves, MAIR_ELx
 * the memory types. A half whose TTBR nobody knows is disabled with its
 * EPDn bit (D19.2 TCR_EL1.EPD0/EPD1) so it reads as unmapped instead of
 * walking tables at physical address 0; `info` says so.
 */
#include "session_int.h"

#include <string.h>

#define TCR_EPD0 (1ull << 7)
#define TCR_EPD1 (1ull << 23)
#define EM_AARCH64 183

static bool any_a64_option(const vtop_open_options *opt)
{
    return opt->arch_a64 || opt->has_ttbr0 || opt->has_ttbr1 || opt->has_tcr ||
           opt->has_mair || opt->a64_regime >= 0;
}

int vtop_session_a64_select(const vtop_session *s, const vtop_open_options *opt,
                            const vtop_space_config *cfg, const vtop_out *err,
                            bool *a64)
{
    bool image = vtop_mode_is_a64(vtop_mode_describe(cfg->mode)) ||
                 (s->target == VTOP_TARGET_IMAGE &&
                  s->info->elf_machine == EM_AARCH64);
    *a64 = !opt->arch_x86 && (image || any_a64_option(opt));
    if (opt->arch_x86 && any_a64_option(opt))
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "--arch x86 with AArch64 options (--ttbr0, --ttbr1, --tcr, "
            "--mair, --el2, --e2h)");
    if (opt->arch_x86 && image)
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "--arch x86: the image is AArch64");
    if (opt->a64_regime == VTOP_A64_EL2 && opt->has_ttbr1)
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "--ttbr1 with --el2: EL2 without E2H has one range (TTBR0_EL2); "
            "add --e2h for EL2&0");
    return VTOP_EXIT_OK;
}

/* The options override the image's registers. */
static void apply_a64_options(vtop_space_config *cfg,
                              const vtop_open_options *opt)
{
    cfg->mode = VTOP_MODE_AARCH64;
    if (opt->has_ttbr0)
        cfg->ttbr0 = opt->ttbr0;
    if (opt->has_ttbr1)
        cfg->ttbr1 = opt->ttbr1;
    if (opt->has_tcr)
        cfg->tcr = opt->tcr;
    if (opt->has_mair)
        cfg->mair = opt->mair;
    if (opt->a64_regime >= 0)
        cfg->a64_regime = (uint8_t)opt->a64_regime;
    if (opt->maxphyaddr)
        cfg->maxphyaddr = opt->maxphyaddr;
}

/* A named error for each register that is missing; 0 when all are there.
 * Sets s->a64_unknown and EPDn for a half without a TTBR. */
static int check_registers(vtop_session *s, vtop_space_config *cfg,
                           bool tcr_known, const vtop_out *err)
{
    bool el2 = cfg->a64_regime == VTOP_A64_EL2;
    bool t0 = cfg->ttbr0 != 0, t1 = !el2 && cfg->ttbr1 != 0;
    if (!tcr_known)
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "aarch64: TCR is unknown: add --tcr X (TCR_EL1%s)",
            el2 ? ", here TCR_EL2" : "; TCR_EL2 with --el2");
    if (el2 && !t0)
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "aarch64 --el2: TTBR0_EL2 is unknown: add --ttbr0 X");
    if (!t0 && !t1)
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "aarch64: no translation table base: add --ttbr1 X (upper, "
            "kernel range) and/or --ttbr0 X (lower range)");
    s->a64_unknown = 0;
    if (!t0) {
        cfg->tcr |= TCR_EPD0;
        s->a64_unknown |= 1;
    }
    if (!el2 && !t1) {
        cfg->tcr |= TCR_EPD1;
        s->a64_unknown |= 2;
    }
    return VTOP_EXIT_OK;
}

int vtop_session_config_a64(vtop_session *s, vtop_space_config *cfg,
                            const vtop_open_options *opt, bool image_ok,
                            const vtop_out *err)
{
    if (opt->has_cr3 || (opt->has_mode && !vtop_mode_is_a64(vtop_mode_describe(opt->mode))))
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "%s is an x86 option: an AArch64 space takes --ttbr0, --ttbr1, "
            "--tcr, --mair, --el2, --e2h", opt->has_cr3 ? "--cr3" : "--mode");
    bool image_a64 = image_ok && vtop_mode_is_a64(vtop_mode_describe(cfg->mode));
    if (!image_a64) {
        vtop_space_config fresh = {.mode = VTOP_MODE_AARCH64};
        *cfg = fresh;
    }
    bool any = opt->has_ttbr0 || opt->has_ttbr1 || opt->has_tcr;
    s->space_from_image = image_a64 && !any && opt->a64_regime < 0;
    apply_a64_options(cfg, opt);
    if (!image_a64 && !any_a64_option(opt))
        return VTOP_EXIT_OK; /* an arm64 image without registers: no space */
    int rc = check_registers(s, cfg, image_a64 || opt->has_tcr, err);
    if (rc != VTOP_EXIT_OK)
        return rc;
    vtop_status st = vtop_space_init(&s->space, cfg, &s->mem);
    if (st != VTOP_OK)
        return vtop_session_open_error(s, err, VTOP_EXIT_USAGE,
            "cannot use this AArch64 space (%s): check --tcr (granules, TnSZ), "
            "--ttbr0/--ttbr1 and --maxphyaddr", vtop_status_name(st));
    s->has_space = true;
    return VTOP_EXIT_OK;
}
