/* vtop command language: session internals shared by the command files
 * (not part of the platform API; see session.h). */
#ifndef VTOP_CMD_SESSION_INT_H
#define VTOP_CMD_SESSION_INT_H

#include <stdarg.h>

#include "session.h"

#define VTOP_MAX_COMMANDS 48
#define VTOP_NAME_MAX 256

/* What the session has open. */
typedef enum vtop_target_kind {
    VTOP_TARGET_NONE = 0,        /* nothing: commands that need a target refuse */
    VTOP_TARGET_IMAGE,           /* a parsed image span: info describes it */
    VTOP_TARGET_PHYSMEM          /* ready physical memory (the EFI app's live RAM) */
} vtop_target_kind;

struct vtop_session {
    vtop_platform platform;      /* all NULL when the platform gave none */
    /* Target. */
    vtop_target_kind target;
    char name[VTOP_NAME_MAX];
    vtop_loaded loaded;          /* what the platform loaded (to unload) */
    bool has_loaded;
    vtop_image_info *info;       /* heap: large (per-vCPU state) */
    vtop_run *runs;              /* heap: the image's run list */
    size_t run_cap;
    vtop_physmem mem;
    vtop_dump_store *store;      /* heap: paged images' state, or NULL */
    vtop_page_cache cache;       /* heap: its page cache */
    vtop_decompressor decompress; /* the platform's (none by default) */
    const struct vtop_scan_services *scan; /* the platform's, or NULL */
    bool has_space;              /* space is ready to walk */
    vtop_space space;
    uint32_t cpu;
    bool space_from_image;       /* no --cr3/--mode given: the image's */
    uint8_t a64_unknown;         /* AArch64: bit n = TTBRn unknown, the half
                                    disabled with TCR.EPDn (session_a64.c) */
    /* Settings. */
    bool json;
    unsigned line;
    bool quit;
    /* Commands: built-ins first, platform additions after. */
    const vtop_command *cmds[VTOP_MAX_COMMANDS];
    size_t ncmds;
};

/* Built-in command tables (one per command file), NULL-terminated. */
extern const vtop_command *const vtop_cmds_session[];
extern const vtop_command *const vtop_cmds_translate[];
extern const vtop_command *const vtop_cmds_read[];
extern const vtop_command *const vtop_cmds_space[];
extern const vtop_command *const vtop_cmds_ptov[];
extern const vtop_command *const vtop_cmds_roots[];
extern const vtop_command *const vtop_cmds_protections[];
extern const vtop_command *const vtop_cmds_report[];

/* session_store.c: the paged images' store. prepare returns a zeroed
 * store bound to the session's cache and decompressors (NULL when out of
 * memory); grow_index enlarges the flattened index to what the last open
 * asked for (false when it cannot or need not). */
vtop_dump_store *session_store_prepare(vtop_session *s);
bool session_store_grow_index(vtop_session *s);
void session_store_free(vtop_session *s);

/* The one error path: "vtop: error: [line N: ]MESSAGE\n" to err; returns
 * code. vtop_cmd_error and the open functions both print through it. */
int vtop_session_verror(const vtop_session *s, const vtop_out *err, int code,
                        const char *fmt, va_list ap);

/* vtop_session_verror with a format: the open path's errors. */
int vtop_session_open_error(const vtop_session *s, const vtop_out *err,
                            int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* session_a64.c: does the open want an AArch64 space (*a64: --arch
 * aarch64, an AArch64 register option, or an AArch64 image)? A VTOP_EXIT_*
 * status, with named errors for options that contradict each other or the
 * image. Then its configuration: image_ok says cfg holds the image's
 * registers; named errors for missing registers; s->has_space on success. */
int vtop_session_a64_select(const vtop_session *s, const vtop_open_options *opt,
                            const vtop_space_config *cfg, const vtop_out *err,
                            bool *a64);
int vtop_session_config_a64(vtop_session *s, vtop_space_config *cfg,
                            const vtop_open_options *opt, bool image_ok,
                            const vtop_out *err);

/* Look a command up by name (NULL when unknown). */
const vtop_command *vtop_cmd_find(const vtop_session *s, const char *name);

/* The space, or an error (VTOP_EXIT_IMAGE) explaining why there is none. */
const vtop_space *vtop_cmd_need_space(vtop_cmd_ctx *c);

/* Parse an address argument; on failure prints the error naming it. */
bool vtop_cmd_addr(vtop_cmd_ctx *c, const char *what, const char *text,
                   uint64_t *out);
/* Check argc is within [min, max] (argv[0] included); else a usage error. */
bool vtop_cmd_argc(vtop_cmd_ctx *c, int argc, int min, int max);

#endif
