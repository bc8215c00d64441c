/* Tests for cmd/session.c and cmd/dispatch.c: the platform API the host CLI
 * and the EFI app call (open a span, open live physical memory, load through
 * the platform, register platform commands), line numbers in errors, exit
 * statuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text_sink.h"

#include "cmd/session.h"

/* 4-level tables in a 32 KiB raw image: PML4 0x1000 -> PDPT 0x2000 ->
 * PD 0x3000 -> PT 0x4000; PT[0] maps VA 0x400000 to PA 0x5000 (P RW US),
 * "live!" at PA 0x5000. CR3 = 0x1000. */
static uint8_t image[0x8000];

static void put(uint64_t pa, uint64_t entry)
{
    memcpy(image + pa, &entry, sizeof entry);
}

static void build_image(void)
{
    memset(image, 0, sizeof image);
    put(0x1000, 0x2000 | 7);
    put(0x2000, 0x3000 | 7);
    put(0x3000 + 2 * 8, 0x4000 | 7);
    put(0x4000, 0x5000 | 7);
    memcpy(image + 0x5000, "live!", 5);
}

static text_sink out_buf, err_buf;
static const vtop_out out = {text_sink_write, &out_buf};
static const vtop_out err = {text_sink_write, &err_buf};

static void clear(void)
{
    out_buf.n = err_buf.n = 0;
    out_buf.text[0] = err_buf.text[0] = '\0';
}

static int setup(void **state)
{
    (void)state;
    build_image();
    clear();
    return 0;
}

static void test_span_with_options(void **state)
{
    (void)state;
    vtop_session *s = vtop_session_new(NULL);
    assert_non_null(s);
    vtop_open_options opt;
    vtop_open_options_init(&opt);
    opt.has_cr3 = true;
    opt.cr3 = 0x1000;
    opt.has_mode = true;
    opt.mode = VTOP_MODE_4LEVEL;
    assert_int_equal(vtop_session_open_span(s, "mem.raw", image, sizeof image,
                                            &opt, &err), VTOP_EXIT_OK);
    assert_non_null(vtop_session_space(s));
    assert_string_equal(vtop_session_image(s)->format_name, "raw");
    assert_int_equal(vtop_cmd_execute_line(s, "vtop 400123", &out, &err),
                     VTOP_EXIT_OK);
    assert_string_equal(out_buf.text, "va 0000000000400123 pa 0000000000005123 "
                        "size 4K rights rwxu status 0x00000000 ok\n");
    clear();
    assert_int_equal(vtop_cmd_execute_line(s, "vtop 401000", &out, &err),
                     VTOP_EXIT_FAIL);
    assert_string_equal(out_buf.text, "va 0000000000401000 status 0xD0000147 "
                        "not-present at PTE\n");
    assert_string_equal(err_buf.text, "");
    vtop_session_free(s);
}

static void test_span_without_root(void **state)
{
    (void)state;
    vtop_session *s = vtop_session_new(NULL);
    assert_int_equal(vtop_session_open_span(s, "mem.raw", image, sizeof image,
                                            NULL, &err), VTOP_EXIT_OK);
    assert_null(vtop_session_space(s));
    vtop_session_set_line(s, 7);
    assert_int_equal(vtop_cmd_execute_line(s, "vtop 400000", &out, &err),
                     VTOP_EXIT_IMAGE);
    assert_string_equal(err_buf.text, "vtop: error: line 7: vtop: no CR3 known "
                        "for mem.raw: open it with --cr3 X --mode M (`roots` "
                        "lists candidates)\n");
    clear();
    /* readp needs no root. */
    assert_int_equal(vtop_cmd_execute_line(s, "readp 5000 5", &out, &err),
                     VTOP_EXIT_OK);
    /* 5 bytes, padded to 16 columns (hexdump.h). */
    assert_string_equal(out_buf.text, "0000000000005000  6c 69 76 65 21 "
                        "                                  " "live!\n");
    vtop_session_free(s);
}

static void test_no_target_and_bad_lines(void **state)
{
    (void)state;
    vtop_session *s = vtop_session_new(NULL);
    assert_int_equal(vtop_cmd_execute_line(s, "  # nothing", &out, &err),
                     VTOP_EXIT_OK);
    assert_int_equal(vtop_cmd_execute_line(s, "tlb", &out, &err), VTOP_EXIT_IMAGE);
    assert_string_equal(err_buf.text,
                        "vtop: error: tlb: no image is open (use `open IMAGE`)\n");
    clear();
    assert_int_equal(vtop_cmd_execute_line(s, "open x.raw", &out, &err),
                     VTOP_EXIT_IMAGE);
    assert_string_equal(err_buf.text,
                        "vtop: error: x.raw: this platform cannot load files\n");
    clear();
    assert_int_equal(vtop_cmd_execute_line(s, "open --cr3", &out, &err),
                     VTOP_EXIT_USAGE);
    assert_string_equal(err_buf.text, "vtop: error: open: --cr3: missing value\n");
    clear();
    assert_int_equal(vtop_cmd_execute_line(s, "open a b", &out, &err),
                     VTOP_EXIT_USAGE);
    assert_int_equal(vtop_cmd_execute_line(s, "open --bogus a", &out, &err),
                     VTOP_EXIT_USAGE);
    assert_int_equal(vtop_cmd_execute_line(s, "json maybe", &out, &err),
                     VTOP_EXIT_USAGE);
    assert_false(vtop_session_quit_requested(s));
    assert_int_equal(vtop_cmd_execute_line(s, "quit", &out, &err), VTOP_EXIT_OK);
    assert_true(vtop_session_quit_requested(s));
    vtop_session_free(s);
}

/* ---- a platform: a loader that serves "live" as physical memory (as the
 * EFI app does) and anything else as the image span, plus its own command */

static vtop_run live_run;
static vtop_physmem live_mem;
static int unloads;

static int fake_load(void *ctx, const char *name, vtop_loaded *l, char *why,
                     size_t why_len)
{
    (void)ctx;
    if (strcmp(name, "missing") == 0) {
        snprintf(why, why_len, "Not Found");
        return 1;
    }
    if (strcmp(name, "live") == 0) {
        live_run = (vtop_run){0, sizeof image, 0, image};
        live_mem = (vtop_physmem){&live_run, 1, NULL};
        l->mem = &live_mem;
        l->has_config = true;
        l->cfg.mode = VTOP_MODE_4LEVEL;
        l->cfg.cr3 = 0x1000;
        l->cfg.nxe = true;
        return 0;
    }
    l->base = image;
    l->size = sizeof image;
    return 0;
}

static void fake_unload(void *ctx, vtop_loaded *l)
{
    (void)ctx;
    (void)l;
    unloads++;
}

static int run_memmap(vtop_cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    vtop_printf(c->out, "memmap from %s\n", (const char *)c->cmd->data);
    return VTOP_EXIT_OK;
}

static const vtop_command memmap = {"memmap", "memmap", "UEFI memory map",
                                    NULL, false, run_memmap, "efi"};

static void test_platform_loader_and_commands(void **state)
{
    (void)state;
    vtop_platform p = {fake_load, fake_unload, NULL};
    vtop_session *s = vtop_session_new(&p);
    unloads = 0;
    assert_int_equal(vtop_cmd_register(s, &memmap), 0);
    assert_int_equal(vtop_cmd_execute_line(s, "memmap", &out, &err), VTOP_EXIT_OK);
    assert_string_equal(out_buf.text, "memmap from efi\n");
    clear();
    assert_int_equal(vtop_cmd_execute_line(s, "help memmap", &out, &err),
                     VTOP_EXIT_OK);
    assert_string_equal(out_buf.text, "memmap\n  UEFI memory map\n");
    clear();
    assert_int_equal(vtop_cmd_execute_line(s, "open missing", &out, &err),
                     VTOP_EXIT_IMAGE);
    assert_string_equal(err_buf.text, "vtop: error: missing: Not Found\n");
    clear();
    /* Live memory with the platform's CPU state. */
    assert_int_equal(vtop_cmd_execute_line(s, "open live", &out, &err),
                     VTOP_EXIT_OK);
    assert_int_equal(vtop_cmd_execute_line(s, "read 400000 5", &out, &err),
                     VTOP_EXIT_OK);
    assert_non_null(strstr(out_buf.text, "live!"));
    clear();
    /* --cr3 overrides the live CPU's: 0x2000 read as a PML4 gives nothing. */
    assert_int_equal(vtop_cmd_execute_line(s, "open live --cr3 2000", &out, &err),
                     VTOP_EXIT_OK);
    assert_int_equal(unloads, 1);
    assert_int_equal(vtop_cmd_execute_line(s, "vtop 400000", &out, &err),
                     VTOP_EXIT_FAIL);
    clear();
    /* A span from the loader, opened with options given on the line. */
    assert_int_equal(vtop_cmd_execute_line(s, "open \"img file\" --cr3 0x1000 "
                                           "--mode=4level --no-nxe", &out, &err),
                     VTOP_EXIT_OK);
    assert_int_equal(vtop_session_space(s)->cfg.nxe, false);
    assert_int_equal(vtop_cmd_execute_line(s, "vtop 400000", &out, &err),
                     VTOP_EXIT_OK);
    vtop_session_free(s);
    assert_int_equal(unloads, 3);
}

static void test_open_physmem_directly(void **state)
{
    (void)state;
    vtop_session *s = vtop_session_new(NULL);
    vtop_run run = {0, sizeof image, 0, image};
    vtop_physmem mem = {&run, 1, NULL};
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    assert_int_equal(vtop_session_open_physmem(s, "live", &mem, &cfg, &err),
                     VTOP_EXIT_OK);
    assert_null(vtop_session_image(s));
    assert_int_equal(vtop_cmd_execute_line(s, "info", &out, &err), VTOP_EXIT_OK);
    assert_string_equal(out_buf.text,
        "image:    live\n"
        "format:   memory\n"
        "runs:     1, 0x8000 bytes\n"
        "  0000000000000000-0000000000008000 at file offset 0x0\n"
        "space:    4level, cr3 0000000000001000 (root 0000000000001000), nxe on, "
        "maxphyaddr 52\n"
        "root:     from platform\n");
    clear();
    cfg.maxphyaddr = 99;
    assert_int_equal(vtop_session_open_physmem(s, "live", &mem, &cfg, &err),
                     VTOP_EXIT_USAGE);
    assert_string_equal(err_buf.text,
                        "vtop: error: live: cannot use this address space (bad-space)\n");
    vtop_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_span_with_options, setup),
        cmocka_unit_test_setup(test_span_without_root, setup),
        cmocka_unit_test_setup(test_no_target_and_bad_lines, setup),
        cmocka_unit_test_setup(test_platform_loader_and_commands, setup),
        cmocka_unit_test_setup(test_open_physmem_directly, setup),
    };
    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
