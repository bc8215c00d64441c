# vtop UEFI application, for x64 (build/efi/vtop.efi, PE32+) and IA32
# (build/efi-ia32/vtop.efi, PE32): newlib (built once per architecture into
# build/newlib and build/newlib-ia32), gnu-efi's crt0 + _relocate, our linker
# scripts (linker/efi-*.lds), and the same core/ and cmd/ sources as the host
# build, compiled for UEFI.
#
# Targets: both apps (in `make all`), run [ARCH=ia32], sign, usb-image,
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
#   is undefined, as for newlib (efi/build-newlib.sh).
EFI_ARCHES := x64 ia32
EFI_x64_BUILD   := $(BUILD)/efi
EFI_x64_NEWLIB  := $(BUILD)/newlib/x86_64-elf
EFI_x64_TARGET  := x86_64-elf
EFI_x64_MFLAGS  := -m64 -march=x86-64 -mtune=generic -mno-red-zone -DGNU_EFI_USE_MS_ABI
EFI_x64_GNUEFI  := /usr/lib
EFI_x64_INCARCH := x86_64
EFI_x64_CRT0    := crt0-efi-x86_64.o
EFI_x64_LDS     := linker/efi-x86_64.lds
EFI_x64_LDEMU   := elf_x86_64
EFI_x64_PE      := efi-app-x86_64
EFI_ia32_BUILD   := $(BUILD)/efi-ia32
EFI_ia32_NEWLIB  := $(BUILD)/newlib-ia32/i686-elf
EFI_ia32_TARGET  := i686-elf
EFI_ia32_MFLAGS  := -m32 -march=i686 -mtune=generic -mno-sse -mfpmath=387 \
  -U__linux__ -U__gnu_linux__ -Ulinux
EFI_ia32_GNUEFI  := /usr/lib32
EFI_ia32_INCARCH := ia32
EFI_ia32_CRT0    := crt0-efi-ia32.o
EFI_ia32_LDS     := linker/efi-ia32.lds
EFI_ia32_LDEMU   := elf_i386
EFI_ia32_PE      := efi-app-ia32

# PIC so the image only needs *_RELATIVE relocations (applied by gnu-efi's
# _relocate). newlib's headers first, then gcc's own (stddef.h, stdarg.h),
# then gnu-efi (docs/efi-toolchain.md).
efi_cflags = -std=c11 $(WARN) -O2 -g $(EFI_$(1)_MFLAGS) \
  -fPIC -fno-stack-protector -ffreestanding \
  -fno-asynchronous-unwind-tables \
  -DVTOP_VERSION='"$(VERSION)"' -DVTOP_EFI=1 \
  -nostdinc -isystem $(EFI_$(1)_NEWLIB)/include \
  -isystem $(shell $(EFI_CC) -print-file-name=include) \
  -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/$(EFI_$(1)_INCARCH) -I.

EFI_SRCS := $(sort $(wildcard efi/*.c))
# Per-architecture glue (efi/arch/<arch>/): IA32 firmware runs unpaged, so
# the app's own map (efi/ownmap.h) has its own implementation there.
EFI_x64_SRCS  := $(EFI_SRCS) $(sort $(wildcard efi/arch/x64/*.c))
EFI_ia32_SRCS := $(filter-out efi/ownmap.c,$(EFI_SRCS)) $(sort $(wildcard efi/arch/ia32/*.c))

# Sections copied into the PE image (the linker script's order and rights).
EFI_PE_SECTIONS := -j .text -j .rodata -j .reloc -j .data -j .dynamic \
  -j .rel -j .rela -j .dynsym

# One set of rules per architecture ($(1) = x64 or ia32).
# - newlib: rebuilt only when its libc.a is missing (about 35-50 s).
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

$$(EFI_$(1)_BUILD)/%.o: %.c | $$(EFI_$(1)_LIBC)
	@mkdir -p $$(dir $$@)
	$$(EFI_CC) $$(call efi_cflags,$(1)) -MMD -MP -c $$< -o $$@

$$(EFI_$(1)_BUILD)/vtop.so: $$(EFI_$(1)_OBJS) $$(EFI_$(1)_LDS) $$(EFI_$(1)_LIBC)
	$$(EFI_LD) -m $$(EFI_$(1)_LDEMU) -nostdlib -znocombreloc -shared -Bsymbolic \
	  --no-undefined -z noexecstack -T $$(EFI_$(1)_LDS) -o $$@ \
	  $$(EFI_$(1)_GNUEFI)/$$(EFI_$(1)_CRT0) $$(EFI_$(1)_OBJS) \
	  --start-group $$(EFI_$(1)_NEWLIB)/lib/libc.a $$(EFI_$(1)_NEWLIB)/lib/libm.a \
	  $$(EFI_$(1)_GNUEFI)/libgnuefi.a \
	  $$(shell $$(EFI_CC) $$(filter -m32 -m64,$$(EFI_$(1)_MFLAGS)) -print-libgcc-file-name) \
	  --end-group

$$(EFI_$(1)_APP): $$(EFI_$(1)_BUILD)/vtop.so efi/check-image.sh efi/pe-image.py
	efi/check-image.sh relocs $$< $(1)
	$$(EFI_OBJCOPY) $$(EFI_PE_SECTIONS) --strip-all --target $$(EFI_$(1)_PE) \
	  --subsystem=10 $$< $$@
	efi/pe-image.py nxcompat $$@
	efi/check-image.sh pe $$@ $(1)
endef
$(foreach a,$(EFI_ARCHES),$(eval $(call efi_arch_rules,$(a))))

# The names the rest of the build uses for the x64 app (tests, lint).
EFI_BUILD   := $(EFI_x64_BUILD)
EFI_APP     := $(EFI_x64_APP)
EFI_APP_IA32 := $(EFI_ia32_APP)
NEWLIB      := $(EFI_x64_NEWLIB)
NEWLIB_LIBC := $(EFI_x64_LIBC)
EFI_CFLAGS  := $(call efi_cflags,x64)

ALL_TARGETS += $(EFI_APP) $(EFI_APP_IA32)


# `make run [ARCH=ia32]`: deps, build, boot under QEMU/OVMF (x64, or
# OVMF IA32 under qemu-system-i386) with the demo images and script
# (efi/demo.nsh as \vtop.nsh), stream the serial report; QEMU powers off by
# itself (the app is started with -qemu-exit -shutdown).
ARCH ?= x64
EFI_RUN_APP = $(or $(EFI_$(ARCH)_APP),$(error ARCH=$(ARCH): x64 or ia32))
EFI_DEMO_IMAGES := 4level.elf64 pae.dmp32 5level.lime 32bit.raw
EFI_DEMO_ADDS = $(foreach f,$(EFI_DEMO_IMAGES),--add $(IMAGES_DIR)/$(f):images/$(f)) \
  --add efi/demo.nsh:vtop.nsh
.PHONY: run usb-image efi
efi: $(EFI_APP) $(EFI_APP_IA32)
run: deps
	@$(MAKE) --no-print-directory $(EFI_RUN_APP) $(IMAGES_STAMP)
	tools/qemu-efi.sh --firmware $(ARCH) --app $(EFI_RUN_APP) --stream --timeout 180 \
	  --dir $(BUILD)/efi-run/run-$(ARCH) $(EFI_DEMO_ADDS) $(EFI_RUN_ARGS)

# A bootable disk image for a USB stick: MBR with one FAT32 EFI system
# partition holding \EFI\BOOT\BOOTX64.EFI and \EFI\BOOT\BOOTIA32.EFI (the
# removable-media paths, UEFI spec 2.10 section 3.5.1.1), so 64- and 32-bit
# firmware alike start vtop without a shell, and the demo images under
# \images\ (no script: the app reports on each image and then waits at its
# serial prompt). Add files with EFI_USB_ARGS="--add FILE:images/NAME".
usb-image: $(EFI_APP) $(EFI_APP_IA32) $(IMAGES_STAMP)
	tools/esp-image.sh --usb --app $(EFI_APP) --app-ia32 $(EFI_APP_IA32) \
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
