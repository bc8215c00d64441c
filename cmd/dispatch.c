/* vtop command language: the command table, line execution and the helpers
 * every command uses for arguments and errors. */
#include "session_int.h"

#include <stdarg.h>
#include <string.h>

#include "lex.h"
#include "num.h"

int vtop_cmd_register(vtop_session *s, const vtop_command *cmd)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        if (strcmp(s->cmds[i]->name, cmd->name) == 0) {
            s->cmds[i] = cmd; /* a platform's version replaces the built-in */
            return 0;
        }
    }
    if (s->ncmds == VTOP_MAX_COMMANDS)
        return -1;
    s->cmds[s->ncmds++] = cmd;
    return 0;
}

const vtop_command *vtop_cmd_find(const vtop_session *s, const char *name)
{
    for (size_t i = 0; i < s->ncmds; i++)
        if (strcmp(s->cmds[i]->name, name) == 0)
            return s->cmds[i];
    return NULL;
}

int vtop_session_verror(const vtop_session *s, const vtop_out *err, int code,
                        const char *fmt, va_list ap)
{
    vtop_puts(err, "vtop: error: ");
    if (s->line)
        vtop_printf(err, "line %u: ", s->line);
    vtop_vprintf(err, fmt, ap);
    vtop_puts(err, "\n");
    return code;
}

int vtop_cmd_error(vtop_cmd_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vtop_session_verror(c->session, c->err, code, fmt, ap);
    va_end(ap);
    return rc;
}

const vtop_space *vtop_cmd_need_space(vtop_cmd_ctx *c)
{
    vtop_session *s = c->session;
    if (s->has_space)
        return &s->space;
    vtop_cmd_error(c, VTOP_EXIT_IMAGE,
                   "%s: no CR3 known for %s: open it with --cr3 X --mode M "
                   "(`roots` lists candidates)",
                   c->cmd->name, s->name);
    return NULL;
}

bool vtop_cmd_addr(vtop_cmd_ctx *c, const char *what, const char *text,
                   uint64_t *out)
{
    if (vtop_parse_addr(text, out))
        return true;
    vtop_cmd_error(c, VTOP_EXIT_USAGE, "%s: bad %s '%s' (hex, e.g. 0x1000 or "
                   "fffff800`00001000)", c->cmd->name, what, text);
    return false;
}

bool vtop_cmd_argc(vtop_cmd_ctx *c, int argc, int min, int max)
{
    if (argc >= min && argc <= max)
        return true;
    vtop_cmd_error(c, VTOP_EXIT_USAGE, "%s: %s; usage: %s", c->cmd->name,
                   argc < min ? "missing argument" : "too many arguments",
                   c->cmd->usage);
    return false;
}

int vtop_cmd_execute_line(vtop_session *s, const char *line,
                          const vtop_out *out, const vtop_out *err)
{
    static const vtop_command none = {.name = "vtop"};
    vtop_cmd_ctx c = {.session = s, .cmd = &none, .out = out, .err = err, .json = s->json};
    vtop_words w;
    vtop_lex_result r = vtop_lex(line, &w);
    if (r != VTOP_LEX_OK)
        return vtop_cmd_error(&c, VTOP_EXIT_USAGE, "%s", vtop_lex_message(r));
    if (w.argc == 0)
        return VTOP_EXIT_OK;
    const vtop_command *cmd = vtop_cmd_find(s, w.argv[0]);
    if (!cmd)
        return vtop_cmd_error(&c, VTOP_EXIT_USAGE,
                              "unknown command '%s' (try `help`)", w.argv[0]);
    c.cmd = cmd;
    if (cmd->needs_target && s->target == VTOP_TARGET_NONE)
        return vtop_cmd_error(&c, VTOP_EXIT_IMAGE,
                              "%s: no image is open (use `open IMAGE`)",
                              cmd->name);
    return cmd->run(&c, w.argc, w.argv);
}
