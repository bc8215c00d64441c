#!/usr/bin/env bash
# Build newlib 3.3.0 (Debian newlib-source) for x86_64-elf (or i686-elf) into
# $1 (default build/newlib), with flags suitable for code running under UEFI:
# PIC, no red zone (firmware interrupts use our stack), freestanding, no stack
# protector.
#
#   build-newlib.sh [PREFIX] [x86_64-elf|i686-elf|aarch64-elf]
#
# i686-elf is built with the host gcc in 32-bit mode (-m32, gcc-multilib):
# UEFI IA32 code is plain 32-bit protected-mode code (UEFI spec 2.10
# section 2.3.2), so no cross compiler is needed.
# Options from docs/efi-toolchain.md: --enable-newlib-io-c99-formats is needed
# for %zu; nano formatted IO would drop %llx. Cached by the caller (make rule
# on the installed libc.a): this script always rebuilds.
set -eu
ar=ar ranlib=ranlib
prefix=$(realpath -m "${1:-build/newlib}")
target=${2:-x86_64-elf}
case $target in
x86_64-elf) cc=gcc cflags="-O2 -ffreestanding -fPIC -mno-red-zone -fno-stack-protector" ;;
# The host gcc defines __linux__, which newlib's sys/config.h takes for
# i386 Linux (reentrancy through __getreent, 64-bit file offsets): undefine
# it for a bare i686-elf library (and in the app, efi/efi.mk).
# -malign-double: UEFI aligns 64-bit members naturally on IA32 too (UEFI
# spec 2.10 section 2.3.2), so the app is built that way, and newlib with
# it so both agree on the layout of structures they share (struct stat).
i686-elf) cc="gcc -m32 -malign-double -U__linux__ -U__gnu_linux__ -Ulinux"
  cflags="-O2 -march=i686 -mno-sse -ffreestanding -fPIC -fno-stack-protector" ;;
# aarch64-elf: Debian's cross gcc (gcc-aarch64-linux-gnu) targets Linux, so
# its __linux__ is undefined as for i686. UEFI runs AArch64 applications
# with the FP/SIMD unit enabled (UEFI spec 2.10 section 2.3.6.4), so newlib
# keeps its default code generation. newlib leaves the system layer's names
# to libgloss there (_write, _sbrk, ...); MISSING_SYSCALL_NAMES makes them
# the plain names efi/syscalls.c defines, as newlib does for x86_64-elf.
aarch64-elf) cc="aarch64-linux-gnu-gcc -U__linux__ -U__gnu_linux__ -Ulinux"
  cflags="-O2 -ffreestanding -fPIC -fno-stack-protector -DMISSING_SYSCALL_NAMES"
  ar=aarch64-linux-gnu-ar ranlib=aarch64-linux-gnu-ranlib ;;
*) echo "newlib: unknown target $target (x86_64-elf, i686-elf or aarch64-elf)" >&2; exit 2 ;;
esac
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -r "$tarball" ] || { echo "newlib: $tarball missing (make deps installs newlib-source)" >&2; exit 1; }
work="$prefix.work"
rm -rf "$work" "$prefix"
mkdir -p "$work/src" "$work/obj"
echo "newlib: extracting $tarball"
tar -xJf "$tarball" -C "$work/src"
src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
cd "$work/obj"
echo "newlib: configuring for $target (log: $work/build.log)"
"$src/configure" --target="$target" --prefix="$prefix" \
  --disable-multilib --disable-newlib-supplied-syscalls \
  --enable-newlib-io-long-long --enable-newlib-io-c99-formats --disable-nls \
  CC_FOR_TARGET="$cc" AR_FOR_TARGET="$ar" RANLIB_FOR_TARGET="$ranlib" \
  CFLAGS_FOR_TARGET="$cflags" \
  >"$work/build.log" 2>&1
echo "newlib: building (about 35 s on 2 idle cores)"
if ! make -j2 all-target-newlib >>"$work/build.log" 2>&1 ||
   ! make install-target-newlib >>"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  echo "newlib: build failed, full log in $work/build.log" >&2
  exit 1
fi
# Installed as $prefix/$target/{include,lib}.
test -f "$prefix/$target/lib/libc.a"
rm -rf "$work"
echo "newlib: installed in $prefix/$target"
