# SPDX-License-Identifier: GPL-2.0
#
# bftd, the userspace replica daemon: the engine and KV service of bft.ko
# plus bftd/ and the config/key/HMAC parts of libbftclient.
#
#   make bftd         build/bftd/bftd (-O2) and build/bftd/asan/bftd
#   make check-bftd   4 (and 7) bftd replicas on loopback, clients through
#                     libbftclient; writes $(RESULTS)/host-bftd.res
#   make bench-host   bftd x4 on loopback + bftctl bench, table of results

BFTD_OUT := $(BUILD)/bftd
BFTD_SRCS := $(wildcard bftd/*.c) \
	$(filter-out kmod/engine/client.c,$(wildcard kmod/engine/*.c)) \
	kmod/kv.c kmod/kv_codec.c kmod/policy.c \
	bftctl/lib/config.c bftctl/lib/keys.c bftctl/lib/hmac.c bftctl/lib/opts.c
BFTD_CFLAGS := -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-Iuapi -Ikmod/engine -fno-omit-frame-pointer
BFTD_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
BFTD_LIBS := -lcrypto -lpthread
BFTD_OBJS := $(patsubst %.c,$(BFTD_OUT)/obj/%.o,$(BFTD_SRCS))
BFTD_ASAN_OBJS := $(patsubst %.c,$(BFTD_OUT)/asan/obj/%.o,$(BFTD_SRCS))

.PHONY: bftd check-bftd bench-host

bftd: $(BFTD_OUT)/bftd $(BFTD_OUT)/asan/bftd

$(BFTD_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BFTD_CFLAGS) -O2 -MMD -c -o $@ $<

$(BFTD_OUT)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BFTD_CFLAGS) -O1 $(BFTD_SAN) -MMD -c -o $@ $<

$(BFTD_OUT)/bftd: $(BFTD_OBJS)
	$(CC) -o $@ $^ $(BFTD_LIBS)

$(BFTD_OUT)/asan/bftd: $(BFTD_ASAN_OBJS)
	$(CC) $(BFTD_SAN) -o $@ $^ $(BFTD_LIBS)

-include $(BFTD_OBJS:.o=.d) $(BFTD_ASAN_OBJS:.o=.d)

# The test client: libbftclient's sources under ASan, TAP output.
BFTD_KVCHECK := $(BFTD_OUT)/asan/kvcheck
$(BFTD_KVCHECK): selftests/bftd/kvcheck.c $(LIBBFT_SRCS) $(wildcard bftctl/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(BFTCTL_CFLAGS) -O1 $(BFTD_SAN) -Ibftctl -o $@ $< $(LIBBFT_SRCS) $(BFTD_LIBS)

BFT_STAGES += $(if $(filter check-bftd,$(CHECK_TARGETS)),host-bftd)

# The simulator's linearizability checker, for bench --history files.
BFTD_LINCHECK := $(BFTD_OUT)/asan/lincheck
$(BFTD_LINCHECK): selftests/lin/lincheck.c selftests/lin/lin.c selftests/lin/lin.h
	@mkdir -p $(@D)
	$(CC) $(BFTCTL_CFLAGS) -O1 $(BFTD_SAN) -Iselftests/lin -o $@ \
		selftests/lin/lincheck.c selftests/lin/lin.c

check-bftd: $(BFTD_OUT)/asan/bftd $(BFTD_KVCHECK) $(BFTD_LINCHECK) bftctl
	@mkdir -p $(RESULTS)
	@BFTD=$(BFTD_OUT)/asan/bftd BFTCTL=$(BFTCTL_OUT)/bftctl \
		KVCHECK=$(BFTD_KVCHECK) LINCHECK=$(BFTD_LINCHECK) \
		WORK=$(BFTD_OUT)/test \
		RES=$(RESULTS)/host-bftd.res selftests/bftd/run.sh

bench-host: $(BFTD_OUT)/bftd bftctl
	@BFTD=$(BFTD_OUT)/bftd BFTCTL=$(BFTCTL_OUT)/bftctl \
		WORK=$(BFTD_OUT)/bench selftests/bftd/bench.sh
