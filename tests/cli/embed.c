/* Embedding the installed library: a C program that includes
 * <vtop/paging.h>, links -lvtop, builds a 4-level table in a buffer and
 * translates one address (tests/cli/cli.mk, `make install`). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vtop/paging.h>
#include <vtop/physmem.h>

static uint8_t ram[0x6000];

static void put(uint64_t pa, uint64_t entry)
{
    memcpy(ram + pa, &entry, sizeof entry);
}

int main(void)
{
    /* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000 -> page 0x5000 */
    put(0x1000, 0x2000 | PTE_P | PTE_RW);
    put(0x2000, 0x3000 | PTE_P | PTE_RW);
    put(0x3000, 0x4000 | PTE_P | PTE_RW);
    put(0x4000 + 8 * 0x12, 0x5000 | PTE_P);
    vtop_run run = {0, sizeof ram, 0, ram};
    vtop_physmem mem = {&run, 1, NULL};
    vtop_space_config cfg = {.mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000, .nxe = true, .maxphyaddr = 0, .pa_extra_mask = 0, .windows_pte = false};
    vtop_space space;
    if (vtop_space_init(&space, &cfg, &mem) != VTOP_OK)
        return 2;
    vtop_translation t;
    vtop_status st = vtop_translate(&space, 0x12345, &t);
    printf("0x12345 -> 0x%llx %s 0x%08x\n", (unsigned long long)t.pa,
           vtop_status_name(st), (unsigned)vtop_hresult(st));
    return st == VTOP_OK && t.pa == 0x5345 ? 0 : 1;
}
