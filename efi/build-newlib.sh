#!/usr/bin/env bash
# Build newlib 3.3.0 (Debian newlib-source) for x86_64-elf into $1 (default
# build/newlib), with flags suitable for code running under UEFI: PIC, no red
# zone (firmware interrupts use our stack), freestanding, no stack protector.
# Options from docs/efi-toolchain.md: --enable-newlib-io-c99-formats is needed
# for %zu; nano formatted IO would drop %llx. Cached by the caller (make rule
# on the installed libc.a): this script always rebuilds.
set -eu
prefix=$(realpath -m "${1:-build/newlib}")
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -r "$tarball" ] || { echo "newlib: $tarball missing (make deps installs newlib-source)" >&2; exit 1; }
work="$prefix.work"
rm -rf "$work" "$prefix"
mkdir -p "$work/src" "$work/obj"
echo "newlib: extracting $tarball"
tar -xJf "$tarball" -C "$work/src"
src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
cd "$work/obj"
echo "newlib: configuring for x86_64-elf (log: $work/build.log)"
"$src/configure" --target=x86_64-elf --prefix="$prefix" \
  --disable-multilib --disable-newlib-supplied-syscalls \
  --enable-newlib-io-long-long --enable-newlib-io-c99-formats --disable-nls \
  CC_FOR_TARGET=gcc AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib \
  CFLAGS_FOR_TARGET="-O2 -ffreestanding -fPIC -mno-red-zone -fno-stack-protector" \
  >"$work/build.log" 2>&1
echo "newlib: building (about 35 s on 2 idle cores)"
if ! make -j2 all-target-newlib >>"$work/build.log" 2>&1 ||
   ! make install-target-newlib >>"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  echo "newlib: build failed, full log in $work/build.log" >&2
  exit 1
fi
# Installed as $prefix/x86_64-elf/{include,lib}.
test -f "$prefix/x86_64-elf/lib/libc.a"
rm -rf "$work"
echo "newlib: installed in $prefix/x86_64-elf"
