#!/usr/bin/env bash
# `make install PREFIX=DIR` into a scratch prefix: the CLI, the man page, the
# static library and headers are there, and a C program embeds the
# translator through them (tests/cli/embed.c). TAP lines.
set -u
make_cmd=$1; prefix=$(realpath -m "$2")
rm -rf "$prefix"
n=0; failed=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - install $2";
        else echo "not ok $n - install $2"; failed=1; fi; }
$make_cmd --no-print-directory -s install PREFIX="$prefix" >/dev/null 2>&1
tap $? "make install PREFIX=..."
for f in bin/vtop share/man/man1/vtop.1 lib/libvtop.a include/vtop/paging.h \
         include/vtop/physmem.h include/vtop/status.h include/vtop/formats/format.h; do
  [ -f "$prefix/$f" ]; tap $? "installs $f"
done
"$prefix/bin/vtop" --version | grep -q '^vtop [0-9]'; tap $? "installed vtop --version"
man -l "$prefix/share/man/man1/vtop.1" 2>/dev/null | grep -q 'EXIT STATUS'
tap $? "man page renders with an EXIT STATUS section"
cc -std=c11 -Wall -Wextra -Werror -I"$prefix/include" tests/cli/embed.c \
  -L"$prefix/lib" -lvtop -o "$prefix/embed" 2>&1 | head -5
out=$("$prefix/embed" 2>&1)
[ "$out" = "0x12345 -> 0x5345 ok 0x00000000" ]
tap $? "a C program embeds libvtop.a (got: $out)"
exit $failed
