/* vtop core/formats: Windows kernel crash dumps.
 *
 * DUMP_HEADER64 ('PAGE' 'DU64', 0x2000 bytes): DirectoryTableBase @0x10,
 * PfnDataBase @0x18, PsLoadedModuleList @0x20, PsActiveProcessHead @0x28,
 * MachineImageType @0x30, NumberProcessors @0x34, BugCheckCode @0x38,
 * KdDebuggerDataBlock @0x80, PhysicalMemoryBlock @0x88 ({u32 NumberOfRuns;
 * u32 pad; u64 NumberOfPages; {u64 BasePage, PageCount} Run[]}, up to the
 * ContextRecord @0x348), DumpType @0xF98.
 *   DumpType 1 (full): the pages of each run follow in order from 0x2000.
 *   DumpType 5, 6 (bitmap): at 0x2000 a header 'SDMP'/'FDMP' 'DUMP',
 *   FirstPage (file offset) @+0x20, TotalPresentPages @+0x28, Pages (bits)
 *   @+0x30, bitmap @+0x38: bit n set = PFN n is stored, in PFN order from
 *   FirstPage.
 * DUMP_HEADER32 ('PAGE' 'DUMP', 0x1000 bytes): DirectoryTableBase @0x10,
 * MachineImageType @0x20, NumberProcessors @0x24, BugCheckCode @0x28,
 * PaeEnabled @0x5C, KdDebuggerDataBlock @0x60, PhysicalMemoryBlock @0x64
 * ({u32 NumberOfRuns, NumberOfPages; {u32 BasePage, PageCount} Run[]}, up to
 * the ContextRecord @0x320), DumpType @0xF88; full dumps from 0x1000.
 * Sources: Microsoft wdm.h/ntddk dump structures (DUMP_HEADER64/32) as
 * published by MoonSols/Comae (dmp.h) and rizin's dmp_specs.h.
 *
 * Windows on ARM64 (MachineImageType 0xAA64, IMAGE_FILE_MACHINE_ARM64)
 * writes the same DUMP_HEADER64. Its DirectoryTableBase is the process's
 * top table, which Windows uses for both halves: one 4 KiB-granule,
 * 48-bit, 4-level table whose upper half (L0 indices 256..511, VA bit 47
 * set) holds the kernel, as MemProcFS walks it (vmm/mm/mm_arm64.c: one
 * DTB, sign extension from bit 47). So TTBR0 = TTBR1 = DirectoryTableBase
 * and TCR is synthesized: T0SZ = T1SZ = 16, 4K granules, IPS 48 bits,
 * hardware Access flag (an old page still translates).
 */
#include "bytes.h"
#include "parse.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096u
/* Page numbers above 2^52 cannot be x86 physical addresses (SDM 4.1.4). */
#define MAX_PFN (1ull << 40)

#define DMP64_HDR_SIZE 0x2000u
#define DMP64_RUNS 0x88u
#define DMP64_CONTEXT 0x348u
#define DMP64_DUMPTYPE 0xF98u
#define DMP32_HDR_SIZE 0x1000u
#define DMP32_RUNS 0x64u
#define DMP32_CONTEXT 0x320u
#define DMP32_DUMPTYPE 0xF88u
#define DMP32_PAE 0x5Cu
#define DUMP_TYPE_FULL 1u
#define DUMP_TYPE_BITMAP_FULL 5u
#define DUMP_TYPE_BITMAP_KERNEL 6u
#define BMP_FIRST_PAGE 0x20u
#define BMP_PRESENT 0x28u
#define BMP_PAGES 0x30u
#define BMP_BITMAP 0x38u
#define MACHINE_AMD64 0x8664u
#define MACHINE_ARM64 0xAA64u
#define MACHINE_I386 0x14Cu
/* TCR_EL1 (Arm ARM D19.2): T0SZ 16 [5:0], TG0 4K (0) [15:14], T1SZ 16
 * [21:16], TG1 4K (0b10) [31:30], IPS 48 bits (0b101) [34:32], HA [39]. */
#define ARM64_WINDOWS_TCR (16ull | 16ull << 16 | 2ull << 30 | 5ull << 32 | 1ull << 39)

bool fmt_probe_windmp64(const uint8_t *b, uint64_t size)
{
    return span_eq(b, size, 0, "PAGEDU64", 8);
}

bool fmt_probe_windmp32(const uint8_t *b, uint64_t size)
{
    return span_eq(b, size, 0, "PAGEDUMP", 8);
}

/* Shared description of a PHYSICAL_MEMORY_DESCRIPTOR (32 or 64 bit). */
typedef struct dmp_layout {
    uint64_t runs_off;   /* PhysicalMemoryBlock */
    uint64_t first_run;  /* offset of Run[0] */
    uint64_t run_size;   /* 16 or 8 */
    uint64_t limit;      /* ContextRecord: the descriptor ends before it */
    uint64_t data_off;   /* file offset of the first page (full dumps) */
    bool wide;           /* 64-bit fields */
} dmp_layout;

static vtop_status dmp_full_runs(fmt_ctx *c, const dmp_layout *l)
{
    const uint8_t *b = c->base;
    uint64_t nruns = rd32(b, c->size, l->runs_off);
    uint64_t npages = l->wide ? rd64(b, c->size, l->runs_off + 8)
                              : rd32(b, c->size, l->runs_off + 4);
    if (nruns > (l->limit - l->first_run) / l->run_size)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, l->runs_off,
                        "NumberOfRuns: run list overruns the header");
    uint64_t foff = l->data_off, total = 0;
    for (uint64_t i = 0; i < nruns; i++) {
        uint64_t r = l->first_run + i * l->run_size;
        uint64_t base = l->wide ? rd64(b, c->size, r) : rd32(b, c->size, r);
        uint64_t count = l->wide ? rd64(b, c->size, r + 8) : rd32(b, c->size, r + 4);
        if (base >= MAX_PFN || count > MAX_PFN)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, r, "run BasePage/PageCount out of range");
        vtop_status st = fmt_add_run(c, base << PAGE_SHIFT, count << PAGE_SHIFT, foff, r);
        if (st != VTOP_OK)
            return st;
        foff += count << PAGE_SHIFT;
        total += count;
    }
    if (total != npages)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, l->runs_off + (l->wide ? 8 : 4),
                        "NumberOfPages differs from the sum of the runs");
    return VTOP_OK;
}

/* Coalesce the set bits of the bitmap into runs (one bit per PFN). */
static vtop_status dmp_bitmap_runs(fmt_ctx *c, uint64_t bmp, uint64_t pages,
                                   uint64_t first)
{
    uint64_t foff = first, pfn = 0;
    const uint8_t *bits = c->base + bmp + BMP_BITMAP;
    while (pfn < pages) {
        uint8_t byte = bits[pfn >> 3];
        if ((pfn & 7) == 0 && byte == 0 && pages - pfn >= 8) {
            pfn += 8;
            continue;
        }
        if (!(byte & (1u << (pfn & 7)))) {
            pfn++;
            continue;
        }
        uint64_t start = pfn;
        while (pfn < pages && (bits[pfn >> 3] & (1u << (pfn & 7))))
            pfn++;
        uint64_t len = (pfn - start) << PAGE_SHIFT;
        vtop_status st = fmt_add_run(c, start << PAGE_SHIFT, len, foff,
                                     bmp + BMP_BITMAP + (start >> 3));
        if (st != VTOP_OK)
            return st;
        foff += len;
    }
    return VTOP_OK;
}

static vtop_status dmp_bitmap(fmt_ctx *c)
{
    const uint64_t h = DMP64_HDR_SIZE;
    if (!span_has(c->size, h, BMP_BITMAP))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, h, "bitmap dump header");
    if (!(span_eq(c->base, c->size, h, "SDMP", 4) || span_eq(c->base, c->size, h, "FDMP", 4)) ||
        !span_eq(c->base, c->size, h + 4, "DUMP", 4))
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h, "bitmap dump signature");
    uint64_t first = rd64(c->base, c->size, h + BMP_FIRST_PAGE);
    uint64_t present = rd64(c->base, c->size, h + BMP_PRESENT);
    uint64_t pages = rd64(c->base, c->size, h + BMP_PAGES);
    if (pages > MAX_PFN)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h + BMP_PAGES, "bitmap Pages out of range");
    uint64_t bytes = (pages + 7) / 8;
    if (!span_has(c->size, h + BMP_BITMAP, bytes))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, h + BMP_BITMAP, "bitmap shorter than Pages");
    if (first < h + BMP_BITMAP + bytes)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h + BMP_FIRST_PAGE,
                        "FirstPage inside the bitmap header");
    uint64_t before = c->info->run_bytes;
    vtop_status st = dmp_bitmap_runs(c, h, pages, first);
    if (st != VTOP_OK)
        return st;
    if ((c->info->run_bytes - before) >> PAGE_SHIFT != present)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h + BMP_PRESENT,
                        "TotalPresentPages differs from the bits set");
    return VTOP_OK;
}

vtop_status fmt_open_windmp64(fmt_ctx *c)
{
    vtop_image_info *in = c->info;
    const uint8_t *b = c->base;
    in->format_name = "windmp64";
    if (!span_has(c->size, 0, DMP64_HDR_SIZE))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 8, "DUMP_HEADER64 (0x2000 bytes)");
    in->windows = true;
    in->root = rd64(b, c->size, 0x10);
    in->pfn_database = rd64(b, c->size, 0x18);
    in->ps_loaded_module_list = rd64(b, c->size, 0x20);
    in->ps_active_process_head = rd64(b, c->size, 0x28);
    in->machine_image_type = rd32(b, c->size, 0x30);
    in->cpu_total = rd32(b, c->size, 0x34);
    in->bugcheck_code = rd32(b, c->size, 0x38);
    in->kd_debugger_data_block = rd64(b, c->size, 0x80);
    in->dump_type = rd32(b, c->size, DMP64_DUMPTYPE);
    if (in->machine_image_type != MACHINE_AMD64 && in->machine_image_type != MACHINE_ARM64)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 0x30,
                        "MachineImageType is not AMD64 or ARM64");
    in->has_root = true;
    in->root_source = VTOP_ROOT_DUMP_HEADER;
    in->mode = VTOP_MODE_4LEVEL;
    in->mode_reason = "Windows x64 dump (MachineImageType 0x8664): 4-level, NXE on";
    in->nxe = true;
    if (in->machine_image_type == MACHINE_ARM64) {
        in->aarch64 = true;
        in->mode = VTOP_MODE_AARCH64;
        in->mode_reason = "Windows ARM64 dump (MachineImageType 0xAA64): "
                          "DirectoryTableBase as TTBR0 and TTBR1, 4K granule, 48-bit";
        in->nxe = false;
        in->a64_ttbr0 = in->a64_ttbr1 = in->root;
        in->a64_tcr = ARM64_WINDOWS_TCR;
    }
    if (in->dump_type == DUMP_TYPE_FULL) {
        in->format_name = "windmp64-full";
        dmp_layout l = { DMP64_RUNS, DMP64_RUNS + 16, 16, DMP64_CONTEXT,
                         DMP64_HDR_SIZE, true };
        return dmp_full_runs(c, &l);
    }
    if (in->dump_type == DUMP_TYPE_BITMAP_FULL || in->dump_type == DUMP_TYPE_BITMAP_KERNEL) {
        in->format_name = "windmp64-bitmap";
        return dmp_bitmap(c);
    }
    return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, DMP64_DUMPTYPE, "DumpType");
}

vtop_status fmt_open_windmp32(fmt_ctx *c)
{
    vtop_image_info *in = c->info;
    const uint8_t *b = c->base;
    in->format_name = "windmp32";
    if (!span_has(c->size, 0, DMP32_HDR_SIZE))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 8, "DUMP_HEADER32 (0x1000 bytes)");
    in->windows = true;
    in->root = rd32(b, c->size, 0x10);
    in->pfn_database = rd32(b, c->size, 0x14);
    in->ps_loaded_module_list = rd32(b, c->size, 0x18);
    in->ps_active_process_head = rd32(b, c->size, 0x1C);
    in->machine_image_type = rd32(b, c->size, 0x20);
    in->cpu_total = rd32(b, c->size, 0x24);
    in->bugcheck_code = rd32(b, c->size, 0x28);
    in->pae = b[DMP32_PAE] != 0;
    in->kd_debugger_data_block = rd32(b, c->size, 0x60);
    in->dump_type = rd32(b, c->size, DMP32_DUMPTYPE);
    if (in->machine_image_type != MACHINE_I386)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 0x20, "MachineImageType is not i386");
    if (in->dump_type != DUMP_TYPE_FULL)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, DMP32_DUMPTYPE, "DumpType (32-bit: full only)");
    in->format_name = "windmp32-full";
    in->has_root = true;
    in->root_source = VTOP_ROOT_DUMP_HEADER;
    in->mode = in->pae ? VTOP_MODE_PAE : VTOP_MODE_32BIT_PSE;
    in->mode_reason = in->pae ? "Windows x86 dump, PaeEnabled=1: PAE, NXE on"
                              : "Windows x86 dump, PaeEnabled=0: 32-bit with 4M pages";
    in->nxe = in->pae;
    dmp_layout l = { DMP32_RUNS, DMP32_RUNS + 8, 8, DMP32_CONTEXT,
                     DMP32_HDR_SIZE, false };
    return dmp_full_runs(c, &l);
}
