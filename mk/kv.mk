# SPDX-License-Identifier: GPL-2.0
#
# The built-in key-value service (kmod/kv.c, kmod/kv_codec.c) on the host:
# unit, snapshot and differential tests under ASan/UBSan, and a libFuzzer
# run of the op decoder, execute and install. `make check-kv` writes
# $(RESULTS)/host-kv.res as "<passed> <failed>".

KV_OUT := $(BUILD)/kv
KV_SRCS := kmod/kv.c kmod/kv_codec.c
KV_HDRS := kmod/kv.h kmod/kv_codec.h $(wildcard kmod/engine/port*) kmod/engine/engine.h uapi/linux/bft_kv.h \
	uapi/linux/bft_wire.h selftests/kv/kvtest.h
KV_CFLAGS := -O1 -g -Wall -Wextra -Werror -std=gnu11 -Iuapi -Ikmod \
	-fno-omit-frame-pointer
KV_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
KV_TESTS := $(patsubst selftests/kv/%.c,$(KV_OUT)/%,$(wildcard selftests/kv/test_*.c))
KV_FUZZ := $(KV_OUT)/fuzz_kv
KV_FUZZ_SECS ?= 20
KV_FUZZ_CC ?= clang

# kselftest_harness.h programs; KSFT_* in mk/engine.mk.
$(KV_OUT)/test_%: selftests/kv/test_%.c $(KV_SRCS) $(KV_HDRS) selftests/lib/lsan_exit.c
	@mkdir -p $(@D)
	$(CC) $(KV_CFLAGS) $(KV_SAN) $(KSFT_CFLAGS) -o $@ $< $(KV_SRCS) \
		$(KSFT_LSAN) -lcrypto

$(KV_FUZZ): selftests/kv/fuzz_kv.c $(KV_SRCS) $(KV_HDRS)
	@mkdir -p $(@D)
	$(KV_FUZZ_CC) $(KV_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(KV_SRCS) -lcrypto

.PHONY: check-kv fuzz-kv

# Seeds, one per mode (see fuzz_kv.c): ops (PUT k1=abc, read-only GET
# k1), a two-entry snapshot installed in 5-byte chunks, and a result.
$(KV_OUT)/seeds/.stamp: mk/kv.mk
	@mkdir -p $(@D)
	@printf '\x00\x00\x11\x00\x01\x00\x02\x00\x03\x00\x00\x00\x00\x00\x00\x00k1abc\x01\x0e\x00\x02\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00k1' >$(@D)/ops
	@printf '\x02\x05BKV1\x02\x00\x00\x00\x23\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00a\x01\x00\x00\x00\x01\x00\x00\x00bx' >$(@D)/snap
	@printf '\x03\x02\x00\x00\x00\x02\x00\x00\x00hi' >$(@D)/result
	@touch $@

# A crash is saved in $(KV_OUT)/crash-*; replay with $(KV_FUZZ) FILE.
fuzz-kv: $(KV_FUZZ) $(KV_OUT)/seeds/.stamp
	@mkdir -p $(KV_OUT)/corpus
	$(KV_FUZZ) -max_total_time=$(KV_FUZZ_SECS) -print_final_stats=1 \
		-artifact_prefix=$(KV_OUT)/ $(KV_OUT)/corpus $(KV_OUT)/seeds

check-kv: $(KV_TESTS) $(KV_FUZZ)
	@mkdir -p $(RESULTS)
	@scripts/ktap-run.sh $(KV_OUT)/tests.res $(KV_TESTS); \
	read -r pass fail < $(KV_OUT)/tests.res; \
	if $(MAKE) --no-print-directory fuzz-kv >$(KV_OUT)/fuzz.log 2>&1; then \
		echo "ok fuzz_kv $(KV_FUZZ_SECS)s: $$(grep -o 'stat::number_of_executed_units: [0-9]*' $(KV_OUT)/fuzz.log)"; \
		pass=$$((pass + 1)); \
	else \
		tail -40 $(KV_OUT)/fuzz.log; echo "not ok fuzz_kv"; \
		fail=$$((fail + 1)); \
	fi; \
	echo "kv: $$pass passed, $$fail failed"; \
	echo "$$pass $$fail" > $(RESULTS)/host-kv.res; \
	[ $$fail -eq 0 ]

# scripts/summary.sh counts a missing host-kv.res as a failure.
BFT_STAGES += $(if $(filter check-kv,$(CHECK_TARGETS)),host-kv)
