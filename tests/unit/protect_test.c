/* Unit tests for core/protect.c, protect_ranges.c, protect_lists.c: named
 * scenarios with hand-counted expectations, and seeded random tables whose
 * per-type counts are recomputed page by page with vtop_translate (an
 * independent path: the walker, not the enumerator). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/protect.h"
#include "pt_fixture.h"

#define P   0x001ull
#define RW  0x002ull
#define PS  0x080ull
#define NX  (1ull << 63)
#define PT0 0x4000ull   /* maps [0, 2M) */
#define PT1 0x5000ull   /* maps [2M, 4M) when used */
#define KB4 0x1000ull
#define MB2 0x200000ull

/* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT0 (4K pages of [0, 2M)). */
static void base_tables(void)
{
    fx_reset();
    fx_put64(0x1000, 0x2000 | P | RW);
    fx_put64(0x2000, 0x3000 | P | RW);
    fx_put64(0x3000, PT0 | P | RW);
}

static void map4k(uint64_t va, uint64_t flags)
{
    uint64_t pt = va < MB2 ? PT0 : PT1;
    fx_put64(pt + ((va >> 12) & 511) * 8, (va & ~0xfffull) | flags);
}

static void space4(vtop_space *s)
{
    assert_int_equal(fx_space(s, (fx_cfg){ .mode = VTOP_MODE_4LEVEL, .cr3 = 0x1000,
                                           .nxe = 1, .maxphyaddr = 36 }), VTOP_OK);
}

/* A memory map of [0, 4M) (sorted), GCD SystemMemory [0, 4M) then
 * NonExistent to 4 GiB, one image with a code and two data sections. */
static vtop_prot_mem g_map[] = {
    { 0x00000, 0x10, 0, VTOP_EFI_BS_DATA },      /* tables */
    { 0x10000, 0x10, 0, VTOP_EFI_BS_CODE },      /* the image */
    { 0x20000, 0x20, 0, VTOP_EFI_BS_DATA },      /* the stack, 0x1f000 below */
    { 0x40000, 0x10, 0, VTOP_EFI_CONVENTIONAL },
    { 0x50000, 0x20, 0, VTOP_EFI_BS_DATA },      /* a heap guard at 0x60000 */
    { 0x70000, 0x04, 0, VTOP_EFI_RT_CODE },
    { 0x74000, 0x04, 0, VTOP_EFI_RT_DATA },
    { MB2, 0x200, 0, VTOP_EFI_MMIO },
};
static vtop_prot_gcd g_gcd[] = {
    { 0, 0x200000, 0, VTOP_GCD_SYSTEM_MEMORY, true },
    { 0x200000, 0x200000, 0, VTOP_GCD_MMIO, true },
    { 0x400000, 0x100000000ull - 0x400000, 0, VTOP_GCD_NONEXISTENT, false },
};
static vtop_prot_image g_img[] = {
    { 0x10000, 0x4000, 0x1000, 0, 3, "Driver" },
};
static vtop_prot_section g_sec[] = {
    { 0x10000, 0x2000, VTOP_SCN_CNT_CODE | VTOP_SCN_MEM_EXECUTE, 0, ".text" },
    { 0x12000, 0x0800, VTOP_SCN_MEM_WRITE, 0, ".data" },
    { 0x13000, 0x1000, VTOP_SCN_MEM_WRITE, 0, ".bss" },
};

static vtop_prot_sources sources(void)
{
    return (vtop_prot_sources){
        .memmap = g_map, .nmemmap = sizeof g_map / sizeof g_map[0],
        .gcd = g_gcd, .ngcd = 3, .images = g_img, .nimages = 1,
        .sections = g_sec, .nsections = 3, .has_stack = true,
        .stack_base = 0x20000, .stack_size = 0x10000, .rsp = 0x2f000,
    };
}

/* The scenario: every rule met except where a test breaks one. */
static void good_tables(void)
{
    base_tables();
    for (uint64_t va = 0x1000; va < 0x10000; va += KB4)
        map4k(va, P | RW | NX);
    map4k(0x10000, P);                 /* .text RX */
    map4k(0x11000, P);
    map4k(0x12000, P | RW | NX);       /* .data */
    map4k(0x13000, P | RW | NX);       /* .bss */
    for (uint64_t va = 0x20000; va < 0x30000; va += KB4)
        map4k(va, P | RW | NX);        /* stack; 0x1f000 stays absent */
    for (uint64_t va = 0x50000; va < 0x70000; va += KB4)
        if (va != 0x60000)
            map4k(va, P | RW | NX);
    map4k(0x70000, P);                 /* RT code RX */
    for (uint64_t va = 0x71000; va < 0x78000; va += KB4)
        map4k(va, P | RW | NX);
    fx_put64(0x3008, MB2 | P | RW | PS | NX);   /* MMIO 2M page NX */
}

static vtop_prot_report g_rep;

static void test_good_platform_passes(void **state)
{
    (void)state;
    good_tables();
    vtop_space s;
    space4(&s);
    vtop_prot_sources src = sources();
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    vtop_check_id pass[] = { VTOP_CHECK_NO_WX, VTOP_CHECK_IMAGE_SECTIONS,
                             VTOP_CHECK_MMIO_NX, VTOP_CHECK_UNALLOCATED_RP,
                             VTOP_CHECK_OUTSIDE_RP, VTOP_CHECK_STACK_NX,
                             VTOP_CHECK_STACK_GUARD, VTOP_CHECK_NULL_PAGE,
                             VTOP_CHECK_NX_POLICY };
    for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++) {
        const vtop_check_result *c = &g_rep.check[pass[i]];
        if (c->status != VTOP_CHECK_PASS)
            fail_msg("%s: %s count %llu", vtop_check_name(pass[i]),
                     vtop_check_status_name(c->status), (unsigned long long)c->count);
    }
    /* Hand counts: 15 table pages + 2 + 2 + 16 + 31 + 8 in [0, 2M), the
     * 2M page's 512. */
    assert_int_equal(g_rep.check[VTOP_CHECK_NO_WX].checked, 15 + 4 + 16 + 31 + 8 + 512);
    assert_int_equal(g_rep.check[VTOP_CHECK_IMAGE_SECTIONS].checked, 4);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_NX].checked, 16);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_GUARD].note, VTOP_NOTE_GUARD_BELOW);
    assert_int_equal(g_rep.check[VTOP_CHECK_MMIO_NX].checked, 512);
    assert_int_equal(g_rep.check[VTOP_CHECK_UNALLOCATED_RP].checked, 16);
    assert_int_equal(g_rep.check[VTOP_CHECK_OUTSIDE_RP].checked,
                     ((1ull << 36) - 0x400000) / KB4);
    assert_int_equal(g_rep.guard_pages, 1);
    assert_int_equal(g_rep.first_guard[0].va, 0x60000);
    assert_int_equal(g_rep.first_guard[0].memtype, VTOP_EFI_BS_DATA);
    /* Not in the sources: protocol FAIL (absent), MAT N/A. */
    assert_int_equal(g_rep.check[VTOP_CHECK_ATTR_PROTOCOL].status, VTOP_CHECK_FAIL);
    assert_int_equal(g_rep.check[VTOP_CHECK_ATTR_PROTOCOL].note, VTOP_NOTE_NO_PROTOCOL);
    assert_int_equal(g_rep.check[VTOP_CHECK_MAT].status, VTOP_CHECK_NA);
    /* Per type: BootServicesCode 16 pages, 4 present, 2 RO, 2 NX. */
    const vtop_type_share *bc = &g_rep.types[VTOP_EFI_BS_CODE];
    assert_int_equal(bc->pages, 16);
    assert_int_equal(bc->present, 4);
    assert_int_equal(bc->ro, 2);
    assert_int_equal(bc->nx, 2);
    assert_true(g_rep.nx_policy & (1u << VTOP_EFI_BS_DATA));
    assert_false(g_rep.nx_policy & (1u << VTOP_EFI_BS_CODE));
}

static void test_each_rule_broken(void **state)
{
    (void)state;
    good_tables();
    map4k(0x0000, P | RW);             /* null page mapped, W+X */
    map4k(0x13000, P | RW);            /* .bss executable */
    map4k(0x11000, P | RW);            /* .text writable */
    map4k(0x1f000, P | RW | NX);       /* guard page present */
    map4k(0x24000, P | RW);            /* stack page executable */
    map4k(0x48000, P | RW | NX);       /* ConventionalMemory present */
    fx_put64(0x3008, MB2 | P | RW | PS);   /* MMIO executable */
    fx_put64(0x2018, 0xc0000000ull | P | PS | NX); /* 1G at 3G: NonExistent */
    vtop_space s;
    space4(&s);
    vtop_prot_sources src = sources();
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    const vtop_check_result *c = g_rep.check;
    assert_int_equal(c[VTOP_CHECK_NULL_PAGE].status, VTOP_CHECK_FAIL);
    assert_int_equal(c[VTOP_CHECK_NULL_PAGE].first[0].memtype, VTOP_EFI_BS_DATA);
    /* W+X: page 0, .text page 2, .bss, the stack page, the 2M MMIO page. */
    assert_int_equal(c[VTOP_CHECK_NO_WX].count, 1 + 1 + 1 + 1 + 512);
    assert_int_equal(c[VTOP_CHECK_IMAGE_SECTIONS].count, 2);
    assert_int_equal(c[VTOP_CHECK_IMAGE_SECTIONS].nfirst, 2);
    assert_int_equal(c[VTOP_CHECK_IMAGE_SECTIONS].first[0].va, 0x11000);
    assert_int_equal(c[VTOP_CHECK_IMAGE_SECTIONS].first[0].section, 0);
    assert_int_equal(c[VTOP_CHECK_IMAGE_SECTIONS].first[1].section, 2);
    assert_int_equal(c[VTOP_CHECK_STACK_NX].count, 1);
    assert_int_equal(c[VTOP_CHECK_STACK_NX].first[0].va, 0x24000);
    assert_int_equal(c[VTOP_CHECK_STACK_GUARD].status, VTOP_CHECK_FAIL);
    assert_int_equal(c[VTOP_CHECK_STACK_GUARD].first[0].va, 0x1f000);
    assert_int_equal(c[VTOP_CHECK_UNALLOCATED_RP].count, 1);
    assert_int_equal(c[VTOP_CHECK_MMIO_NX].count, 512);
    assert_int_equal(c[VTOP_CHECK_MMIO_NX].first[0].gcdtype, VTOP_GCD_MMIO);
    assert_int_equal(c[VTOP_CHECK_OUTSIDE_RP].count, 262144);
    assert_int_equal(c[VTOP_CHECK_OUTSIDE_RP].first[0].va, 0xc0000000ull);
    assert_int_equal(c[VTOP_CHECK_OUTSIDE_RP].first[0].size, 1ull << 30);
    assert_int_equal(c[VTOP_CHECK_NX_POLICY].status, VTOP_CHECK_FAIL);
    assert_int_equal(g_rep.types[VTOP_EFI_MMIO].wx, 512);
}

static void test_stack_guard_first_page(void **state)
{
    (void)state;
    good_tables();
    map4k(0x1f000, P | RW | NX);
    map4k(0x20000, 0);                 /* the allocation's first page absent */
    vtop_space s;
    space4(&s);
    vtop_prot_sources src = sources();
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_GUARD].status, VTOP_CHECK_PASS);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_GUARD].note, VTOP_NOTE_GUARD_FIRST);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_NX].checked, 15);
    src.has_stack = false;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_NX].status, VTOP_CHECK_NA);
    assert_int_equal(g_rep.check[VTOP_CHECK_STACK_GUARD].note, VTOP_NOTE_NO_STACK);
}

static void test_image_alignment(void **state)
{
    (void)state;
    good_tables();
    vtop_space s;
    space4(&s);
    vtop_prot_image img = g_img[0];
    img.section_alignment = 0x40;
    vtop_prot_sources src = sources();
    src.images = &img;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    const vtop_check_result *c = &g_rep.check[VTOP_CHECK_IMAGE_SECTIONS];
    assert_int_equal(c->status, VTOP_CHECK_FAIL);
    assert_int_equal(c->count, 4);
    assert_int_equal(c->first[0].why, VTOP_WHY_ALIGNMENT);
    src.nimages = 0;
    src.nsections = 0;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    assert_int_equal(g_rep.check[VTOP_CHECK_IMAGE_SECTIONS].status, VTOP_CHECK_NA);
}

static void test_mat(void **state)
{
    (void)state;
    good_tables();
    map4k(0x75000, P | RW);            /* RT data executable */
    vtop_space s;
    space4(&s);
    const uint64_t R = VTOP_EFI_MEMORY_RUNTIME;
    vtop_prot_mem mat[] = {
        { 0x70000, 1, R | VTOP_EFI_MEMORY_RO, VTOP_EFI_RT_CODE },   /* good */
        { 0x71000, 3, R | VTOP_EFI_MEMORY_XP, VTOP_EFI_RT_CODE },   /* good */
        { 0x74000, 4, R | VTOP_EFI_MEMORY_XP, VTOP_EFI_RT_DATA },   /* rights */
        { 0x73000, 1, VTOP_EFI_MEMORY_XP, VTOP_EFI_BS_DATA },       /* 4 reasons */
        { 0x76800, 0, R | VTOP_EFI_MEMORY_XP, VTOP_EFI_RT_DATA },   /* align, empty */
        { 0x77000, 1, R, VTOP_EFI_RT_DATA },                        /* attr */
    };
    vtop_prot_sources src = sources();
    src.mat = mat;
    src.nmat = 6;
    src.has_mat = true;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    const vtop_check_result *c = &g_rep.check[VTOP_CHECK_MAT];
    assert_int_equal(c->status, VTOP_CHECK_FAIL);
    assert_int_equal(c->checked, 6);
    assert_int_equal(c->count, 4);
    assert_int_equal(c->first[0].entry, 2);
    assert_int_equal(c->first[0].why, VTOP_WHY_RIGHTS);
    assert_int_equal(c->first[1].why, VTOP_WHY_MAT_TYPE | VTOP_WHY_MAT_RUNTIME |
                     VTOP_WHY_MAT_ORDER | VTOP_WHY_MAT_MEMMAP);
    assert_int_equal(c->first[2].why, VTOP_WHY_MAT_ALIGN);
    assert_int_equal(c->first[3].why, VTOP_WHY_MAT_ATTR);
    mat[0].attr = R | VTOP_EFI_MEMORY_XP;  /* RT code over .text must be RO */
    src.nmat = 2;
    g_sec[0].start = 0x70000;              /* pretend a code section there */
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    g_sec[0].start = 0x10000;
    assert_int_equal(c->count, 2);
    assert_int_equal(c->first[0].why, VTOP_WHY_MAT_ATTR | VTOP_WHY_RIGHTS);
    assert_int_equal(c->first[1].why, VTOP_WHY_MAT_ATTR);
}

static void test_attr_protocol(void **state)
{
    (void)state;
    good_tables();
    vtop_space s;
    space4(&s);
    vtop_prot_attr_answer ans[] = {
        { 0x10000, 0x2000, VTOP_EFI_MEMORY_RO, true },   /* .text: right */
        { 0x12000, 0x2000, VTOP_EFI_MEMORY_XP, true },   /* .data and .bss: right */
        { 0x40000, 0x1000, VTOP_EFI_MEMORY_RP, true },   /* absent page: right */
        { 0x10000, 0x4000, VTOP_EFI_MEMORY_RO, true },   /* mixed range */
        { 0x70000, 0x1000, 0, false },                   /* no answer */
    };
    vtop_prot_sources src = sources();
    src.has_attr_protocol = true;
    src.attr_answers = ans;
    src.nattr = 5;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    const vtop_check_result *c = &g_rep.check[VTOP_CHECK_ATTR_PROTOCOL];
    assert_int_equal(c->checked, 5);
    assert_int_equal(c->count, 2);
    assert_int_equal(c->first[0].why, VTOP_WHY_MIXED);
    assert_int_equal(c->first[1].why, VTOP_WHY_NO_ANSWER);
    ans[1].attr = VTOP_EFI_MEMORY_RO;      /* wrong: the tables say XP */
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
    assert_int_equal(c->count, 3);
    assert_int_equal(c->first[0].why, VTOP_WHY_RIGHTS);
}

static void test_bad_sources(void **state)
{
    (void)state;
    good_tables();
    vtop_space s;
    space4(&s);
    vtop_prot_mem unsorted[] = { { 0x2000, 1, 0, 1 }, { 0x1000, 1, 0, 1 } };
    vtop_prot_mem overlap[] = { { 0x1000, 2, 0, 1 }, { 0x2000, 1, 0, 1 } };
    vtop_prot_sources src = sources();
    assert_int_equal(vtop_protect_check(NULL, &src, &g_rep), VTOP_BAD_ARGUMENT);
    assert_int_equal(vtop_protect_check(&s, NULL, &g_rep), VTOP_BAD_ARGUMENT);
    src.memmap = unsorted;
    src.nmemmap = 2;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_BAD_ARGUMENT);
    src.memmap = overlap;
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_BAD_ARGUMENT);
    src = sources();
    src.nsections = 2;                 /* the image names 3 */
    assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_BAD_ARGUMENT);
    assert_string_equal(vtop_check_name(VTOP_CHECK_MAT), "mat");
    assert_string_equal(vtop_check_name(VTOP_CHECK_COUNT), "unknown");
    assert_string_equal(vtop_check_status_name(VTOP_CHECK_NA), "N/A");
}

typedef struct piece_sum {
    uint64_t bytes, pieces, present;
    uint64_t next;
    int gaps;
} piece_sum;

static int sum_piece(void *ctx, const vtop_prot_piece *p)
{
    piece_sum *s = ctx;
    s->gaps += p->va != s->next;
    s->next = p->va + p->size;
    s->bytes += p->size;
    s->pieces++;
    s->present += p->present ? p->size : 0;
    return 0;
}

static void test_scan_covers_range(void **state)
{
    (void)state;
    good_tables();
    vtop_space s;
    space4(&s);
    piece_sum sum = { .next = 0x1800 };
    uint64_t leaves = 0;
    /* Starts and ends inside pages: clipped, holes included. */
    assert_int_equal(vtop_prot_scan(&s, 0x1800, 0x2107ff, sum_piece, &sum, &leaves),
                     VTOP_OK);
    assert_int_equal(sum.gaps, 0);
    assert_int_equal(sum.bytes, 0x2107ff - 0x1800 + 1);
    assert_int_equal(sum.present, (15 * KB4 - 0x800) + 4 * KB4 + 16 * KB4 +
                     31 * KB4 + 8 * KB4 + 0x10800);
    assert_true(leaves >= 75);
    assert_int_equal(vtop_prot_scan(&s, 2, 1, sum_piece, &sum, NULL), VTOP_BAD_ARGUMENT);
}

/* Seeded random 4K tables over [0, 4M) and random memory types per 64 KiB:
 * the per-type table and the W+X count equal a page-by-page recount. */
static uint64_t rng(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void test_random_tables_match_translate(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        uint64_t x = seed * 0x9e3779b97f4a7c15ull;
        base_tables();
        fx_put64(0x3008, PT1 | P | RW);
        vtop_prot_mem map[64];
        for (int i = 0; i < 64; i++)
            map[i] = (vtop_prot_mem){ (uint64_t)i << 16, 16, 0,
                                      (uint32_t)(rng(&x) % VTOP_EFI_TYPES) };
        for (uint64_t va = 0x6000; va < 2 * MB2; va += KB4) {
            uint64_t r = rng(&x);
            map4k(va, (r & 1 ? P : 0) | (r & 2 ? RW : 0) | (r & 4 ? NX : 0));
        }
        vtop_space s;
        space4(&s);
        /* Entries ending inside a page (ImageSize, a 1 KiB GCD window):
         * every page still counts once. */
        vtop_prot_image imgs[] = { { 0x100000, 0x1080, 0x1000, 0, 0, "a" },
                                   { 0x102000, 0x0800, 0x1000, 0, 0, "b" } };
        vtop_prot_gcd gcd[] = { { 0, 0x300400, 0, VTOP_GCD_SYSTEM_MEMORY, true },
                                { 0x300400, 0x100c00, 0, VTOP_GCD_MMIO, true } };
        vtop_prot_sources src = { .memmap = map, .nmemmap = 64, .images = imgs,
                                  .nimages = 2, .gcd = gcd, .ngcd = 2 };
        assert_int_equal(vtop_protect_check(&s, &src, &g_rep), VTOP_OK);
        vtop_type_share want[VTOP_EFI_TYPES + 1];
        memset(want, 0, sizeof want);
        uint64_t wx = 0;
        for (uint64_t va = 0; va < 2 * MB2; va += KB4) {
            vtop_translation t;
            vtop_type_share *w = &want[map[va >> 16].type];
            w->pages++;
            if (vtop_translate(&s, va, &t) != VTOP_OK)
                continue;
            bool wr = t.rights & VTOP_RIGHT_WRITE, ex = t.rights & VTOP_RIGHT_EXEC;
            w->present++;
            w->nx += !ex;
            w->ro += !wr;
            w->wx += wr && ex;
            wx += wr && ex;
        }
        assert_memory_equal(want, g_rep.types, sizeof want);
        assert_int_equal(g_rep.check[VTOP_CHECK_NO_WX].count, wx);
        assert_true(wx > 100);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_platform_passes),
        cmocka_unit_test(test_each_rule_broken),
        cmocka_unit_test(test_stack_guard_first_page),
        cmocka_unit_test(test_image_alignment),
        cmocka_unit_test(test_mat),
        cmocka_unit_test(test_attr_protocol),
        cmocka_unit_test(test_bad_sources),
        cmocka_unit_test(test_scan_covers_range),
        cmocka_unit_test(test_random_tables_match_translate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
