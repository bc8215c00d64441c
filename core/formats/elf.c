/* vtop core/formats: ELF cores (QEMU dump-guest-memory, kdump-style).
 *
 * Layouts: System V gABI (ELF header, program headers, notes); QEMU
 * target/i386/arch_dump.c and dump/dump.c (one PT_NOTE holding, per vCPU, a
 * "CORE" NT_PRSTATUS note then a "QEMU" note whose QEMUCPUState carries
 * cr[0..4] at 0x188..0x1A8; p_paddr of each PT_LOAD is guest-physical;
 * e_phnum = PN_XNUM with the real count in section 0's sh_info when there
 * are too many segments). As QEMU 7.2 writes them (target/i386/arch_dump.c,
 * dump/dump.c): long mode follows e_machine (a 32-bit guest's dump can be
 * ELF64 with EM_386), so both ELF classes are accepted for both machines,
 * and the note's size field is trusted (0x1B0 and 0x1B8 both exist).
 * AArch64 (EM_AARCH64, ELF64 only): QEMU target/arm/arch_dump.c writes a
 * CORE NT_PRSTATUS (x0..x30, sp, pc, pstate) and NT_PRFPREG per vCPU but
 * no system register, so TTBR1/TCR come from the VMCOREINFO note
 * (fmt_a64_vmcoreinfo_root) or from the user.
 */
#include "bytes.h"
#include "capture_int.h"
#include "parse.h"

#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_CORE 4
#define EM_386 3
#define EM_X86_64 62
#define EM_AARCH64 183
#define PT_LOAD 1
#define PT_NOTE 4
#define PN_XNUM 0xFFFFu

/* QEMUCPUState (QEMU target/i386/arch_dump.c). */
#define QEMU_NOTE_VERSION 1
#define QEMU_CPU_CR0 0x188u
#define QEMU_CPU_CR2 0x198u
#define QEMU_CPU_CR3 0x1A0u
#define QEMU_CPU_CR4 0x1A8u
#define QEMU_CPU_MIN_SIZE 0x1B0u

typedef struct elf_hdr {
    bool is64;
    uint16_t machine;
    uint64_t phoff, phentsize, phnum;
} elf_hdr;

/* Program header fields, read for either class. */
typedef struct elf_phdr {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz;
} elf_phdr;

/* x86-64 Linux maps the kernel image at __START_KERNEL_map
 * (arch/x86/include/asm/page_64_types.h); arm64 at KIMAGE_VADDR, above the
 * linear map, which ends at _PAGE_END(VA_BITS_MIN) = 2^64 - 2^47 for every
 * VA_BITS (arch/arm64/include/asm/memory.h). */
#define KERNEL_TEXT_BASE 0xffffffff80000000ull
#define KERNEL_TEXT_BASE_ARM64 0xffff800000000000ull

bool fmt_probe_elf(const uint8_t *b, uint64_t size)
{
    return span_eq(b, size, 0, "\x7f" "ELF", 4);
}

/* PN_XNUM: the real program header count is sh_info of section 0
 * (gABI "Extended Program Header Numbering"). */
static vtop_status elf_xnum(fmt_ctx *c, elf_hdr *h)
{
    uint64_t shoff = h->is64 ? rd64(c->base, c->size, 0x28)
                             : rd32(c->base, c->size, 0x20);
    uint64_t info_off = h->is64 ? 0x2C : 0x1C;
    if (shoff == 0)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h->is64 ? 0x28 : 0x20,
                        "e_phnum is PN_XNUM but e_shoff is 0");
    if (!span_has(c->size, shoff, info_off + 4))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, shoff,
                        "section header 0 (PN_XNUM count) past the end");
    h->phnum = rd32(c->base, c->size, shoff + info_off);
    return VTOP_OK;
}

static vtop_status elf_header(fmt_ctx *c, elf_hdr *h)
{
    const uint8_t *b = c->base;
    if (!span_has(c->size, 0, 16))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 0, "ELF e_ident");
    if (b[4] != ELFCLASS32 && b[4] != ELFCLASS64)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, 4, "ELF EI_CLASS");
    if (b[5] != ELFDATA2LSB)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 5, "ELF EI_DATA: big-endian");
    h->is64 = b[4] == ELFCLASS64;
    uint64_t ehsize = h->is64 ? 64 : 52;
    if (!span_has(c->size, 0, ehsize))
        return fmt_fail(c, VTOP_FORMAT_TRUNCATED, 16, "ELF header");
    if (rd16(b, c->size, 0x10) != ET_CORE)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 0x10, "ELF e_type is not ET_CORE");
    h->machine = rd16(b, c->size, 0x12);
    if (h->machine != EM_386 && h->machine != EM_X86_64 && h->machine != EM_AARCH64)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 0x12,
                        "ELF e_machine is not x86 or AArch64");
    if (h->machine == EM_AARCH64 && !h->is64)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, 4, "ELF32 core of an AArch64 machine");
    h->phoff = h->is64 ? rd64(b, c->size, 0x20) : rd32(b, c->size, 0x1C);
    h->phentsize = rd16(b, c->size, h->is64 ? 0x36 : 0x2A);
    h->phnum = rd16(b, c->size, h->is64 ? 0x38 : 0x2C);
    if (h->phnum == PN_XNUM) {
        vtop_status st = elf_xnum(c, h);
        if (st != VTOP_OK)
            return st;
    }
    if (h->phentsize < (h->is64 ? 56u : 32u))
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, h->is64 ? 0x36 : 0x2A,
                        "ELF e_phentsize smaller than a program header");
    /* phnum < 2^32 and phentsize < 2^16: the product cannot wrap. */
    if (h->phnum == 0 || !span_has(c->size, h->phoff, h->phnum * h->phentsize))
        return fmt_fail(c, h->phnum ? VTOP_FORMAT_TRUNCATED : VTOP_FORMAT_CORRUPT,
                        h->is64 ? 0x20 : 0x1C,
                        h->phnum ? "ELF program headers past the end"
                                 : "ELF core without program headers");
    c->info->elf_class = b[4];
    c->info->elf_machine = h->machine;
    return VTOP_OK;
}

static elf_phdr elf_read_phdr(const fmt_ctx *c, const elf_hdr *h, uint64_t i)
{
    uint64_t o = h->phoff + i * h->phentsize;
    const uint8_t *b = c->base;
    elf_phdr p;
    p.type = rd32(b, c->size, o);
    if (h->is64) {
        p.offset = rd64(b, c->size, o + 0x08);
        p.vaddr = rd64(b, c->size, o + 0x10);
        p.paddr = rd64(b, c->size, o + 0x18);
        p.filesz = rd64(b, c->size, o + 0x20);
    } else {
        p.offset = rd32(b, c->size, o + 0x04);
        p.vaddr = rd32(b, c->size, o + 0x08);
        p.paddr = rd32(b, c->size, o + 0x0C);
        p.filesz = rd32(b, c->size, o + 0x10);
    }
    return p;
}

/* One QEMU note: QEMUCPUState. Trust its size field, but only within the
 * note's descsz and only when it covers cr[0..4]. */
static vtop_status elf_qemu_note(fmt_ctx *c, uint16_t machine, uint64_t d,
                                 uint64_t descsz)
{
    const uint8_t *b = c->base;
    if (descsz < 8)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, d, "QEMU note shorter than its header");
    uint32_t version = rd32(b, c->size, d), size = rd32(b, c->size, d + 4);
    if (version != QEMU_NOTE_VERSION)
        return fmt_fail(c, VTOP_FORMAT_UNSUPPORTED, d, "QEMU note version");
    if (size < QEMU_CPU_MIN_SIZE || size > descsz)
        return fmt_fail(c, VTOP_FORMAT_CORRUPT, d + 4, "QEMU note size field");
    vtop_image_info *in = c->info;
    if (in->cpu_count < VTOP_IMAGE_MAX_CPUS) {
        vtop_cpu_state *s = &in->cpus[in->cpu_count++];
        s->cr0 = rd64(b, c->size, d + QEMU_CPU_CR0);
        s->cr2 = rd64(b, c->size, d + QEMU_CPU_CR2);
        s->cr3 = rd64(b, c->size, d + QEMU_CPU_CR3);
        s->cr4 = rd64(b, c->size, d + QEMU_CPU_CR4);
        s->long_mode = machine == EM_X86_64;
        /* No EFER in the note: long mode comes from e_machine. */
        s->mode = vtop_mode_from_registers(s->cr0, s->cr4,
                                           s->long_mode ? EFER_LMA : 0);
        s->mode_reason = vtop_mode_reason(s->mode);
    }
    in->cpu_total++;
    return VTOP_OK;
}

static uint64_t align4(uint64_t v) { return (v + 3) & ~(uint64_t)3; }

/* The VMCOREINFO note (Linux kernel/crash_core.c: name "VMCOREINFO",
 * type 0, text). A malformed one is ignored, never fatal: the image's
 * memory is still good. */
static void elf_vmcoreinfo_note(fmt_ctx *c, uint64_t d, uint64_t descsz)
{
    vtop_image_info *in = c->info;
    if (!in->has_vmcoreinfo &&
        vtop_vmcoreinfo_parse(c->base + d, descsz, &in->vmcoreinfo) == VTOP_OK)
        in->has_vmcoreinfo = true;
}

vtop_status fmt_elf_notes(fmt_ctx *c, uint16_t machine, uint64_t off,
                          uint64_t end)
{
    while (off < end) {
        if (end - off < 12)
            return fmt_fail(c, VTOP_FORMAT_TRUNCATED, off, "ELF note header");
        uint64_t namesz = rd32(c->base, c->size, off);
        uint64_t descsz = rd32(c->base, c->size, off + 4);
        uint32_t type = rd32(c->base, c->size, off + 8);
        uint64_t name = off + 12;
        if (align4(namesz) > end - name)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, off, "ELF note namesz");
        uint64_t desc = name + align4(namesz);
        if (descsz > end - desc)
            return fmt_fail(c, VTOP_FORMAT_CORRUPT, off + 4, "ELF note descsz");
        if (namesz == 5 && type == 0 && span_eq(c->base, c->size, name, "QEMU", 5)) {
            vtop_status st = elf_qemu_note(c, machine, desc, descsz);
            if (st != VTOP_OK)
                return st;
        }
        /* A vtop capture (capture.h): the EFER and MAXPHYADDR QEMU's note lacks. */
        if (namesz == 5 && type == VTOP_CAPTURE_MACHINE && c->info->cpu_count > 0 &&
            span_eq(c->base, c->size, name, "VTOP", 5) &&
            cap_machine_note(c->base + desc, descsz, &c->info->cpus[0].efer,
                             &c->info->maxphyaddr))
            c->info->cpus[0].has_efer = true;
        if (namesz == 11 && type == 0 &&
            span_eq(c->base, c->size, name, "VMCOREINFO", 11))
            elf_vmcoreinfo_note(c, desc, descsz);
        uint64_t next = desc + align4(descsz);
        off = next < end ? next : end;
    }
    return VTOP_OK;
}

/* A kdump vmcore (Linux fs/proc/vmcore.c, kexec-tools) describes the
 * kernel image twice: once at its kernel-text address and once inside the
 * System RAM segment holding it. The first is an alias of bytes the run list
 * already has: skip it. Any other overlap stays an error. */
static bool elf_kernel_alias(const fmt_ctx *c, const elf_hdr *h, uint64_t i,
                             const elf_phdr *p)
{
    /* phnum <= 0xFFFF bounds this scan (PN_XNUM files are QEMU's, which
     * have no aliases): a hostile header cannot make it quadratic in the
     * file size. */
    uint64_t text = h->machine == EM_AARCH64 ? KERNEL_TEXT_BASE_ARM64 : KERNEL_TEXT_BASE;
    if (!h->is64 || p->vaddr < text || h->phnum > 0xFFFF)
        return false;
    for (uint64_t j = 0; j < h->phnum; j++) {
        elf_phdr q = elf_read_phdr(c, h, j);
        if (j == i || q.type != PT_LOAD || q.vaddr >= text)
            continue;
        if (q.paddr <= p->paddr && p->paddr - q.paddr <= q.filesz &&
            p->filesz <= q.filesz - (p->paddr - q.paddr))
            return true;
    }
    return false;
}

static vtop_status elf_segments(fmt_ctx *c, const elf_hdr *h)
{
    for (uint64_t i = 0; i < h->phnum; i++) {
        elf_phdr p = elf_read_phdr(c, h, i);
        uint64_t where = h->phoff + i * h->phentsize;
        vtop_status st = VTOP_OK;
        if (p.type == PT_NOTE) {
            if (span_has(c->size, p.offset, p.filesz))
                st = fmt_elf_notes(c, h->machine, p.offset, p.offset + p.filesz);
            else /* truncated: the memory may still be there, the CR3 not */
                fmt_warn(c, "truncated: the PT_NOTE segment (CPU state, "
                            "VMCOREINFO) is past the end of the file", where);
        } else if (p.type == PT_LOAD && p.filesz) {
            /* A PT_LOAD with p_filesz 0 holds no bytes: nothing to map. */
            if (elf_kernel_alias(c, h, i, &p))
                c->info->skipped_segments++;
            else
                st = fmt_add_run(c, p.paddr, p.filesz, p.offset, where);
        }
        if (st != VTOP_OK)
            return st;
    }
    return VTOP_OK;
}

vtop_status fmt_open_elf(fmt_ctx *c)
{
    elf_hdr h = {0};
    vtop_status st = elf_header(c, &h);
    if (st != VTOP_OK)
        return st;
    st = elf_segments(c, &h);
    if (st != VTOP_OK)
        return st;
    vtop_image_info *in = c->info;
    if (h.machine == EM_AARCH64) {
        in->format_name = "elf64-aarch64";
        fmt_a64_vmcoreinfo_root(c);
        return VTOP_OK;
    }
    bool qemu = in->cpu_count > 0;
    in->format_name = h.is64 ? (qemu ? "elf64-qemu" : "elf64-kdump")
                             : (qemu ? "elf32-qemu" : "elf32-kdump");
    if (!qemu) {
        in->mode_reason = "ELF core without QEMU notes: no CR3 (supply CR3 and mode)";
        fmt_vmcoreinfo_root(c, h.machine == EM_X86_64);
        return VTOP_OK;
    }
    fmt_cpu0_root(c);
    fmt_vmcoreinfo_root(c, h.machine == EM_X86_64);
    return VTOP_OK;
}
