# End-to-end tests of the EFI apps under QEMU/OVMF (TCG): each boot goes
# through tools/qemu-efi.sh; the scripts assert on the serial transcripts
# and the app's exit status and print TAP lines: image_test.py (PE layout),
# secboot_test.py (Secure Boot), e2e.py (x64), ia32.py (IA32), aa64.py
# (AArch64 under AAVMF, EL1 and EL2).
TEST_SUITES += test-efi

.PHONY: test-efi
# Every script runs even when an earlier one fails; the suite fails if any did.
test-efi: $(EFI_APP) $(EFI_APP_IA32) $(EFI_APP_AA64) $(EFI_SIGNED) $(BUILD)/vtop $(IMAGES_STAMP)
	@rc=0; \
	python3 tests/efi/image_test.py --work $(BUILD)/efi-test/image \
	  --image $(EFI_APP):x64 --image $(EFI_APP_IA32):ia32 --image $(EFI_APP_AA64):aa64 || rc=1; \
	python3 tests/efi/secboot_test.py --work $(BUILD)/efi-test/secboot \
	  --signed $(EFI_SIGNED) --unsigned $(EFI_APP) || rc=1; \
	python3 tests/efi/e2e.py --app $(EFI_APP) --work $(BUILD)/efi-test \
	  --host $(BUILD)/vtop --images $(IMAGES_DIR) || rc=1; \
	python3 tests/efi/ia32.py --app $(EFI_APP_IA32) --work $(BUILD)/efi-test/ia32 \
	  --host $(BUILD)/vtop --images $(IMAGES_DIR) || rc=1; \
	python3 tests/efi/aa64.py --app $(EFI_APP_AA64) --work $(BUILD)/efi-test/aa64 \
	  --host $(BUILD)/vtop --images $(IMAGES_DIR) || rc=1; \
	exit $$rc
