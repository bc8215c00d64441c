# End-to-end oracles of the `protections` command under QEMU/OVMF (TCG):
# two boots (tests/efi/protections.py) checked against QEMU's own `info tlb`,
# the memory map and MAT the app printed, OVMF's PcdSetNxForStack, and a
# capture opened by the host CLI.
TEST_SUITES += test-protections

.PHONY: test-protections
test-protections: $(EFI_APP) $(BUILD)/vtop
	@python3 tests/efi/protections.py --app $(EFI_APP) --work $(BUILD)/efi-test \
	  --host $(BUILD)/vtop
