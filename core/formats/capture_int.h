/* vtop core/formats: capture internals shared by capture.c (layout and
 * segments), capture_notes.c (the notes) and capture_read.c (decoding).
 * Sizes from the System V gABI (ELF64 header 64 bytes, program header 56)
 * and QEMU target/i386/arch_dump.c (QEMUCPUState 0x1B0 bytes). */
#ifndef VTOP_FORMATS_CAPTURE_INT_H
#define VTOP_FORMATS_CAPTURE_INT_H

#include "capture.h"

#define CAP_PAGE        4096ull
#define CAP_EHDR        64u
#define CAP_PHDR        56u
#define CAP_QEMU_SIZE   0x1B0u
#define CAP_MACHINE_LEN 48u
#define CAP_SRC_HEAD    64u     /* sources note header */
#define CAP_REC_MEM     32u     /* memory-map / MAT descriptor */
#define CAP_REC_GCD     32u
#define CAP_REC_IMAGE   (32u + VTOP_PROT_NAME)
#define CAP_REC_SECTION 40u
#define CAP_REC_ANSWER  32u

static inline void cap_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void cap_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void cap_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t cap_get(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A note: header, name "QEMU"/"VTOP" padded to 8, desc padded to 4. */
static inline uint64_t cap_note_len(uint64_t desc)
{
    return 12 + 8 + ((desc + 3) & ~3ull);
}

typedef struct cap_sink cap_sink;   /* capture.c's output stream */
void cap_emit(cap_sink *s, const void *data, size_t len);

/* Decode a VTOP machine note (false when malformed). */
bool cap_machine_note(const uint8_t *desc, uint64_t len, uint64_t *efer,
                      uint8_t *maxphyaddr);

/* The sources note's desc length, and every note of the capture. */
uint64_t cap_sources_len(const vtop_prot_sources *src);
void cap_emit_notes(cap_sink *s, const vtop_capture_input *in, uint64_t src_len);

#endif
