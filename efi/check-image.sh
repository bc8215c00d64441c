#!/usr/bin/env bash
# Build-time checks of the EFI app (docs/efi-toolchain.md).
#   check-image.sh relocs vtop.so  only R_X86_64_RELATIVE dynamic relocations
#                                  (gnu-efi's _relocate handles no other kind)
#   check-image.sh pe vtop.efi     a PE32+ image, subsystem 10 (EFI application)
set -eu
what=$1 file=$2
case $what in
relocs)
  bad=$(readelf -W -r "$file" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_X86_64_/ && $3 != "R_X86_64_RELATIVE" {print $3}' | sort | uniq -c)
  if [ -n "$bad" ]; then
    echo "check-image: $file has relocations _relocate cannot apply:" >&2
    echo "$bad" >&2
    exit 1
  fi
  if readelf -W --dyn-syms "$file" | awk '$7 == "UND" && $8 != "" {f=1} END {exit !f}'; then
    echo "check-image: $file has undefined dynamic symbols:" >&2
    readelf -W --dyn-syms "$file" | awk '$7 == "UND" && $8 != ""' >&2
    exit 1
  fi
  ;;
pe)
  p=$(objdump -p "$file")
  grep -q '^Magic[[:space:]]*020b' <<<"$p" || { echo "check-image: $file is not PE32+" >&2; exit 1; }
  grep -Eq '^Subsystem[[:space:]]*0*a[[:space:]]*\(EFI application\)' <<<"$p" ||
    { echo "check-image: $file is not an EFI application (subsystem 10)" >&2; exit 1; }
  echo "check-image: $file: PE32+ EFI application (subsystem 10), $(stat -c %s "$file") bytes"
  ;;
*) echo "usage: $0 relocs|pe FILE" >&2; exit 2 ;;
esac
