/* vtop core/formats: writing a capture (capture.h, docs/capture-format.md). */
#include "capture.h"

#include "../enum.h"
#include "../physmem.h"
#include "capture_int.h"

/* ---- the tables a walk reads ---- */

typedef struct table_set {
    const vtop_space *space;
    uint64_t *pages;
    size_t cap, count;
} table_set;

static int add_table(void *ctx, const vtop_enum_event *ev)
{
    table_set *t = ctx;
    if (ev->kind != VTOP_EVENT_TABLE)
        return 0;
    uint64_t pa = ev->table_pa & ~0xfffull;
    if (!vtop_physmem_span(&t->space->mem, pa, CAP_PAGE))
        return 0;
    size_t lo = 0, hi = t->count < t->cap ? t->count : t->cap;
    while (lo < hi) {            /* first stored page >= pa */
        size_t mid = lo + (hi - lo) / 2;
        if (t->pages[mid] < pa)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t stored = t->count < t->cap ? t->count : t->cap;
    if (lo < stored && t->pages[lo] == pa)
        return 0;
    if (t->count < t->cap) {
        for (size_t i = t->count; i > lo; i--)
            t->pages[i] = t->pages[i - 1];
        t->pages[lo] = pa;
    }
    t->count++;
    return 0;
}

static int no_leaf(void *ctx, const vtop_leaf *leaf)
{
    (void)ctx;
    (void)leaf;
    return 0;
}

vtop_status vtop_capture_tables(const vtop_space *space, uint64_t *pages,
                                size_t cap, size_t *count)
{
    if (!space || !count || (!pages && cap))
        return VTOP_BAD_ARGUMENT;
    table_set t = { space, pages, cap, 0 };
    vtop_enum_options opt = { .on_event = add_table, .event_ctx = &t };
    uint64_t top = space->desc->sign_extended ? ~0ull : 0xffffffffull;
    vtop_status st = vtop_enumerate(space, 0, top, &opt, no_leaf, NULL);
    *count = t.count;
    if (st == VTOP_OK && t.count > cap)
        return VTOP_BUFFER_TOO_SMALL;
    return st;
}

/* ---- the segments ---- */

typedef struct layout {
    uint64_t chunk;          /* bytes of the shared zero block */
    uint64_t phnum, notes_off, notes_len, zero_off, tables_off, src_len;
} layout;

typedef int (*seg_fn)(void *ctx, uint64_t phys, uint64_t len, uint64_t foff);

/* Every run of space->mem, in order: table pages (merged when adjacent)
 * with their own bytes, the rest in pieces of at most chunk bytes that all
 * point at the zero block. */
static int each_segment(const vtop_capture_input *in, const layout *l,
                        seg_fn fn, void *ctx)
{
    const vtop_physmem *mem = &in->space->mem;
    size_t t = 0;
    for (size_t r = 0; r < mem->count; r++) {
        uint64_t p = mem->runs[r].phys, end = p + mem->runs[r].len;
        while (p < end) {
            while (t < in->ntables && in->tables[t] < p)
                t++;
            uint64_t len, foff;
            if (t < in->ntables && in->tables[t] == p) {
                size_t k = t;
                while (k + 1 < in->ntables && in->tables[k + 1] == in->tables[k] + CAP_PAGE &&
                       in->tables[k + 1] < end)
                    k++;
                len = (k - t + 1) * CAP_PAGE;
                foff = l->tables_off + t * CAP_PAGE;
                t = k + 1;
            } else {
                uint64_t next = t < in->ntables && in->tables[t] < end ? in->tables[t] : end;
                len = next - p < l->chunk ? next - p : l->chunk;
                foff = l->zero_off;
            }
            if (fn(ctx, p, len, foff))
                return 1;
            p += len;
        }
    }
    return 0;
}

static int count_seg(void *ctx, uint64_t phys, uint64_t len, uint64_t foff)
{
    (void)phys, (void)len, (void)foff;
    (*(uint64_t *)ctx)++;
    return 0;
}

static vtop_status plan(const vtop_capture_input *in, layout *l)
{
    *l = (layout){ .chunk = 1u << 20 };
    l->src_len = in->src ? cap_sources_len(in->src) : 0;
    for (;;) {
        uint64_t n = 0;
        each_segment(in, l, count_seg, &n);
        if (n + 1 < 0xffff) {
            l->phnum = n + 1;
            break;
        }
        if (l->chunk >= (1ull << 40))
            return VTOP_LIMIT_REACHED;
        l->chunk <<= 1;
    }
    l->notes_off = CAP_EHDR + l->phnum * CAP_PHDR;
    l->notes_len = cap_note_len(CAP_QEMU_SIZE) + cap_note_len(CAP_MACHINE_LEN) +
                   (in->src ? cap_note_len(l->src_len) : 0);
    l->zero_off = (l->notes_off + l->notes_len + CAP_PAGE - 1) & ~(CAP_PAGE - 1);
    l->tables_off = l->zero_off + l->chunk;
    return VTOP_OK;
}

/* ---- streaming ---- */

struct cap_sink {
    vtop_capture_write_fn fn;
    void *ctx;
    uint64_t at;
    bool failed;
};
typedef cap_sink sink;

void cap_emit(cap_sink *k, const void *data, size_t len)
{
    if (!k->failed && len && k->fn(k->ctx, data, len))
        k->failed = true;
    k->at += len;
}

static void emit_zeros(sink *k, uint64_t n)
{
    uint8_t z[512] = { 0 };
    while (n) {
        size_t m = n < sizeof z ? (size_t)n : sizeof z;
        cap_emit(k, z, m);
        n -= m;
    }
}

static void emit_header(sink *k, const vtop_capture_input *in, const layout *l)
{
    uint8_t h[CAP_EHDR] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    cap_put16(h + 0x10, 4);                      /* ET_CORE */
    cap_put16(h + 0x12, in->space->desc->sign_extended ? 62 : 3);
    cap_put32(h + 0x14, 1);
    cap_put64(h + 0x20, CAP_EHDR);               /* e_phoff */
    cap_put16(h + 0x34, CAP_EHDR);
    cap_put16(h + 0x36, CAP_PHDR);
    cap_put16(h + 0x38, (uint16_t)l->phnum);
    cap_emit(k, h, sizeof h);
    uint8_t p[CAP_PHDR] = { 0 };
    cap_put32(p, 4);                             /* PT_NOTE */
    cap_put64(p + 8, l->notes_off);
    cap_put64(p + 32, l->notes_len);
    cap_emit(k, p, sizeof p);
}

static int emit_phdr(void *ctx, uint64_t phys, uint64_t len, uint64_t foff)
{
    uint8_t p[CAP_PHDR] = { 0 };
    cap_put32(p, 1);                             /* PT_LOAD */
    cap_put32(p + 4, 4);                         /* PF_R */
    cap_put64(p + 8, foff);
    cap_put64(p + 24, phys);                     /* p_paddr */
    cap_put64(p + 32, len);                      /* p_filesz */
    cap_put64(p + 40, len);                      /* p_memsz */
    cap_emit(ctx, p, sizeof p);
    return ((sink *)ctx)->failed;
}

vtop_status vtop_capture_write(const vtop_capture_input *in,
                               vtop_capture_write_fn fn, void *ctx)
{
    if (!in || !in->space || !fn || (!in->tables && in->ntables))
        return VTOP_BAD_ARGUMENT;
    layout l;
    vtop_status st = plan(in, &l);
    if (st != VTOP_OK)
        return st;
    sink k = { fn, ctx, 0, false };
    emit_header(&k, in, &l);
    each_segment(in, &l, emit_phdr, &k);
    cap_emit_notes(&k, in, l.src_len);
    emit_zeros(&k, l.zero_off - k.at);
    emit_zeros(&k, l.chunk);
    for (size_t i = 0; i < in->ntables && !k.failed; i++)
        cap_emit(&k, vtop_physmem_span(&in->space->mem, in->tables[i],
                                                   CAP_PAGE), CAP_PAGE);
    return k.failed ? VTOP_LIMIT_REACHED : VTOP_OK;
}
