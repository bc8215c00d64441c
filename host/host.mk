# host/: the `vtop` CLI. build/vtop (plain) for users and the truth tests,
# build/asan/vtop (ASan+UBSan) for the CLI tests; `make install PREFIX=...`.
HOST_CLI_SRCS := host/main.c host/decompress.c host/image.c host/lines.c host/scan.c
# kdump-compressed pages: zlib, LZO, snappy, zstd (Debian -dev packages in
# tools/deps.sh).
HOST_DECOMP_LIBS := -lz -llzo2 -lsnappy -lzstd

$(BUILD)/vtop: $(HOST_CLI_SRCS) $(BUILD)/host/libvtopcmd.a $(BUILD)/host/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_CLI_SRCS) -o $@ \
	  $(BUILD)/host/libvtopcmd.a $(BUILD)/host/libvtop.a $(HOST_DECOMP_LIBS)
$(BUILD)/asan/vtop: $(HOST_CLI_SRCS) $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(HOST_CLI_SRCS) -o $@ \
	  $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a $(HOST_DECOMP_LIBS)
$(BUILD)/cov/vtop: $(HOST_CLI_SRCS) $(BUILD)/cov/libvtopcmd.a $(BUILD)/cov/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(COV_FLAGS) $(HOST_CLI_SRCS) -o $@ \
	  $(BUILD)/cov/libvtopcmd.a $(BUILD)/cov/libvtop.a $(HOST_DECOMP_LIBS)

ALL_TARGETS += $(BUILD)/vtop $(BUILD)/asan/vtop

# Install: the CLI, its man page, and the core as a static library with its
# headers so other C programs can embed the translator.
DESTDIR ?=
INSTALL_HEADERS := $(wildcard core/*.h) $(wildcard core/formats/*.h)

.PHONY: install
install: $(BUILD)/vtop $(BUILD)/host/libvtop.a
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/vtop/formats
	install -m 755 $(BUILD)/vtop $(DESTDIR)$(PREFIX)/bin/vtop
	install -m 644 host/vtop.1 $(DESTDIR)$(PREFIX)/share/man/man1/vtop.1
	install -m 644 $(BUILD)/host/libvtop.a $(DESTDIR)$(PREFIX)/lib/libvtop.a
	install -m 644 $(wildcard core/*.h) $(DESTDIR)$(PREFIX)/include/vtop/
	install -m 644 $(wildcard core/formats/*.h) $(DESTDIR)$(PREFIX)/include/vtop/formats/
