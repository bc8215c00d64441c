/* vtop EFI app: fingerprint of the firmware's tables (fwhash.h). */
#include "fwhash.h"

#include "core/enum.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull
#define ENTRY_A_D  0x60u       /* bits 5 (A) and 6 (D) of every entry's low byte */

typedef struct hash_walk {
    const vtop_space *fw;
    fwhash *h;
    vtop_status read_error;
} hash_walk;

static void mix(fwhash *h, uint8_t byte)
{
    h->hash = (h->hash ^ byte) * FNV_PRIME;
}

static int on_table(void *ctx, const vtop_enum_event *ev)
{
    hash_walk *w = ctx;
    if (ev->kind != VTOP_EVENT_TABLE)
        return 0;
    uint8_t page[4096];
    size_t done = 0;
    vtop_status s = vtop_read_physical(w->fw, ev->table_pa, page, sizeof page, &done);
    if (s != VTOP_OK) {
        w->read_error = s;
        return 1;
    }
    unsigned stride = w->fw->desc->entry_size;
    for (int i = 0; i < 8; i++)
        mix(w->h, (uint8_t)(ev->table_pa >> (8 * i)));
    for (size_t i = 0; i < sizeof page; i++)
        mix(w->h, i % stride == 0 ? (uint8_t)(page[i] & ~ENTRY_A_D) : page[i]);
    w->h->tables++;
    return 0;
}

static int no_leaf(void *ctx, const vtop_leaf *leaf)
{
    (void)ctx;
    (void)leaf;
    return 0;
}

vtop_status fwhash_tables(const vtop_space *fw, fwhash *out)
{
    *out = (fwhash){ 0, FNV_OFFSET };
    hash_walk w = { fw, out, VTOP_OK };
    vtop_enum_options opt = { .policy = VTOP_ENUM_STRICT, .on_event = on_table,
                              .event_ctx = &w };
    uint64_t top = fw->desc->sign_extended ? ~0ull : 0xffffffffull;
    vtop_status s = vtop_enumerate(fw, 0, top, &opt, no_leaf, NULL);
    return s == VTOP_OK ? w.read_error : s;
}

void fwhash_print(const vtop_space *fw, const char *when, const vtop_out *out)
{
    fwhash h;
    vtop_status s = fwhash_tables(fw, &h);
    vtop_printf(out, "firmware tables %s: %llu pages, hash 0x%016llx (A/D masked)%s%s\n",
                when, (unsigned long long)h.tables, (unsigned long long)h.hash,
                s == VTOP_OK ? "" : ": ", s == VTOP_OK ? "" : vtop_status_name(s));
}
