/* vtop EFI app: `cr3 [firmware|own]` (see cr3cmd.h). */
#include "cr3cmd.h"

#include <string.h>

#include "cpu.h"
#include "ownmap.h"

static void show(vtop_cmd_ctx *c, const ownmap *om)
{
    uint64_t cr3 = cpu_read_cr3();
    vtop_printf(c->out, "CR3=0x%llx (%s); firmware 0x%llx, own %s0x%llx\n",
                (unsigned long long)cr3, om->loaded ? "own tables" : "firmware tables",
                (unsigned long long)om->fw_cr3, om->usable ? "" : "(not loaded) ",
                (unsigned long long)om->map.root);
}

static int cmd_cr3(vtop_cmd_ctx *c, int argc, char **argv)
{
    ownmap *om = c->cmd->data;
    if (argc > 2)
        return vtop_cmd_error(c, VTOP_EXIT_USAGE, "usage: cr3 [firmware|own]");
    if (argc == 2) {
        bool own = strcmp(argv[1], "own") == 0;
        if (!own && strcmp(argv[1], "firmware") != 0)
            return vtop_cmd_error(c, VTOP_EXIT_USAGE,
                                  "unknown CR3 choice '%s' (firmware or own)", argv[1]);
        if (!ownmap_use(om, own))
            return vtop_cmd_error(c, VTOP_EXIT_FAIL, "the app's own tables are not loaded");
    }
    show(c, om);
    return VTOP_EXIT_OK;
}

vtop_command efi_root_command(ownmap *om)
{
    vtop_command cmd = {
        "cr3", "cr3 [firmware|own]",
        "show the live CR3, or switch it between firmware and own tables (EFI only)",
        "Without an argument: the live CR3 and which tables it holds. With\n"
        "`firmware` or `own`: load that root (interrupts off around the move).\n"
        "The app restores the firmware's CR3 when it exits either way. The\n"
        "live targets keep the CR3 they were opened with (`open live`,\n"
        "`open live-own`, or `--cr3`).\n",
        false, cmd_cr3, om
    };
    return cmd;
}
