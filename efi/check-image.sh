#!/usr/bin/env bash
# Build-time checks of the EFI app (efi/efi.mk runs them on every build).
#   check-image.sh relocs vtop.so [x64|ia32|aa64]
#       only R_X86_64_RELATIVE (x64) / R_386_RELATIVE (ia32) /
#       R_AARCH64_RELATIVE (aa64) dynamic relocations, the only kind gnu-efi's
#       _relocate applies (gnu-efi reloc_x86_64.c / reloc_ia32.c /
#       reloc_aarch64.c); each one inside a writable
#       section, because firmware with image protection maps the read-only
#       sections read-only before the entry point runs; no undefined dynamic
#       symbols (a missing function would become a PLT stub the PE
#       conversion drops)
#   check-image.sh pe vtop.efi [x64|ia32|aa64]
#       PE32+ (x64, aa64) / PE32 (ia32), subsystem 10, NX_COMPAT, every section
#       4 KiB aligned, none both writable and executable, no gaps
#       (efi/pe-image.py)
set -eu
what=$1 file=$2 arch=${3:-x64}
case $arch in
x64) rel=R_X86_64_ ok_rel=R_X86_64_RELATIVE ;;
ia32) rel=R_386_ ok_rel=R_386_RELATIVE ;;
aa64) rel=R_AARCH64_ ok_rel=R_AARCH64_RELATIVE ;;
*) echo "check-image: unknown architecture $arch (x64, ia32 or aa64)" >&2; exit 2 ;;
esac
case $what in
relocs)
  relocs=$(readelf -W -r "$file" | awk -v p="^$rel" '$1 ~ /^[0-9a-f]+$/ && $3 ~ p')
  [ -n "$relocs" ] || { echo "check-image: $file has no dynamic relocations (wrong file?)" >&2; exit 1; }
  bad=$(awk -v ok="$ok_rel" '$3 != ok {print $3}' <<<"$relocs" | sort | uniq -c)
  if [ -n "$bad" ]; then
    echo "check-image: $file has relocations _relocate cannot apply:" >&2
    echo "$bad" >&2
    exit 1
  fi
  # Writable allocated sections as "start end name" (hex), then every
  # relocation offset must fall in one of them.
  writable=$(readelf -W -S "$file" | sed 's/^ *\[ *[0-9]*\] *//' |
    awk '$1 ~ /^\./ && $7 ~ /W/ && $7 ~ /A/ {print $3, $5, $1}')
  outside=$(awk 'function hex(t,  v, i) { v = 0; t = tolower(t)
      for (i = 1; i <= length(t); i++) v = v * 16 + index("0123456789abcdef", substr(t, i, 1)) - 1
      return v }
    NR == FNR { s[NR] = hex($1); e[NR] = s[NR] + hex($2); k = NR; next }
    { a = hex($1); f = 0; for (i = 1; i <= k; i++) if (a >= s[i] && a < e[i]) f = 1
      if (!f) print $1 }' <(echo "$writable") <(echo "$relocs") | head -n 5)
  if [ -n "$outside" ]; then
    echo "check-image: $file relocates read-only memory (first offsets):" >&2
    echo "$outside" >&2
    exit 1
  fi
  if readelf -W --dyn-syms "$file" | awk '$7 == "UND" && $8 != "" {f=1} END {exit !f}'; then
    echo "check-image: $file has undefined dynamic symbols:" >&2
    readelf -W --dyn-syms "$file" | awk '$7 == "UND" && $8 != ""' >&2
    exit 1
  fi
  echo "check-image: $file: $(wc -l <<<"$relocs") $ok_rel relocations, all in writable sections"
  ;;
pe)
  "$(dirname "$0")/pe-image.py" check "$file" "$arch"
  ;;
*) echo "usage: $0 relocs|pe FILE [x64|ia32|aa64]" >&2; exit 2 ;;
esac
