/* Fuzz harness: image-format detection and parsing (core/formats/format.h),
 * then a walk through the opened image.
 *
 * Input: [0] forced format (mod VTOP_FMT_COUNT; 0 = AUTO), [1] run buffer
 * capacity (0..63), [2..9] a virtual address, then the image. The image is
 * copied into a buffer of exactly its size so ASan sees any read before or
 * after the span.
 *
 * The paged formats (kdump-compressed, flattened) open with a store, a
 * small page cache and a stand-in decompressor (it copies the page bytes
 * through: the core's handling of whatever the decompressor answers is
 * under test, not zlib's); pages are then read through the page source.
 *
 * Contracts checked (format.h): known status; VTOP_OK gives at most cap runs,
 * sorted and non-overlapping (vtop_physmem_validate), each bound to
 * base + file_offset inside the span, or (data NULL) absent with a warning
 * or a page-source run of a paged image; run_bytes and phys_end consistent,
 * cpu_count <= min(cpu_total, VTOP_IMAGE_MAX_CPUS), names never NULL;
 * VTOP_BUFFER_TOO_SMALL reports more runs than cap. With a root, the space
 * config builds and translating the address keeps the walker's contracts.
 */
#include <string.h>

#include "core/formats/format.h"
#include "core/paging.h"
#include "core/physmem.h"
#include "core/status.h"
#include "fuzz_common.h"

#define MAX_CAP 64

static void check_runs(const uint8_t *img, uint64_t size, const vtop_run *runs,
                       const vtop_image_info *info, size_t cap)
{
    FUZZ_CHECK(info->run_count <= cap, "%zu runs > cap %zu", info->run_count, cap);
    FUZZ_CHECK(info->run_count == 0 ||
               vtop_physmem_validate(runs, info->run_count) == VTOP_OK,
               "run list invalid");
    uint64_t total = 0, end = 0;
    for (size_t i = 0; i < info->run_count; i++) {
        const vtop_run *r = &runs[i];
        total += r->len;
        end = r->phys + r->len;
        FUZZ_CHECK(r->len > 0, "run %zu empty", i);
        if (!r->data) {
            FUZZ_CHECK(info->paged || info->warning, "run %zu unbound, no warning", i);
            continue;
        }
        FUZZ_CHECK(!info->paged, "paged image with a direct run %zu", i);
        FUZZ_CHECK(r->file_offset <= size && r->len <= size - r->file_offset,
                   "run %zu off %llx len %llx outside %llx", i,
                   (unsigned long long)r->file_offset,
                   (unsigned long long)r->len, (unsigned long long)size);
        FUZZ_CHECK(r->data == img + r->file_offset, "run %zu data not bound", i);
        /* Touch both ends: ASan checks they lie in the copied span. */
        volatile uint8_t first = r->data[0], last = r->data[r->len - 1];
        (void)first;
        (void)last;
        end = r->phys + r->len;
    }
    FUZZ_CHECK(total == info->run_bytes, "run_bytes %llx, sum %llx",
               (unsigned long long)info->run_bytes, (unsigned long long)total);
    if (info->run_count > 0) {
        FUZZ_CHECK(end == info->phys_end, "phys_end %llx, last end %llx",
                   (unsigned long long)info->phys_end, (unsigned long long)end);
    }
}

/* The paged formats' state: a store, 8 cache slots, a flattened index. */
static vtop_dump_store store;
static vtop_page_cache cache;
static uint8_t cache_data[8 * VTOP_PAGE_SIZE];
static vtop_page_slot slots[8];
static vtop_page_slot buckets[8];
static vtop_flat_record flat[256];

/* Stands in for zlib and the others: "decompresses" by copying, and says
 * corrupt unless the input is exactly the page. */
static vtop_status copy_decompress(void *ctx, vtop_compression m, const uint8_t *src,
                                   size_t n, uint8_t *dst, size_t dn)
{
    (void)ctx;
    FUZZ_CHECK((unsigned)m < VTOP_COMP_COUNT && m != VTOP_COMP_NONE, "method %d", m);
    if (n != dn)
        return VTOP_FORMAT_CORRUPT;
    memcpy(dst, src, n);
    return VTOP_OK;
}

static void store_reset(void)
{
    memset(&store, 0, sizeof store);
    memset(slots, 0, sizeof slots);
    memset(buckets, 0, sizeof buckets);
    cache = (vtop_page_cache){cache_data, slots, buckets, 8, 0, 0, 0};
    store.cache = &cache;
    store.flat = flat;
    store.flat_cap = sizeof flat / sizeof flat[0];
    store.decompress = (vtop_decompressor){copy_decompress, NULL,
                                           1u << VTOP_COMP_ZLIB | 1u << VTOP_COMP_ZSTD};
}

/* Read the first bytes of every run's first pages through the physmem. */
static void read_runs(const vtop_physmem *mem)
{
    uint8_t buf[64];
    for (size_t i = 0; i < mem->count && i < 8; i++) {
        for (uint64_t off = 0; off < mem->runs[i].len && off < 4 * 4096; off += 4096) {
            size_t done = 0;
            vtop_status st = vtop_physmem_read(mem, mem->runs[i].phys + off, buf,
                                               sizeof buf, &done);
            FUZZ_CHECK(done <= sizeof buf && (unsigned)st < VTOP_STATUS_COUNT,
                       "physmem_read %d", st);
            FUZZ_CHECK((unsigned)vtop_physmem_probe(mem, mem->runs[i].phys + off) <
                       VTOP_STATUS_COUNT, "probe");
        }
    }
}

static void walk_image(const vtop_image_info *info, const vtop_run *runs,
                       uint64_t va)
{
    vtop_physmem mem = {runs, info->run_count, info->paged ? &store.source : NULL};
    read_runs(&mem);
    vtop_space_config cfg;
    vtop_status st = vtop_image_space_config(info, 0, &cfg);
    FUZZ_CHECK(st == VTOP_OK || st == VTOP_NO_ROOT || st == VTOP_BAD_ARGUMENT,
               "space_config %d", st);
    if (st != VTOP_OK) {
        return;
    }
    vtop_space space;
    if (vtop_space_init(&space, &cfg, &mem) != VTOP_OK) {
        return;
    }
    vtop_translation t;
    st = vtop_translate(&space, va, &t);
    FUZZ_CHECK(st == t.status && (unsigned)st < VTOP_STATUS_COUNT, "translate %d", st);
    uint8_t buf[64];
    size_t done = 0;
    st = vtop_read_virtual(&space, va, buf, sizeof buf, &done);
    FUZZ_CHECK(done <= sizeof buf && (unsigned)st < VTOP_STATUS_COUNT, "read %d", st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_cursor c = {data, size};
    vtop_format forced = (vtop_format)(fuzz_take(&c, 1) % VTOP_FMT_COUNT);
    size_t cap = (size_t)(fuzz_take(&c, 1) % MAX_CAP);
    uint64_t va = fuzz_take(&c, 8);
    uint64_t n = c.n;
    uint8_t *img = malloc(n ? n : 1);
    if (img == NULL) {
        return 0;
    }
    if (n) {
        memcpy(img, c.p, n);
    }

    vtop_format det = vtop_image_detect(img, n);
    FUZZ_CHECK(det > VTOP_FMT_AUTO && det < VTOP_FMT_COUNT, "detect %d", det);

    static vtop_run runs[MAX_CAP];
    static vtop_image_info info;
    memset(&info, 0, sizeof info);
    store_reset();
    vtop_image_request rq = {img, n, forced, runs, cap, &store};
    vtop_status st = vtop_image_open_request(&rq, &info);
    FUZZ_CHECK((unsigned)st < VTOP_STATUS_COUNT, "open %d", st);
    if (st == VTOP_OK) {
        FUZZ_CHECK(info.format_name != NULL, "no format name");
        FUZZ_CHECK(info.cpu_count <= VTOP_IMAGE_MAX_CPUS &&
                   info.cpu_count <= info.cpu_total,
                   "cpu_count %u total %u", info.cpu_count, info.cpu_total);
        check_runs(img, n, runs, &info, cap);
        walk_image(&info, runs, va);
    } else if (st == VTOP_BUFFER_TOO_SMALL) {
        FUZZ_CHECK(info.run_count > cap, "too small but needs %zu <= %zu",
                   info.run_count, cap);
    }
    const char *name = vtop_format_name(forced);
    vtop_format back;
    FUZZ_CHECK(name != NULL && vtop_format_parse(name, &back) == VTOP_OK &&
               back == forced, "format name round trip %d", forced);
    free(img);
    return 0;
}
