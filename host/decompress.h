/* vtop host: the decompressors of kdump-compressed pages (zlib, LZO,
 * snappy, zstd: Debian's libraries) behind core/formats/kdump.h's
 * callback interface. */
#ifndef VTOP_HOST_DECOMPRESS_H
#define VTOP_HOST_DECOMPRESS_H

#include "core/formats/kdump.h"

/* Fill *d with the host's decompressors (all four). */
void vtop_host_decompressor(vtop_decompressor *d);

#endif
