# vtop UEFI application: newlib (built once into build/newlib), gnu-efi's
# crt0 + _relocate, our linker script (linker/efi-x86_64.lds), and the same
# core/ and cmd/ sources as the host build, compiled for UEFI into build/efi/.
#
# Targets: build/efi/vtop.efi (in `make all`), run, usb-image, test-efi.

EFI_BUILD    := $(BUILD)/efi
EFI_APP      := $(EFI_BUILD)/vtop.efi
EFI_SO       := $(EFI_BUILD)/vtop.so
NEWLIB_DIR   := $(BUILD)/newlib
NEWLIB       := $(NEWLIB_DIR)/x86_64-elf
NEWLIB_LIBC  := $(NEWLIB)/lib/libc.a
EFI_CC       ?= gcc
EFI_LD       ?= ld
EFI_OBJCOPY  ?= objcopy
GNUEFI_LIB   ?= /usr/lib
GNUEFI_INC   ?= /usr/include/efi
EFI_LDS      := linker/efi-x86_64.lds

# UEFI calls us with interrupts on and our stack shared with firmware
# handlers: no red zone. PIC so the image only needs R_X86_64_RELATIVE
# relocations (applied by gnu-efi's _relocate). Explicit x86-64 baseline:
# OVMF leaves CR4.OSXSAVE clear, so AVX would #UD (docs/efi-toolchain.md).
# newlib's headers first, then gcc's own (stddef.h, stdarg.h), then gnu-efi.
EFI_CFLAGS := -std=c11 $(WARN) -O2 -g -march=x86-64 -mtune=generic \
  -fPIC -fno-stack-protector -ffreestanding -mno-red-zone \
  -fno-asynchronous-unwind-tables -DGNU_EFI_USE_MS_ABI \
  -DVTOP_VERSION='"$(VERSION)"' -DVTOP_EFI=1 \
  -nostdinc -isystem $(NEWLIB)/include \
  -isystem $(shell $(EFI_CC) -print-file-name=include) \
  -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64 -I.

EFI_SRCS := $(sort $(wildcard efi/*.c))
EFI_OBJS := $(patsubst %.c,$(EFI_BUILD)/%.o,$(CORE_SRCS) $(CMD_SRCS) $(EFI_SRCS))

# newlib: rebuilt only when its libc.a is missing (about 35-50 s).
$(NEWLIB_LIBC):
	efi/build-newlib.sh $(NEWLIB_DIR)

$(EFI_BUILD)/%.o: %.c | $(NEWLIB_LIBC)
	@mkdir -p $(dir $@)
	$(EFI_CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# --no-undefined: a missing system function must fail the link, not become
# a PLT stub the PE conversion drops (#UD at run time; docs/efi-toolchain.md).
$(EFI_SO): $(EFI_OBJS) $(EFI_LDS) $(NEWLIB_LIBC)
	$(EFI_LD) -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	  -z noexecstack -T $(EFI_LDS) -o $@ $(GNUEFI_LIB)/crt0-efi-x86_64.o \
	  $(EFI_OBJS) --start-group $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a \
	  $(GNUEFI_LIB)/libgnuefi.a $(shell $(EFI_CC) -print-libgcc-file-name) \
	  --end-group

$(EFI_APP): $(EFI_SO) efi/check-image.sh
	efi/check-image.sh relocs $<
	$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
	  -j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
	  --target efi-app-x86_64 --subsystem=10 $< $@
	efi/check-image.sh pe $@

ALL_TARGETS += $(EFI_APP)

# `make run`: deps, build, boot under QEMU/OVMF with the demo images and
# script (efi/demo.nsh as \vtop.nsh), stream the serial report; QEMU powers
# off by itself (the app is started with -qemu-exit -shutdown).
EFI_DEMO_IMAGES := 4level.elf64 pae.dmp32 5level.lime 32bit.raw
EFI_DEMO_ADDS = $(foreach f,$(EFI_DEMO_IMAGES),--add $(IMAGES_DIR)/$(f):images/$(f)) \
  --add efi/demo.nsh:vtop.nsh
.PHONY: run usb-image efi
efi: $(EFI_APP)
run: deps
	@$(MAKE) --no-print-directory $(EFI_APP) $(IMAGES_STAMP)
	tools/qemu-efi.sh --app $(EFI_APP) --stream --timeout 120 \
	  --dir $(BUILD)/efi-run/run $(EFI_DEMO_ADDS) $(EFI_RUN_ARGS)

# A bootable disk image for a USB stick: MBR with one FAT32 EFI system
# partition holding \EFI\BOOT\BOOTX64.EFI (the removable-media path, UEFI
# spec 2.10 section 3.5.1.1), so firmware starts vtop without a shell, and
# the demo images under \images\ (no script: the app reports on each image
# and then waits at its serial prompt). Add files with
# EFI_USB_ARGS="--add FILE:images/NAME".
usb-image: $(EFI_APP) $(IMAGES_STAMP)
	tools/esp-image.sh --usb --app $(EFI_APP) --out $(BUILD)/vtop-usb.img \
	  $(foreach f,$(EFI_DEMO_IMAGES),--add $(IMAGES_DIR)/$(f):images/$(f)) \
	  $(EFI_USB_ARGS)
