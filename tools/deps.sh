#!/usr/bin/env bash
# Install the Debian packages vtop needs, only those missing (idempotent).
# Called by `make deps` (and so by `make run` and `make test`).
set -u
packages=(
  gcc make binutils
  gnu-efi ovmf ovmf-ia32 qemu-system-x86 mtools dosfstools sbsigntool
  gcc-multilib
  newlib-source libcmocka-dev clang lld libclang-rt-14-dev
  busybox-static zstd socat gcovr cppcheck clang-tidy valgrind
  python3 xz-utils
  zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev makedumpfile
  chromium
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# A partial update (one index mid-sync) is a warning, not a failure
# (docs/guests.md).
"${sudo_cmd[@]}" apt-get update -q || echo "deps: warning: apt-get update reported errors; continuing"
if ! "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "deps: error: apt-get install failed for: ${missing[*]}" >&2
  exit 1
fi
