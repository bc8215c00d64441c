/* Tests for core/read.c: ReadVirtual / ReadPhysical with dbgeng's partial
 * read contract, across 4K and large-page boundaries. Hand-written layout:
 * 4-level, PML4 @0x1000, PDPT @0x2000, PD @0x3000, PT @0x4000.
 *   VA 0x0000 .. 0x0fff -> PA 0x9000 (4K)
 *   VA 0x1000 .. 0x1fff -> PA 0x7000 (4K, not contiguous with the first)
 *   VA 0x2000           -> not present
 *   VA 0x3000           -> PA 0x10000000 (outside the 8 MiB image)
 *   VA 0x200000..0x3fffff -> PA 0x400000 (2M), VA 0x400000 -> PA 0x600000 (2M)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "pt_fixture.h"

/* xorshift64*, for the cross-check below */
static uint64_t rnd_state = 0x5EEDull;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state >> 12;
    rnd_state ^= rnd_state << 25;
    rnd_state ^= rnd_state >> 27;
    return rnd_state * 2685821657736338717ull;
}

static vtop_space s;

static int setup(void **state)
{
    (void)state;
    fx_reset();
    fx_put64(0x1000, 0x2000 | 0x3);
    fx_put64(0x2000, 0x3000 | 0x3);
    fx_put64(0x3000, 0x4000 | 0x3);
    fx_put64(0x3008, 0x400000 | 0x83);
    fx_put64(0x3010, 0x600000 | 0x83);
    fx_put64(0x4000, 0x9000 | 0x3);
    fx_put64(0x4008, 0x7000 | 0x3);
    fx_put64(0x4018, 0x10000000 | 0x3);
    for (int i = 0; i < 0x1000; i++) {
        fx_mem[0x9000 + i] = (uint8_t)i;
        fx_mem[0x7000 + i] = (uint8_t)(0x80 ^ i);
    }
    fx_mem[0x5fffff] = 0xaa; /* last byte of the 2M page at 0x400000 */
    fx_mem[0x600000] = 0xbb;
    vtop_space_config c = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    return vtop_space_init(&s, &c, &fx_phys) == VTOP_OK ? 0 : -1;
}

static void test_read_across_4k_pages(void **state)
{
    (void)state;
    uint8_t buf[0x20];
    size_t done = 0;
    assert_int_equal(vtop_read_virtual(&s, 0xff0, buf, 0x20, &done), VTOP_OK);
    assert_int_equal(done, 0x20);
    assert_int_equal(buf[0], 0xf0);    /* PA 0x9ff0 */
    assert_int_equal(buf[0xf], 0xff);  /* PA 0x9fff */
    assert_int_equal(buf[0x10], 0x80); /* PA 0x7000 */
    assert_int_equal(buf[0x1f], 0x8f); /* PA 0x700f */
}

static void test_partial_read_stops_at_unmapped_page(void **state)
{
    (void)state;
    uint8_t buf[0x20];
    size_t done = 0;
    assert_int_equal(vtop_read_virtual(&s, 0x1ff8, buf, 0x20, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 8);
    assert_int_equal(buf[7], 0x80 ^ 0xff);
    assert_int_equal(vtop_hresult(VTOP_PARTIAL_READ), 0x8007012Bu);
    /* Nothing readable: the translation's own status. */
    assert_int_equal(vtop_read_virtual(&s, 0x2000, buf, 0x20, &done), VTOP_NOT_PRESENT);
    assert_int_equal(done, 0);
    /* Page translates but is not in the image. */
    assert_int_equal(vtop_read_virtual(&s, 0x3000, buf, 4, &done), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(done, 0);
    assert_int_equal(vtop_read_virtual(&s, 0x0000800000000000ull, buf, 4, &done),
                     VTOP_NON_CANONICAL);
}

static void test_read_across_large_pages(void **state)
{
    (void)state;
    uint8_t buf[2] = {0, 0};
    size_t done = 0;
    assert_int_equal(vtop_read_virtual(&s, 0x3fffff, buf, 2, &done), VTOP_OK);
    assert_int_equal(done, 2);
    assert_int_equal(buf[0], 0xaa);
    assert_int_equal(buf[1], 0xbb);
    /* 3 bytes from the top of the second 2M page: the third is unmapped. */
    uint8_t big[3];
    fx_mem[0x7ffffe] = 1;
    fx_mem[0x7fffff] = 2;
    assert_int_equal(vtop_read_virtual(&s, 0x5ffffe, big, 3, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 2);
    assert_int_equal(big[0], 1);
    assert_int_equal(big[1], 2);
}

static void test_read_physical_and_arguments(void **state)
{
    (void)state;
    uint8_t buf[0x10];
    size_t done = 7;
    assert_int_equal(vtop_read_physical(&s, 0x9008, buf, 4, &done), VTOP_OK);
    assert_int_equal(done, 4);
    assert_int_equal(buf[0], 8);
    assert_int_equal(vtop_read_physical(&s, FX_MEM_SIZE - 2, buf, 4, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 2);
    assert_int_equal(vtop_read_physical(&s, FX_MEM_SIZE, buf, 4, &done), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(done, 0);
    assert_int_equal(vtop_read_physical(&s, 0, buf, 0, &done), VTOP_OK);
    assert_int_equal(done, 0);
    assert_int_equal(vtop_read_virtual(&s, 0, buf, 0, &done), VTOP_OK);
    assert_int_equal(done, 0);
    assert_int_equal(vtop_read_physical(NULL, 0, buf, 1, &done), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_read_physical(&s, 0, NULL, 1, &done), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_read_physical(&s, 0, buf, 1, NULL), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_read_virtual(NULL, 0, buf, 1, &done), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_read_virtual(&s, 0, NULL, 1, &done), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_read_virtual(&s, 0, buf, 1, NULL), VTOP_BAD_ARGUMENT);
}

static void test_read_stops_at_top_of_space(void **state)
{
    (void)state;
    uint8_t buf[0x10];
    size_t done = 0;
    /* Paging off: identity, 32-bit; a read crossing 2^32 stops there. */
    vtop_space id;
    vtop_space_config c = {.mode = VTOP_MODE_NONE, .cr3 = 0, .nxe = false, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    vtop_run hi = {0xfffff000ull, 0x1000, 0, fx_mem};
    vtop_physmem m = {&hi, 1, NULL};
    assert_int_equal(vtop_space_init(&id, &c, &m), VTOP_OK);
    fx_mem[0xffe] = 0x5a;
    assert_int_equal(vtop_read_virtual(&id, 0xfffffffeull, buf, 0x10, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 2);
    assert_int_equal(buf[0], 0x5a);
    /* 4-level: the last page of the space, then the wrap to 0 is refused. */
    fx_put64(0x1ff8, 0x2000 | 0x3);
    fx_put64(0x2ff8, 0x3000 | 0x3);
    fx_put64(0x3ff8, 0x4000 | 0x3);
    fx_put64(0x4ff8, 0x9000 | 0x3);
    assert_int_equal(vtop_read_virtual(&s, ~0ull - 1, buf, 0x10, &done), VTOP_PARTIAL_READ);
    assert_int_equal(done, 2);
    assert_int_equal(buf[0], 0xfe);
    assert_int_equal(buf[1], 0xff);
}

/* Reference ReadVirtual from the parts it must agree with: vtop_translate
 * of each page, then vtop_read_physical of the piece inside it. */
static vtop_status read_by_pages(const vtop_space *sp, uint64_t va, uint8_t *dst,
                                 size_t len, size_t *done)
{
    *done = 0;
    while (*done < len) {
        vtop_translation t;
        if (vtop_translate(sp, va, &t) != VTOP_OK)
            return *done ? VTOP_PARTIAL_READ : t.status;
        uint64_t room = t.page_size - (va & (t.page_size - 1));
        size_t n = room < len - *done ? (size_t)room : len - *done, got = 0;
        vtop_status st = vtop_read_physical(sp, t.pa, dst + *done, n, &got);
        *done += got;
        if (st != VTOP_OK)
            return *done ? VTOP_PARTIAL_READ : VTOP_PAGE_NOT_IN_IMAGE;
        va += n;
    }
    return VTOP_OK;
}

/* Tables for VA 0x10000000: 512 4K pages at random frames in [1, 8) MiB
 * (about 5% not present, a few outside the image), then a 2M page at
 * 0x600000. levels 4 (PML4 0x1000, PDPT 0x2000, PD 0x3000) or 3 (PAE:
 * PDPT 0x1000, PD 0x3000); PT 0x4000. */
static void random_layout(vtop_space *sp, unsigned levels)
{
    fx_reset();
    for (uint64_t pa = 0x100000; pa < FX_MEM_SIZE; pa += 8)
        fx_put64(pa, rnd());
    if (levels == 4) {
        fx_put64(0x1000, 0x2000 | 0x3);
        fx_put64(0x2000, 0x3000 | 0x3);
    } else {
        fx_put64(0x1000, 0x3000 | 0x1); /* a PAE PDPTE has no R/W */
    }
    fx_put64(0x3000 + 8 * 0x80, 0x4000 | 0x3);
    fx_put64(0x3000 + 8 * 0x81, 0x600000 | 0x83);
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t frame = 0x100000 + (rnd() % (FX_MEM_SIZE / 4096 - 256)) * 4096;
        uint64_t r = rnd() % 100;
        if (r < 5)
            continue;
        if (r < 7)
            frame = 0x40000000; /* outside the image */
        fx_put64(0x4000 + 8 * i, frame | 0x3);
    }
    vtop_space_config c = {.mode = levels == 4 ? VTOP_MODE_4LEVEL : VTOP_MODE_PAE, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    assert_int_equal(vtop_space_init(sp, &c, &fx_phys), VTOP_OK);
}

static void test_read_equals_readp_of_pages(void **state)
{
    (void)state;
    static uint8_t a[3 << 20], b[3 << 20];
    for (unsigned levels = 3; levels <= 4; levels++) {
        vtop_space sp;
        random_layout(&sp, levels);
        unsigned ok = 0, partial = 0;
        for (int q = 0; q < 400; q++) {
            uint64_t va = 0x10000000 + rnd() % (0x400000 + 0x1000);
            size_t len = (size_t)(rnd() % (q % 8 == 0 ? sizeof a : 3 * 4096));
            size_t da = 0, db = 0;
            memset(a, 0x11, len);
            memset(b, 0x22, len);
            vtop_status sa = vtop_read_virtual(&sp, va, a, len, &da);
            vtop_status sb = read_by_pages(&sp, va, b, len, &db);
            assert_int_equal(sa, sb);
            assert_int_equal(da, db);
            assert_memory_equal(a, b, da);
            ok += sa == VTOP_OK && len > 0;
            partial += sa == VTOP_PARTIAL_READ;
        }
        assert_true(ok > 20);
        assert_true(partial > 20);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_read_across_4k_pages, setup),
        cmocka_unit_test_setup(test_partial_read_stops_at_unmapped_page, setup),
        cmocka_unit_test_setup(test_read_across_large_pages, setup),
        cmocka_unit_test_setup(test_read_physical_and_arguments, setup),
        cmocka_unit_test_setup(test_read_stops_at_top_of_space, setup),
        cmocka_unit_test(test_read_equals_readp_of_pages),
    };
    return cmocka_run_group_tests_name("read", tests, NULL, NULL);
}
