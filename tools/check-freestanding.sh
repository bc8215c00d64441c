#!/usr/bin/env bash
# test-freestanding: every core/ source must build with no C library at all
# (-ffreestanding -nostdlib -nostdinc, only the compiler's own headers, the
# EFI code-generation flags) and include nothing but <stdint.h>,
# <stddef.h>, <stdbool.h> or a quoted header that lives in core/.
# One TAP line per file, per check.
set -u
cc=${HOST_CC:-gcc}
gccinc=$("$cc" -print-file-name=include)
flags=(-std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -nostdlib -nostdinc
       -isystem "$gccinc" -I. -fPIC -mno-red-zone -fno-stack-protector
       -fshort-wchar)
n=0; rc=0
for f in $(ls core/*.c core/formats/*.c 2>/dev/null | sort); do
  n=$((n + 1))
  if out=$("$cc" "${flags[@]}" -c "$f" -o /dev/null 2>&1); then
    echo "ok $n - freestanding compile $f"
  else
    echo "not ok $n - freestanding compile $f"; echo "$out" | sed 's/^/# /'; rc=1
  fi
done
for f in $(ls core/*.[ch] core/formats/*.[ch] 2>/dev/null | sort); do
  n=$((n + 1)); bad=""
  dir=$(dirname "$f")
  while IFS= read -r inc; do
    case "$inc" in
      '<stdint.h>'|'<stddef.h>'|'<stdbool.h>') ;;
      \"*\")
        name=${inc#\"}; name=${name%\"}
        if [ -f "$dir/$name" ]; then p=$(realpath --relative-to=. "$dir/$name")
        elif [ -f "$name" ]; then p=$(realpath --relative-to=. "$name")
        else p=""; fi
        case "$p" in core/*) ;; *) bad="$bad $inc" ;; esac ;;
      *) bad="$bad $inc" ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$f")
  if grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[^<"[:space:]]' "$f"; then
    bad="$bad (macro include)"
  fi
  if [ -z "$bad" ]; then
    echo "ok $n - includes of $f"
  else
    echo "not ok $n - includes of $f:$bad"; rc=1
  fi
done
exit $rc
