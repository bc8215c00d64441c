/* Unit tests for core/formats/capture*.c: a capture of hand-built tables,
 * written into memory, opened by the ordinary image reader: the same
 * translations, the registers and MAXPHYADDR/EFER from the notes, the
 * sources decoded equal to what was written, damaged notes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/formats/capture.h"
#include "core/formats/format.h"
#include "pt_fixture.h"

#define P  0x001ull
#define RW 0x002ull
#define PS 0x080ull
#define NX (1ull << 63)

typedef struct membuf {
    uint8_t *data;
    size_t len, cap;
} membuf;

static int put(void *ctx, const void *data, size_t len)
{
    membuf *b = ctx;
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static void tables(void)
{
    fx_reset();
    fx_put64(0x1000, 0x2000 | P | RW);
    fx_put64(0x2000, 0x3000 | P | RW);
    fx_put64(0x3000, 0x5000 | P | RW);            /* PD[0] -> PT at 0x5000 */
    fx_put64(0x3008, 0x200000 | P | RW | PS | NX); /* 2M page */
    fx_put64(0x5000 + 8 * 0x10, 0x10000 | P);
    fx_put64(0x5000 + 8 * 0x11, 0x7f000 | P | RW | NX);
    fx_mem[0x10000] = 0xab;                       /* data: not captured */
}

static vtop_prot_mem g_map[] = { { 0, 0x800, 0x8, VTOP_EFI_BS_DATA } };
static vtop_prot_gcd g_gcd[] = { { 0, 0x800000, 0x8, VTOP_GCD_SYSTEM_MEMORY, true } };
static vtop_prot_mem g_mat[] = { { 0x7000, 1, VTOP_EFI_MEMORY_RUNTIME | VTOP_EFI_MEMORY_XP,
                                   VTOP_EFI_RT_DATA } };
static vtop_prot_image g_img[] = { { 0x10000, 0x2000, 0x1000, 0, 1, "Driver" } };
static vtop_prot_section g_sec[] = { { 0x10000, 0x1000, 0x60000020, 0, ".text" } };
static vtop_prot_attr_answer g_ans[] = { { 0, 0x1000, VTOP_EFI_MEMORY_RP, true } };

static membuf capture(vtop_space *s, size_t *ntables)
{
    tables();
    assert_int_equal(fx_space(s, (fx_cfg){ .mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000,
                                           .nxe = 1, .maxphyaddr = 39 }), VTOP_OK);
    uint64_t pages[8];
    size_t n = 0;
    assert_int_equal(vtop_capture_tables(s, pages, 1, &n), VTOP_BUFFER_TOO_SMALL);
    assert_int_equal(n, 4);
    assert_int_equal(vtop_capture_tables(s, pages, 8, &n), VTOP_OK);
    uint64_t want[] = { 0x1000, 0x2000, 0x3000, 0x5000 };
    assert_memory_equal(pages, want, sizeof want);
    vtop_prot_sources src = {
        .memmap = g_map, .nmemmap = 1, .gcd = g_gcd, .ngcd = 1, .mat = g_mat,
        .nmat = 1, .has_mat = true, .images = g_img, .nimages = 1,
        .sections = g_sec, .nsections = 1, .has_stack = true,
        .stack_base = 0x20000, .stack_size = 0x8000, .rsp = 0x27f00,
        .has_attr_protocol = true, .attr_answers = g_ans, .nattr = 1,
    };
    vtop_capture_input in = { s, pages, n, &src, 0x80010033, 0x668, 0xd00 };
    membuf b = { NULL, 0, 0 };
    assert_int_equal(vtop_capture_write(&in, put, &b), VTOP_OK);
    *ntables = n;
    return b;
}

static void test_round_trip_translations(void **state)
{
    (void)state;
    vtop_space live;
    size_t n;
    membuf b = capture(&live, &n);
    static vtop_run runs[64];
    vtop_image_info info;
    assert_int_equal(vtop_image_open(b.data, b.len, VTOP_FMT_AUTO, runs, 64, &info), VTOP_OK);
    assert_string_equal(info.format_name, "elf64-qemu");
    assert_int_equal(info.run_bytes, FX_MEM_SIZE - 0);   /* the whole layout */
    assert_int_equal(info.maxphyaddr, 39);
    vtop_space_config cfg;
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_OK);
    assert_int_equal(cfg.cr3, 0x1000);
    assert_int_equal(cfg.mode, VTOP_MODE_4LEVEL);
    assert_int_equal(cfg.maxphyaddr, 39);
    assert_true(cfg.nxe);
    vtop_physmem mem = { .runs = runs, .count = info.run_count };
    vtop_space off;
    assert_int_equal(vtop_space_init(&off, &cfg, &mem), VTOP_OK);
    uint64_t vas[] = { 0x10000, 0x11000, 0x12000, 0x200000, 0x3fffff, 0x400000, 0 };
    for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++) {
        vtop_translation a, o;
        vtop_translate(&live, vas[i], &a);
        vtop_translate(&off, vas[i], &o);
        assert_int_equal(a.status, o.status);
        assert_int_equal(a.pa, o.pa);
        assert_int_equal(a.rights, o.rights);
    }
    /* Table bytes are captured, other pages read as zero. */
    uint8_t byte = 1;
    size_t done;
    assert_int_equal(vtop_read_physical(&off, 0x10000, &byte, 1, &done), VTOP_OK);
    assert_int_equal(byte, 0);
    free(b.data);
}

static void test_sources_decode(void **state)
{
    (void)state;
    vtop_space live;
    size_t n;
    membuf b = capture(&live, &n);
    vtop_capture_info ci;
    assert_int_equal(vtop_capture_probe(b.data, b.len, &ci), VTOP_OK);
    assert_true(ci.has_machine);
    assert_true(ci.has_sources);
    assert_int_equal(ci.efer, 0xd00);
    assert_int_equal(ci.nmemmap, 1);
    assert_int_equal(ci.nsections, 1);
    vtop_prot_mem mm[1], mat[1];
    vtop_prot_gcd gcd[1];
    vtop_prot_image img[1];
    vtop_prot_section sec[1];
    vtop_prot_attr_answer ans[1];
    vtop_capture_buffers buf = { mm, mat, gcd, img, sec, ans };
    vtop_prot_sources src;
    assert_int_equal(vtop_capture_sources(b.data, b.len, &ci, &buf, &src), VTOP_OK);
    assert_memory_equal(&mm[0], &g_map[0], sizeof mm[0]);
    assert_memory_equal(&mat[0], &g_mat[0], sizeof mat[0]);
    assert_int_equal(gcd[0].length, g_gcd[0].length);
    assert_true(gcd[0].allocated);
    assert_string_equal(img[0].name, "Driver");
    assert_int_equal(img[0].section_alignment, 0x1000);
    assert_string_equal(sec[0].name, ".text");
    assert_int_equal(sec[0].characteristics, 0x60000020);
    assert_int_equal(ans[0].attr, VTOP_EFI_MEMORY_RP);
    assert_true(src.has_stack && src.has_mat && src.has_attr_protocol);
    assert_int_equal(src.rsp, 0x27f00);
    /* A count that disagrees with the note's length is refused. */
    ci.nmemmap = 2;
    assert_int_equal(vtop_capture_sources(b.data, b.len, &ci, &buf, &src),
                     VTOP_FORMAT_CORRUPT);
    ci.has_sources = false;
    assert_int_equal(vtop_capture_sources(b.data, b.len, &ci, &buf, &src),
                     VTOP_BAD_ARGUMENT);
    /* Truncated program headers. */
    assert_int_equal(vtop_capture_probe(b.data, 100, &ci), VTOP_FORMAT_TRUNCATED);
    uint8_t junk[64] = { 0 };
    assert_int_equal(vtop_capture_probe(junk, sizeof junk, &ci), VTOP_FORMAT_UNKNOWN);
    free(b.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_translations),
        cmocka_unit_test(test_sources_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
