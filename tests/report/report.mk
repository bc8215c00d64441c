# The HTML report in a real headless browser: a synthetic capture
# (tests/report/mkcapture.c), `vtop CAP report --html`, then Debian's
# chromium for the DOM and a screenshot under build/report/.
TEST_SUITES += test-report

$(BUILD)/report/mkcapture: tests/report/mkcapture.c $(BUILD)/host/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $< -o $@ $(BUILD)/host/libvtop.a

.PHONY: test-report
test-report: $(BUILD)/vtop $(BUILD)/report/mkcapture
	@python3 tests/report/report_test.py --vtop $(BUILD)/vtop \
	  --mkcapture $(BUILD)/report/mkcapture --out $(BUILD)/report
