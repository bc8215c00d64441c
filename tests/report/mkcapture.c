/* Writes a small vtop capture (core/formats/capture.h) of hand-built
 * 4-level tables over 4 MiB of memory with known findings, for the HTML
 * report test: W+X pages, an NX data range, read-only code, a not-present
 * guard page, an executable MMIO 2 MiB page, an image with .text/.data.
 * Usage: mkcapture FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/formats/capture.h"

#define MEM (4u << 20)
#define P  0x001ull
#define RW 0x002ull
#define PS 0x080ull
#define NX (1ull << 63)

static uint8_t mem[MEM];

static void put64(uint64_t pa, uint64_t v)
{
    memcpy(mem + pa, &v, 8);
}

static void map4k(uint64_t va, uint64_t flags)
{
    put64(0x4000 + ((va >> 12) & 511) * 8, va | flags);
}

static int to_file(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) != len;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkcapture FILE\n");
        return 2;
    }
    put64(0x1000, 0x2000 | P | RW);
    put64(0x2000, 0x3000 | P | RW);
    put64(0x3000, 0x4000 | P | RW);
    put64(0x3008, 0x200000 | P | RW | PS);        /* MMIO, executable */
    for (uint64_t va = 0x1000; va < 0x10000; va += 0x1000)
        map4k(va, P | RW | NX);                   /* tables, data: NX */
    map4k(0x10000, P);                            /* .text RX */
    map4k(0x11000, P | RW);                       /* .data W+X */
    for (uint64_t va = 0x20000; va < 0x40000; va += 0x1000)
        map4k(va, va == 0x30000 ? 0 : P | RW);    /* W+X with a guard page */
    static const vtop_run run = { 0, MEM, 0, mem };
    vtop_space_config cfg = { .mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true,
                              .maxphyaddr = 36 };
    vtop_space space;
    if (vtop_space_init(&space, &cfg, &(vtop_physmem){ &run, 1, NULL }) != VTOP_OK)
        return 1;
    vtop_prot_mem map[] = {
        { 0x00000, 0x10, 0, VTOP_EFI_BS_DATA }, { 0x10000, 0x10, 0, VTOP_EFI_BS_CODE },
        { 0x20000, 0x20, 0, VTOP_EFI_BS_DATA }, { 0x40000, 0x1c0, 0, VTOP_EFI_CONVENTIONAL },
        { 0x200000, 0x200, 0, VTOP_EFI_MMIO },
    };
    vtop_prot_gcd gcd[] = { { 0, 0x200000, 0, VTOP_GCD_SYSTEM_MEMORY, true },
                            { 0x200000, 0x200000, 0, VTOP_GCD_MMIO, true } };
    vtop_prot_image img[] = { { 0x10000, 0x2000, 0x1000, 0, 2, "Driver<&>" } };
    vtop_prot_section sec[] = { { 0x10000, 0x1000, 0x60000020, 0, ".text" },
                                { 0x11000, 0x1000, 0xc0000040, 0, ".data" } };
    vtop_prot_sources src = { .memmap = map, .nmemmap = 5, .gcd = gcd, .ngcd = 2,
                              .images = img, .nimages = 1, .sections = sec,
                              .nsections = 2, .has_stack = true, .stack_base = 0x20000,
                              .stack_size = 0x8000, .rsp = 0x27000 };
    uint64_t tables[8];
    size_t n = 0;
    if (vtop_capture_tables(&space, tables, 8, &n) != VTOP_OK)
        return 1;
    FILE *f = fopen(argv[1], "wb");
    if (!f)
        return 1;
    vtop_capture_input in = { &space, tables, n, &src, 0x80010033, 0x668, 0xd00 };
    vtop_status st = vtop_capture_write(&in, to_file, f);
    return fclose(f) != 0 || st != VTOP_OK;
}
