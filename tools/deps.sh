#!/usr/bin/env bash
# Install the Debian packages vtop needs, only those missing (idempotent).
# Called by `make deps` (and so by `make run` and `make test`).
set -u
packages=(
  gcc make binutils
  gnu-efi ovmf ovmf-ia32 qemu-system-x86 mtools dosfstools sbsigntool
  gcc-12-multilib
  newlib-source libcmocka-dev clang lld libclang-rt-14-dev
  busybox-static zstd socat gcovr cppcheck clang-tidy valgrind
  python3 xz-utils
  zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev makedumpfile
  chromium
  gcc-aarch64-linux-gnu qemu-system-arm gdb-multiarch qemu-efi-aarch64
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# arm64 packages are fetched with `apt-get download` (the arm64 guest's
# kernel and busybox, gnu-efi for the AArch64 app), never installed: gnu-efi
# is not co-installable across architectures (both own /usr/lib/libefi.a).
# That needs arm64 in dpkg's architectures and its package index.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "deps: adding the arm64 architecture (for apt-get download only)"
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
  arch_added=1
fi
if [ ${#missing[@]} -eq 0 ]; then
  [ -n "${arch_added:-}" ] && { "${sudo_cmd[@]}" apt-get update -q ||
    echo "deps: warning: apt-get update reported errors; continuing"; }
  exit 0
fi
echo "deps: installing ${missing[*]}"
# A partial update (one index mid-sync) is a warning, not a failure
# (docs/guests.md).
"${sudo_cmd[@]}" apt-get update -q || echo "deps: warning: apt-get update reported errors; continuing"
if ! "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "deps: error: apt-get install failed for: ${missing[*]}" >&2
  exit 1
fi
