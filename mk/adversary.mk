# SPDX-License-Identifier: GPL-2.0
#
# The selftests' Byzantine replica: selftests/adversary/ linked with
# bftd's sources (all but its main) for config, keys, socket and HMAC,
# and the kernel's wire codec.
#
#   make adversary    build/adversary/adversary
#
# vm-selftests copies it next to the tests, where mkinitramfs.sh already
# ships every compiled test binary with its libraries.

ADV_OUT := $(BUILD)/adversary
# bftd.mk's BFTD_SRCS without bftd/main.c (this file is read first).
ADV_SRCS := $(wildcard selftests/adversary/*.c) \
	$(filter-out bftd/main.c,$(wildcard bftd/*.c)) \
	$(filter-out kmod/engine/client.c,$(wildcard kmod/engine/*.c)) \
	kmod/kv.c kmod/kv_codec.c kmod/policy.c \
	bftctl/lib/config.c bftctl/lib/keys.c bftctl/lib/hmac.c bftctl/lib/opts.c
ADV_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-Iuapi -Ikmod/engine -fno-omit-frame-pointer
ADV_OBJS := $(patsubst %.c,$(ADV_OUT)/obj/%.o,$(ADV_SRCS))

.PHONY: adversary

adversary: $(ADV_OUT)/adversary

$(ADV_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ADV_CFLAGS) -MMD -c -o $@ $<

$(ADV_OUT)/adversary: $(ADV_OBJS)
	$(CC) -o $@ $^ -lcrypto -lpthread

$(BUILD)/selftests/bft/adversary: $(ADV_OUT)/adversary
	@mkdir -p $(@D)
	cp $< $@

vm-selftests: $(BUILD)/selftests/bft/adversary

-include $(ADV_OBJS:.o=.d)
