/* vtop command language: parsing `open` options (see options.h). */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "num.h"

/* Option value: "--opt=V" or "--opt V". Returns NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, size_t name_len)
{
    const char *arg = argv[*i];
    if (arg[name_len] == '=')
        return arg + name_len + 1;
    if (*i + 1 >= argc)
        return NULL;
    (*i)++;
    return argv[*i];
}

/* Does arg name option `name` (alone or as name=value)? */
static bool is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* --arch and the AArch64 registers (Arm ARM D19.2: TTBRn_ELx, TCR_ELx,
 * MAIR_ELx). Returns 1, or -1 with the reason in why; 0: not one of them. */
static int a64_option(const char *name, const char *v, vtop_open_options *opt,
                      char *why, size_t why_len)
{
    static const char *const regs[] = {"--ttbr0", "--ttbr1", "--tcr", "--mair"};
    uint64_t *value[] = {&opt->ttbr0, &opt->ttbr1, &opt->tcr, &opt->mair};
    bool *has[] = {&opt->has_ttbr0, &opt->has_ttbr1, &opt->has_tcr,
                   &opt->has_mair};
    if (strcmp(name, "--arch") == 0) {
        bool x86 = strcmp(v, "x86") == 0 || strcmp(v, "x86_64") == 0;
        if (x86 || strcmp(v, "aarch64") == 0 || strcmp(v, "arm64") == 0) {
            opt->arch_x86 = x86;
            opt->arch_a64 = !x86;
            return 1;
        }
        snprintf(why, why_len, "--arch: unknown architecture '%s' (x86, "
                 "aarch64)", v);
        return -1;
    }
    for (size_t k = 0; k < sizeof regs / sizeof regs[0]; k++) {
        if (strcmp(name, regs[k]) != 0)
            continue;
        if (!vtop_parse_addr(v, value[k])) {
            snprintf(why, why_len, "%s: bad register value '%s'", name, v);
            return -1;
        }
        *has[k] = true;
        return 1;
    }
    return 0;
}

static int valued_option(const char *name, const char *v,
                         vtop_open_options *opt, char *why, size_t why_len)
{
    uint64_t n;
    int a64 = a64_option(name, v, opt, why, why_len);
    if (a64 != 0)
        return a64;
    if (strcmp(name, "--format") == 0) {
        if (vtop_format_parse(v, &opt->format) == VTOP_OK)
            return 1;
        snprintf(why, why_len, "--format: unknown format '%s' (raw, elf, lime, "
                 "windmp64, windmp32, kdump, flat)", v);
    } else if (strcmp(name, "--cr3") == 0) {
        if (vtop_parse_addr(v, &opt->cr3)) {
            opt->has_cr3 = true;
            return 1;
        }
        snprintf(why, why_len, "--cr3: bad address '%s'", v);
    } else if (strcmp(name, "--mode") == 0) {
        if (vtop_parse_paging_mode(v, &opt->mode)) {
            opt->has_mode = true;
            return 1;
        }
        snprintf(why, why_len, "--mode: unknown mode '%s' (32bit, 32bit-pse, "
                 "pae, 4level, 5level)", v);
    } else if (strcmp(name, "--cpu") == 0) {
        if (vtop_parse_count(v, VTOP_IMAGE_MAX_CPUS - 1, &n)) {
            opt->cpu = (uint32_t)n;
            return 1;
        }
        snprintf(why, why_len, "--cpu: bad vCPU number '%s' (0..%d)", v,
                 VTOP_IMAGE_MAX_CPUS - 1);
    } else {
        if (vtop_parse_count(v, 52, &n) && n >= 32) {
            opt->maxphyaddr = (uint8_t)n;
            return 1;
        }
        snprintf(why, why_len, "--maxphyaddr: bad width '%s' (32..52)", v);
    }
    return -1;
}

bool vtop_parse_paging_mode(const char *text, vtop_mode *out)
{
    vtop_mode m;
    if (vtop_mode_parse(text, &m) != VTOP_OK || !vtop_mode_describe(m))
        return false;
    *out = m;
    return true;
}

int vtop_open_option(int argc, char **argv, int *i, vtop_open_options *opt,
                     char *why, size_t why_len)
{
    static const char *const valued[] = {"--format", "--cr3", "--mode",
                                         "--cpu", "--maxphyaddr", "--arch",
                                         "--ttbr0", "--ttbr1", "--tcr",
                                         "--mair"};
    const char *arg = argv[*i];
    if (strcmp(arg, "--windows") == 0) {
        opt->windows = true;
    } else if (strcmp(arg, "--nxe") == 0) {
        opt->nxe = 1;
    } else if (strcmp(arg, "--no-nxe") == 0) {
        opt->nxe = 0;
    } else if (strcmp(arg, "--strict") == 0) {
        opt->strict = true;
    } else if (strcmp(arg, "--e2h") == 0) { /* EL2&0, Arm ARM D8.1.2 */
        opt->a64_regime = VTOP_A64_EL2_E2H;
    } else if (strcmp(arg, "--el2") == 0) {
        if (opt->a64_regime != VTOP_A64_EL2_E2H)
            opt->a64_regime = VTOP_A64_EL2;
    } else {
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            if (!is_option(arg, valued[k]))
                continue;
            const char *v = option_value(argc, argv, i, strlen(valued[k]));
            if (!v) {
                snprintf(why, why_len, "%s: missing value", valued[k]);
                return -1;
            }
            int r = valued_option(valued[k], v, opt, why, why_len);
            if (r == 1)
                (*i)++;
            return r;
        }
        return 0;
    }
    (*i)++;
    return 1;
}
