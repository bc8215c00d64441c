/* Image writers shared by the synthetic image generator (images/gen_images.c)
 * and the unit tests: build small memory images of every format in a buffer, so
 * the unit tests can check good images and damage them field by field.
 * Layouts as in core/formats/ (elf.c, lime.c, windmp.c) (docs/image-formats.md). */
#ifndef VTOP_IMAGES_WRITERS_H
#define VTOP_IMAGES_WRITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void put16(uint8_t *b, size_t o, uint16_t v) { b[o] = (uint8_t)v; b[o + 1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *b, size_t o, uint32_t v) { for (int i = 0; i < 4; i++) b[o + i] = (uint8_t)(v >> (8 * i)); }
static inline void put64(uint8_t *b, size_t o, uint64_t v) { for (int i = 0; i < 8; i++) b[o + i] = (uint8_t)(v >> (8 * i)); }

typedef struct tseg { uint64_t phys, len; } tseg;
typedef struct tcpu { uint64_t cr0, cr3, cr4; } tcpu;

/* Write the bytes of [phys, phys+len): from mem (a flat buffer indexed by
 * physical address) when given, else a pattern where each page starts with
 * its physical address. */
static inline void fill_phys(uint8_t *b, uint64_t phys, uint64_t len, const uint8_t *mem)
{
    if (mem) {
        memcpy(b, mem + phys, len);
        return;
    }
    memset(b, 0xA5, len);
    for (uint64_t o = 0; o + 8 <= len; o += 4096)
        put64(b, o, phys + o);
}

#define T_ELF_NOTE_BYTES(n, qsize) ((n) * (12 + 8 + 336 + 12 + 8 + (((qsize) + 3) & ~3u)))

/* ELF core: header, program headers (one PT_NOTE when ncpu > 0, then one
 * PT_LOAD per seg), notes (per vCPU a CORE NT_PRSTATUS with 336 zero bytes
 * then a QEMU note of qsize bytes), then the data of each segment. */
static inline size_t build_elf(uint8_t *out, bool is64, uint16_t machine,
                               const tseg *segs, size_t nseg,
                               const tcpu *cpus, size_t ncpu, uint32_t qsize,
                               const uint8_t *mem)
{
    size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
    size_t nph = nseg + (ncpu ? 1 : 0);
    size_t notes = eh + nph * ph, nbytes = T_ELF_NOTE_BYTES(ncpu, qsize);
    size_t data = notes + nbytes;
    memset(out, 0, data);
    memcpy(out, "\x7f" "ELF", 4);
    out[4] = is64 ? 2 : 1; out[5] = 1; out[6] = 1;
    put16(out, 0x10, 4); put16(out, 0x12, machine);
    put32(out, 0x14, 1);
    if (is64) { put64(out, 0x20, eh); put16(out, 0x34, 64); put16(out, 0x36, 56); put16(out, 0x38, (uint16_t)nph); }
    else { put32(out, 0x1C, eh); put16(out, 0x28, 52); put16(out, 0x2A, 32); put16(out, 0x2C, (uint16_t)nph); }
    size_t p = eh, n = notes;
    if (ncpu) {
        put32(out, p, 4);
        if (is64) { put64(out, p + 8, notes); put64(out, p + 0x20, nbytes); put64(out, p + 0x28, nbytes); }
        else { put32(out, p + 4, notes); put32(out, p + 0x10, nbytes); put32(out, p + 0x14, nbytes); }
        p += ph;
        for (size_t i = 0; i < ncpu; i++) {
            put32(out, n, 5); put32(out, n + 4, 336); put32(out, n + 8, 1);
            memcpy(out + n + 12, "CORE", 5); n += 20 + 336;
            put32(out, n, 5); put32(out, n + 4, qsize); put32(out, n + 8, 0);
            memcpy(out + n + 12, "QEMU", 5);
            uint8_t *d = out + n + 20;
            put32(d, 0, 1); put32(d, 4, qsize);
            put64(d, 0x188, cpus[i].cr0); put64(d, 0x1A0, cpus[i].cr3); put64(d, 0x1A8, cpus[i].cr4);
            n += 20 + ((qsize + 3) & ~3u);
        }
    }
    size_t d = data;
    for (size_t i = 0; i < nseg; i++, p += ph) {
        put32(out, p, 1);
        if (is64) { put64(out, p + 8, d); put64(out, p + 0x10, 0xffff800000000000ull + segs[i].phys);
                    put64(out, p + 0x18, segs[i].phys); put64(out, p + 0x20, segs[i].len); put64(out, p + 0x28, segs[i].len); }
        else { put32(out, p + 4, (uint32_t)d); put32(out, p + 0xC, (uint32_t)segs[i].phys);
               put32(out, p + 0x10, (uint32_t)segs[i].len); put32(out, p + 0x14, (uint32_t)segs[i].len); }
        fill_phys(out + d, segs[i].phys, segs[i].len, mem);
        d += segs[i].len;
    }
    return d;
}

/* AArch64 ELF core as QEMU's dump-guest-memory writes it for an aarch64
 * guest (QEMU dump/dump.c, target/arm/arch_dump.c): one PT_NOTE holding a
 * CORE NT_PRSTATUS per vCPU (struct aarch64_elf_prstatus, 392 bytes, no
 * system registers) and the guest's VMCOREINFO note (name "VMCOREINFO",
 * type 0, present with -device vmcoreinfo), then one PT_LOAD per segment
 * with p_vaddr = p_paddr. */
#define T_EM_AARCH64 183
#define T_A64_PRSTATUS 392
static inline size_t build_elf_a64(uint8_t *out, const tseg *segs, size_t nseg,
                                   size_t ncpu, const char *vmcoreinfo,
                                   const uint8_t *mem)
{
    size_t text = strlen(vmcoreinfo), vsz = (text + 3) & ~(size_t)3;
    size_t nph = nseg + 1, notes = 64 + nph * 56;
    size_t nbytes = ncpu * (20 + T_A64_PRSTATUS) + 12 + 12 + vsz;
    size_t data = notes + nbytes;
    memset(out, 0, data);
    memcpy(out, "\x7f" "ELF", 4);
    out[4] = 2; out[5] = 1; out[6] = 1;
    put16(out, 0x10, 4); put16(out, 0x12, T_EM_AARCH64); put32(out, 0x14, 1);
    put64(out, 0x20, 64); put16(out, 0x34, 64); put16(out, 0x36, 56); put16(out, 0x38, (uint16_t)nph);
    put32(out, 64, 4); put64(out, 64 + 8, notes); put64(out, 64 + 0x20, nbytes); put64(out, 64 + 0x28, nbytes);
    size_t n = notes;
    for (size_t i = 0; i < ncpu; i++) {
        put32(out, n, 5); put32(out, n + 4, T_A64_PRSTATUS); put32(out, n + 8, 1);
        memcpy(out + n + 12, "CORE", 5);
        put32(out, n + 20 + 32, (uint32_t)(i + 1)); /* pr_pid */
        n += 20 + T_A64_PRSTATUS;
    }
    put32(out, n, 11); put32(out, n + 4, (uint32_t)text); put32(out, n + 8, 0);
    memcpy(out + n + 12, "VMCOREINFO", 11);
    memcpy(out + n + 24, vmcoreinfo, text);
    size_t p = 64 + 56, d = data;
    for (size_t i = 0; i < nseg; i++, p += 56) {
        put32(out, p, 1); put32(out, p + 4, 7); put64(out, p + 8, d);
        put64(out, p + 0x10, segs[i].phys); put64(out, p + 0x18, segs[i].phys);
        put64(out, p + 0x20, segs[i].len); put64(out, p + 0x28, segs[i].len);
        fill_phys(out + d, segs[i].phys, segs[i].len, mem);
        d += segs[i].len;
    }
    return d;
}

/* LiME: a 32-byte header per segment then its bytes. */
static inline size_t build_lime(uint8_t *out, const tseg *segs, size_t nseg, const uint8_t *mem)
{
    size_t o = 0;
    for (size_t i = 0; i < nseg; i++) {
        memset(out + o, 0, 32);
        put32(out, o, 0x4C694D45); put32(out, o + 4, 1);
        put64(out, o + 8, segs[i].phys); put64(out, o + 16, segs[i].phys + segs[i].len - 1);
        fill_phys(out + o + 32, segs[i].phys, segs[i].len, mem);
        o += 32 + segs[i].len;
    }
    return o;
}

/* Windows 64-bit full dump (DumpType 1). */
static inline size_t build_dmp64_full(uint8_t *out, uint64_t dtb, const tseg *segs, size_t nseg, const uint8_t *mem)
{
    memset(out, 0, 0x2000);
    memcpy(out, "PAGEDU64", 8);
    put64(out, 0x10, dtb); put32(out, 0x30, 0x8664); put32(out, 0x34, 1);
    put32(out, 0xF98, 1);
    uint64_t pages = 0; size_t o = 0x2000;
    put32(out, 0x88, (uint32_t)nseg);
    for (size_t i = 0; i < nseg; i++) {
        put64(out, 0x98 + 16 * i, segs[i].phys >> 12); put64(out, 0xA0 + 16 * i, segs[i].len >> 12);
        pages += segs[i].len >> 12;
        fill_phys(out + o, segs[i].phys, segs[i].len, mem);
        o += segs[i].len;
    }
    put64(out, 0x90, pages);
    return o;
}

/* Windows 64-bit bitmap dump (DumpType 5): one bit per PFN below maxpfn. */
static inline size_t build_dmp64_bitmap(uint8_t *out, uint64_t dtb, const tseg *segs, size_t nseg, uint64_t maxpfn,
                                        const uint8_t *mem)
{
    memset(out, 0, 0x2000);
    memcpy(out, "PAGEDU64", 8);
    put64(out, 0x10, dtb); put32(out, 0x30, 0x8664); put32(out, 0xF98, 5);
    put32(out, 0x88, 0x45474150); /* 'PAGE': descriptor unused in bitmap dumps */
    size_t h = 0x2000, bytes = (maxpfn + 7) / 8;
    size_t first = (h + 0x38 + bytes + 0xFFF) & ~(size_t)0xFFF;
    memset(out + h, 0, first - h);
    memcpy(out + h, "SDMP", 4); memcpy(out + h + 4, "DUMP", 4);
    uint64_t present = 0; size_t o = first;
    for (size_t i = 0; i < nseg; i++)
        for (uint64_t pfn = segs[i].phys >> 12; pfn < (segs[i].phys + segs[i].len) >> 12; pfn++) {
            out[h + 0x38 + pfn / 8] |= (uint8_t)(1u << (pfn % 8));
            present++;
        }
    /* pages are stored in PFN order: segs must be sorted */
    for (size_t i = 0; i < nseg; i++) { fill_phys(out + o, segs[i].phys, segs[i].len, mem); o += segs[i].len; }
    put64(out, h + 0x20, first); put64(out, h + 0x28, present); put64(out, h + 0x30, maxpfn);
    return o;
}

/* Windows 32-bit full dump. */
static inline size_t build_dmp32(uint8_t *out, uint32_t dtb, bool pae, const tseg *segs, size_t nseg,
                                 const uint8_t *mem)
{
    memset(out, 0, 0x1000);
    memcpy(out, "PAGEDUMP", 8);
    put32(out, 0x10, dtb); put32(out, 0x20, 0x14C); put32(out, 0x24, 1);
    out[0x5C] = pae ? 1 : 0; put32(out, 0xF88, 1);
    uint32_t pages = 0; size_t o = 0x1000;
    put32(out, 0x64, (uint32_t)nseg);
    for (size_t i = 0; i < nseg; i++) {
        put32(out, 0x6C + 8 * i, (uint32_t)(segs[i].phys >> 12)); put32(out, 0x70 + 8 * i, (uint32_t)(segs[i].len >> 12));
        pages += (uint32_t)(segs[i].len >> 12);
        fill_phys(out + o, segs[i].phys, segs[i].len, mem);
        o += segs[i].len;
    }
    put32(out, 0x68, pages);
    return o;
}

#endif
