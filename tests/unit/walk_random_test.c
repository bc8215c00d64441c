/* Tests for core/walk.c, second tier (STYLE.md rule 11): seeded random
 * page tables in every mode, under random MAXPHYADDR (32..52), NXE, extra
 * physical-address masks and Windows software PTEs, each translation
 * checked against the independent reference walker of ref_walk.h (written
 * from the SDM apart from core/); vtop_translate and vtop_translate_pa must
 * agree with it on the status, and on a mapped page the address, the page
 * size and the rights. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/paging.h"
#include "core/status.h"
#include "test_rng.h"
#include "pt_fixture.h"
#include "ref_walk.h"

static vtop_space sp(fx_cfg c)
{
    vtop_space s;
    assert_int_equal(fx_space(&s, c), VTOP_OK);
    return s;
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

/* fx_mem read for the reference walker. */
static bool fx_read(void *ctx, uint64_t pa, unsigned size, uint64_t *v)
{
    (void)ctx;
    if (pa > FX_MEM_SIZE - size)
        return false;
    uint64_t x = 0;
    for (unsigned i = size; i-- > 0;)
        x = x << 8 | fx_mem[pa + i];
    *v = x;
    return true;
}

/* One random configuration of what vtop_space_init derives from: the mode,
 * MAXPHYADDR 32..52, NXE, an extra physical-address mask (an SEV C-bit /
 * TDX shared bit between bit 32 and M-1) and Windows software PTEs. */
typedef struct tier {
    vtop_mode mode;
    ref_kind kind;
    unsigned m;
    bool nxe, windows;
    uint64_t extra;
} tier;

static tier random_tier(unsigned seed)
{
    static const vtop_mode modes[] = {VTOP_MODE_32BIT, VTOP_MODE_32BIT_PSE, VTOP_MODE_PAE,
                                      VTOP_MODE_4LEVEL, VTOP_MODE_5LEVEL};
    static const ref_kind kinds[] = {REF_32, REF_32_PSE, REF_PAE, REF_4LEVEL, REF_5LEVEL};
    tier t;
    t.mode = modes[seed % 5];
    t.kind = kinds[seed % 5];
    t.m = 32 + (unsigned)(rnd() % 21);
    t.nxe = rnd() % 2;
    t.windows = rnd() % 3 == 0;
    t.extra = 0;
    if (t.m > 33 && rnd() % 2)
        t.extra = 1ull << (32 + rnd() % (t.m - 32));
    return t;
}

/* A random entry for tier t: random_entry plus NX, the extra bit and
 * Windows software-PTE shapes (transition, prototype, page file). */
static uint64_t tier_entry(const tier *t)
{
    uint64_t e = random_entry(), r = rnd();
    if (r % 4 == 0)
        e |= PTE_NX;
    if (t->extra && (r >> 2) % 4 == 0)
        e |= t->extra;
    if (t->windows && (r >> 4) % 4 == 0) {
        e &= ~1ull;
        e |= (r >> 6) % 3 == 0 ? PTE_WIN_PROTOTYPE : PTE_WIN_TRANSITION;
        if ((r >> 8) % 4 == 0)
            e |= (rnd() & 0xffffull) << 32; /* page-file offset */
    }
    if (t->kind == REF_PAE && (r >> 10) % 8)
        e &= ~0x6ull; /* mostly PDPTE-legal */
    if (t->kind == REF_32 || t->kind == REF_32_PSE)
        e |= (rnd() & 0x1fe000ull) << ((r >> 13) % 2 ? 0 : 32);
    return e;
}

static uint64_t tier_va(const tier *t, uint64_t i)
{
    uint64_t va = rnd();
    if (t->kind == REF_32 || t->kind == REF_32_PSE || t->kind == REF_PAE)
        return i % 8 ? va & 0xffffffffull : va;
    unsigned vbits = t->kind == REF_5LEVEL ? 57 : 48;
    return i % 8 ? (uint64_t)((int64_t)(va << (64 - vbits)) >> (64 - vbits)) : va;
}

/* What the tiers covered: every status and derived input must occur. */
static unsigned seen_status[VTOP_STATUS_COUNT], tiers_extra, tiers_windows,
    tiers_nxe, tiers_m_low;

/* Every translation of one tier agrees with the reference walker on the
 * status, and on a mapped page the address, size and rights. Returns the
 * number of mapped pages. */
static unsigned check_tier(unsigned seed)
{
    rng_state = 0x9E3779B97F4A7C15ull * seed;
    tier t = random_tier(seed);
    fx_reset();
    for (uint64_t pa = 0; pa < 64 * 4096; pa += 8)
        fx_put64(pa, tier_entry(&t));
    vtop_space s = sp((fx_cfg){t.mode, 0x3000, t.nxe, t.m, t.extra, t.windows});
    ref_cfg rc = {t.kind, 0x3000, t.m, t.nxe, t.extra, t.windows, fx_read, NULL};
    unsigned agree = 0;
    tiers_extra += t.extra != 0;
    tiers_windows += t.windows;
    tiers_nxe += t.nxe;
    tiers_m_low += t.m < 36;
    for (uint64_t i = 0; i < 3000; i++) {
        uint64_t va = tier_va(&t, i);
        ref_result want = ref_walk(&rc, va);
        if ((unsigned)want.st < VTOP_STATUS_COUNT)
            seen_status[want.st]++;
        vtop_translation tr;
        assert_int_equal(vtop_translate(&s, va, &tr), want.st);
        uint64_t pa = 0, size = 0;
        assert_int_equal(vtop_translate_pa(&s, va, &pa, &size), want.st);
        if (want.st != VTOP_OK)
            continue;
        assert_int_equal(tr.pa, want.pa);
        assert_int_equal(pa, want.pa);
        assert_int_equal(tr.page_size, want.size);
        assert_int_equal(size, want.size);
        assert_int_equal(!!(tr.rights & VTOP_RIGHT_WRITE), want.w);
        assert_int_equal(!!(tr.rights & VTOP_RIGHT_USER), want.u);
        assert_int_equal(!!(tr.rights & VTOP_RIGHT_EXEC), want.x);
        agree++;
    }
    return agree;
}

static void test_random_tiers_match_reference(void **state)
{
    (void)state;
    unsigned agree[5] = {0, 0, 0, 0, 0}, tiers = 0;
    for (unsigned seed = 1; seed <= 60; seed++, tiers++)
        agree[seed % 5] += check_tier(seed);
    print_message("# random: %u tiers; mapped pages agreed: 32-bit %u, PSE %u, "
                  "PAE %u, 4-level %u, 5-level %u\n", tiers, agree[0], agree[1],
                  agree[2], agree[3], agree[4]);
    assert_int_equal(tiers, 60);
    for (unsigned k = 0; k < 5; k++)
        assert_true(agree[k] > 200); /* the tables really were walked */
    assert_true(tiers_extra > 5 && tiers_windows > 5 && tiers_nxe > 5 &&
                tiers_nxe < 55 && tiers_m_low > 0);
    static const vtop_status must[] = {VTOP_OK, VTOP_NOT_PRESENT, VTOP_RESERVED_BIT,
                                       VTOP_NON_CANONICAL, VTOP_ADDRESS_WIDTH,
                                       VTOP_TABLE_NOT_IN_IMAGE, VTOP_SOFTWARE_PTE};
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++)
        assert_true(seen_status[must[k]] > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_tiers_match_reference),
    };
    return cmocka_run_group_tests_name("walk_random", tests, NULL, NULL);
}
