#!/usr/bin/env bash
# Boot the vtop EFI app under QEMU/OVMF (TCG) and return its status.
# Shared by `make run` and tests/efi (docs/efi-toolchain.md).
#
#   qemu-efi.sh [--app build/efi/vtop.efi] [--args "APP ARGS"] [--runs N]
#               [--add SRC:DEST]... [--cpu qemu64] [--mem 512M]
#               [--timeout 60] [--dir build/efi-run/default] [--stream]
#               [--no-serial] [--monitor SOCKET] [--usb]
#               [--firmware x64|x64-snakeoil|ia32|aa64|aa64-el2]
#               [--qemu-arg ARG]...
#
# Firmware (Debian's ovmf and ovmf-ia32 packages):
#   x64           OVMF_CODE_4M.fd, qemu-system-x86_64, CPU qemu64 by default
#   x64-snakeoil  OVMF_CODE_4M.snakeoil.fd + OVMF_VARS_4M.snakeoil.fd: Secure
#                 Boot on, the snakeoil key in PK, KEK and db (ovmf's
#                 README.Debian); the SMM build needs -machine q35,smm=on and
#                 the secure pflash (EDK2 OvmfPkg/README, "SMM support")
#   ia32          OVMF32_CODE_4M.secboot.fd (also an SMM build, no keys
#                 enrolled), qemu-system-i386, CPU qemu32 by default; the
#                 app goes to \EFI\BOOT\BOOTIA32.EFI with --usb
#   aa64          AAVMF_CODE.fd (qemu-efi-aarch64) under qemu-system-aarch64
#                 -M virt, CPU max by default; the firmware (and the app)
#                 runs at EL1; the ESP is a virtio-blk disk (virt has no
#                 IDE); the app reports its status through semihosting
#                 (efi/arch/aa64/cpu.h), as QEMU has no isa-debug-exit there
#   aa64-el2      the same with -M virt,virtualization=on: EL2
#
# The ESP holds the app at \EFI\vtop\vtop.efi and a startup.nsh that runs it
# N times with ARGS (default "-qemu-exit -shutdown"; -qemu-exit only on the
# last run) and then "reset -s", so QEMU always ends. The transcript
# (serial) is DIR/serial.log; --stream also copies it to stdout live.
#
# Exit status: the app's own status when it reported one through
# isa-debug-exit or semihosting (QEMU exits with (value << 1) | 1,
# value = 0x20 + status);
# 124 on timeout; 125
# when QEMU ended without a status from the app (e.g. powered off by the
# shell after the app failed to start).
set -u
app=build/efi/vtop.efi args="-qemu-exit -shutdown" runs=1 cpu= mem=512M
timeout=60 dir=build/efi-run/default stream=0 serial=1 monitor= usb=0 adds=()
firmware=x64
extra=()
while [ $# -gt 0 ]; do
  case $1 in
  --app) app=$2; shift 2 ;;
  --args) args=$2; shift 2 ;;
  --runs) runs=$2; shift 2 ;;
  --add) adds+=(--add "$2"); shift 2 ;;
  --cpu) cpu=$2; shift 2 ;;
  --mem) mem=$2; shift 2 ;;
  --timeout) timeout=$2; shift 2 ;;
  --dir) dir=$2; shift 2 ;;
  --stream) stream=1; shift ;;
  --no-serial) serial=0; shift ;;
  --monitor) monitor=$2; shift 2 ;;
  --usb) usb=1; shift ;;
  --firmware) firmware=$2; shift 2 ;;
  --qemu-arg) extra+=("$2"); shift 2 ;;
  *) echo "qemu-efi: unknown argument $1" >&2; exit 2 ;;
  esac
done
ovmf=/usr/share/OVMF qemu_bin=qemu-system-x86_64 machine=q35 secure=() esp_arch=x64
status_dev=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
disk=(-drive "format=raw,file=$dir/esp.img")
case $firmware in
x64) ovmf_code=$ovmf/OVMF_CODE_4M.fd ovmf_vars=$ovmf/OVMF_VARS_4M.fd ;;
x64-snakeoil)
  ovmf_code=$ovmf/OVMF_CODE_4M.snakeoil.fd ovmf_vars=$ovmf/OVMF_VARS_4M.snakeoil.fd
  machine=q35,smm=on secure=(-global driver=cfi.pflash01,property=secure,value=on) ;;
ia32)
  ovmf_code=$ovmf/OVMF32_CODE_4M.secboot.fd ovmf_vars=$ovmf/OVMF32_VARS_4M.fd
  qemu_bin=qemu-system-i386 esp_arch=ia32
  machine=q35,smm=on secure=(-global driver=cfi.pflash01,property=secure,value=on) ;;
aa64|aa64-el2)
  ovmf_code=/usr/share/AAVMF/AAVMF_CODE.fd ovmf_vars=/usr/share/AAVMF/AAVMF_VARS.fd
  qemu_bin=qemu-system-aarch64 esp_arch=aa64 machine=virt
  [ "$firmware" = aa64-el2 ] && machine=virt,virtualization=on
  status_dev=(-semihosting-config enable=on,target=native) ;;
*) echo "qemu-efi: unknown firmware $firmware (x64, x64-snakeoil, ia32, aa64, aa64-el2)" >&2; exit 2 ;;
esac
if [ "$esp_arch" = aa64 ]; then
  disk=(-drive "if=none,id=esp,format=raw,file=$dir/esp.img" -device virtio-blk-pci,drive=esp)
fi
if [ -z "$cpu" ]; then
  cpu=qemu64
  [ "$firmware" = ia32 ] && cpu=qemu32
  [ "$esp_arch" = aa64 ] && cpu=max
fi
for f in "$app" "$ovmf_code" "$ovmf_vars"; do
  [ -r "$f" ] || { echo "qemu-efi: missing $f (make deps / make all)" >&2; exit 2; }
done
mkdir -p "$dir"
log=$dir/serial.log
: >"$log"

# startup.nsh: the UEFI Shell runs it from the first file system. The
# last line powers off whatever happened (UEFI Shell spec 2.2, "reset").
{
  echo "@echo -off"
  echo "fs0:"
  for i in $(seq 1 "$runs"); do
    a=$args
    # Earlier runs: no power-off, no status, and no prompt to wait at.
    [ "$i" -lt "$runs" ] && a="-batch $(sed 's/-qemu-exit//; s/-shutdown//' <<<"$args")"
    echo "\\EFI\\vtop\\vtop.efi $a"
  done
  echo "reset -s"
} >"$dir/startup.nsh"
cp "$ovmf_vars" "$dir/OVMF_VARS.fd"
esp_args=(--out "$dir/esp.img" --app "$app" --startup "$dir/startup.nsh")
[ "$usb" = 1 ] && esp_args=(--out "$dir/esp.img" --usb)
[ "$usb" = 1 ] && [ "$esp_arch" = x64 ] && esp_args+=(--app "$app")
[ "$usb" = 1 ] && [ "$esp_arch" = ia32 ] && esp_args+=(--app-ia32 "$app")
[ "$usb" = 1 ] && [ "$esp_arch" = aa64 ] && esp_args+=(--app-aa64 "$app")
tools/esp-image.sh "${esp_args[@]}" ${adds[@]+"${adds[@]}"} >/dev/null || exit 2

qemu=("$qemu_bin" -accel tcg -machine "$machine" ${secure[@]+"${secure[@]}"}
  -cpu "$cpu" -m "$mem"
  -drive "if=pflash,format=raw,readonly=on,file=$ovmf_code"
  -drive "if=pflash,format=raw,file=$dir/OVMF_VARS.fd"
  "${disk[@]}" "${status_dev[@]}"
  -display none -no-reboot -net none -vga none ${extra[@]+"${extra[@]}"})
if [ -n "$monitor" ]; then
  qemu+=(-monitor "unix:$monitor,server=on,wait=off")
else
  qemu+=(-monitor none)
fi
# Serial input is a FIFO we hold open: when the Shell prints its 5 s
# "Press ESC in 5 seconds to skip startup.nsh or any other key to continue"
# we send one blank (not ESC) so startup.nsh starts at once.
rm -f "$dir/serial.in"
mkfifo "$dir/serial.in"
exec 3<>"$dir/serial.in"
start=$(date +%s.%N)
if [ "$serial" = 0 ]; then
  qemu+=(-serial none)
else
  qemu+=(-serial stdio)
fi
timeout -k 5 "$timeout" "${qemu[@]}" <&3 >"$log" 2>"$dir/qemu.err" &
qpid=$!
# A harness that stops us (SIGTERM) stops QEMU too: timeout(1) runs in its
# own process group and passes the signal on to QEMU.
trap 'kill -TERM $qpid 2>/dev/null' TERM INT
if [ "$serial" = 1 ]; then
  (
    for _ in $(seq 1 300); do
      if grep -q 'startup.nsh' "$log" 2>/dev/null; then printf ' ' >&3; exit 0; fi
      kill -0 $qpid 2>/dev/null || exit 0
      sleep 0.1
    done
  ) &
  keypid=$!
fi
[ "$stream" = 1 ] && tail -n +1 -f --pid=$qpid "$log" 2>/dev/null
wait $qpid
rc=$?
# wait returns early when the trap ran: wait again for QEMU's end.
kill -0 $qpid 2>/dev/null && { wait $qpid; rc=$?; }
[ -n "${keypid:-}" ] && { kill "$keypid" 2>/dev/null; wait "$keypid" 2>/dev/null; }
exec 3>&-
rm -f "$dir/serial.in"
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
[ -s "$dir/qemu.err" ] && sed 's/^/qemu: /' "$dir/qemu.err" >&2
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  echo "qemu-efi: timeout after ${timeout} s (transcript: $log)" >&2
  exit 124
fi
# The app sends 0x20 + status (efi/power.c) so its
# report (65, 67, ...) differs from QEMU's own failure exit 1.
if [ "$rc" -ge 65 ] && [ $((rc & 1)) -eq 1 ]; then
  status=$(((rc >> 1) - 0x20))
  echo "qemu-efi: app status $status after $secs s (transcript: $log)" >&2
  exit "$status"
fi
echo "qemu-efi: QEMU exited $rc without an app status after $secs s (transcript: $log)" >&2
exit 125
