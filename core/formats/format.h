/* vtop core: memory-image formats (detection, physical run list, CPU state).
 *
 * Contract: parsing works on a read-only byte span (base, size) already in
 * memory (an mmap on the host, a file loaded by UEFI). Only headers and run
 * lists are read, never the memory pages themselves, so opening is O(headers)
 * (a 285 MB QEMU dump opens in well under a millisecond). Every offset is
 * checked against size with overflow-safe arithmetic; nothing outside the span
 * is read, nothing is written to it. No allocation, no globals, no libc.
 *
 * Formats (docs/image-formats.md has the layouts):
 *   raw       byte N of the file is physical address N
 *   elf       ELF32/ELF64 core: QEMU dump-guest-memory (QEMU notes per vCPU,
 *             target/i386/arch_dump.c) or kdump-style (no QEMU notes: no CR3)
 *   lime      LiME chain of 32-byte headers (LiME src/lime.h)
 *   windmp64  Windows DUMP_HEADER64 'PAGE''DU64': full (DumpType 1) or bitmap
 *             (DumpType 5, 6) dumps
 *   windmp32  Windows DUMP_HEADER32 'PAGE''DUMP': full dumps, PAE flag
 *   kdump     kdump-compressed "KDUMP   " (makedumpfile, QEMU, virsh dump
 *             --format kdump-*): paged, see kdump.h
 *   flat      makedumpfile's flattened format holding a kdump-compressed
 *             file (makedumpfile -F, QEMU dump-guest-memory -z/-l/-s)
 * Detection is by content; raw is the fallback only when nothing else matches
 * (or when forced).
 *
 * Freestanding: <stdint.h>, <stddef.h>, <stdbool.h> only.
 */
#ifndef VTOP_FORMAT_H
#define VTOP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../paging.h"
#include "../physmem.h"
#include "../status.h"
#include "kdump.h"
#include "vmcoreinfo.h"

typedef enum vtop_format {
    VTOP_FMT_AUTO = 0,    /* detect by content (raw as the fallback) */
    VTOP_FMT_RAW,
    VTOP_FMT_ELF,
    VTOP_FMT_LIME,
    VTOP_FMT_WINDMP64,
    VTOP_FMT_WINDMP32,
    VTOP_FMT_KDUMP,
    VTOP_FMT_FLAT,
    VTOP_FMT_COUNT
} vtop_format;

/* Per-vCPU state known from the image. */
typedef struct vtop_cpu_state {
    uint64_t cr0, cr2, cr3, cr4;
    uint64_t efer;        /* valid when has_efer */
    bool has_efer;        /* QEMU notes carry no EFER (QEMU arch_dump.c) */
    bool long_mode;       /* from ELF e_machine / dump machine type */
    vtop_mode mode;       /* inferred from CR0/CR4 and long_mode */
    const char *mode_reason; /* static text: why this mode */
} vtop_cpu_state;

#define VTOP_IMAGE_MAX_CPUS 64

/* Where an image's root came from. */
typedef enum vtop_root_source {
    VTOP_ROOT_NONE = 0,
    VTOP_ROOT_CPU_NOTES,    /* vCPU 0's CR3 (QEMU notes) */
    VTOP_ROOT_VMCOREINFO,   /* the kernel's tables, from VMCOREINFO */
    VTOP_ROOT_DUMP_HEADER   /* Windows DirectoryTableBase */
} vtop_root_source;

typedef struct vtop_image_info {
    vtop_format format;
    const char *format_name;   /* "raw", "elf64-qemu", "elf32-qemu",
                                  "elf64-kdump", "elf32-kdump", "lime",
                                  "windmp64-full", "windmp64-bitmap",
                                  "windmp32-full" */
    /* Physical memory. */
    size_t run_count;          /* runs written; on VTOP_BUFFER_TOO_SMALL the
                                  number of runs needed */
    uint64_t run_bytes;        /* sum of run lengths */
    uint64_t phys_end;         /* end of the last run (exclusive) */
    /* CPU state. cpus[0..cpu_count) are filled (at most VTOP_IMAGE_MAX_CPUS);
     * cpu_total counts every vCPU seen. */
    uint32_t cpu_count, cpu_total;
    vtop_cpu_state cpus[VTOP_IMAGE_MAX_CPUS];
    /* Root: CR3 of vCPU 0 (ELF QEMU notes) or DirectoryTableBase (Windows).
     * has_root false for raw, LiME, kdump-style ELF: use root discovery or
     * ask the user. */
    bool has_root;
    uint64_t root;
    vtop_mode mode;            /* inferred mode for the root (NONE if unknown) */
    const char *mode_reason;   /* static text */
    bool nxe;                  /* EFER.NXE as known or assumed (see reason) */
    uint8_t maxphyaddr;        /* physical-address width when the image
                                  records it (vtop captures), else 0 */
    /* ELF details (0 when not ELF). */
    uint8_t elf_class;         /* 1 ELFCLASS32, 2 ELFCLASS64 */
    uint16_t elf_machine;      /* 3 EM_386, 62 EM_X86_64, 183 EM_AARCH64 */
    /* Windows details. */
    bool windows;              /* turns on vtop_space_config.windows_pte */
    uint32_t machine_image_type; /* 0x8664, 0xAA64, 0x14C */
    uint32_t dump_type;        /* 1 full, 5 bitmap, 6 active memory */
    uint32_t bugcheck_code;
    bool pae;                  /* 32-bit dumps: PaeEnabled */
    uint64_t kd_debugger_data_block;
    uint64_t ps_loaded_module_list;
    uint64_t ps_active_process_head;
    uint64_t pfn_database;
    /* Error location: on failure, the file offset where parsing stopped and
     * a static description of the structure being read. */
    uint64_t error_offset;
    const char *error_what;
    /* ELF: PT_LOAD segments skipped as kdump kernel-image aliases (a
     * segment at a kernel-text address lying inside another segment). */
    uint32_t skipped_segments;
    /* Root source and VMCOREINFO (ELF note, kdump section). */
    vtop_root_source root_source;
    bool has_vmcoreinfo;
    vtop_vmcoreinfo vmcoreinfo;
    bool has_vmcoreinfo_root;  /* vmcoreinfo_root/mode derived */
    uint64_t vmcoreinfo_root;
    vtop_mode vmcoreinfo_mode;
    /* AArch64 images (EM_AARCH64 ELF cores, arm64 kdump files, Windows
     * ARM64 dumps): mode VTOP_MODE_AARCH64, root the TTBR1 table, and the
     * stage 1 registers of the EL1&0 regime as the image gives or implies
     * them (docs/linux-dumps.md, docs/image-formats.md); 0 when unknown. */
    bool aarch64;
    uint64_t a64_ttbr0, a64_ttbr1, a64_tcr, a64_mair;
    /* kdump-compressed details. */
    bool paged;                /* runs are read through the store's source */
    uint32_t kdump_header_version, kdump_dump_level;
    bool has_header_phys_base; /* the kdump sub-header's phys_base */
    uint64_t header_phys_base;
    uint64_t dumped_pages, excluded_pages;
    /* A damaged image that still opened: one line naming what is missing
     * (a static text) and where, or NULL. */
    const char *warning;
    uint64_t warning_offset;
} vtop_image_info;

/* Everything vtop_image_open_request needs. store: caller-owned state of
 * the paged formats (kdump, flat); NULL makes them VTOP_FORMAT_UNSUPPORTED. */
typedef struct vtop_image_request {
    const uint8_t *base;
    uint64_t size;
    vtop_format forced;
    vtop_run *runs;
    size_t cap;
    vtop_dump_store *store;
} vtop_image_request;

/* Open an image: detect (or use forced), fill runs[0..cap) with a sorted,
 * non-overlapping run list whose data pointers are bound to base +
 * file_offset, and fill *out.
 * Returns VTOP_OK; VTOP_BUFFER_TOO_SMALL (out->run_count = runs needed,
 * other metadata filled); VTOP_FORMAT_UNKNOWN (forced format does not match);
 * VTOP_FORMAT_TRUNCATED, VTOP_FORMAT_CORRUPT, VTOP_FORMAT_UNSUPPORTED (with
 * out->error_offset / error_what); VTOP_BAD_ARGUMENT (NULL pointers). */
vtop_status vtop_image_open(const uint8_t *base, uint64_t size,
                            vtop_format forced, vtop_run *runs, size_t cap,
                            vtop_image_info *out);

/* vtop_image_open with a store for the paged formats. On VTOP_OK with
 * out->paged, the runs' data is NULL: use a physmem whose source is
 * &rq->store->source (cache set by the caller). Also returns
 * VTOP_BUFFER_TOO_SMALL with store->flat_count when the flattened index
 * needs more records than store->flat_cap. */
vtop_status vtop_image_open_request(const vtop_image_request *rq,
                                    vtop_image_info *out);

/* The format the bytes look like (never AUTO; RAW when nothing matches). */
vtop_format vtop_image_detect(const uint8_t *base, uint64_t size);

/* Fill a space config from the image for vCPU cpu (mode, cr3, nxe,
 * windows_pte; maxphyaddr 0, pa_extra_mask 0; AArch64 images: ttbr0, ttbr1,
 * tcr, mair and the EL1&0 regime, cr3 = the TTBR1 root).
 * Returns VTOP_OK, VTOP_NO_ROOT (image carries no CR3), VTOP_BAD_ARGUMENT
 * (cpu out of range). */
vtop_status vtop_image_space_config(const vtop_image_info *info, uint32_t cpu,
                                    vtop_space_config *cfg);

/* "raw", "elf", "lime", "windmp64", "windmp32", "kdump", "flat", "auto". */
const char *vtop_format_name(vtop_format format);
/* Inverse of vtop_format_name (also accepts "dmp", "qemu", "kdump" aliases).
 * Returns VTOP_OK or VTOP_BAD_ARGUMENT. */
vtop_status vtop_format_parse(const char *name, vtop_format *out);

#endif
