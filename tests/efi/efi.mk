# End-to-end tests of the EFI app under QEMU/OVMF (TCG): each boot goes
# through tools/qemu-efi.sh; tests/efi/e2e.py asserts on the serial
# transcripts and the app's exit status and prints TAP lines.
TEST_SUITES += test-efi

.PHONY: test-efi
test-efi: $(EFI_APP) $(EFI_SIGNED) $(BUILD)/vtop $(IMAGES_STAMP)
	@python3 tests/efi/image_test.py --work $(BUILD)/efi-test/image \
	  --image $(EFI_APP):x64
	@python3 tests/efi/secboot_test.py --work $(BUILD)/efi-test/secboot \
	  --signed $(EFI_SIGNED) --unsigned $(EFI_APP)
	@python3 tests/efi/e2e.py --app $(EFI_APP) --work $(BUILD)/efi-test \
	  --host $(BUILD)/vtop --images $(IMAGES_DIR)
