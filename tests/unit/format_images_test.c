/* Round trip of the synthetic images (images/gen_images.c): every image of
 * build/images/MANIFEST opens in its format, yields the CR3 and mode the
 * generator used, and translates every listed VA to the expected PA, page
 * size and rights (faults to the expected status), identically through
 * every format of the same address space. One TAP line per image. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/formats/format.h"
#include "format_fixture.h"
#include "core/enum.h"
#include "core/paging.h"

#define MAX_IMAGES 64

typedef struct image_case {
    char file[64], format[32], mode[16];
    unsigned long long cr3;
    int has_root;
} image_case;

static const char *dir(void)
{
    const char *d = getenv("VTOP_IMAGES_DIR");
    return d ? d : "build/images";
}

static uint8_t rights_of(const char *r)
{
    return (uint8_t)((r[0] == 'u' ? VTOP_RIGHT_USER : 0) |
                     (r[1] == 'w' ? VTOP_RIGHT_WRITE : 0) |
                     (r[2] == 'x' ? VTOP_RIGHT_EXEC : 0));
}

/* Hash of every translation done, per mode, to compare formats. */
static uint64_t mode_hash[VTOP_MODE_COUNT];
static bool mode_hash_set[VTOP_MODE_COUNT];

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001B3ull;
}

/* Leaves of the whole space (what `tlb` prints), hashed in VA order. */
typedef struct leaf_sum {
    uint64_t hash, count;
} leaf_sum;

static int sum_leaf(void *ctx, const vtop_leaf *l)
{
    leaf_sum *s = ctx;
    s->hash = mix(mix(mix(mix(s->hash, l->va), l->pa), l->size), l->entry);
    s->count++;
    return 0;
}

static leaf_sum leaves_of(const vtop_space *sp, vtop_enum_policy policy)
{
    leaf_sum s = {0, 0};
    vtop_enum_options o = { policy, 0, NULL, NULL, NULL };
    assert_int_equal(vtop_enumerate(sp, 0, UINT64_MAX, &o, sum_leaf, &s), VTOP_OK);
    return s;
}

static uint64_t check_map_line(const vtop_space *sp, bool windows, const char *line)
{
    unsigned long long va, pa, size;
    char what[16], arg[24];
    vtop_translation t;
    uint64_t h = 0;
    if (sscanf(line, "map %llx %llx %llx %15s", &va, &pa, &size, arg) == 4) {
        uint64_t offs[] = { 0, size / 2 + 8, size - 1 };
        for (int i = 0; i < 3; i++) {
            assert_int_equal(vtop_translate(sp, va + offs[i], &t), VTOP_OK);
            assert_int_equal(t.pa, pa + offs[i]);
            assert_int_equal(t.page_size, size);
            assert_int_equal(t.rights, rights_of(arg));
            h = mix(mix(h, t.pa), t.rights);
        }
    } else if (sscanf(line, "fault %llx %23s", &va, arg) == 2) {
        vtop_status st = vtop_translate(sp, va, &t);
        const char *name = vtop_status_name(st);
        /* A Windows space reads a zero PTE as a software PTE (demand zero):
         * the same dbgeng HRESULT as not-present. */
        if (windows && !strcmp(arg, "not-present") && st == VTOP_SOFTWARE_PTE)
            name = "not-present";
        if (strcmp(name, arg) != 0)
            fail_msg("VA 0x%llx: %s, expected %s", va, vtop_status_name(st), arg);
        h = mix(h, (uint64_t)vtop_hresult(st));
    } else {
        assert_true(sscanf(line, "%15s", what) != 1 || what[0] == '#');
    }
    return h;
}

static void test_image(void **state)
{
    const image_case *c = *state;
    char path[256];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", dir(), c->file);
    uint8_t *img = fx_slurp(path, &n);
    static vtop_run runs[64];
    static vtop_image_info info;
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 64, &info), VTOP_OK);
    assert_string_equal(info.format_name, c->format);
    vtop_mode mode;
    assert_int_equal(vtop_mode_parse(c->mode, &mode), VTOP_OK);
    vtop_space_config cfg = {0};
    if (c->has_root) {
        assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_OK);
        assert_int_equal(cfg.cr3, c->cr3);
        assert_int_equal(cfg.mode, mode);
    } else {
        assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_NO_ROOT);
        cfg.mode = mode;
        cfg.cr3 = c->cr3;
        cfg.nxe = mode >= VTOP_MODE_PAE;
    }
    vtop_physmem mem = { runs, info.run_count, NULL };
    vtop_space sp;
    assert_int_equal(vtop_space_init(&sp, &cfg, &mem), VTOP_OK);
    const char *stem = c->file;
    char mpath[256], line[256];
    snprintf(mpath, sizeof mpath, "%s/%.*s.map", dir(), (int)strcspn(stem, "."), stem);
    FILE *m = fopen(mpath, "r");
    assert_non_null(m);
    uint64_t h = 0;
    int lines = 0, maps = 0;
    while (fgets(line, sizeof line, m)) {
        h = mix(h, check_map_line(&sp, info.windows, line));
        lines++;
        maps += strncmp(line, "map ", 4) == 0;
    }
    fclose(m);
    assert_true(lines >= 8);
    /* Every leaf of the space is a listed mapping (strict walk), and the
     * whole leaf list, strict and QEMU-style, is the same in every format. */
    leaf_sum strict = leaves_of(&sp, VTOP_ENUM_STRICT);
    leaf_sum qemu = leaves_of(&sp, VTOP_ENUM_QEMU);
    assert_int_equal(strict.count, maps);
    assert_true(qemu.count >= strict.count);
    h = mix(mix(h, strict.hash), qemu.hash);
    if (mode_hash_set[mode])
        assert_int_equal(h, mode_hash[mode]);
    mode_hash[mode] = h;
    mode_hash_set[mode] = true;
    free(img);
}

/* What images/gen_images.c writes: every format in every mode, Windows
 * dumps where the dump format has the mode. The manifest must list at least
 * these, so an empty or truncated MANIFEST fails instead of passing. */
#define ALL_MODES { "32bit-pse", "pae", "4level", "5level" }
static const struct { const char *format, *modes[4]; } expected_formats[] = {
    { "raw", ALL_MODES },
    { "elf64-qemu", ALL_MODES },
    { "elf32-qemu", ALL_MODES },
    { "elf64-kdump", ALL_MODES },
    { "lime", ALL_MODES },
    { "windmp32-full", { "32bit-pse", "pae" } },
    { "windmp64-full", { "4level" } },
    { "windmp64-bitmap", { "4level" } },
};

typedef struct manifest {
    image_case cases[MAX_IMAGES];
    size_t count;
} manifest;

static bool listed(const manifest *m, const char *format, const char *mode)
{
    for (size_t i = 0; i < m->count; i++)
        if (!strcmp(m->cases[i].format, format) && !strcmp(m->cases[i].mode, mode))
            return true;
    return false;
}

static void test_manifest_complete(void **state)
{
    const manifest *m = *state;
    size_t pairs = 0;
    for (size_t f = 0; f < sizeof expected_formats / sizeof *expected_formats; f++) {
        for (size_t i = 0; i < 4 && expected_formats[f].modes[i]; i++) {
            const char *mode = expected_formats[f].modes[i];
            if (!listed(m, expected_formats[f].format, mode))
                fail_msg("MANIFEST lacks a %s image in mode %s", expected_formats[f].format, mode);
            pairs++;
        }
    }
    assert_int_equal(pairs, 24);
    assert_true(m->count >= pairs);
}

/* Every "image" line must parse: a malformed one is a failure, not a
 * line silently left out. */
static int read_manifest(FILE *f, manifest *m)
{
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "image ", 6))
            continue;
        if (m->count == MAX_IMAGES) {
            printf("not ok 1 - MANIFEST lists more than %d images\n", MAX_IMAGES);
            return -1;
        }
        image_case *c = &m->cases[m->count];
        if (sscanf(line, "image %63s %31s %15s %llx %d", c->file, c->format,
                   c->mode, &c->cr3, &c->has_root) != 5) {
            printf("not ok 1 - MANIFEST line does not parse: %s", line);
            return -1;
        }
        m->count++;
    }
    return 0;
}

int main(void)
{
    static manifest m;
    static struct CMUnitTest tests[MAX_IMAGES + 1];
    char path[256];
    snprintf(path, sizeof path, "%s/MANIFEST", dir());
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("not ok 1 - %s missing (run `make images`)\n", path);
        return 1;
    }
    int rc = read_manifest(f, &m);
    fclose(f);
    if (rc)
        return 1;
    tests[0] = (struct CMUnitTest){ "manifest lists every format in every mode",
                                    test_manifest_complete, NULL, NULL, &m };
    for (size_t i = 0; i < m.count; i++)
        tests[i + 1] = (struct CMUnitTest){ m.cases[i].file, test_image, NULL, NULL,
                                            &m.cases[i] };
    return _cmocka_run_group_tests("format_images", tests, m.count + 1, NULL, NULL);
}
