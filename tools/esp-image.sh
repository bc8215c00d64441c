#!/usr/bin/env bash
# Build a FAT EFI system partition image without root or loop mounts
# (mkfs.fat + mtools; docs/efi-toolchain.md).
#
#   esp-image.sh --out IMG [--app vtop.efi] [--app-ia32 vtop-ia32.efi]
#                [--app-aa64 vtop-aa64.efi] [--startup startup.nsh]
#                [--add SRC:DEST]... [--usb]
#
# Default layout (for the UEFI Shell, started by startup.nsh):
#   \EFI\vtop\vtop.efi, \startup.nsh, files given with --add (DEST is a
#   path inside the ESP such as images/guest.elf).
# --usb: a whole-disk image (MBR, one type-0xEF partition at 1 MiB) with the
#   app at \EFI\BOOT\BOOTX64.EFI, the IA32 app at \EFI\BOOT\BOOTIA32.EFI and
#   the AArch64 app at \EFI\BOOT\BOOTAA64.EFI, the removable-media boot
#   paths (UEFI spec 2.10 section 3.5.1.1), so firmware of any of these
#   kinds starts vtop without a shell. Without --usb the one app given goes
#   to \EFI\vtop\vtop.efi.
set -eu
out= app= app32= appaa64= startup= usb=0 adds=()
while [ $# -gt 0 ]; do
  case $1 in
  --out) out=$2; shift 2 ;;
  --app) app=$2; shift 2 ;;
  --app-ia32) app32=$2; shift 2 ;;
  --app-aa64) appaa64=$2; shift 2 ;;
  --startup) startup=$2; shift 2 ;;
  --add) adds+=("$2"); shift 2 ;;
  --usb) usb=1; shift ;;
  *) echo "esp-image: unknown argument $1" >&2; exit 2 ;;
  esac
done
apps=0
for f in "$app" "$app32" "$appaa64"; do
  [ -z "$f" ] && continue
  [ -r "$f" ] || { echo "esp-image: cannot read $f" >&2; exit 2; }
  apps=$((apps + 1))
done
[ -n "$out" ] && [ "$apps" -ge 1 ] ||
  { echo "esp-image: need --out IMG and a readable --app, --app-ia32 or --app-aa64 FILE" >&2; exit 2; }
[ "$usb" = 1 ] || [ "$apps" -eq 1 ] ||
  { echo "esp-image: several apps only with --usb" >&2; exit 2; }

# Size: the files plus 25% and 8 MiB of slack, at least 40 MiB (room for
# FAT32's minimum cluster count), rounded to MiB.
bytes=0
for f in $app $app32 $appaa64; do bytes=$((bytes + $(stat -L -c %s "$f"))); done
for a in ${adds[@]+"${adds[@]}"}; do
  bytes=$((bytes + $(stat -L -c %s "${a%%:*}")))
done
mib=$(( (bytes + bytes / 4) / 1048576 + 8 ))
[ "$mib" -lt 40 ] && mib=40

mkdir -p "$(dirname "$out")"
rm -f "$out"
offset_sectors=0
if [ "$usb" = 1 ]; then
  offset_sectors=2048
  total_sectors=$(( (mib + 1) * 2048 ))
  truncate -s $((total_sectors * 512)) "$out"
  # MBR partition entry 1 (at 0x1BE): not active, CHS fields unused
  # (0xFEFFFF), type 0xEF (EFI system partition), LBA start, LBA count;
  # boot signature 0x55AA at 0x1FE.
  le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
  entry="\\x00\\xfe\\xff\\xff\\xef\\xfe\\xff\\xff$(le32 2048)$(le32 $((total_sectors - 2048)))"
  printf "$entry" | dd of="$out" bs=1 seek=446 conv=notrunc status=none
  printf '\x55\xaa' | dd of="$out" bs=1 seek=510 conv=notrunc status=none
  mkfs.fat -F 32 -n VTOP --offset $offset_sectors "$out" $((mib * 1024)) >/dev/null
  img="$out@@$((offset_sectors * 512))"
else
  mkfs.fat -F 32 -n VTOP -C "$out" $((mib * 1024)) >/dev/null
  img="$out"
fi
export MTOOLS_SKIP_CHECK=1
mmd -i "$img" ::/EFI
if [ "$usb" = 1 ]; then
  mmd -i "$img" ::/EFI/BOOT
  [ -n "$app" ] && mcopy -i "$img" "$app" ::/EFI/BOOT/BOOTX64.EFI
  [ -n "$app32" ] && mcopy -i "$img" "$app32" ::/EFI/BOOT/BOOTIA32.EFI
  [ -n "$appaa64" ] && mcopy -i "$img" "$appaa64" ::/EFI/BOOT/BOOTAA64.EFI
else
  mmd -i "$img" ::/EFI/vtop
  mcopy -i "$img" "${app:-${app32:-$appaa64}}" ::/EFI/vtop/vtop.efi
fi
[ -n "$startup" ] && mcopy -i "$img" "$startup" ::/startup.nsh
made_dirs=" "
for a in ${adds[@]+"${adds[@]}"}; do
  src=${a%%:*} dest=${a#*:}
  dir=$(dirname "$dest") path=
  if [ "$dir" != . ]; then
    IFS=/ read -ra parts <<<"$dir"
    for p in "${parts[@]}"; do
      path="$path/$p"
      case $made_dirs in *" $path "*) ;; *) mmd -i "$img" "::$path"; made_dirs="$made_dirs$path " ;; esac
    done
  fi
  mcopy -i "$img" "$src" "::/$dest"
done
echo "esp-image: $out ($mib MiB$([ "$usb" = 1 ] && echo ', MBR + ESP partition'))"
