/* vtop core: little-endian loads, once for every module (entries, image
 * headers, root discovery).
 *
 * Built from bytes: no memcpy (freestanding), no unaligned-access UB; GCC
 * and clang fuse them into one mov at -O2. Freestanding: <stdint.h> only.
 */
#ifndef VTOP_LE_H
#define VTOP_LE_H

#include <stdint.h>

static inline uint16_t vtop_load_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t vtop_load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t vtop_load_le64(const uint8_t *p)
{
    return (uint64_t)vtop_load_le32(p) | (uint64_t)vtop_load_le32(p + 4) << 32;
}

#endif
