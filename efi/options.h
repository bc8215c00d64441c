/* vtop EFI app: load options.
 *
 * Started from the UEFI Shell the app gets its argv from
 * EFI_SHELL_PARAMETERS_PROTOCOL (UEFI Shell spec 2.2 section 2.3); started
 * by the boot manager it gets LoadOptions from EFI_LOADED_IMAGE_PROTOCOL
 * (UEFI spec 2.10 section 9.1), split here on blanks with "..." quoting. */
#ifndef VTOP_EFI_OPTIONS_H
#define VTOP_EFI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <efi.h>

#define APP_MAX_ARGS 64

typedef struct app_args {
    int argc;                  /* arguments after the program name */
    char *argv[APP_MAX_ARGS];  /* malloc'd ASCII strings */
    const char *source;        /* "shell", "load options" or "none" */
} app_args;

typedef struct app_options {
    bool shutdown;             /* -shutdown: power off at the end */
    bool qemu_exit;            /* -qemu-exit: status to isa-debug-exit */
    bool help;                 /* -h, --help */
    bool quiet_banner;         /* -no-banner */
    bool prompt;               /* -prompt: interactive even with -shutdown */
    bool batch;                /* -batch: never an interactive prompt */
    const char *commands;      /* -c "cmd; cmd" */
    const char *script;        /* -f \path\to\script */
    const char *paging;        /* -paging 32bit|pae: IA32 own-map layout */
    int nimages;
    const char *images[APP_MAX_ARGS];
} app_options;

/* Collect argv. Returns EFI_SUCCESS, EFI_INVALID_PARAMETER (non-ASCII text,
 * unterminated quote, too many arguments; *why says which) or
 * EFI_OUT_OF_RESOURCES. */
EFI_STATUS app_args_get(app_args *args, const char **why);
void app_args_free(app_args *args);

/* Parse argv into options. Returns true, or false with *bad naming the
 * offending argument. -shutdown and -qemu-exit are honoured even then. */
bool app_options_parse(const app_args *args, app_options *opt,
                       const char **bad);

void app_options_usage(void);

#endif
