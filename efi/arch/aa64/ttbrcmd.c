/* vtop EFI app, AArch64: `ttbr0 [firmware|own]`, the counterpart of x86's
 * `cr3` (see efi/cr3cmd.h). */
#include "efi/cr3cmd.h"

#include <string.h>

#include "own.h"

static void show(vtop_cmd_ctx *c, const ownmap *om)
{
    vtop_printf(c->out, "TTBR0_EL%u=0x%llx (%s); firmware 0x%llx, own %s0x%llx\n",
                om->m->el, (unsigned long long)a64_ttbr0_read(om->m),
                om->loaded ? "own tables" : "firmware tables",
                (unsigned long long)om->fw_ttbr0, om->usable ? "" : "(not loaded) ",
                (unsigned long long)om->own_ttbr0);
}

static int cmd_ttbr0(vtop_cmd_ctx *c, int argc, char **argv)
{
    ownmap *om = c->cmd->data;
    if (argc > 2)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "usage: ttbr0 [firmware|own]");
    if (!om->m)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "no own map was set up");
    if (argc == 2) {
        bool own = strcmp(argv[1], "own") == 0;
        if (!own && strcmp(argv[1], "firmware") != 0)
            return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                                  "unknown TTBR0 choice '%s' (firmware or own)", argv[1]);
        if (!a64_own_use(om, own))
            return vtop_cmd_error(c, VTOP_EXIT_FAIL, "the app's own tables are not loaded");
    }
    show(c, om);
    return VTOP_EXIT_OK;
}

vtop_command efi_root_command(ownmap *om)
{
    vtop_command cmd = {
        "ttbr0", "ttbr0 [firmware|own]",
        "show the live TTBR0, or switch it between firmware and own tables (EFI only)",
        "Without an argument: the live TTBR0 of the current exception level and\n"
        "which tables it holds. With `firmware` or `own`: load that root (with\n"
        "the barriers and TLB invalidation, exceptions masked). The app restores\n"
        "the firmware's TTBR0 when it exits either way. The live targets keep\n"
        "the root they were opened with.\n",
        false, cmd_ttbr0, om
    };
    return cmd;
}
