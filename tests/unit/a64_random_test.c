/* Tests for the AArch64 walk, second tier (STYLE.md rule 11): seeded random
 * translation tables in every granule and input size, under random output
 * sizes, LPA2, TBI, HPD, HA, EPD and regimes, each translation checked
 * against the independent reference walker of ref_walk_a64.h (written from
 * the Arm ARM apart from core/). vtop_translate's whole record,
 * vtop_translate_pa and vtop_translate_batch must agree with it; every leaf
 * vtop_enumerate reports must translate to its frame at its first and last
 * byte, and every address the reference maps must lie in a reported leaf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/batch.h"
#include "core/enum.h"
#include "core/paging.h"
#include "core/status.h"
#include "test_rng.h"
#include "a64_fixture.h"
#include "ref_walk_a64.h"


static bool fx_read64(void *ctx, uint64_t pa, uint64_t *v)
{
    (void)ctx;
    if (pa > FX_MEM_SIZE - 8)
        return false;
    uint64_t x = 0;
    for (unsigned i = 8; i-- > 0;)
        x = x << 8 | fx_mem[pa + i];
    *v = x;
    return true;
}

/* One random configuration. */
typedef struct tier {
    unsigned gbits;          /* 12, 14, 16 */
    uint64_t tcr, ttbr0, ttbr1;
    vtop_a64_regime regime;
    unsigned maxpa;
    bool ds;
    unsigned tables;         /* granules of tables at the start of memory */
} tier;

static uint64_t tg0_of(unsigned g)
{
    return g == 12 ? TG0_4K : g == 14 ? TG0_16K : TG0_64K;
}

static uint64_t tg1_of(unsigned g)
{
    return g == 12 ? TG1_4K : g == 14 ? TG1_16K : TG1_64K;
}

/* TnSZ for granule g: mostly the common sizes, else anything valid. */
static unsigned random_tsz(unsigned g, bool ds)
{
    static const unsigned common[] = {16, 25, 22, 17, 12};
    unsigned t = common[rnd() % 5];
    if (rnd() % 2)
        t = 12 + (unsigned)(rnd() % 37);
    if (t < 16 && g != 16 && !ds)
        t = 16;
    if (g == 16 && t > 47)
        t = 47;
    return t;
}

static tier random_tier(unsigned seed)
{
    tier t = {0};
    t.gbits = 12 + 2 * (seed % 3);
    t.ds = t.gbits != 16 && rnd() % 4 == 0;
    t.maxpa = rnd() % 3 ? 52 : 36 + (unsigned)(rnd() % 17);
    uint64_t ips = rnd() % 3 ? (t.gbits == 16 || t.ds ? 6 : 5) : rnd() % 7;
    t.regime = (vtop_a64_regime)(rnd() % 5 == 0 ? VTOP_A64_EL2 : rnd() % 4 == 0 ? VTOP_A64_EL2_E2H
                                                                            : VTOP_A64_EL1);
    uint64_t r = rnd();
    if (t.regime == VTOP_A64_EL2) {
        t.tcr = T0SZ(random_tsz(t.gbits, t.ds)) | tg0_of(t.gbits) | EL2_PS(ips) |
                (r & 1 ? EL2_TBI : 0) | (r & 2 ? EL2_HA : 0) | (r & 4 ? EL2_HPD : 0) |
                (t.ds ? EL2_DS : 0) | SH0(r >> 3 & 3);
    } else {
        t.tcr = T0SZ(random_tsz(t.gbits, t.ds)) | T1SZ(random_tsz(t.gbits, t.ds)) |
                tg0_of(t.gbits) | tg1_of(t.gbits) | IPS(ips) | SH0(r >> 3 & 3) |
                SH1(r >> 5 & 3) | (r >> 7 & 1 ? TBI0 : 0) | (r >> 8 & 1 ? TBI1 : 0) |
                (r >> 9 & 1 ? HA : 0) | (r >> 10 & 3 ? 0 : HPD0) |
                (r >> 12 & 3 ? 0 : HPD1) | (t.ds ? DS : 0) |
                (r >> 14 & 15 ? 0 : EPD0) | (r >> 18 & 15 ? 0 : EPD1);
    }
    uint64_t gran = 1ull << t.gbits;
    t.tables = t.gbits == 16 ? 24 : 48;
    t.ttbr0 = (rnd() % 4) * gran;
    t.ttbr1 = (rnd() % 4) * gran;
    return t;
}

/* A random descriptor: mostly a valid table/page pointing at one of the
 * first granules, sometimes a block, invalid, AF clear, wide or outside. */
static uint64_t random_desc(const tier *t)
{
    uint64_t r = rnd(), a = rnd();
    uint64_t e = ((rnd() % t->tables) << t->gbits) | (a & 0xffcull) | 3;
    e |= a & 0xfff8000000000000ull; /* DBM..NS, PXN/UXN, table bits, ignored */
    if (r % 6 == 0)
        e &= ~2ull; /* a block */
    if ((r >> 3) % 10 == 0)
        e &= ~1ull; /* invalid */
    if ((r >> 7) % 3)
        e |= VTOP_A64_AF;
    if ((r >> 9) % 24 == 0)
        e |= 1ull << (30 + (r >> 14) % 18); /* outside the image, maybe wide */
    if ((r >> 20) % 16 == 0)
        e |= rnd() & 0x3000000000000ull; /* bits 49:48 */
    if ((r >> 24) % 24 == 0 && t->gbits == 16)
        e |= rnd() & 0xf000ull; /* OA[51:48] */
    if ((r >> 28) % 2 && t->gbits != 16 && !t->ds)
        e &= ~0xf000ull; /* mostly page-aligned 4K/16K tables */
    if ((r >> 29) % 4 && t->gbits == 14)
        e &= ~0x3000ull;
    if ((r >> 31) % 2)
        e &= ~(3ull << 48);
    return e;
}

/* A VA: mostly inside one half's range with a random top byte or none. */
static uint64_t random_va(const tier *t, unsigned i)
{
    uint64_t va = rnd();
    unsigned half = (unsigned)(va >> 55) & 1;
    unsigned tsz = half ? (unsigned)((t->tcr >> 16) & 63) : (unsigned)(t->tcr & 63);
    unsigned ia = 64 - tsz;
    if (i % 8) {
        va &= (1ull << ia) - 1;
        if (half)
            va |= ~((1ull << ia) - 1);
        if (i % 3 == 0)
            va ^= (rnd() & 0xffull) << 56;
        if (i % 5 == 0) /* concentrate on the first tables */
            va &= half ? ~((1ull << (ia - 2)) - (1ull << 30)) | 0xfffffff : 0x3fffffffull;
    }
    return va;
}

static unsigned seen[VTOP_STATUS_COUNT], seen_gran[17], seen_levels[6], enums_complete;

static void check_record(const vtop_space *s, const ref_a64_out *o,
                         const vtop_translation *t, uint64_t va)
{
    if (t->status != o->status)
        fail_msg("va %llx: status %s, reference %s", (unsigned long long)va,
                 vtop_status_name(t->status), vtop_status_name(o->status));
    assert_int_equal(t->fault_level, o->fault_level);
    assert_int_equal(t->reserved_bits, o->reserved_bits);
    assert_int_equal(t->nlevels, o->n);
    for (unsigned i = 0; i < o->n; i++) {
        assert_int_equal(t->levels[i].entry_pa, o->entry_pa[i]);
        assert_int_equal(t->levels[i].entry, o->entry[i]);
        assert_int_equal(t->levels[i].level, i);
    }
    if (o->status == VTOP_TABLE_NOT_IN_IMAGE)
        assert_int_equal(t->levels[o->n].entry_pa, o->entry_pa[o->n]);
    if (o->status != VTOP_OK)
        return;
    assert_int_equal(t->pa, o->pa);
    assert_int_equal(t->page_size, o->size);
    assert_int_equal(t->rights, o->rights);
    assert_int_equal(t->leaf_flags, o->flags);
    const vtop_mode_desc *d = vtop_space_desc_of(s, va);
    assert_non_null(d);
    seen_levels[d->levels]++;
}

typedef struct leaves {
    vtop_leaf *v;
    size_t n, cap;
} leaves;

static int keep_leaf(void *ctx, const vtop_leaf *l)
{
    leaves *ls = ctx;
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? 2 * ls->cap : 1024;
        ls->v = realloc(ls->v, ls->cap * sizeof *ls->v);
        assert_non_null(ls->v);
    }
    ls->v[ls->n++] = *l;
    return ls->n >= 32768; /* enough: stop (the walk is then incomplete) */
}

/* Enumerated leaves translate to their frames at both ends; returns them. */
static leaves check_enum(const vtop_space *s, const ref_a64 *ref)
{
    leaves ls = {0};
    vtop_enum_stats st;
    vtop_enum_options opt = {.stats = &st, .max_tables = 128};
    vtop_status e = vtop_enumerate(s, 0, ~0ull, &opt, keep_leaf, &ls);
    assert_true(e == VTOP_OK || e == VTOP_LIMIT_REACHED);
    size_t stride = ls.n / 1024 + 1; /* at most ~1024 leaves checked */
    for (size_t i = 0; i < ls.n; i++) {
        const vtop_leaf *l = &ls.v[i];
        if (i)
            assert_true(l->va > ls.v[i - 1].va);
        if (i % stride)
            continue;
        ref_a64_out a = ref_a64_walk(ref, l->va);
        ref_a64_out b = ref_a64_walk(ref, l->va + (l->size - 1));
        assert_int_equal(a.status, VTOP_OK);
        assert_int_equal(b.status, VTOP_OK);
        assert_int_equal(a.pa, l->pa);
        assert_int_equal(b.pa, l->pa + (l->size - 1));
        assert_int_equal(a.size, l->size);
        assert_int_equal(a.rights, l->rights);
        assert_int_equal(a.flags, l->leaf_flags);
    }
    if (e == VTOP_LIMIT_REACHED || st.stopped)
        ls.n = 0; /* coverage is only checked on complete walks */
    else if (ls.n)
        enums_complete++;
    return ls;
}

static bool covered(const leaves *ls, uint64_t va)
{
    size_t lo = 0, hi = ls->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ls->v[mid].va + (ls->v[mid].size - 1) < va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ls->n && ls->v[lo].va <= va;
}

/* One tier: tables, queries; returns the translations that succeeded. */
static unsigned check_tier(unsigned seed, unsigned queries)
{
    rng_state = 0x9E3779B97F4A7C15ull * (seed + 1);
    tier t = random_tier(seed);
    memset(fx_mem, 0, (size_t)t.tables << 16); /* every tier's tables */
    for (uint64_t pa = 0; pa < ((uint64_t)t.tables << t.gbits); pa += 8)
        fx_put64(pa, rnd() % 3 ? 0 : random_desc(&t));
    vtop_space s;
    vtop_status st = a64_space(&s, (a64_cfg){t.tcr, t.ttbr0, t.ttbr1, t.regime, t.maxpa, 0});
    if (st != VTOP_OK) {
        /* only a half whose TnSZ the granule cannot walk (64K, 16 bits) */
        return 0;
    }
    seen_gran[t.gbits]++;
    ref_a64 ref = {t.tcr, t.ttbr0, t.ttbr1, (int)t.regime, t.maxpa, fx_read64, NULL};
    leaves ls = check_enum(&s, &ref);
    unsigned ok = 0;
    uint64_t va[8];
    vtop_translation one[8], batch[8];
    for (unsigned i = 0; i < queries; i++) {
        va[i % 8] = random_va(&t, i);
        ref_a64_out o = ref_a64_walk(&ref, va[i % 8]);
        vtop_translate(&s, va[i % 8], &one[i % 8]);
        check_record(&s, &o, &one[i % 8], va[i % 8]);
        uint64_t pa = 0, size = 0;
        assert_int_equal(vtop_translate_pa(&s, va[i % 8], &pa, &size), o.status);
        if (o.status == VTOP_OK) {
            assert_int_equal(pa, o.pa);
            assert_int_equal(size, o.size);
            /* leaves carry the untagged VA (TBI: top byte as bit 55) */
            uint64_t plain = (va[i % 8] & ~(0xffull << 56)) |
                             ((va[i % 8] >> 55 & 1) ? 0xffull << 56 : 0);
            if (ls.n && !covered(&ls, plain))
                fail_msg("va %llx maps but no leaf covers it",
                         (unsigned long long)va[i % 8]);
            ok++;
        }
        seen[o.status]++;
        if (i % 8 == 7) {
            vtop_translate_batch(&s, va, 8, batch);
            for (unsigned k = 0; k < 8; k++) {
                assert_int_equal(batch[k].status, one[k].status);
                assert_int_equal(batch[k].pa, one[k].pa);
            }
        }
    }
    free(ls.v);
    return ok;
}

static void test_random_tiers(void **state)
{
    (void)state;
    unsigned ok = 0, n = 0;
    fx_reset();
    for (unsigned seed = 0; seed < 240; seed++) {
        ok += check_tier(seed, 512);
        n += 512;
    }
    /* 122880 queries; every outcome and geometry must have occurred, so
     * the tier cannot pass by testing nothing. */
    assert_true(n >= 100000);
    assert_true(ok > n / 50);
    static const vtop_status must[] = {VTOP_OK, VTOP_TRANSLATION_FAULT,
                                       VTOP_ADDRESS_SIZE_FAULT, VTOP_ACCESS_FLAG_FAULT,
                                       VTOP_NON_CANONICAL, VTOP_TABLE_NOT_IN_IMAGE};
    for (unsigned i = 0; i < sizeof must / sizeof must[0]; i++)
        if (seen[must[i]] == 0)
            fail_msg("no query ended with %s", vtop_status_name(must[i]));
    assert_true(seen_gran[12] && seen_gran[14] && seen_gran[16]);
    if (enums_complete < 16)
        fail_msg("only %u tiers enumerated completely", enums_complete);
    for (unsigned l = 1; l <= 4; l++)
        if (seen_levels[l] == 0)
            fail_msg("no successful walk of %u levels", l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_tiers),
    };
    return cmocka_run_group_tests_name("a64_random", tests, NULL, NULL);
}
