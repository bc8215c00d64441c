# vtop UEFI application, for x64 (build/efi/vtop.efi, PE32+), IA32
# (build/efi-ia32/vtop.efi, PE32) and AArch64 (build/efi-aa64/vtop.efi,
# PE32+): newlib (built once per architecture into build/newlib,
# build/newlib-i686 and build/newlib-aa64), a crt0 + gnu-efi's _relocate, our
# linker scripts (linker/efi-*.lds), and the same core/ and cmd/ sources as
# the host build, compiled for UEFI.
#
# Targets: the apps (in `make all`), run [ARCH=ia32|aa64], sign, usb-image,
# test-efi.

EFI_CC       ?= gcc
EFI_LD       ?= ld
EFI_OBJCOPY  ?= objcopy
GNUEFI_INC   ?= /usr/include/efi

# Per architecture: build dir, newlib target, code generation, gnu-efi's
# library dir and arch headers, crt0, linker script and emulation, the PE
# target and the relocation type _relocate applies.
#  x64: UEFI calls us with interrupts on and our stack shared with firmware
#   handlers: no red zone. Explicit x86-64 baseline: OVMF leaves
#   CR4.OSXSAVE clear, so AVX would #UD. gnu-efi with MS-ABI calls.
#  ia32: plain 32-bit code with the C calling convention (UEFI spec 2.10
#   section 2.3.2); i686 baseline without SSE, since the app may run with
#   CR4.OSFXSR clear and on CPUs like the Pentium III model. The 32-bit
#   libgcc (gcc-multilib) supplies 64-bit division. The host gcc's __linux__
#   is undefined, as for newlib (efi/build-newlib.sh). -malign-double: UEFI
#   structures align 64-bit members to 8 on IA32 as well (UEFI spec 2.10
#   section 2.3.2; EDK2 builds that way), and gnu-efi's headers rely on the
#   compiler for it (EFI_LOADED_IMAGE.ImageSize sits at offset 40, not 36).
#   Its newlib is built the same way, in its own directory (build/newlib-i686).
#  aa64: Debian's cross gcc (gcc-aarch64-linux-gnu), whose __linux__ is
#   undefined as for ia32; no outline atomics (they call libgcc helpers that
#   read the Linux auxiliary vector). UEFI enables the FP/SIMD unit for
#   AArch64 applications (UEFI spec 2.10 section 2.3.6.4), so no
#   -mgeneral-regs-only. gnu-efi for arm64 is not co-installable with the
#   amd64 package (both own /usr/lib/libefi.a): `apt-get download` unpacks
#   it under build/gnu-efi-arm64 (headers and libgnuefi.a's _relocate). Its
#   crt0 carries a hand-made PE header for `objcopy -O binary`; binutils
#   2.38+ writes AArch64 PE32+ itself, so the app has its own crt0
#   (efi/arch/aa64/crt0.S) and the same objcopy flow as x64.
EFI_ARCHES := x64 ia32 aa64
EFI_x64_BUILD   := $(BUILD)/efi
EFI_x64_NEWLIB  := $(BUILD)/newlib/x86_64-elf
EFI_x64_TARGET  := x86_64-elf
EFI_x64_MFLAGS  := -m64 -march=x86-64 -mtune=generic -mno-red-zone -DGNU_EFI_USE_MS_ABI
EFI_x64_GNUEFI  := /usr/lib
EFI_x64_INCARCH := x86_64
EFI_x64_CRT0    := /usr/lib/crt0-efi-x86_64.o
EFI_x64_LDS     := linker/efi-x86_64.lds
EFI_x64_LDEMU   := elf_x86_64
EFI_x64_PE      := efi-app-x86_64
EFI_ia32_BUILD   := $(BUILD)/efi-ia32
EFI_ia32_NEWLIB  := $(BUILD)/newlib-i686/i686-elf
EFI_ia32_TARGET  := i686-elf
EFI_ia32_MFLAGS  := -m32 -malign-double -march=i686 -mtune=generic -mno-sse \
  -mfpmath=387 -U__linux__ -U__gnu_linux__ -Ulinux
EFI_ia32_GNUEFI  := /usr/lib32
EFI_ia32_INCARCH := ia32
EFI_ia32_CRT0    := /usr/lib32/crt0-efi-ia32.o
EFI_ia32_LDS     := linker/efi-ia32.lds
EFI_ia32_LDEMU   := elf_i386
EFI_ia32_PE      := efi-app-ia32
GNUEFI_ARM64 := $(BUILD)/gnu-efi-arm64
EFI_aa64_BUILD   := $(BUILD)/efi-aa64
EFI_aa64_NEWLIB  := $(BUILD)/newlib-aa64/aarch64-elf
EFI_aa64_TARGET  := aarch64-elf
EFI_aa64_MFLAGS  := -mno-outline-atomics -U__linux__ -U__gnu_linux__ -Ulinux
EFI_aa64_CC      := aarch64-linux-gnu-gcc
EFI_aa64_LD      := aarch64-linux-gnu-ld
EFI_aa64_OBJCOPY := aarch64-linux-gnu-objcopy
EFI_aa64_GNUEFI  := $(GNUEFI_ARM64)/usr/lib
EFI_aa64_GNUEFI_INC := $(GNUEFI_ARM64)/usr/include/efi
EFI_aa64_GNUEFI_DEP := $(GNUEFI_ARM64)/usr/lib/libgnuefi.a
EFI_aa64_INCARCH := aarch64
EFI_aa64_CRT0    := $(EFI_aa64_BUILD)/efi/arch/aa64/crt0.o
EFI_aa64_LDS     := linker/efi-aarch64.lds
EFI_aa64_LDEMU   := aarch64elf
# As x86 ld does by default: code, read-only data and data in their own
# ELF segments (no RWX segment), on 4 KiB pages rather than AArch64 ld's
# 64 KiB default, matching the PE's SectionAlignment.
EFI_aa64_LDFLAGS := -z separate-code -z max-page-size=4096
EFI_aa64_PE      := efi-app-aarch64

# Per-architecture tools, the host's by default.
efi_tool = $(or $(EFI_$(1)_$(2)),$(EFI_$(2)))

# PIC so the image only needs *_RELATIVE relocations (applied by gnu-efi's
# _relocate). newlib's headers first, then gcc's own (stddef.h, stdarg.h),
# then gnu-efi (docs/efi-toolchain.md).
efi_cflags = -std=c11 $(WARN) -O2 -g $(EFI_$(1)_MFLAGS) \
  -fPIC -fno-stack-protector -ffreestanding \
  -fno-asynchronous-unwind-tables \
  -DVTOP_VERSION='"$(VERSION)"' -DVTOP_EFI=1 \
  -nostdinc -isystem $(EFI_$(1)_NEWLIB)/include \
  -isystem $(shell $(call efi_tool,$(1),CC) -print-file-name=include) \
  -isystem $(call efi_gnuefi_inc,$(1)) \
  -isystem $(call efi_gnuefi_inc,$(1))/$(EFI_$(1)_INCARCH) -I.
efi_gnuefi_inc = $(or $(EFI_$(1)_GNUEFI_INC),$(GNUEFI_INC))

EFI_SRCS := $(sort $(wildcard efi/*.c))
# Per-architecture glue (efi/arch/<arch>/): IA32 firmware runs unpaged, so
# the app's own map (efi/ownmap.h) has its own implementation there.
EFI_x64_SRCS  := $(EFI_SRCS) $(sort $(wildcard efi/arch/x64/*.c))
EFI_ia32_SRCS := $(filter-out efi/ownmap.c,$(EFI_SRCS)) $(sort $(wildcard efi/arch/ia32/*.c))
# AArch64 has its own run, banner, registers, own map and probes
# (efi/arch/aa64/); the x86 ones stay out.
EFI_X86_ONLY  := efi/app.c efi/banner.c efi/cpu.c efi/cr3cmd.c efi/ownmap.c
EFI_aa64_SRCS := $(filter-out $(EFI_X86_ONLY),$(EFI_SRCS)) $(sort $(wildcard efi/arch/aa64/*.c))

# Sections copied into the PE image (the linker script's order and rights).
EFI_PE_SECTIONS := -j .text -j .rodata -j .reloc -j .data -j .dynamic \
  -j .rel -j .rela -j .dynsym

# One set of rules per architecture ($(1) = x64, ia32 or aa64).
# - newlib: rebuilt only when its libc.a is missing (about 35-50 s).
# - objects depend on this file: the code-generation flags live here, and
#   objects built with other flags (say, without -malign-double) do not mix.
# - --no-undefined: a missing system function must fail the link, not
#   become a PLT stub the PE conversion drops (#UD at run time).
# - NX_COMPAT is set after objcopy (it has no option for
#   DllCharacteristics); then the image must pass the checks firmware with
#   memory protections applies (efi/check-image.sh).
define efi_arch_rules
EFI_$(1)_OBJS := $$(patsubst %.c,$$(EFI_$(1)_BUILD)/%.o,$$(CORE_SRCS) $$(CMD_SRCS) $$(EFI_$(1)_SRCS))
EFI_$(1)_LIBC := $$(EFI_$(1)_NEWLIB)/lib/libc.a
EFI_$(1)_APP  := $$(EFI_$(1)_BUILD)/vtop.efi

$$(EFI_$(1)_LIBC):
	efi/build-newlib.sh $$(patsubst %/,%,$$(dir $$(EFI_$(1)_NEWLIB))) $$(EFI_$(1)_TARGET)

$$(EFI_$(1)_BUILD)/%.o: %.c efi/efi.mk | $$(EFI_$(1)_LIBC) $$(EFI_$(1)_GNUEFI_DEP)
	@mkdir -p $$(dir $$@)
	$$(call efi_tool,$(1),CC) $$(call efi_cflags,$(1)) -MMD -MP -c $$< -o $$@

$$(EFI_$(1)_BUILD)/%.o: %.S efi/efi.mk
	@mkdir -p $$(dir $$@)
	$$(call efi_tool,$(1),CC) -c $$< -o $$@

$$(EFI_$(1)_BUILD)/vtop.so: $$(EFI_$(1)_OBJS) $$(EFI_$(1)_CRT0) $$(EFI_$(1)_LDS) $$(EFI_$(1)_LIBC)
	$$(call efi_tool,$(1),LD) -m $$(EFI_$(1)_LDEMU) -nostdlib -znocombreloc -shared -Bsymbolic \
	  --no-undefined -z noexecstack $$(EFI_$(1)_LDFLAGS) -T $$(EFI_$(1)_LDS) -o $$@ \
	  $$(EFI_$(1)_CRT0) $$(EFI_$(1)_OBJS) \
	  --start-group $$(EFI_$(1)_NEWLIB)/lib/libc.a $$(EFI_$(1)_NEWLIB)/lib/libm.a \
	  $$(EFI_$(1)_GNUEFI)/libgnuefi.a \
	  $$(shell $$(call efi_tool,$(1),CC) $$(filter -m32 -m64,$$(EFI_$(1)_MFLAGS)) -print-libgcc-file-name) \
	  --end-group

$$(EFI_$(1)_APP): $$(EFI_$(1)_BUILD)/vtop.so efi/check-image.sh efi/pe-image.py
	efi/check-image.sh relocs $$< $(1)
	$$(call efi_tool,$(1),OBJCOPY) $$(EFI_PE_SECTIONS) --strip-all --target $$(EFI_$(1)_PE) \
	  --subsystem=10 $$< $$@
	efi/pe-image.py nxcompat $$@
	efi/check-image.sh pe $$@ $(1)
endef
$(foreach a,$(EFI_ARCHES),$(eval $(call efi_arch_rules,$(a))))

# gnu-efi for arm64, unpacked (not installed) once; `make` fetches it on a
# fresh machine (tools/deps.sh adds arm64 as a foreign architecture).
$(EFI_aa64_GNUEFI_DEP):
	rm -rf $(GNUEFI_ARM64).dl $(GNUEFI_ARM64) && mkdir -p $(GNUEFI_ARM64).dl
	cd $(GNUEFI_ARM64).dl && apt-get download gnu-efi:arm64
	dpkg-deb -x $(GNUEFI_ARM64).dl/gnu-efi_*_arm64.deb $(GNUEFI_ARM64)
	rm -rf $(GNUEFI_ARM64).dl
	test -f $@ && touch $@

# The names the rest of the build uses for the x64 app (tests, lint).
EFI_BUILD   := $(EFI_x64_BUILD)
EFI_APP     := $(EFI_x64_APP)
EFI_APP_IA32 := $(EFI_ia32_APP)
EFI_APP_AA64 := $(EFI_aa64_APP)
NEWLIB      := $(EFI_x64_NEWLIB)
NEWLIB_LIBC := $(EFI_x64_LIBC)
EFI_CFLAGS  := $(call efi_cflags,x64)

ALL_TARGETS += $(EFI_APP) $(EFI_APP_IA32) $(EFI_APP_AA64)


# `make run [ARCH=ia32|aa64]`: deps, build, boot under QEMU/OVMF (x64, or
# OVMF IA32 under qemu-system-i386, or AAVMF under qemu-system-aarch64 -M
# virt) with the demo images and script
# (efi/demo.nsh as \vtop.nsh), stream the serial report; QEMU powers off by
# itself (the app is started with -qemu-exit -shutdown).
ARCH ?= x64
EFI_RUN_APP = $(or $(EFI_$(ARCH)_APP),$(error ARCH=$(ARCH): x64, ia32 or aa64))
EFI_DEMO_IMAGES := 4level.elf64 pae.dmp32 5level.lime 32bit.raw
EFI_DEMO_ADDS = $(foreach f,$(EFI_DEMO_IMAGES),--add $(IMAGES_DIR)/$(f):images/$(f)) \
  --add efi/demo.nsh:vtop.nsh
.PHONY: run usb-image efi
efi: $(EFI_APP) $(EFI_APP_IA32) $(EFI_APP_AA64)
run: deps
	@$(MAKE) --no-print-directory $(EFI_RUN_APP) $(IMAGES_STAMP)
	tools/qemu-efi.sh --firmware $(ARCH) --app $(EFI_RUN_APP) --stream --timeout 180 \
	  --dir $(BUILD)/efi-run/run-$(ARCH) $(EFI_DEMO_ADDS) $(EFI_RUN_ARGS)

# A bootable disk image for a USB stick: MBR with one FAT32 EFI system
# partition holding \EFI\BOOT\BOOTX64.EFI, \EFI\BOOT\BOOTIA32.EFI and
# \EFI\BOOT\BOOTAA64.EFI (the removable-media paths, UEFI spec 2.10 section
# 3.5.1.1), so x64, IA32 and AArch64 firmware alike start vtop without a
# shell, and the demo images under
# \images\ (no script: the app reports on each image and then waits at its
# serial prompt). Add files with EFI_USB_ARGS="--add FILE:images/NAME".
usb-image: $(EFI_APP) $(EFI_APP_IA32) $(EFI_APP_AA64) $(IMAGES_STAMP)
	tools/esp-image.sh --usb --app $(EFI_APP) --app-ia32 $(EFI_APP_IA32) \
	  --app-aa64 $(EFI_APP_AA64) \
	  --out $(BUILD)/vtop-usb.img \
	  $(foreach f,$(EFI_DEMO_IMAGES),--add $(IMAGES_DIR)/$(f):images/$(f)) \
	  $(EFI_USB_ARGS)

# `make sign [KEY=db.key CERT=db.crt]`: Authenticode-sign the apps with
# sbsigntool into build/sign/ (vtop.signed.efi, vtop-ia32.signed.efi). Without KEY and
# CERT it signs with Debian's OVMF snakeoil key, which OVMF_VARS_4M.snakeoil.fd
# enrols in db (ovmf's README.Debian); the key file is encrypted with the
# passphrase "snakeoil", and sbsign cannot ask for one, so a decrypted copy
# goes to build/sign/ first. For real hardware see the README.
SIGN_DIR      := $(BUILD)/sign
SNAKEOIL_KEY  := /usr/share/ovmf/PkKek-1-snakeoil.key
SNAKEOIL_CERT := /usr/share/ovmf/PkKek-1-snakeoil.pem
KEY           ?= $(SIGN_DIR)/snakeoil.key
CERT          ?= $(SNAKEOIL_CERT)
EFI_SIGNED    := $(SIGN_DIR)/vtop.signed.efi
EFI_SIGNED_IA32 := $(SIGN_DIR)/vtop-ia32.signed.efi

$(SIGN_DIR)/snakeoil.key: $(SNAKEOIL_KEY)
	@mkdir -p $(dir $@)
	openssl rsa -passin pass:snakeoil -in $< -out $@

efi_sign = sbsign --key $(KEY) --cert $(CERT) --output $@ $< && \
  sbverify --cert $(CERT) $@ && efi/check-image.sh pe $@ $(1)

$(EFI_SIGNED): $(EFI_APP) $(KEY) $(CERT)
	@mkdir -p $(dir $@)
	$(call efi_sign,x64)

$(EFI_SIGNED_IA32): $(EFI_APP_IA32) $(KEY) $(CERT)
	@mkdir -p $(dir $@)
	$(call efi_sign,ia32)

.PHONY: sign
sign: $(EFI_SIGNED) $(EFI_SIGNED_IA32)
