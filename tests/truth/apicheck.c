/* apicheck: translate addresses through libvtop's own API (formats +
 * walker), the way an embedder would, for the truth tests.
 *
 *   apicheck IMAGE [--cr3 X --mode M] [--nxe 0|1] [tlb|mem]  < addresses
 *
 * With tlb or mem it prints cmd/fmt_qemu's text for the whole space (QEMU's
 * `info tlb` / `info mem`) and exits. Otherwise it
 * reads one hexadecimal virtual address per line on stdin and prints, per
 * address, "0xVA 0xPA" or "0xVA Unmapped <status-name>", the same shape as
 * QEMU's `gva2gpa` answers the capture recorded (tests/truth/compare.py
 * compares them). An image with QEMU notes gives CR3 and the mode itself.
 * Built against the ASan+UBSan library so real guest images also exercise
 * the sanitizers. Exit 0, or 2 on a usage/image error. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/fmt_qemu.h"
#include "core/formats/format.h"
#include "core/paging.h"

#define MAX_RUNS 4096

static vtop_run runs[MAX_RUNS];
static vtop_image_info info;

static void write_stdout(void *ctx, const char *text, size_t n)
{
    fwrite(text, 1, n, (FILE *)ctx);
}

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "apicheck: %s: %s\n", what, detail);
    return 2;
}

static const uint8_t *map_file(const char *path, uint64_t *size)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0)
        return NULL;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    *size = (uint64_t)st.st_size;
    return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char **argv)
{
    const char *image = NULL, *cr3 = NULL, *mode = NULL, *what = NULL;
    int nxe = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cr3") && i + 1 < argc)
            cr3 = argv[++i];
        else if (!strcmp(argv[i], "--mode") && i + 1 < argc)
            mode = argv[++i];
        else if (!strcmp(argv[i], "--nxe") && i + 1 < argc)
            nxe = atoi(argv[++i]);
        else if (!image)
            image = argv[i];
        else if (!what && (!strcmp(argv[i], "tlb") || !strcmp(argv[i], "mem")))
            what = argv[i];
        else
            return fail("usage", "apicheck IMAGE [--cr3 X --mode M] [--nxe 0|1]");
    }
    uint64_t size = 0;
    const uint8_t *base = image ? map_file(image, &size) : NULL;
    if (!base)
        return fail(image ? image : "usage", "cannot map image");
    vtop_status st = vtop_image_open(base, size, VTOP_FMT_AUTO, runs, MAX_RUNS, &info);
    if (st != VTOP_OK)
        return fail("vtop_image_open", vtop_status_name(st));
    vtop_space_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (cr3 || mode) {
        if (!cr3 || !mode || vtop_mode_parse(mode, &cfg.mode) != VTOP_OK)
            return fail("usage", "--cr3 and a valid --mode go together");
        cfg.cr3 = strtoull(cr3, NULL, 16);
        cfg.nxe = cfg.mode >= VTOP_MODE_PAE;
    } else if ((st = vtop_image_space_config(&info, 0, &cfg)) != VTOP_OK) {
        return fail("vtop_image_space_config", vtop_status_name(st));
    }
    if (nxe >= 0)
        cfg.nxe = nxe != 0;
    vtop_physmem mem = { runs, info.run_count, NULL };
    vtop_space space;
    if ((st = vtop_space_init(&space, &cfg, &mem)) != VTOP_OK)
        return fail("vtop_space_init", vtop_status_name(st));
    if (what) {
        vtop_out out = { write_stdout, stdout };
        st = what[0] == 't' ? vtop_fmt_qemu_tlb(&out, &space, 0)
                            : vtop_fmt_qemu_mem(&out, &space, 0);
        fflush(stdout);
        return st == VTOP_OK ? 0 : fail(what, vtop_status_name(st));
    }
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        uint64_t va = strtoull(line, NULL, 16);
        vtop_translation t;
        if (vtop_translate(&space, va, &t) == VTOP_OK)
            printf("0x%llx 0x%llx\n", (unsigned long long)va, (unsigned long long)t.pa);
        else
            printf("0x%llx Unmapped %s\n", (unsigned long long)va,
                   vtop_status_name(t.status));
    }
    return 0;
}
