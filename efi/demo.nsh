# vtop demo script for `make run`: the app runs it from \vtop.nsh on the ESP
# after its firmware report and own-map self-check. Images come from
# build/images (synthetic address spaces, images/gen_images.c).
open images/4level.elf64
info
vtop 400000 401000 402000 ffffffff81000000 ffff960000000000
pte ffffffff81000000
tlb
mem
audit
open images/pae.dmp32
vtop 8048000 c0000000 c0400000 804a000 80000000
tlb
open images/5level.lime --cr3 0x80000 --mode 5level
vtop 400000 ff00000000000000 ff11000000000000 100000000000000
mem
open images/32bit.raw --cr3 0x80000 --mode 32bit-pse
vtop 400000 c0400000 c0800000
ptov 8a000
open live
vtop 1000
memmap
