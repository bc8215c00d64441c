/* Tests for core/walk.c, second tier (STYLE.md rule 11): seeded random
 * page tables in every mode, each translation checked against a tiny
 * reference walker written here from the SDM (Vol. 3A 4.3-4.5), apart from
 * core/ on purpose; vtop_translate and vtop_translate_pa must agree with it
 * on the status, the address and the page size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "core/status.h"
#include "pt_fixture.h"

static vtop_space sp(fx_cfg c)
{
    vtop_space s;
    assert_int_equal(fx_space(&s, c), VTOP_OK);
    return s;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t rd64(uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | fx_mem[pa + i];
    return v;
}

/* Long-mode reference (SDM 4.5) with NXE=1, M=52, no masks: returns the
 * status and fills *pa, *size. Written apart from core/ on purpose. */
static vtop_status ref_walk(int levels, uint64_t cr3, uint64_t va, uint64_t *pa,
                            uint64_t *size)
{
    int top_shift = levels == 5 ? 56 : 47;
    int64_t sv = (int64_t)va;
    if ((sv >> top_shift) != 0 && (sv >> top_shift) != -1)
        return VTOP_NON_CANONICAL;
    uint64_t table = cr3 & 0x000ffffffffff000ull;
    for (int l = levels - 1; l >= 0; l--) { /* l = 0 is the PTE level */
        int shift = 12 + 9 * l;
        uint64_t epa = table + ((va >> shift) & 511) * 8;
        if (epa + 8 > FX_MEM_SIZE)
            return VTOP_TABLE_NOT_IN_IMAGE;
        uint64_t e = rd64(epa);
        if (!(e & 1))
            return VTOP_NOT_PRESENT;
        int ps = (e >> 7) & 1;
        if (l >= 3 && ps)
            return VTOP_RESERVED_BIT;
        if ((l == 1 || l == 2) && ps) {
            uint64_t align = (1ull << shift) - 1;
            if (e & align & ~0x1fffull)
                return VTOP_RESERVED_BIT;
            *size = 1ull << shift;
            *pa = (e & 0x000ffffffffff000ull & ~align) | (va & align);
            return VTOP_OK;
        }
        if (l == 0) {
            *size = 4096;
            *pa = (e & 0x000ffffffffff000ull) | (va & 0xfff);
            return VTOP_OK;
        }
        table = e & 0x000ffffffffff000ull;
    }
    return VTOP_BAD_SPACE;
}

/* A random entry: mostly present, pointing at one of the first 64 pages
 * (so walks go deep), sometimes PS, high garbage, or outside the image. */
static uint64_t random_entry(void)
{
    uint64_t r = rnd();
    uint64_t e = ((rnd() % 64) << 12) | (r & 0x1ff) | 1;
    if ((r >> 9) % 8 == 0)
        e &= ~1ull;
    if ((r >> 25) % 4)
        e &= ~0x80ull; /* PS in one entry of four */
    if ((r >> 12) % 16 == 0)
        e |= (rnd() & 0x3ull) << 13; /* alignment bits of a large page */
    if ((r >> 16) % 32 == 0)
        e |= 0x40000000ull; /* 1 GiB: outside the image */
    if ((r >> 21) % 32 == 0)
        e |= rnd() & 0x7ff0000000000000ull; /* ignored high bits */
    return e;
}

static void test_random_tables_match_reference(void **state)
{
    (void)state;
    int agree = 0;
    for (int seed = 1; seed <= 8; seed++) {
        rng_state = 0x9E3779B97F4A7C15ull * (uint64_t)seed;
        fx_reset();
        for (uint64_t pa = 0; pa < 64 * 4096; pa += 8)
            fx_put64(pa, random_entry());
        int levels = seed % 2 ? 4 : 5;
        vtop_space s = sp((fx_cfg){levels == 4 ? VTOP_MODE_4LEVEL : VTOP_MODE_5LEVEL,
                                   0x3000, 1, 0, 0, 0});
        for (int i = 0; i < 4000; i++) {
            uint64_t va = rnd();
            if (i % 2)
                va = (uint64_t)((int64_t)(va << 16) >> 16); /* canonical 48 */
            uint64_t pa = 0, size = 0;
            vtop_status want = ref_walk(levels, 0x3000, va, &pa, &size);
            vtop_translation t;
            vtop_status got = vtop_translate(&s, va, &t);
            assert_int_equal(got, want);
            uint64_t pa2 = 0, size2 = 0;
            assert_int_equal(vtop_translate_pa(&s, va, &pa2, &size2), want);
            if (want == VTOP_OK) {
                assert_int_equal(pa2, pa);
                assert_int_equal(size2, size);
            }
            if (want == VTOP_OK) {
                assert_int_equal(t.pa, pa);
                assert_int_equal(t.page_size, size);
                agree++;
            }
        }
    }
    print_message("# random: %d translations agreed on a mapped page\n", agree);
    assert_true(agree > 1000); /* the tables really were walked */
}

static uint32_t rd32(uint64_t pa)
{
    return (uint32_t)fx_mem[pa] | (uint32_t)fx_mem[pa + 1] << 8 |
           (uint32_t)fx_mem[pa + 2] << 16 | (uint32_t)fx_mem[pa + 3] << 24;
}

/* 32-bit paging with CR4.PSE, M >= 40 (SDM 4.3, tables 4-4..4-6). */
static vtop_status ref_walk_32(uint64_t cr3, uint64_t va, uint64_t *pa, uint64_t *size)
{
    uint64_t epa = (cr3 & 0xfffff000) + ((va >> 22) & 0x3ff) * 4;
    if (epa + 4 > FX_MEM_SIZE)
        return VTOP_TABLE_NOT_IN_IMAGE;
    uint32_t pde = rd32(epa);
    if (!(pde & 1))
        return VTOP_NOT_PRESENT;
    if (pde & 0x80) {
        if (pde & 0x200000)
            return VTOP_RESERVED_BIT;
        *size = 0x400000;
        *pa = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32) | (va & 0x3fffff);
        return VTOP_OK;
    }
    epa = (pde & 0xfffff000u) + ((va >> 12) & 0x3ff) * 4;
    if (epa + 4 > FX_MEM_SIZE)
        return VTOP_TABLE_NOT_IN_IMAGE;
    uint32_t pte = rd32(epa);
    if (!(pte & 1))
        return VTOP_NOT_PRESENT;
    *size = 0x1000;
    *pa = (pte & 0xfffff000u) | (va & 0xfff);
    return VTOP_OK;
}

/* PAE with NXE, M = 52 (SDM 4.4, tables 4-8..4-11; PDPTE bits 5..8
 * accepted as QEMU does). */
static vtop_status ref_walk_pae(uint64_t cr3, uint64_t va, uint64_t *pa, uint64_t *size)
{
    const uint64_t addr = 0x000ffffffffff000ull, high = 0x7ff0000000000000ull;
    uint64_t epa = (cr3 & 0xffffffe0) + ((va >> 30) & 3) * 8;
    if (epa + 8 > FX_MEM_SIZE)
        return VTOP_TABLE_NOT_IN_IMAGE;
    uint64_t e = rd64(epa);
    if (!(e & 1))
        return VTOP_NOT_PRESENT;
    if (e & (0x6 | high | PTE_NX))
        return VTOP_RESERVED_BIT;
    for (int shift = 21; shift >= 12; shift -= 9) {
        epa = (e & addr) + ((va >> shift) & 0x1ff) * 8;
        if (epa + 8 > FX_MEM_SIZE)
            return VTOP_TABLE_NOT_IN_IMAGE;
        e = rd64(epa);
        if (!(e & 1))
            return VTOP_NOT_PRESENT;
        if (e & high)
            return VTOP_RESERVED_BIT;
        if (shift == 21 && (e & 0x80)) {
            if (e & 0x1fe000)
                return VTOP_RESERVED_BIT;
            *size = 0x200000;
            *pa = (e & addr & ~0x1fffffull) | (va & 0x1fffff);
            return VTOP_OK;
        }
    }
    *size = 0x1000;
    *pa = (e & addr) | (va & 0xfff);
    return VTOP_OK;
}

static void test_random_32bit_and_pae_match_reference(void **state)
{
    (void)state;
    int agree[2] = {0, 0};
    for (int seed = 1; seed <= 8; seed++) {
        rng_state = 0xD1B54A32D192ED03ull * (uint64_t)seed;
        fx_reset();
        int pae = seed % 2;
        for (uint64_t pa = 0; pa < 64 * 4096; pa += 8) {
            uint64_t e = random_entry();
            if (pae && (rnd() % 4 == 0))
                e |= PTE_NX;
            if (pae)
                fx_put64(pa, e & ~(rnd() % 8 ? 0x6ull : 0)); /* some PDPTE-legal */
            else
                fx_put64(pa, e | (rnd() & 0x1fe000ull) << (rnd() % 2 ? 0 : 32));
        }
        vtop_space s = sp((fx_cfg){pae ? VTOP_MODE_PAE : VTOP_MODE_32BIT_PSE,
                                   0x3000, 1, 0, 0, 0});
        for (int i = 0; i < 4000; i++) {
            uint64_t va = rnd() & 0xffffffffull, pa = 0, size = 0;
            vtop_status want = pae ? ref_walk_pae(0x3000, va, &pa, &size)
                                   : ref_walk_32(0x3000, va, &pa, &size);
            vtop_translation t;
            assert_int_equal(vtop_translate(&s, va, &t), want);
            uint64_t pa2 = 0, size2 = 0;
            assert_int_equal(vtop_translate_pa(&s, va, &pa2, &size2), want);
            if (want == VTOP_OK) {
                assert_int_equal(pa2, pa);
                assert_int_equal(size2, size);
                assert_int_equal(t.pa, pa);
                assert_int_equal(t.page_size, size);
                agree[pae]++;
            }
        }
    }
    print_message("# random: %d 32-bit and %d PAE translations agreed on a mapped page\n",
                  agree[0], agree[1]);
    assert_true(agree[0] > 500 && agree[1] > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_tables_match_reference),
        cmocka_unit_test(test_random_32bit_and_pae_match_reference),
    };
    return cmocka_run_group_tests_name("walk_random", tests, NULL, NULL);
}
