/* Tests for core/formats/kdump.c and kdump_pages.c: synthetic
 * kdump-compressed files (tests/unit/kdump_fixture.h) in every page
 * compression and both header forms, excluded and absent frames, the
 * VMCOREINFO root, missing decompressors, corrupt pages and damaged
 * headers. Expected values are hand-written from the fixture's layout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kdump_fixture.h"

static kf_image img;

/* Every mapped data page translates and reads back byte for byte. */
static void check_pages(kf_image *k)
{
    assert_int_equal(kf_space(k), VTOP_OK);
    uint8_t page[4096];
    for (uint64_t i = 0; i < 8; i++) {
        uint64_t pa = 0, size = 0;
        assert_int_equal(vtop_translate_pa(&k->space, 0x400000 + i * 0x1000, &pa, &size),
                         VTOP_OK);
        assert_int_equal(pa, 0x10000 + i * 0x1000);
        size_t done = 0;
        assert_int_equal(vtop_read_virtual(&k->space, 0x400000 + i * 0x1000, page,
                                           sizeof page, &done), VTOP_OK);
        assert_int_equal(done, sizeof page);
        for (unsigned b = 0; b < sizeof page; b += 97)
            assert_int_equal(page[b], kf_pattern(pa + b));
    }
}

static void test_each_compression(void **state)
{
    (void)state;
    for (int narrow = 0; narrow < 2; narrow++)
        for (int c = KDW_NONE; c <= KDW_MIXED; c++) {
            kf_layout(&img);
            assert_int_equal(kf_write(&img, (kdw_spec){.comp = (kdw_comp)c,
                                                       .narrow = narrow}), 0);
            assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
            assert_string_equal(img.info.format_name, "kdump-compressed");
            assert_true(img.info.paged);
            /* Frames 0..0x2f and 0x31..0x3f: frame 0x30 is absent. */
            assert_int_equal(img.info.run_count, 2);
            assert_int_equal(img.runs[0].phys, 0);
            assert_int_equal(img.runs[0].len, 0x30000);
            assert_int_equal(img.runs[1].phys, 0x31000);
            assert_null(img.runs[0].data);
            assert_int_equal(img.info.dumped_pages, 62);
            assert_int_equal(img.info.excluded_pages, 1);
            assert_int_equal(img.info.kdump_header_version, 6);
            assert_null(img.info.warning);
            check_pages(&img);
        }
}

static void test_excluded_and_absent(void **state)
{
    (void)state;
    kf_layout(&img);
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_ZLIB}), 0);
    assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
    assert_int_equal(kf_space(&img), VTOP_OK);
    uint64_t pa = 0;
    /* The walk succeeds: only the frame's bytes are missing. */
    assert_int_equal(vtop_translate_pa(&img.space, 0x408000, &pa, NULL), VTOP_OK);
    assert_int_equal(pa, 0x20000);
    assert_int_equal(vtop_physmem_probe(&img.mem_view, 0x20000), VTOP_PAGE_EXCLUDED);
    assert_int_equal(vtop_physmem_probe(&img.mem_view, 0x30000), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(vtop_physmem_probe(&img.mem_view, 0x40000), VTOP_PAGE_NOT_IN_IMAGE);
    assert_int_equal(vtop_physmem_probe(&img.mem_view, 0x17fff), VTOP_OK);
    uint8_t b[16];
    size_t done = 1;
    assert_int_equal(vtop_read_virtual(&img.space, 0x408000, b, sizeof b, &done),
                     VTOP_PAGE_EXCLUDED);
    assert_int_equal(done, 0);
    assert_int_equal(vtop_read_virtual(&img.space, 0x409000, b, sizeof b, &done),
                     VTOP_PAGE_NOT_IN_IMAGE);
    /* A read running from a dumped page into the excluded one is partial. */
    assert_int_equal(vtop_read_virtual(&img.space, 0x407ff8, b, sizeof b, &done),
                     VTOP_PARTIAL_READ);
    assert_int_equal(done, 8);
    assert_int_equal(vtop_hresult(VTOP_PAGE_EXCLUDED), VTOP_E_NO_PAGEFILE);
    assert_string_equal(vtop_status_name(VTOP_PAGE_EXCLUDED), "page-excluded");
}

static const char vmci[] =
    "OSRELEASE=6.1.0-test-amd64\n"
    "PAGESIZE=4096\n"
    "SYMBOL(init_top_pgt)=ffffffff82001000\n"
    "NUMBER(phys_base)=-33554432\n"
    "KERNELOFFSET=1000000\n";

static void test_vmcoreinfo_root(void **state)
{
    (void)state;
    kf_layout(&img);
    /* 0xffffffff82001000 - 0xffffffff80000000 - 0x2000000 = 0x1000. */
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_ZSTD, .vmcoreinfo = vmci,
                                               .phys_base = 0x12345}), 0);
    assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
    assert_true(img.info.has_vmcoreinfo);
    assert_true(img.info.has_root);
    assert_int_equal(img.info.root_source, VTOP_ROOT_VMCOREINFO);
    assert_int_equal(img.info.root, 0x1000);
    assert_int_equal(img.info.mode, VTOP_MODE_4LEVEL);
    assert_true(img.info.nxe);
    assert_string_equal(img.info.vmcoreinfo.osrelease, "6.1.0-test-amd64");
    assert_int_equal(img.info.vmcoreinfo.kerneloffset, 0x1000000);
    assert_int_equal(img.info.header_phys_base, 0x12345);
    vtop_space_config cfg;
    assert_int_equal(vtop_image_space_config(&img.info, 0, &cfg), VTOP_OK);
    assert_int_equal(cfg.cr3, 0x1000);
    check_pages(&img);
}

/* An arm64 kdump (utsname.machine "aarch64", as makedumpfile and QEMU's
 * dump.c write it): the root is TTBR1 from the arm64 VMCOREINFO fields
 * (the Debian 12 arm64 guest's, tests/unit/vmcoreinfo_a64_test.c). */
static void test_aarch64_vmcoreinfo_root(void **state)
{
    (void)state;
    static const char a64[] =
        "OSRELEASE=6.1.0-57-arm64\nPAGESIZE=4096\n"
        "SYMBOL(swapper_pg_dir)=ffffc6e26a258000\nNUMBER(VA_BITS)=48\n"
        "NUMBER(kimage_voffset)=0xffffc6e228a00000\nNUMBER(TCR_EL1_T1SZ)=0x10\n";
    kf_layout(&img);
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_ZLIB, .vmcoreinfo = a64,
                                               .machine = "aarch64"}), 0);
    assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
    assert_true(img.info.aarch64);
    assert_true(img.info.has_root);
    assert_int_equal(img.info.root_source, VTOP_ROOT_VMCOREINFO);
    assert_int_equal(img.info.root, 0x41858000);
    assert_int_equal(img.info.mode, VTOP_MODE_AARCH64);
    vtop_space_config cfg = {0};
    assert_int_equal(vtop_image_space_config(&img.info, 0, &cfg), VTOP_OK);
    assert_int_equal(cfg.mode, VTOP_MODE_AARCH64);
    assert_int_equal(cfg.ttbr1, 0x41858000);
    assert_int_equal((cfg.tcr >> 16) & 0x3f, 16);
    check_pages(&img);
    /* Without VMCOREINFO: the architecture is known, the root is not. */
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_NONE, .machine = "aarch64"}), 0);
    assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
    assert_true(img.info.aarch64);
    assert_false(img.info.has_root);
    assert_int_equal(img.info.mode, VTOP_MODE_AARCH64);
    assert_int_equal(vtop_image_space_config(&img.info, 0, &cfg), VTOP_NO_ROOT);
}

/* Blocks larger than a page (QEMU's aarch64 kdump files have 64 KiB ones,
 * a 16K kernel's makedumpfile 16 KiB): each 4 KiB page is served from its
 * block, compressed or stored, whole or split over flattened records. The
 * fixture's tables and data pages then share blocks. */
static void test_large_blocks(void **state)
{
    (void)state;
    static const uint32_t sizes[] = { 16384, 65536 };
    static const kdw_comp comps[] = { KDW_ZLIB, KDW_NONE, KDW_ZSTD };
    uint8_t frames[KF_FRAMES];
    memset(frames, KDW_DUMPED, sizeof frames);
    for (int b = 0; b < 2; b++)
        for (int c = 0; c < 3; c++)
            for (int flat = 0; flat < 2; flat++) {
                kf_layout(&img);
                kdw_spec spec = {.mem = img.mem, .frame = frames,
                                 .frames = KF_MEM / sizes[b], .comp = comps[c],
                                 .flatten = flat, .block_size = sizes[b]};
                free(img.file);
                img.file = NULL;
                assert_int_equal(kdw_write(&spec, &img.file, &img.len), 0);
                assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
                assert_int_equal(img.store.block_size, sizes[b]);
                assert_int_equal(img.info.dumped_pages, KF_MEM / sizes[b]);
                assert_int_equal(img.info.run_count, 1);
                assert_int_equal(img.runs[0].len, KF_MEM);
                check_pages(&img);
            }
    /* Other block sizes are refused by name. */
    kf_layout(&img);
    kdw_spec spec = {.mem = img.mem, .frame = frames, .frames = KF_MEM / 8192,
                     .comp = KDW_NONE, .block_size = 8192};
    free(img.file);
    img.file = NULL;
    assert_int_equal(kdw_write(&spec, &img.file, &img.len), 0);
    assert_int_equal(kf_open(&img, img.len, true), VTOP_FORMAT_UNSUPPORTED);
    assert_non_null(strstr(img.info.error_what, "4, 16 or 64 KiB"));
}

static void test_no_decompressor(void **state)
{
    (void)state;
    kf_layout(&img);
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_SNAPPY}), 0);
    assert_int_equal(kf_open(&img, img.len, false), VTOP_OK);
    assert_non_null(img.info.warning);
    assert_non_null(strstr(img.info.warning, "snappy-compressed pages"));
    uint8_t b[8];
    size_t done = 0;
    assert_int_equal(vtop_physmem_read(&img.mem_view, 0x10000, b, sizeof b, &done),
                     VTOP_FORMAT_UNSUPPORTED);
}

static void test_corrupt_page(void **state)
{
    (void)state;
    kf_layout(&img);
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_ZLIB}), 0);
    /* The last page's compressed bytes: the file's last 16 bytes. */
    for (size_t i = img.len - 16; i < img.len; i++)
        img.file[i] ^= 0x5A;
    assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
    uint8_t b[8];
    size_t done = 0;
    assert_int_equal(vtop_physmem_read(&img.mem_view, 0x3f000, b, sizeof b, &done),
                     VTOP_FORMAT_CORRUPT);
    assert_int_equal(vtop_physmem_read(&img.mem_view, 0x10000, b, sizeof b, &done),
                     VTOP_OK);
}

static void test_damaged_headers(void **state)
{
    (void)state;
    kf_layout(&img);
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_NONE}), 0);
    assert_int_equal(kf_open(&img, 100, true), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(img.info.error_offset, 0);
    /* Header and sub-header present, bitmaps cut. */
    assert_int_equal(kf_open(&img, 3 * 4096 + 10, true), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(img.info.error_offset, 2 * 4096);
    assert_non_null(strstr(img.info.error_what, "bitmaps"));
    /* No store: the paged format cannot be read. */
    vtop_image_info info;
    assert_int_equal(vtop_image_open(img.file, img.len, VTOP_FMT_AUTO, img.runs, 8, &info),
                     VTOP_FORMAT_UNSUPPORTED);
    /* block_size that is not 4 KiB. */
    img.file[428] = 0;
    img.file[429] = 0x20;
    assert_int_equal(kf_open(&img, img.len, true), VTOP_FORMAT_UNSUPPORTED);
}

static void test_cache_reuse(void **state)
{
    (void)state;
    kf_layout(&img);
    assert_int_equal(kf_write(&img, (kdw_spec){.comp = KDW_LZO}), 0);
    assert_int_equal(kf_open(&img, img.len, true), VTOP_OK);
    check_pages(&img);
    uint64_t misses = img.cache.misses;
    assert_true(misses >= 8);
    /* Four tables and one data page per read: all still cached. */
    uint8_t b[8];
    size_t done = 0;
    assert_int_equal(vtop_read_virtual(&img.space, 0x407000, b, sizeof b, &done), VTOP_OK);
    assert_int_equal(img.cache.misses, misses);
    assert_true(img.cache.hits > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_compression),
        cmocka_unit_test(test_excluded_and_absent),
        cmocka_unit_test(test_vmcoreinfo_root),
        cmocka_unit_test(test_aarch64_vmcoreinfo_root),
        cmocka_unit_test(test_large_blocks),
        cmocka_unit_test(test_no_decompressor),
        cmocka_unit_test(test_corrupt_page),
        cmocka_unit_test(test_damaged_headers),
        cmocka_unit_test(test_cache_reuse),
    };
    int rc = cmocka_run_group_tests_name("kdump", tests, NULL, NULL);
    free(img.file);
    return rc;
}
