# SPDX-License-Identifier: GPL-2.0
#
# bftctl, the userspace control tool (libnl-genl-3, json-c, libcrypto).

BFTCTL_OUT := $(BUILD)/bftctl
BFTCTL_SRCS := $(wildcard bftctl/*.c)
BFTCTL_OBJS := $(patsubst bftctl/%.c,$(BFTCTL_OUT)/%.o,$(BFTCTL_SRCS))
BFTCTL_PKGS := libnl-genl-3.0 json-c libcrypto
BFTCTL_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -Iuapi -Ikmod/engine \
	-DBFTCTL_VERSION='"0.1.0"' \
	$(shell pkg-config --cflags $(BFTCTL_PKGS) 2>/dev/null)
BFTCTL_LIBS := $(shell pkg-config --libs $(BFTCTL_PKGS) 2>/dev/null)

.PHONY: bftctl

bftctl: $(BFTCTL_OUT)/bftctl

$(BFTCTL_OUT)/bftctl: $(BFTCTL_OBJS)
	$(CC) -o $@ $^ $(BFTCTL_LIBS)

$(BFTCTL_OUT)/%.o: bftctl/%.c $(wildcard bftctl/*.h) uapi/linux/bft.h
	@mkdir -p $(@D)
	$(CC) $(BFTCTL_CFLAGS) -MMD -c -o $@ $<
-include $(BFTCTL_OBJS:.o=.d)
