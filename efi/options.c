/* vtop EFI app: load options (see options.h). */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi_env.h"

/* EFI_SHELL_PARAMETERS_PROTOCOL_GUID (UEFI Shell spec 2.2, 2.3). */
static EFI_GUID g_shell_params_guid = {
    0x752f3136, 0x4e16, 0x4fdc,
    { 0xa2, 0x2a, 0xe5, 0xf4, 0x68, 0x12, 0xf4, 0xca }
};

typedef struct shell_params {
    CHAR16 **Argv;
    UINTN Argc;
    void *StdIn, *StdOut, *StdErr;
} shell_params;

static EFI_STATUS add_arg(app_args *args, const CHAR16 *w, size_t n,
                          const char **why)
{
    if (args->argc >= APP_MAX_ARGS) {
        *why = "too many arguments";
        return EFI_INVALID_PARAMETER;
    }
    char *s = malloc(n + 1);
    if (!s)
        return EFI_OUT_OF_RESOURCES;
    for (size_t i = 0; i < n; i++) {
        if (w[i] >= 0x80 || w[i] < 0x20) {
            free(s);
            *why = "argument is not printable ASCII";
            return EFI_INVALID_PARAMETER;
        }
        s[i] = (char)w[i];
    }
    s[n] = '\0';
    args->argv[args->argc++] = s;
    return EFI_SUCCESS;
}

static size_t wlen(const CHAR16 *w)
{
    size_t n = 0;
    while (w[n])
        n++;
    return n;
}

/* Split LoadOptions text: blanks separate, "..." groups (quotes dropped). */
static EFI_STATUS split_text(app_args *args, const CHAR16 *w, size_t n,
                             const char **why)
{
    CHAR16 tok[512];
    size_t i = 0;
    while (i < n && w[i]) {
        while (i < n && (w[i] == u' ' || w[i] == u'\t'))
            i++;
        if (i >= n || !w[i])
            break;
        size_t k = 0;
        bool quoted = false;
        for (; i < n && w[i] && (quoted || (w[i] != u' ' && w[i] != u'\t')); i++) {
            if (w[i] == u'"') {
                quoted = !quoted;
                continue;
            }
            if (k + 1 >= sizeof tok / sizeof tok[0]) {
                *why = "argument too long";
                return EFI_INVALID_PARAMETER;
            }
            tok[k++] = w[i];
        }
        if (quoted) {
            *why = "unterminated quote";
            return EFI_INVALID_PARAMETER;
        }
        EFI_STATUS s = add_arg(args, tok, k, why);
        if (EFI_ERROR(s))
            return s;
    }
    return EFI_SUCCESS;
}

EFI_STATUS app_args_get(app_args *args, const char **why)
{
    memset(args, 0, sizeof *args);
    args->source = "none";
    *why = "";
    shell_params *sp = NULL;
    EFI_STATUS s = g_efi.bs->HandleProtocol(g_efi.image, &g_shell_params_guid,
                                            (void **)&sp);
    if (s == EFI_SUCCESS && sp) {
        args->source = "shell";
        /* Argv[0] is the program as typed. */
        for (UINTN i = 1; i < sp->Argc; i++) {
            s = add_arg(args, sp->Argv[i], wlen(sp->Argv[i]), why);
            if (EFI_ERROR(s))
                return s;
        }
        return EFI_SUCCESS;
    }
    EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
    EFI_LOADED_IMAGE *li = NULL;
    s = g_efi.bs->HandleProtocol(g_efi.image, &li_guid, (void **)&li);
    if (EFI_ERROR(s) || !li || !li->LoadOptions || li->LoadOptionsSize < 2)
        return EFI_SUCCESS;
    args->source = "load options";
    return split_text(args, li->LoadOptions, li->LoadOptionsSize / 2, why);
}

void app_args_free(app_args *args)
{
    for (int i = 0; i < args->argc; i++)
        free(args->argv[i]);
    args->argc = 0;
}

bool app_options_parse(const app_args *args, app_options *opt, const char **bad)
{
    memset(opt, 0, sizeof *opt);
    bool ok = true;
    *bad = NULL;
    for (int i = 0; i < args->argc; i++) {
        const char *a = args->argv[i];
        if (!strcmp(a, "-shutdown")) {
            opt->shutdown = true;
        } else if (!strcmp(a, "-qemu-exit")) {
            opt->qemu_exit = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-?")) {
            opt->help = true;
        } else if (!strcmp(a, "-batch")) {
            opt->batch = true;
        } else if (!strcmp(a, "-prompt")) {
            opt->prompt = true;
        } else if (!strcmp(a, "-no-banner")) {
            opt->quiet_banner = true;
        } else if (!strcmp(a, "-paging") && i + 1 < args->argc) {
            opt->paging = args->argv[++i];
        } else if ((!strcmp(a, "-c") || !strcmp(a, "-f")) && i + 1 < args->argc) {
            if (a[1] == 'c')
                opt->commands = args->argv[++i];
            else
                opt->script = args->argv[++i];
        } else if (a[0] == '-') {
            if (ok)
                *bad = a;
            ok = false;
        } else {
            opt->images[opt->nimages++] = a;
        }
    }
    return ok;
}

void app_options_usage(void)
{
    printf("usage: vtop.efi [-shutdown] [-qemu-exit] [-no-banner] [-prompt|-batch]\n"
           "                [-paging 32bit|pae] [-c \"CMD; CMD\"] [-f SCRIPT] [IMAGE...]\n"
           "  -shutdown   power the machine off at the end (ResetSystem)\n"
           "  -qemu-exit  report the status to QEMU's isa-debug-exit (port 0xf4)\n"
           "  -prompt     an interactive prompt even with -shutdown\n"
           "  -batch      never an interactive prompt\n"
           "  -paging L   IA32: load the own map in layout L (32bit: 4 MiB PSE\n"
           "              pages; pae: the default when the CPU has PAE)\n"
           "  -c CMDS     run these commands (';' between them), then exit\n"
           "  -f SCRIPT   run the commands in SCRIPT (default \\vtop.nsh if present)\n"
           "  IMAGE       memory images to open and run the commands on (default:\n"
           "              the live machine, after a report on each \\images\\ file)\n");
}
