# SPDX-License-Identifier: GPL-2.0
#
# bftctl, the userspace control tool, and libbftclient, the client library
# it is built on (keys, cluster config, client core). Dependencies:
# libnl-genl-3, json-c, OpenSSL libcrypto.

BFTCTL_OUT := $(BUILD)/bftctl
BFTCTL_PKGS := libnl-genl-3.0 json-c libcrypto
BFTCTL_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -fPIC \
	-Iuapi -Ikmod/engine -DBFTCTL_VERSION='"0.1.0"' \
	$(shell pkg-config --cflags $(BFTCTL_PKGS) 2>/dev/null)
BFTCTL_LIBS := $(shell pkg-config --libs $(BFTCTL_PKGS) 2>/dev/null)

# The client core and the wire/KV codecs are the kernel's own sources.
LIBBFT_KSRCS := kmod/engine/wire_client.c kmod/engine/wire_replica.c \
	kmod/engine/client.c kmod/kv_codec.c \
	kmod/engine/statedigest.c kmod/engine/names.c
LIBBFT_SRCS := $(wildcard bftctl/lib/*.c) $(LIBBFT_KSRCS)
LIBBFT_OBJS := $(patsubst bftctl/%.c,$(BFTCTL_OUT)/%.o,$(wildcard bftctl/lib/*.c)) \
	$(patsubst kmod/%.c,$(BFTCTL_OUT)/kmod/%.o,$(LIBBFT_KSRCS))
BFTCTL_SRCS := $(wildcard bftctl/*.c)
BFTCTL_OBJS := $(patsubst bftctl/%.c,$(BFTCTL_OUT)/%.o,$(BFTCTL_SRCS))

.PHONY: bftctl

bftctl: $(BFTCTL_OUT)/bftctl $(BFTCTL_OUT)/libbftclient.so

$(BFTCTL_OUT)/libbftclient.a: $(LIBBFT_OBJS)
	$(AR) rcs $@ $^

# The .so exports what bftclient.h declares and nothing else: the list
# comes from the header, so the two cannot drift apart.
$(BFTCTL_OUT)/libbftclient.map: bftctl/lib/bftclient.h
	@mkdir -p $(@D)
	{ echo 'BFTCLIENT_0 {'; echo 'global:'; \
	  grep -o '\bbft_[a-z_0-9]*(' $< | tr -d '(' | sort -u | sed 's/.*/\t&;/'; \
	  echo 'local: *;'; echo '};'; } >$@

$(BFTCTL_OUT)/libbftclient.so: $(LIBBFT_OBJS) $(BFTCTL_OUT)/libbftclient.map
	$(CC) -shared -Wl,-soname,libbftclient.so.0 \
		-Wl,--version-script=$(BFTCTL_OUT)/libbftclient.map \
		-o $@ $(LIBBFT_OBJS) -lcrypto -lpthread

# bftctl links the static library so the VM image needs no extra .so.
$(BFTCTL_OUT)/bftctl: $(BFTCTL_OBJS) $(BFTCTL_OUT)/libbftclient.a
	$(CC) -o $@ $^ $(BFTCTL_LIBS)

$(BFTCTL_OUT)/%.o: bftctl/%.c $(wildcard bftctl/*.h bftctl/lib/*.h) uapi/linux/bft.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(BFTCTL_CFLAGS) -MMD -c -o $@ $<

$(BFTCTL_OUT)/kmod/%.o: kmod/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(BFTCTL_CFLAGS) -MMD -c -o $@ $<

-include $(BFTCTL_OBJS:.o=.d) $(LIBBFT_OBJS:.o=.d)

# Host tests of the library (with sanitizers) and of bftctl's command line.
BFTCTL_TESTS := $(patsubst selftests/bftctl/%.c,$(BFTCTL_OUT)/tests/%,$(wildcard selftests/bftctl/test_*.c))
BFTCTL_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

# kselftest_harness.h programs; KSFT_* in mk/engine.mk.
$(BFTCTL_OUT)/tests/%: selftests/bftctl/%.c $(LIBBFT_SRCS) $(wildcard bftctl/lib/*.h) \
		selftests/lib/lsan_exit.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(BFTCTL_CFLAGS) $(BFTCTL_SAN) $(KSFT_CFLAGS) -Ibftctl -o $@ $< \
		$(LIBBFT_SRCS) $(KSFT_LSAN) $(BFTCTL_LIBS)

# selftests/bftctl/cli.sh: the command line itself, without the module;
# run from the build tree so that it finds ../bftctl and logs there.
$(BFTCTL_OUT)/tests/cli: selftests/bftctl/cli.sh $(BFTCTL_OUT)/bftctl
	@mkdir -p $(@D)
	@cp $< $@

.PHONY: check-bftctl
check-bftctl: $(BFTCTL_TESTS) $(BFTCTL_OUT)/tests/cli
	@mkdir -p $(RESULTS)
	@scripts/ktap-run.sh $(RESULTS)/host-bftctl.res $(BFTCTL_TESTS) \
		$(BFTCTL_OUT)/tests/cli
