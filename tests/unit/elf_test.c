/* Tests for core/formats/elf.c: QEMU ELF cores (ELF64/ELF32, notes of
 * size 0x1B0 and 0x1B8, several vCPUs), kdump-style cores, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/formats/format.h"
#include "images/writers.h"
#include "format_fixture.h"

static uint8_t img[64 * 1024];
static vtop_run runs[16];
static vtop_image_info info;

static const tseg segs2[] = { {0x0, 0x2000}, {0x100000, 0x1000} };
static const tcpu cpus2[] = {
    {0x80050033, 0x1234000, 0x6F0},          /* PG, PAE, PSE: 4-level in long mode */
    {0x80050033, 0x5678000, 0x16F0},         /* LA57 */
};

static size_t elf64_qemu(uint32_t qsize)
{
    return build_elf(img, true, 62, segs2, 2, cpus2, 2, qsize, NULL);
}

static void test_elf64_qemu_notes(void **state)
{
    (void)state;
    uint32_t sizes[] = { 0x1B0, 0x1B8 };
    for (int k = 0; k < 2; k++) {
        size_t n = elf64_qemu(sizes[k]);
        assert_int_equal(vtop_image_detect(img, n), VTOP_FMT_ELF);
        assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
        assert_string_equal(info.format_name, "elf64-qemu");
        assert_int_equal(info.run_count, 2);
        assert_int_equal(runs[0].phys, 0);
        assert_int_equal(runs[0].len, 0x2000);
        assert_int_equal(runs[1].phys, 0x100000);
        assert_int_equal(runs[1].len, 0x1000);
        assert_int_equal(runs[1].file_offset, runs[0].file_offset + 0x2000);
        /* data bound to the span: the page at 0x100000 starts with its PA */
        assert_ptr_equal(runs[1].data, img + runs[1].file_offset);
        assert_int_equal(runs[1].data[2], 0x10);
        assert_int_equal(info.run_bytes, 0x3000);
        assert_int_equal(info.phys_end, 0x101000);
        assert_int_equal(info.cpu_count, 2);
        assert_true(info.has_root);
        assert_int_equal(info.root, 0x1234000);
        assert_int_equal(info.mode, VTOP_MODE_4LEVEL);
        assert_int_equal(info.cpus[1].mode, VTOP_MODE_5LEVEL);
        assert_int_equal(info.cpus[1].cr4, 0x16F0);
        assert_true(info.nxe);
        vtop_space_config cfg;
        assert_int_equal(vtop_image_space_config(&info, 1, &cfg), VTOP_OK);
        assert_int_equal(cfg.cr3, 0x5678000);
        assert_int_equal(cfg.mode, VTOP_MODE_5LEVEL);
        assert_false(cfg.windows_pte);
        assert_int_equal(vtop_image_space_config(&info, 2, &cfg), VTOP_BAD_ARGUMENT);
    }
}

static void test_elf_classes_and_machines(void **state)
{
    (void)state;
    /* QEMU 7.2 writes ELF64 with EM_386 for a small 32-bit guest: PAE by CR4. */
    tcpu pae = {0x80000011, 0x3000, 0x20}, pse = {0x80000011, 0x4000, 0x10};
    size_t n = build_elf(img, true, 3, segs2, 2, &pae, 1, 0x1B0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.mode, VTOP_MODE_PAE);
    assert_int_equal(info.elf_machine, 3);
    n = build_elf(img, false, 3, segs2, 2, &pse, 1, 0x1B0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_ELF, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "elf32-qemu");
    assert_int_equal(info.mode, VTOP_MODE_32BIT_PSE);
    assert_false(info.nxe);
    assert_int_equal(info.root, 0x4000);
    assert_int_equal(runs[1].phys, 0x100000);
}

static void test_kdump_style_has_no_root(void **state)
{
    (void)state;
    size_t n = build_elf(img, true, 62, segs2, 2, NULL, 0, 0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "elf64-kdump");
    assert_false(info.has_root);
    vtop_space_config cfg;
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_NO_ROOT);
}

static void test_adjacent_loads_coalesce(void **state)
{
    (void)state;
    tseg s[] = { {0x1000, 0x1000}, {0x2000, 0x1000}, {0x5000, 0x1000} };
    size_t n = build_elf(img, true, 62, s, 3, cpus2, 1, 0x1B0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.run_count, 2);
    assert_int_equal(runs[0].len, 0x2000);
    /* a buffer of one run reports the two needed */
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 1, &info), VTOP_BUFFER_TOO_SMALL);
    assert_int_equal(info.run_count, 2);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, NULL, 0, &info), VTOP_BUFFER_TOO_SMALL);
}

/* Every prefix of a good image fails with an offset inside the prefix
 * (headers cut) or opens with a warning (segment data cut). */
static void test_truncated_at_every_byte(void **state)
{
    (void)state;
    size_t n = elf64_qemu(0x1B8), warned = 0;
    for (size_t len = 4; len < n; len++) {
        vtop_status st = open_exact(img, len, VTOP_FMT_ELF, runs, 16, &info);
        assert_damaged_open(st, &info, len);
        warned += st == VTOP_OK;
    }
    assert_true(warned > 0x1000); /* every cut inside the PT_LOAD data */
    assert_int_equal(open_exact(img, 3, VTOP_FMT_ELF, runs, 16, &info),
                     VTOP_FORMAT_UNKNOWN);
}

static vtop_status open_damaged(size_t at, uint64_t v, int width)
{
    size_t n = elf64_qemu(0x1B0);
    if (width == 2) put16(img, at, (uint16_t)v);
    else if (width == 4) put32(img, at, (uint32_t)v);
    else put64(img, at, v);
    return vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info);
}

/* Program header i of the ELF64 image (0 is PT_NOTE, 1..2 PT_LOAD). */
#define PH(i) (64 + 56 * (i))

static void test_bad_program_headers(void **state)
{
    (void)state;
    assert_int_equal(open_damaged(0x20, 0xFFFFFFFFFFFFFFF0ull, 8), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(info.error_offset, 0x20);
    assert_int_equal(open_damaged(0x20, 60000, 8), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(open_damaged(0x38, 0xFFFE, 2), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(open_damaged(0x38, 0, 2), VTOP_FORMAT_CORRUPT);
    assert_int_equal(open_damaged(0x36, 20, 2), VTOP_FORMAT_CORRUPT);
    /* PN_XNUM with no section header table */
    assert_int_equal(open_damaged(0x38, 0xFFFF, 2), VTOP_FORMAT_CORRUPT);
    /* p_offset + p_filesz overflowing 64 bits, and past the end: the
     * segment is absent (a warning names its header), the rest opens */
    assert_int_equal(open_damaged(PH(1) + 8, 0xFFFFFFFFFFFFF000ull, 8), VTOP_OK);
    assert_int_equal(info.warning_offset, PH(1));
    assert_null(runs[0].data);
    assert_int_equal(open_damaged(PH(2) + 0x20, 0x100000, 8), VTOP_OK);
    assert_int_equal(info.warning_offset, PH(2));
    assert_int_equal(open_damaged(PH(0) + 0x20, 0xFFFFFFFFFFFFFFFFull, 8), VTOP_OK);
    assert_int_equal(info.warning_offset, PH(0));
    assert_false(info.has_root); /* the notes, and so the CR3, are lost */
    /* unsorted and overlapping PT_LOADs */
    assert_int_equal(open_damaged(PH(2) + 0x18, 0, 8), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, PH(2));
    assert_int_equal(open_damaged(PH(2) + 0x18, 0x1000, 8), VTOP_FORMAT_CORRUPT);
    /* physical range wrapping past 2^64 */
    assert_int_equal(open_damaged(PH(2) + 0x18, 0xFFFFFFFFFFFFF800ull, 8), VTOP_FORMAT_CORRUPT);
    /* not a core, big-endian, other machine, bad class */
    assert_int_equal(open_damaged(0x10, 2, 2), VTOP_FORMAT_UNSUPPORTED);
    assert_int_equal(open_damaged(0x12, 40, 2), VTOP_FORMAT_UNSUPPORTED); /* EM_ARM */
    assert_int_equal(open_damaged(4, 0x0203, 2), VTOP_FORMAT_CORRUPT);
    assert_int_equal(open_damaged(5, 2, 2), VTOP_FORMAT_UNSUPPORTED);
}

static void test_bad_notes(void **state)
{
    (void)state;
    size_t notes = 64 + 3 * 56, q = notes + 20 + 336;   /* the first QEMU note */
    /* QEMU size field smaller than the CR block, and larger than descsz */
    assert_int_equal(open_damaged(q + 20 + 4, 0x100, 4), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, q + 24);
    assert_int_equal(open_damaged(q + 20 + 4, 0x1B8, 4), VTOP_FORMAT_CORRUPT);
    /* descsz past the end of the PT_NOTE segment; namesz likewise */
    assert_int_equal(open_damaged(q + 4, 0x10000, 4), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, q + 4);
    assert_int_equal(open_damaged(notes, 0xFFFFFFFF, 4), VTOP_FORMAT_CORRUPT);
    assert_int_equal(open_damaged(q + 20, 7, 4), VTOP_FORMAT_UNSUPPORTED);
    /* PT_NOTE p_filesz ending inside a note header */
    assert_int_equal(open_damaged(PH(0) + 0x20, 20 + 336 + 4, 8), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(info.error_offset, q);
}

/* QEMU dump.c: more than 0xFFFE segments -> e_phnum = PN_XNUM and the count
 * in section header 0's sh_info (gABI extended numbering). */
static void test_pn_xnum(void **state)
{
    (void)state;
    size_t n = elf64_qemu(0x1B0);
    memset(img + n, 0, 64);
    put32(img, n + 0x2C, 3);              /* sh_info: 3 program headers */
    put64(img, 0x28, n);                  /* e_shoff */
    put16(img, 0x3C, 1);                  /* e_shnum */
    put16(img, 0x38, 0xFFFF);             /* e_phnum = PN_XNUM */
    assert_int_equal(vtop_image_open(img, n + 64, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.run_count, 2);
    assert_int_equal(info.cpu_count, 2);
    /* section header past the end of the file */
    assert_int_equal(vtop_image_open(img, n + 40, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_TRUNCATED);
    assert_int_equal(info.error_offset, n);
}

/* kdump vmcore: the kernel image appears first at its kernel-text address,
 * inside the RAM segment that follows: skipped, not an overlap. */
static void test_kdump_kernel_alias_skipped(void **state)
{
    (void)state;
    tseg s[] = { {0x1000, 0x1000}, {0x0, 0x2000}, {0x100000, 0x1000} };
    size_t n = build_elf(img, true, 62, s, 3, NULL, 0, 0, NULL);
    put64(img, 64 + 0x10, 0xffffffff81000000ull);       /* PH(0) p_vaddr */
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.skipped_segments, 1);
    assert_int_equal(info.run_count, 2);
    assert_int_equal(runs[0].phys, 0);
    assert_int_equal(runs[0].len, 0x2000);
    /* the same segment at a direct-map address is an overlap */
    put64(img, 64 + 0x10, 0xffff888000001000ull);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
    assert_int_equal(info.error_offset, 64 + 56);
    /* a kernel-text segment sticking out of the RAM segment is an overlap */
    put64(img, 64 + 0x10, 0xffffffff81000000ull);
    put64(img, 64 + 0x20, 0x1800);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
}

/* An EM_AARCH64 core as QEMU target/arm/arch_dump.c writes it (CORE
 * notes, no system registers) with the guest's VMCOREINFO note: the
 * builder's one vCPU gives a PT_NOTE whose QEMU note is rewritten in place
 * as a VMCOREINFO note of the same size. Values: the Debian 12 arm64
 * guest's (tests/unit/vmcoreinfo_a64_test.c). */
static size_t elf_aarch64(const char *vmcoreinfo, const tseg *s, size_t nseg)
{
    size_t len = (strlen(vmcoreinfo) + 3) & ~(size_t)3;
    tcpu none = {0, 0, 0};
    size_t n = build_elf(img, true, 183, s, nseg, &none, 1, (uint32_t)len + 4, NULL);
    uint8_t *note = img + 64 + 56 * (nseg + 1) + 20 + 336;
    memset(note, 0, 24 + len);
    put32(note, 0, 11);
    put32(note, 4, (uint32_t)len);
    memcpy(note + 12, "VMCOREINFO", 11);
    memcpy(note + 24, vmcoreinfo, strlen(vmcoreinfo));
    return n;
}

static const char a64_vmci[] =
    "OSRELEASE=6.1.0-57-arm64\nPAGESIZE=4096\n"
    "SYMBOL(swapper_pg_dir)=ffffc6e26a258000\nNUMBER(VA_BITS)=48\n"
    "NUMBER(kimage_voffset)=0xffffc6e228a00000\nNUMBER(PHYS_OFFSET)=0x40000000\n"
    "NUMBER(TCR_EL1_T1SZ)=0x10\nKERNELOFFSET=46e260c00000\n";

static void test_aarch64_core(void **state)
{
    (void)state;
    size_t n = elf_aarch64(a64_vmci, segs2, 2);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_string_equal(info.format_name, "elf64-aarch64");
    assert_int_equal(info.elf_machine, 183);
    assert_int_equal(info.cpu_count, 0);
    assert_int_equal(info.run_count, 2);
    assert_true(info.aarch64);
    assert_true(info.has_vmcoreinfo);
    assert_true(info.has_root);
    assert_int_equal(info.root_source, VTOP_ROOT_VMCOREINFO);
    assert_int_equal(info.root, 0x41858000);
    assert_int_equal(info.vmcoreinfo_root, 0x41858000);
    assert_int_equal(info.mode, VTOP_MODE_AARCH64);
    assert_non_null(strstr(info.mode_reason, "swapper_pg_dir - kimage_voffset"));
    vtop_space_config cfg = {0};
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_OK);
    assert_int_equal(cfg.mode, VTOP_MODE_AARCH64);
    assert_int_equal(cfg.ttbr0, 0);
    assert_int_equal(cfg.ttbr1, 0x41858000);
    assert_int_equal(cfg.cr3, 0x41858000);
    assert_int_equal((cfg.tcr >> 16) & 0x3f, 16);
    assert_int_equal((cfg.tcr >> 7) & 1, 1); /* EPD0: no TTBR0 known */
    assert_int_equal(cfg.a64_regime, VTOP_A64_EL1);
    /* Without swapper_pg_dir: AArch64, no root, the reason names it. */
    n = elf_aarch64("OSRELEASE=6.1.0-57-arm64\nNUMBER(VA_BITS)=48\n", segs2, 2);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_true(info.aarch64);
    assert_false(info.has_root);
    assert_int_equal(info.mode, VTOP_MODE_AARCH64);
    assert_non_null(strstr(info.mode_reason, "swapper_pg_dir"));
    assert_int_equal(vtop_image_space_config(&info, 0, &cfg), VTOP_NO_ROOT);
    /* No notes at all. */
    n = build_elf(img, true, 183, segs2, 2, NULL, 0, 0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_false(info.has_root);
    assert_non_null(strstr(info.mode_reason, "--ttbr1"));
    /* ELF32 AArch64 cores do not exist. */
    n = build_elf(img, false, 183, segs2, 2, NULL, 0, 0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info),
                     VTOP_FORMAT_UNSUPPORTED);
    assert_int_equal(info.error_offset, 4);
    /* Neither x86 nor AArch64. */
    n = build_elf(img, true, 40, segs2, 2, NULL, 0, 0, NULL);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info),
                     VTOP_FORMAT_UNSUPPORTED);
    assert_int_equal(info.error_offset, 0x12);
}

/* An arm64 kdump vmcore (kexec-tools): the kernel image segment at its
 * KIMAGE_VADDR address inside a RAM segment is an alias; at a linear-map
 * address it is an overlap. */
static void test_aarch64_kernel_alias(void **state)
{
    (void)state;
    tseg s[] = { {0x1000, 0x1000}, {0x0, 0x2000}, {0x100000, 0x1000} };
    size_t n = build_elf(img, true, 183, s, 3, NULL, 0, 0, NULL);
    put64(img, 64 + 0x10, 0xffff800008001000ull);       /* PH(0) p_vaddr */
    for (int i = 1; i < 3; i++)
        put64(img, 64 + 56 * i + 0x10, 0xffff000000000000ull + s[i].phys);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_OK);
    assert_int_equal(info.skipped_segments, 1);
    assert_int_equal(info.run_count, 2);
    put64(img, 64 + 0x10, 0xffff000000001000ull);
    assert_int_equal(vtop_image_open(img, n, VTOP_FMT_AUTO, runs, 16, &info), VTOP_FORMAT_CORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elf64_qemu_notes),
        cmocka_unit_test(test_elf_classes_and_machines),
        cmocka_unit_test(test_kdump_style_has_no_root),
        cmocka_unit_test(test_adjacent_loads_coalesce),
        cmocka_unit_test(test_truncated_at_every_byte),
        cmocka_unit_test(test_bad_program_headers),
        cmocka_unit_test(test_bad_notes),
        cmocka_unit_test(test_pn_xnum),
        cmocka_unit_test(test_kdump_kernel_alias_skipped),
        cmocka_unit_test(test_aarch64_core),
        cmocka_unit_test(test_aarch64_kernel_alias),
    };
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
