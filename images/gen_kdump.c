/* vtop images: gen_kdump IN OUT [options]: write a memory image as a
 * kdump-compressed (or flattened) file with vtop's own writer
 * (kdump_writer.c), for the synthetic and real-guest tests.
 *
 * IN is raw (byte N is physical address N) or an ELF64 core (its PT_LOAD
 * segments give the frames, its PT_NOTE the notes: QEMU CPU state and
 * VMCOREINFO travel into the kdump note section, as QEMU's own writer
 * does). Options:
 *   --comp none|zlib|lzo|snappy|zstd|mixed   per-page compression (mixed)
 *   --exclude-zero    leave zero pages out (makedumpfile -d 1)
 *   --flat            makedumpfile -F flattened output
 *   --narrow          the 32-bit header form
 *   --vmcoreinfo FILE VMCOREINFO text for the sub-header's section
 *   --phys-base N     the sub-header's phys_base (hex)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdump_writer.h"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) {
        p[n] = 0;
        *len = (size_t)n;
    }
    return p;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

/* Physical memory and frame states from an ELF64 core or a raw file. */
static int load_memory(const uint8_t *in, size_t n, kdw_spec *s, uint8_t **mem,
                       uint8_t **frame)
{
    uint64_t top = n;
    int elf = n >= 64 && memcmp(in, "\x7f" "ELF\x02", 5) == 0;
    uint64_t phoff = elf ? le(in + 0x20, 8) : 0, phnum = elf ? le(in + 0x38, 2) : 0;
    if (elf) {
        top = 0;
        for (uint64_t i = 0; i < phnum && phoff + i * 56 + 56 <= n; i++) {
            const uint8_t *ph = in + phoff + i * 56;
            if (le(ph, 4) == 1 && le(ph + 0x18, 8) + le(ph + 0x20, 8) > top)
                top = le(ph + 0x18, 8) + le(ph + 0x20, 8);
        }
    }
    s->frames = (top + 4095) / 4096;
    *mem = calloc(s->frames ? s->frames : 1, 4096);
    *frame = calloc(s->frames ? s->frames : 1, 1);
    if (!*mem || !*frame)
        return -1;
    if (!elf) {
        memcpy(*mem, in, n);
        memset(*frame, KDW_DUMPED, s->frames);
        return 0;
    }
    for (uint64_t i = 0; i < phnum && phoff + i * 56 + 56 <= n; i++) {
        const uint8_t *ph = in + phoff + i * 56;
        uint64_t off = le(ph + 8, 8), pa = le(ph + 0x18, 8), sz = le(ph + 0x20, 8);
        if (off > n || sz > n - off)
            continue;
        if (le(ph, 4) == 4) {
            s->notes = in + off;
            s->notes_len = sz;
        } else if (le(ph, 4) == 1 && le(ph + 0x10, 8) < 0xffffffff80000000ull) {
            memcpy(*mem + pa, in + off, sz);
            memset(*frame + pa / 4096, KDW_DUMPED, (sz + 4095) / 4096);
        }
    }
    return 0;
}

/* The VMCOREINFO note's text (NUL-terminated copy), as QEMU and
 * makedumpfile also put it in the sub-header's VMCOREINFO section. */
static const char *vmcoreinfo_note(const uint8_t *n, size_t len)
{
    for (size_t off = 0; off + 12 <= len;) {
        uint32_t namesz = (uint32_t)le(n + off, 4), descsz = (uint32_t)le(n + off + 4, 4);
        size_t desc = off + 12 + ((namesz + 3) & ~3u);
        if (desc + descsz > len)
            break;
        if (namesz == 11 && !memcmp(n + off + 12, "VMCOREINFO", 11)) {
            char *t = calloc(1, descsz + 1);
            if (t)
                memcpy(t, n + desc, descsz);
            return t;
        }
        off = desc + ((descsz + 3) & ~3u);
    }
    return NULL;
}

static int parse_comp(const char *v, kdw_comp *c)
{
    static const char *const names[] = {"none", "zlib", "lzo", "snappy", "zstd", "mixed"};
    for (int i = 0; i < 6; i++)
        if (strcmp(v, names[i]) == 0) {
            *c = (kdw_comp)i;
            return 0;
        }
    return -1;
}

int main(int argc, char **argv)
{
    kdw_spec s = {.comp = KDW_MIXED, .release = "6.1.0-synthetic"};
    int exclude_zero = 0;
    size_t n = 0, vn = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: gen_kdump IN OUT [--comp C] [--exclude-zero] "
                        "[--flat] [--narrow] [--vmcoreinfo FILE] [--phys-base N]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--comp") && i + 1 < argc && !parse_comp(argv[i + 1], &s.comp))
            i++;
        else if (!strcmp(argv[i], "--exclude-zero"))
            exclude_zero = 1;
        else if (!strcmp(argv[i], "--flat"))
            s.flatten = true;
        else if (!strcmp(argv[i], "--narrow"))
            s.narrow = true;
        else if (!strcmp(argv[i], "--vmcoreinfo") && i + 1 < argc)
            s.vmcoreinfo = (const char *)slurp(argv[++i], &vn);
        else if (!strcmp(argv[i], "--phys-base") && i + 1 < argc)
            s.phys_base = strtoull(argv[++i], NULL, 16);
        else {
            fprintf(stderr, "gen_kdump: bad option '%s'\n", argv[i]);
            return 2;
        }
    }
    uint8_t *in = slurp(argv[1], &n), *mem = NULL, *frame = NULL, *out = NULL;
    size_t len = 0;
    if (!in || load_memory(in, n, &s, &mem, &frame) != 0) {
        fprintf(stderr, "gen_kdump: cannot read %s\n", argv[1]);
        return 1;
    }
    if (!s.vmcoreinfo && s.notes)
        s.vmcoreinfo = vmcoreinfo_note(s.notes, s.notes_len);
    static const uint8_t zero[4096];
    for (uint64_t f = 0; exclude_zero && f < s.frames; f++)
        if (frame[f] == KDW_DUMPED && !memcmp(mem + f * 4096, zero, 4096))
            frame[f] = KDW_EXCLUDED;
    s.dump_level = exclude_zero ? 1 : 0;
    s.mem = mem;
    s.frame = frame;
    FILE *f = NULL;
    if (kdw_write(&s, &out, &len) != 0 || !(f = fopen(argv[2], "wb")) ||
        fwrite(out, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "gen_kdump: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}
