/* vtop command language: the session (one opened target) and the API the
 * platforms (host CLI, EFI app) call.
 *
 * A session holds one target at a time: an image (a read-only byte span,
 * opened with the formats API, core/formats/format.h) or ready physical
 * memory plus a space description (the EFI app's live RAM). Commands are
 * lines of text run by vtop_cmd_execute_line(); answers go to `out`, errors
 * to `err` as one line "vtop: error: [line N: ]MESSAGE" naming the
 * offending word.
 *
 * Platforms plug in through a vtop_platform: how to load a file by name
 * (host: mmap; EFI: Simple File System) and extra commands (EFI: memmap).
 * Standard C only (glibc on the host, newlib in the EFI app).
 */
#ifndef VTOP_CMD_SESSION_H
#define VTOP_CMD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/formats/format.h"
#include "../core/paging.h"
#include "../core/physmem.h"
#include "out.h"

/* Exit statuses of a command (and of the host CLI). */
#define VTOP_EXIT_OK     0  /* the command succeeded */
#define VTOP_EXIT_FAIL   1  /* it ran, but the answer is a failure: an address
                               that does not translate, a partial read, ... */
#define VTOP_EXIT_USAGE  2  /* unknown command or option, bad number, missing
                               argument */
#define VTOP_EXIT_IMAGE  3  /* no target, or the image cannot be loaded or is
                               damaged, or no CR3 is known */

/* What a platform's loader hands back for a name. Either a byte span (a
 * file's bytes) or, for special names such as "live", ready physical memory
 * with an optional space description. */
typedef struct vtop_loaded {
    const uint8_t *base;     /* file bytes (NULL when mem is used) */
    uint64_t size;
    const vtop_physmem *mem; /* ready physical memory (live RAM), or NULL */
    bool has_config;         /* cfg describes the live CPU's paging */
    vtop_space_config cfg;
    void *handle;            /* platform's own, passed back to unload */
} vtop_loaded;

typedef struct vtop_platform {
    /* Load `name`. Returns 0 and fills *out, or non-zero and writes a short
     * reason (e.g. "No such file or directory") into why[0..why_len). */
    int (*load)(void *ctx, const char *name, vtop_loaded *out, char *why,
                size_t why_len);
    /* Release what load returned (may be NULL). */
    void (*unload)(void *ctx, vtop_loaded *loaded);
    void *ctx;
} vtop_platform;

/* What `open` accepts (also the host CLI's options). */
typedef struct vtop_open_options {
    vtop_format format;      /* VTOP_FMT_AUTO: detect */
    bool has_cr3;
    uint64_t cr3;
    bool has_mode;
    vtop_mode mode;
    uint32_t cpu;            /* vCPU whose CR3/mode to use */
    uint8_t maxphyaddr;      /* 0: 52 */
    bool windows;            /* force Windows software-PTE decoding */
    int nxe;                 /* -1: from the image (or on), 0 off, 1 on */
    bool strict;             /* refuse an image that opens with a warning */
    /* AArch64 (--arch aarch64, --ttbr0/--ttbr1/--tcr/--mair, --el2, --e2h):
     * override what the image says, or describe a raw/LiME image's space. */
    bool arch_a64;           /* --arch aarch64 */
    bool arch_x86;           /* --arch x86: refuse the AArch64 options */
    bool has_ttbr0, has_ttbr1, has_tcr, has_mair;
    uint64_t ttbr0, ttbr1, tcr, mair;
    int a64_regime;          /* -1: the image's (else EL1&0), or vtop_a64_regime */
} vtop_open_options;

void vtop_open_options_init(vtop_open_options *opt);

typedef struct vtop_session vtop_session;

/* A new session with no target; NULL when out of memory. platform may be
 * NULL (then `open FILE` fails). */
vtop_session *vtop_session_new(const vtop_platform *platform);
void vtop_session_free(vtop_session *s);

/* Open a target (replacing the current one). Each returns a VTOP_EXIT_*
 * status and, on failure, prints the error line to err. The span or
 * physmem must outlive the session's use of it. */
int vtop_session_open_span(vtop_session *s, const char *name,
                           const uint8_t *base, uint64_t size,
                           const vtop_open_options *opt, const vtop_out *err);
int vtop_session_open_physmem(vtop_session *s, const char *name,
                              const vtop_physmem *mem,
                              const vtop_space_config *cfg,
                              const vtop_out *err);
/* Load through the platform, then open. */
int vtop_session_open_file(vtop_session *s, const char *name,
                           const vtop_open_options *opt, const vtop_out *err);

/* The platform's decompressors for kdump-compressed pages (copied; NULL:
 * none, so compressed pages read as format-unsupported). */
void vtop_session_set_decompressor(vtop_session *s, const vtop_decompressor *d);

/* The platform's whole-image scan services (cmd/scan.h; kept, not
 * copied; NULL: none, the default). */
struct vtop_scan_services;
void vtop_session_set_scan(vtop_session *s, const struct vtop_scan_services *svc);

/* --json: answers as one JSON object per line. */
void vtop_session_set_json(vtop_session *s, bool on);
bool vtop_session_json(const vtop_session *s);
/* Line number prefixed to error messages (0: none), for scripts. */
void vtop_session_set_line(vtop_session *s, unsigned line);
/* True after a `quit` command. */
bool vtop_session_quit_requested(const vtop_session *s);

/* Run one command line. Blank lines and comments return VTOP_EXIT_OK. */
int vtop_cmd_execute_line(vtop_session *s, const char *line,
                          const vtop_out *out, const vtop_out *err);

/* ---- Commands, and how platforms add their own ---- */

struct vtop_command;

typedef struct vtop_cmd_ctx {
    vtop_session *session;
    const struct vtop_command *cmd; /* the command being run (its data) */
    const vtop_out *out;
    const vtop_out *err;
    bool json;
} vtop_cmd_ctx;

typedef struct vtop_command {
    const char *name;
    const char *usage;       /* "vtop VA [VA...]" */
    const char *summary;     /* one line for `help` */
    const char *help;        /* more lines for `help NAME` (may be NULL) */
    bool needs_target;       /* refuse with VTOP_EXIT_IMAGE when none open */
    /* argv[0] is the command name. Returns a VTOP_EXIT_* status. */
    int (*run)(vtop_cmd_ctx *c, int argc, char **argv);
    void *data;              /* the platform's own */
} vtop_command;

/* Add a command (the pointer is kept; a platform command with the name of a
 * built-in replaces it). Returns 0, or -1 when the table is full. */
int vtop_cmd_register(vtop_session *s, const vtop_command *cmd);

/* Print "vtop: error: [line N: ]" + message + "\n" to c->err; returns code. */
int vtop_cmd_error(vtop_cmd_ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The current target, for platform commands (NULL space when none/no root). */
const vtop_space *vtop_session_space(const vtop_session *s);
const vtop_image_info *vtop_session_image(const vtop_session *s);

#endif
