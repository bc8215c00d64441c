/* vtop benchmarks: kdump-compressed and flattened images beside the same
 * guest's image with direct runs (its QEMU ELF core), from the Linux-dump
 * capture (build/dumps/amd64-4level-vmcoreinfo/, images/guests/dumps.py):
 *   open       map + open (headers, bitmaps, rank table) + unmap
 *   translate  random addresses of the guest's leaves, page cache warm
 *   tlb        QEMU `info tlb` text of the whole space
 * The capture's guest has 256 MiB of RAM in a 4 GiB physical span, so its
 * kdump bitmaps have the 2^20 frames of a 4 GiB guest: the open figure
 * (headers and bitmaps only) is that of a 4 GiB guest's kdump. Host code. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_run.h"
#include "cmd/fmt_qemu.h"
#include "core/formats/format.h"
#include "host/decompress.h"

#define KD_SLOTS 4096u

typedef struct kd_image {
    const uint8_t *base;
    uint64_t size;
    vtop_run runs[256];
    vtop_image_info info;
    vtop_dump_store store;
    vtop_page_cache cache;
    vtop_space space;
} kd_image;

static volatile uint64_t kd_sink;

static const uint8_t *kd_map(const char *path, uint64_t *size)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    *size = (uint64_t)st.st_size;
    return p == MAP_FAILED ? NULL : p;
}

static int kd_cache_alloc(vtop_page_cache *c)
{
    memset(c, 0, sizeof *c);
    c->nslots = KD_SLOTS;
    c->data = malloc((size_t)KD_SLOTS * VTOP_PAGE_SIZE);
    c->slots = calloc(KD_SLOTS, sizeof *c->slots);
    c->buckets = calloc(KD_SLOTS, sizeof *c->buckets);
    return c->data && c->slots && c->buckets ? 0 : -1;
}

static void kd_cache_free(vtop_page_cache *c)
{
    free(c->data);
    free(c->slots);
    free(c->buckets);
}

/* Open an image (paged or not) with its own root; 0 on success. */
static int kd_open(kd_image *k, const uint8_t *base, uint64_t size)
{
    static vtop_flat_record flat[1 << 17];
    vtop_decompressor dec;
    vtop_host_decompressor(&dec);
    memset(&k->store, 0, sizeof k->store);
    k->store.decompress = dec;
    k->store.cache = &k->cache;
    k->store.flat = flat;
    k->store.flat_cap = sizeof flat / sizeof flat[0];
    vtop_image_request rq = {base, size, VTOP_FMT_AUTO, k->runs, 256, &k->store};
    vtop_space_config cfg;
    if (vtop_image_open_request(&rq, &k->info) != VTOP_OK ||
        vtop_image_space_config(&k->info, 0, &cfg) != VTOP_OK)
        return -1;
    vtop_physmem pm = {k->runs, k->info.run_count,
                       k->info.paged ? &k->store.source : NULL};
    return vtop_space_init(&k->space, &cfg, &pm) == VTOP_OK ? 0 : -1;
}

/* Virtual addresses of the leaves QEMU listed (its info tlb). */
static size_t kd_leaves(const char *dir, uint64_t *va, size_t cap)
{
    char path[512], line[160];
    snprintf(path, sizeof path, "%s/tlb.txt", dir);
    FILE *f = fopen(path, "r");
    size_t n = 0;
    while (f && n < cap && fgets(line, sizeof line, f))
        va[n++] = strtoull(line, NULL, 16);
    if (f)
        fclose(f);
    return n;
}

static void kd_open_rows(bench_ctx *b, const char *dir, const char *file)
{
    char path[512], what[96];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    static kd_image k;
    double v[BENCH_MAX_REPS];
    int ok = 1;
    for (int r = 0; r < b->reps; r++) {
        double t0 = bench_now_ns();
        uint64_t size = 0;
        const uint8_t *base = kd_map(path, &size);
        ok = ok && base && kd_open(&k, base, size) == 0;
        if (base)
            munmap((void *)base, (size_t)size);
        v[r] = (bench_now_ns() - t0) / 1e6;
    }
    snprintf(what, sizeof what, "open %s (map+headers+bitmaps+unmap)", file);
    bench_stat s = bench_stats(v, b->reps);
    bench_row(b, "kdump", "amd64-4level", what, "ms", s, "<= 50 ms", ok && s.median <= 50);
}

/* ns per translation over n random leaf addresses, after one warm pass. */
static bench_stat kd_translate(bench_ctx *b, const vtop_space *sp, const uint64_t *va,
                               size_t n)
{
    double v[BENCH_MAX_REPS];
    for (int r = 0; r <= b->reps; r++) {
        double t0 = bench_now_ns();
        uint64_t acc = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t pa = 0;
            if (vtop_translate_pa(sp, va[i], &pa, NULL) == VTOP_OK)
                acc += pa;
        }
        kd_sink = acc;
        if (r > 0) /* rep 0 warms the page cache */
            v[r - 1] = (bench_now_ns() - t0) / (double)n;
    }
    return bench_stats(v, b->reps);
}

static void kd_discard(void *ctx, const char *text, size_t n)
{
    (void)text;
    *(uint64_t *)ctx += n;
}

static bench_stat kd_tlb(bench_ctx *b, const vtop_space *sp)
{
    double v[BENCH_MAX_REPS];
    uint64_t bytes = 0;
    vtop_out out = {kd_discard, &bytes};
    for (int r = 0; r <= b->reps; r++) {
        double t0 = bench_now_ns();
        vtop_fmt_qemu_tlb(&out, sp, 0);
        if (r > 0)
            v[r - 1] = (bench_now_ns() - t0) / 1e6;
    }
    return bench_stats(v, b->reps);
}

/* Random addresses inside the leaves (page offsets included). */
static uint64_t *kd_sample(const uint64_t *leaves, size_t nl, size_t n)
{
    uint64_t *va = malloc(n * sizeof *va), seed = 0x6b64756d70ull;
    for (size_t i = 0; va && i < n; i++)
        va[i] = leaves[bench_rand(&seed) % nl] + (bench_rand(&seed) & 0xFFF);
    return va;
}

static void kd_speed_rows(bench_ctx *b, const char *dir, const uint64_t *va, size_t n)
{
    static const char *const files[] = {"mdf-c-d0.kdump", "mdf-l-d31.kdump",
                                        "qemu-kdump-zlib.flat"};
    static kd_image direct, paged;
    char path[512], what[96], tgt[96];
    snprintf(path, sizeof path, "%s/guest.elf", dir);
    direct.base = kd_map(path, &direct.size);
    if (!direct.base || kd_open(&direct, direct.base, direct.size) != 0) {
        bench_check(b, 0, "open %s", path);
        return;
    }
    if (kd_cache_alloc(&paged.cache) != 0) {
        bench_check(b, 0, "allocate the page cache");
        return;
    }
    bench_stat dt = kd_translate(b, &direct.space, va, n), dl = kd_tlb(b, &direct.space);
    bench_row(b, "kdump", "amd64-4level", "translate, direct runs (ELF)", "ns", dt, NULL, -1);
    bench_row(b, "kdump", "amd64-4level", "tlb, direct runs (ELF)", "ms", dl, NULL, -1);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        memset(paged.cache.slots, 0, KD_SLOTS * sizeof *paged.cache.slots);
        memset(paged.cache.buckets, 0, KD_SLOTS * sizeof *paged.cache.buckets);
        paged.cache.hand = 0;
        paged.cache.hits = paged.cache.misses = 0;
        paged.base = kd_map(path, &paged.size);
        if (!paged.base || kd_open(&paged, paged.base, paged.size) != 0) {
            bench_check(b, 0, "open %s", path);
            continue;
        }
        bench_stat t = kd_translate(b, &paged.space, va, n), l = kd_tlb(b, &paged.space);
        snprintf(what, sizeof what, "translate, warm cache: %s", files[i]);
        snprintf(tgt, sizeof tgt, "<= 3x direct (%.1f ns)", 3 * dt.median);
        bench_row(b, "kdump", "amd64-4level", what, "ns", t, tgt, t.median <= 3 * dt.median);
        snprintf(what, sizeof what, "tlb: %s", files[i]);
        snprintf(tgt, sizeof tgt, "<= 3x direct (%.1f ms)", 3 * dl.median);
        bench_row(b, "kdump", "amd64-4level", what, "ms", l, tgt, l.median <= 3 * dl.median);
        bench_note(b, "%s: %.1fx direct translate, %.1fx direct tlb; cache %llu hits, "
                   "%llu misses", files[i], t.median / dt.median, l.median / dl.median,
                   (unsigned long long)paged.cache.hits,
                   (unsigned long long)paged.cache.misses);
        munmap((void *)paged.base, (size_t)paged.size);
    }
    munmap((void *)direct.base, (size_t)direct.size);
    kd_cache_free(&paged.cache);
}

void bench_kdump(bench_ctx *b, const char *dumps)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/amd64-4level-vmcoreinfo", dumps);
    static uint64_t leaves[1 << 18];
    size_t nl = kd_leaves(dir, leaves, sizeof leaves / sizeof leaves[0]);
    if (nl == 0) {
        bench_note(b, "kdump rows skipped: no capture in %s (make dumps)", dir);
        return;
    }
    kd_open_rows(b, dir, "mdf-c-d0.kdump");
    kd_open_rows(b, dir, "mdf-l-d31.kdump");
    kd_open_rows(b, dir, "qemu-kdump-zlib.flat");
    size_t n = b->translations < (1u << 20) ? b->translations : (1u << 20);
    uint64_t *va = kd_sample(leaves, nl, n);
    if (va)
        kd_speed_rows(b, dir, va, n);
    free(va);
}
