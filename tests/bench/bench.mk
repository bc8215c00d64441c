# Benchmarks: `make bench` prints the table and writes
# build/bench.json (EFI boot times: build/bench-efi.json); test-bench-smoke runs it with tiny iteration counts
# on synthetic tables (TAP checks that the fast paths agree).
BENCH_SRCS   := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN    := $(BUILD)/host/tests/bench/bench
BENCH_OPT    := -O2 -march=x86-64 -mtune=generic
BENCH_DEFS   := $(if $(wildcard core/cache.c),-DVTOP_BENCH_CACHE) \
                $(if $(wildcard core/ptov.c),-DVTOP_BENCH_PTOV)
BENCH_GUESTS ?= $(BUILD)/guests

$(BENCH_BIN): $(BENCH_SRCS) host/decompress.c $(wildcard tests/bench/*.h) $(BUILD)/host/libvtopcmd.a $(BUILD)/host/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(BENCH_OPT) $(BENCH_DEFS) -D_POSIX_C_SOURCE=200809L \
	  -DBENCH_CFLAGS='"libvtop: $(HOST_CC) $(filter-out -DVTOP_VERSION%,$(HOST_CFLAGS)); bench: $(BENCH_OPT)"' \
	  $(BENCH_SRCS) host/decompress.c -o $@ $(BUILD)/host/libvtopcmd.a $(BUILD)/host/libvtop.a \
	  $(HOST_DECOMP_LIBS)

ALL_TARGETS += $(BENCH_BIN)
TEST_SUITES += test-bench-smoke

# Whole-image scan inputs from the amd64-4level guest's raw RAM (4 GiB,
# sparse): a 1 TiB sparse raw file (truncate, then dd of its data at the
# same offsets: conv=sparse leaves zero blocks as holes) and a dense copy
# (every block written). About 4 GiB of disk; made once.
BENCH_SCAN_DIR   := $(BUILD)/bench-scan
BENCH_SCAN_GUEST := $(BENCH_GUESTS)/amd64-4level/guest.raw
BENCH_SCAN_FILES := $(if $(wildcard $(BENCH_SCAN_GUEST)),$(BENCH_SCAN_DIR)/sparse-1t.raw $(BENCH_SCAN_DIR)/dense-4g.raw)
$(BENCH_SCAN_DIR)/sparse-1t.raw: $(BENCH_SCAN_GUEST)
	@mkdir -p $(dir $@)
	rm -f $@.tmp && truncate -s 1T $@.tmp && \
	  dd if=$< of=$@.tmp bs=1M conv=sparse,notrunc status=none && mv $@.tmp $@
$(BENCH_SCAN_DIR)/dense-4g.raw: $(BENCH_SCAN_GUEST)
	@mkdir -p $(dir $@)
	cp --sparse=never $< $@.tmp && mv $@.tmp $@

# The cold batched-translation guest: amd64-4level's kernel on a CPU
# without PSE, 4 GiB, so its direct map is 4K pages (~8 MiB of PTE pages,
# far beyond L2; images/guests/guest.py BENCH_MODES, docs/guests.md).
# Captured on demand by `make bench` only, never by `make test`: about
# 2 min under TCG here and 8.1 GiB of disk (guest.elf + guest.raw), cached
# (DONE) under build/bench-guests/, not build/guests/. It is captured only
# when BENCH_COLD_MIN_GB of disk is free (or it is cached already);
# otherwise, or when the capture fails, bench notes the rows as skipped.
# BENCH_COLD=0 skips it.
BENCH_COLD        ?= 1
BENCH_COLD_MIN_GB ?= 20
BENCH_COLD_BASE   := $(BUILD)/bench-guests
BENCH_COLD_GUEST  := $(BENCH_COLD_BASE)/amd64-4level-4k
# Recursive (=): df runs only when the bench recipe expands it.
BENCH_COLD_FREE_GB = $(shell df -BG --output=avail $(or $(wildcard $(BUILD)),.) 2>/dev/null | tail -1 | tr -dc 0-9)

.PHONY: bench-cold-guest
bench-cold-guest:
	@if [ "$(BENCH_COLD)" != 1 ]; then echo "# cold guest skipped (BENCH_COLD=0)"; \
	elif [ -f $(BENCH_COLD_GUEST)/DONE ] || \
	     [ "$(BENCH_COLD_FREE_GB)" -ge "$(BENCH_COLD_MIN_GB)" ] 2>/dev/null; then \
	  VTOP_GUEST_BOOT_TIMEOUT=600 python3 -B images/guests/guest.py \
	    --bench $(BENCH_COLD_BASE) amd64-4level-4k || true; \
	else mkdir -p $(BENCH_COLD_GUEST) && \
	  echo "$(BENCH_COLD_FREE_GB) GB free, $(BENCH_COLD_MIN_GB) GB needed" > $(BENCH_COLD_GUEST)/FAILED && \
	  echo "# cold guest not captured: $(BENCH_COLD_FREE_GB) GB free, $(BENCH_COLD_MIN_GB) GB needed"; fi

.PHONY: bench test-bench-smoke
# BENCH_EFI=0 skips the EFI boot timing (about 15 s per QEMU/TCG boot).
# BENCH_ONLY=batch runs only the cold batched rows (bench --only batch),
# BENCH_ONLY=kdump only the kdump and flattened rows.
BENCH_EFI ?= 1
BENCH_ONLY ?=
bench: $(BENCH_BIN) $(BUILD)/vtop $(if $(BENCH_ONLY),,$(BENCH_SCAN_FILES)) bench-cold-guest
	@$(BENCH_BIN) --guests $(BENCH_GUESTS) --dumps $(BUILD)/dumps --json $(BUILD)/bench.json \
	  --vtop $(BUILD)/vtop $(if $(and $(BENCH_SCAN_FILES),$(if $(BENCH_ONLY),,1)),--scan $(BENCH_SCAN_DIR)) \
	  $(if $(filter 1,$(BENCH_COLD)),--cold-guest $(BENCH_COLD_GUEST)) \
	  $(if $(BENCH_ONLY),--only $(BENCH_ONLY))
	@if [ "$(BENCH_EFI)" = 1 ] && [ -f $(BUILD)/efi/vtop.efi ]; then \
	  python3 tests/bench/efi_boot.py --app $(BUILD)/efi/vtop.efi \
	    --json $(BUILD)/bench-efi.json --work $(BUILD)/bench-efi; \
	else echo "# EFI boot timing skipped (BENCH_EFI=0 or no $(BUILD)/efi/vtop.efi)"; fi

test-bench-smoke: $(BENCH_BIN)
	@timeout 120 $(BENCH_BIN) --quick --synthetic --json $(BUILD)/bench-smoke.json
