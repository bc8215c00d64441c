#!/bin/busybox sh
# /init of the capture guests' initramfs (images/guests/guest.py packs it
# with a static busybox). It brings up a minimal userland, starts a few
# processes so user-space mappings exist in the page tables, keeps one of
# them busy and the others asleep for good (no periodic wake-ups), so the
# vCPU is inside the busy process (or a kernel thread borrowing its tables)
# whenever the host stops it, and prints the marker the host waits for.
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
# QEMU's -device vmcoreinfo only receives VMCOREINFO through this driver
# (Linux drivers/firmware/qemu_fw_cfg.c); packed only for the dump guests.
[ -f /qemu_fw_cfg.ko ] && insmod /qemu_fw_cfg.ko
# The LiME guest (images/guests/dumps.py): load the virtio disk driver and
# LiME, which writes RAM to /dev/vda (LiME README: path=, format=lime;
# timeout=0 keeps slow TCG pages from being zero-filled), then print the
# marker and spin with shell builtins only, so the CR3 at the stop is this
# shell's, whose tables LiME copied.
if [ -f /lime.ko ]; then
  for m in virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio \
           virtio_pci virtio_blk; do insmod /$m.ko; done
  n=0; while [ ! -b /dev/vda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
  insmod /lime.ko "path=/dev/vda format=lime timeout=0"
  echo "VTOP-GUEST-READY lime $?"
  while true; do :; done
fi
sleep 100000 &
sleep 100001 &
# A written tmpfs file: page-cache pages in the kernel's direct map.
dd if=/dev/zero of=/tmp/blob bs=4096 count=512 2>/dev/null
# The busy process is the one running when the host stops the vCPU; like a
# real workload it has written memory of its own (a 2 MiB string in its heap),
# which is what tells a running process apart from sleeping ones sharing the
# same kernel half (core/roots.h).
# It prints the marker itself once its string is built, so the short-lived
# dd and tr of the pipeline are gone before the host stops the vCPU; it forks
# nothing after that (a fork would make its written pages read-only for
# copy-on-write).
(m="VTOP-GUEST-READY $(uname -m) $(uname -r)"
 x=$(dd if=/dev/zero bs=1024 count=2048 2>/dev/null | tr '\0' a)
 echo "$m ${#x}"
 while true; do :; done) &
exec sleep 1000000
