#!/usr/bin/env bash
# test-mode-grep: the paging mode is data (core/paging.c's mode table is the
# only place that knows a mode). Outside core/paging.c and QEMU's quirk
# table, no source in core/ cmd/ efi/ host/ compares with a VTOP_MODE_*
# constant or with a literal level count. Lines or files naming a "quirk"
# are exempt: QEMU's output quirks are facts about one mode by definition.
# A self-test first proves each pattern still catches a known-bad line, so a
# broken regex cannot pass silently. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
mode_re='(==|!=)[[:space:]]*VTOP_MODE_|VTOP_MODE_[A-Z0-9_]+[[:space:]]*(==|!=)|case[[:space:]]+VTOP_MODE_'
level_re='(^|[^a-z_])levels[[:space:]]*(==|!=)[[:space:]]*[0-9]'
n=0; rc=0
tap() { n=$((n + 1)); if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi; }

# Self-test: each pattern must match its known-bad sample.
for sample in 'if (d->mode == VTOP_MODE_PAE)' 'case VTOP_MODE_5LEVEL:' 'VTOP_MODE_4LEVEL != m'; do
  if printf '%s\n' "$sample" | grep -qE "$mode_re"; then tap ok "mode grep self-test catches: $sample"
  else tap fail "mode grep self-test misses: $sample"; fi
done
if printf '%s\n' 'if (d->levels == 5)' | grep -qE "$level_re"; then tap ok "level grep self-test catches: d->levels == 5"
else tap fail "level grep self-test misses: d->levels == 5"; fi

files=$(find core cmd efi host -name '*.[ch]' ! -path core/paging.c ! -iname '*quirk*' | sort)
[ -n "$files" ] || { tap fail "no sources found under core cmd efi host"; exit 1; }
count=$(printf '%s\n' $files | wc -l)
for what in mode level; do
  re=$mode_re; [ $what = level ] && re=$level_re
  # shellcheck disable=SC2086
  hits=$(grep -nE "$re" $files | grep -vi quirk)
  if [ -z "$hits" ]; then tap ok "no $what comparison outside core/paging.c and the quirk table ($count files)"
  else tap fail "$what comparisons outside core/paging.c and the quirk table:"; printf '%s\n' "$hits" | sed 's/^/# /'; fi
done
exit $rc
