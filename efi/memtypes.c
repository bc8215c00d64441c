/* vtop EFI app: `memtypes` (see memtypes.h). */
#include "memtypes.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/num.h"
#include "core/enum.h"
#include "memmap.h"

#define TYPE_UNLISTED 0xffffffffu
#define TYPE_MIXED    0xfffffffeu

typedef struct span_type {
    uint64_t start, end;      /* [start, end) of one descriptor */
    uint32_t type;
} span_type;

typedef struct walker {
    const vtop_out *out;
    span_type *spans;         /* sorted by start */
    size_t count;
    bool open;                /* a merged line is pending */
    uint64_t va, va_end, pa_end;
    uint8_t rights;
    uint32_t type;
    uint64_t lines;
} walker;

static int by_start(const void *a, const void *b)
{
    const span_type *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Memory type of [pa, pa+size): one type, unlisted, or mixed. */
static uint32_t type_of(const walker *w, uint64_t pa, uint64_t size)
{
    size_t lo = 0, hi = w->count;
    while (lo < hi) {          /* first span with end > pa */
        size_t mid = lo + (hi - lo) / 2;
        if (w->spans[mid].end <= pa)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t last = pa + (size - 1);
    if (lo == w->count || w->spans[lo].start > last)
        return TYPE_UNLISTED;
    const span_type *s = &w->spans[lo];
    if (s->start > pa || s->end - 1 < last)
        return TYPE_MIXED;
    return s->type;
}

static const char *type_name(uint32_t type)
{
    if (type == TYPE_UNLISTED)
        return "unlisted";
    if (type == TYPE_MIXED)
        return "(several types)";
    return efi_memtype_name(type);
}

static void flush(walker *w)
{
    if (!w->open)
        return;
    uint64_t size = w->va_end - w->va;
    uint8_t r = w->rights;
    vtop_printf(w->out, "%016llx-%016llx %016llx %c%c%c%c %016llx %s\n",
                (unsigned long long)w->va, (unsigned long long)w->va_end,
                (unsigned long long)size, (r & VTOP_RIGHT_USER) ? 'u' : '-', 'r',
                (r & VTOP_RIGHT_WRITE) ? 'w' : '-', (r & VTOP_RIGHT_EXEC) ? 'x' : '-',
                (unsigned long long)(w->pa_end - size), type_name(w->type));
    w->lines++;
    w->open = false;
}

static int on_leaf(void *ctx, const vtop_leaf *leaf)
{
    walker *w = ctx;
    uint32_t type = type_of(w, leaf->pa, leaf->size);
    if (w->open && leaf->va == w->va_end && leaf->pa == w->pa_end &&
        leaf->rights == w->rights && type == w->type) {
        w->va_end += leaf->size;
        w->pa_end += leaf->size;
        return 0;
    }
    flush(w);
    *w = (walker){ w->out, w->spans, w->count, true, leaf->va,
                   leaf->va + leaf->size, leaf->pa + leaf->size, leaf->rights,
                   type, w->lines };
    return 0;
}

static bool load_spans(walker *w)
{
    efi_memmap map;
    if (EFI_ERROR(efi_memmap_get(&map)))
        return false;
    w->spans = calloc(map.count ? map.count : 1, sizeof *w->spans);
    if (w->spans) {
        for (size_t i = 0; i < map.count; i++) {
            const EFI_MEMORY_DESCRIPTOR *d = efi_memmap_at(&map, i);
            w->spans[i] = (span_type){ d->PhysicalStart,
                                       d->PhysicalStart + d->NumberOfPages * 4096,
                                       d->Type };
        }
        w->count = map.count;
        qsort(w->spans, w->count, sizeof *w->spans, by_start);
    }
    efi_memmap_free(&map);
    return w->spans != NULL;
}

static int cmd_memtypes(vtop_cmd_ctx *c, int argc, char **argv)
{
    const vtop_space *space = vtop_session_space(c->session);
    if (!space)
        return vtop_cmd_error(c, VTOP_EXIT_IMAGE, "no address space (no CR3 known)");
    uint64_t start = 0, end = space->desc && space->desc->sign_extended ? ~0ull : 0xffffffffull;
    if (argc > 1) {
        vtop_range r;
        int bad = 0;
        if (!vtop_parse_range(argc - 1, argv + 1, &r, &bad))
            return vtop_cmd_error(c, VTOP_EXIT_USAGE, "bad range at '%s'", argv[1 + bad]);
        start = r.start;
        if (!r.end_is_top) {
            if (r.end <= r.start)
                return vtop_cmd_error(c, VTOP_EXIT_USAGE, "empty range");
            end = r.end - 1;
        }
    }
    walker w;
    memset(&w, 0, sizeof w);
    w.out = c->out;
    if (!load_spans(&w))
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "GetMemoryMap failed");
    vtop_status st = vtop_enumerate(space, start, end, NULL, on_leaf, &w);
    flush(&w);
    free(w.spans);
    if (st != VTOP_OK)
        return vtop_cmd_error(c, VTOP_EXIT_FAIL, "walk stopped: %s", vtop_status_name(st));
    return VTOP_EXIT_OK;
}

const vtop_command efi_memtypes_command = {
    "memtypes", "memtypes [RANGE]",
    "mappings merged by rights and UEFI memory type behind them (EFI only)",
    "Lines: VA-start-VA-end size rights(urwx) PA-start type, where type is\n"
    "the UEFI memory type of the physical pages (\"unlisted\" when the memory\n"
    "map does not list them, \"(several types)\" for a large page across\n"
    "descriptors). Consecutive leaves merge when VA, PA, rights and type\n"
    "all continue.\n",
    true, cmd_memtypes, NULL
};
