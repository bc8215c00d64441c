/* vtop core: AArch64 memory attributes from MAIR (vtop_a64_mair_decode).
 *
 * A leaf's AttrIndx selects one byte of MAIR_ELx (Arm ARM D8.5.x, D19.2
 * MAIR_EL1 Attr<n>): 0b0000dd00 is Device memory (dd: nGnRnE, nGnRE, nGRE,
 * GRE); any other high nibble is Normal memory with the outer (Attr<7:4>)
 * and inner (Attr<3:0>) cacheability 0b0100 Non-cacheable, 0b00RW / 0b10RW
 * Write-Through (transient / non-transient), 0b01RW / 0b11RW Write-Back
 * (RW: allocation hints, RW = 00 in 0b00RW/0b01RW means other encodings).
 * 0xF0 is Tagged Normal Write-Back (FEAT_MTE2); 0x40 and 0xA0 are the
 * FEAT_XS Normal NC and WT forms. Other encodings are UNPREDICTABLE.
 */
#include "paging.h"

/* One nibble of a Normal attribute: cacheability and transience; false for
 * an encoding that is not one (0b0000, 0b00RW/0b01RW with RW = 00 other
 * than 0b0100). */
static bool normal_side(unsigned nib, vtop_a64_cache *c, bool *transient)
{
    if (nib == 4) {
        *c = VTOP_A64_CACHE_NC;
        return true;
    }
    if ((nib & 3) == 0 && nib < 8)
        return false;
    *c = (nib & 4) ? VTOP_A64_CACHE_WB : VTOP_A64_CACHE_WT;
    *transient = *transient || nib < 8;
    return true;
}

static const char *normal_name(vtop_a64_cache in, vtop_a64_cache out)
{
    /* [inner - NC][outer - NC] */
    static const char *const names[3][3] = {
        {"Normal-NC", "Normal-iNC-oWT", "Normal-iNC-oWB"},
        {"Normal-iWT-oNC", "Normal-WT", "Normal-iWT-oWB"},
        {"Normal-iWB-oNC", "Normal-iWB-oWT", "Normal-WB"},
    };
    return names[in - VTOP_A64_CACHE_NC][out - VTOP_A64_CACHE_NC];
}

static vtop_a64_memattr normal(uint8_t attr)
{
    vtop_a64_memattr m = {attr, VTOP_A64_MEM_NORMAL, VTOP_A64_CACHE_NONE,
                          VTOP_A64_CACHE_NONE, false, "reserved"};
    if (attr == 0xf0) {
        m.type = VTOP_A64_MEM_NORMAL_TAGGED;
        m.inner = m.outer = VTOP_A64_CACHE_WB;
        m.name = "Normal-Tagged";
        return m;
    }
    if (attr == 0x40 || attr == 0xa0) /* FEAT_XS: inner = outer, XS = 0 */
        attr = (uint8_t)(attr | (attr >> 4));
    if (!normal_side(attr >> 4, &m.outer, &m.transient) ||
        !normal_side(attr & 15u, &m.inner, &m.transient)) {
        m.type = VTOP_A64_MEM_RESERVED;
        m.inner = m.outer = VTOP_A64_CACHE_NONE;
        m.transient = false;
        return m;
    }
    m.name = normal_name(m.inner, m.outer);
    return m;
}

vtop_a64_memattr vtop_a64_mair_decode(uint64_t mair, unsigned attr_index)
{
    if (mair == 0 || attr_index > 7)
        return (vtop_a64_memattr){0, VTOP_A64_MEM_UNKNOWN, VTOP_A64_CACHE_NONE,
                                  VTOP_A64_CACHE_NONE, false, "unknown"};
    uint8_t attr = (uint8_t)(mair >> (8 * attr_index));
    if (attr >> 4)
        return normal(attr);
    static const struct {
        vtop_a64_memtype type;
        const char *name;
    } device[4] = {
        {VTOP_A64_MEM_DEVICE_nGnRnE, "Device-nGnRnE"},
        {VTOP_A64_MEM_DEVICE_nGnRE, "Device-nGnRE"},
        {VTOP_A64_MEM_DEVICE_nGRE, "Device-nGRE"},
        {VTOP_A64_MEM_DEVICE_GRE, "Device-GRE"},
    };
    vtop_a64_memattr m = {attr, VTOP_A64_MEM_RESERVED, VTOP_A64_CACHE_NONE,
                          VTOP_A64_CACHE_NONE, false, "reserved"};
    if ((attr & 3) == 0) {
        m.type = device[attr >> 2].type;
        m.name = device[attr >> 2].name;
    }
    return m;
}
