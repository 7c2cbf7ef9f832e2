# SPDX-License-Identifier: GPL-2.0
#
# VM tests: the selftests/bft kselftests in QEMU guests.
#
#   make check-vm      stages vm-6.1 and vm-6.12 (Debian cloud kernels)
#   make check-debug   stage vm-debug (KASAN/lockdep/kmemleak/UBSAN kernel
#                      from linux-source-6.12, built once and cached)
#   make check-debug-faults  stage vm-debug-faults: the long fault
#                      scenarios on the same debug kernel
#   make demo          boot 6.12 and run selftests/vm/demo.sh in the guest
#   make check-harness stage harness: the harness itself must catch a
#                      deliberate WARN and leak (HARNESS_KERNELS="6.12 debug")
#   make vm-selftests  only build the guest side of selftests/bft
#   make print-stages  the stages make check must produce results for
#
# Variables: TESTS="netns nl_policy" runs a subset, BFT_VM_TIMEOUT (s, per
# boot), BFT_TEST_TIMEOUT (s, per test program), BFT_QEMU_ACCEL (tcg; kvm
# is opt-in), BFT_CACHE (debug kernel, extracted sources).
# Each stage writes $(RESULTS)/<stage>.res; see Documentation/testing.rst.

VM_SELFTESTS := $(BUILD)/selftests/bft
VM_TEST_SRCS := $(wildcard selftests/bft/*.sh) selftests/bft/settings \
	selftests/bft/kselftest-list.txt
VM_TEST_BINS := $(VM_SELFTESTS)/nl_policy $(VM_SELFTESTS)/bft_status
VM_CFLAGS := -O2 -g -Wall -Werror -D_GNU_SOURCE -Iuapi
TESTS ?=
HARNESS_KERNELS ?= 6.12 debug

# Stages `make check` must leave a .res for, read by scripts/summary.sh
# (a stage without one counts as failed). Other mk/*.mk may append theirs.
BFT_STAGES += $(if $(filter check-vm,$(CHECK_TARGETS)),vm-6.1 vm-6.12) \
	$(if $(filter check-debug,$(CHECK_TARGETS)),vm-debug) \
	$(if $(filter check-debug-faults,$(CHECK_TARGETS)),vm-debug-faults) \
	$(if $(filter check-harness,$(CHECK_TARGETS)),harness)
export BFT_STAGES BFT_QEMU_ACCEL BFT_VM_TIMEOUT BFT_TEST_TIMEOUT

.PHONY: print-stages
print-stages:
	@echo $(BFT_STAGES)

.PHONY: vm-selftests check-vm check-debug check-debug-faults check-harness demo

# kselftest_harness.h comes from linux-source, extracted into the cache.
$(VM_SELFTESTS)/%: selftests/bft/%.c selftests/bft/bft_nl.h uapi/linux/bft.h
	@mkdir -p $(@D)
	@ksrc=$$(scripts/ksrc.sh tools/testing/selftests/kselftest.h \
		tools/testing/selftests/kselftest_harness.h) || exit 1; \
	echo "  CC      $@"; \
	$(CC) $(VM_CFLAGS) -I$$ksrc/tools/testing/selftests -o $@ $<

vm-selftests: $(VM_TEST_BINS)
	@cp -u $(VM_TEST_SRCS) $(VM_SELFTESTS)/

# The older kernel runs the tests of the version-dependent glue (genl,
# udp_tunnel, crypto, netns, module lifetime) and the cluster ones; the
# fault and Byzantine tests exercise the engine, which is the same code on
# every kernel, and run on 6.12 and the debug kernel.
VM_TESTS_6_1 ?= vm_env nomodule module_load netns nl_policy ynl monitor \
	replica_config cluster cluster7 cluster6 teardown bench bad_input \
	flood checkpoint mixed

# The debug kernel (KASAN, lockdep, kmemleak under TCG) is 5-20x slower
# and runs everything, in two boots that make check puts in different
# lanes (each boot stays well inside BFT_VM_TIMEOUT): vm-debug the tests of
# kernel code paths and the adversaries, vm-debug-faults the long fault
# scenarios (the tests scale their load down on it).
VM_TESTS_DEBUG ?= $(VM_TESTS_6_1) silent_primary equivocate vc_liar \
	byz_client view_change memory silent_primary7 equivocate7 backoff
VM_TESTS_DEBUG_FAULTS ?= netem partition restart_backup restart_primary \
	restart_netns

check-vm: module bftctl vm-selftests
	@rc=0; \
	selftests/vm/stage.sh -T "$(or $(TESTS),$(VM_TESTS_6_1))" vm-6.1 6.1 $(BUILD) || rc=1; \
	selftests/vm/stage.sh -T "$(TESTS)" vm-6.12 6.12 $(BUILD) || rc=1; \
	exit $$rc

# The debug tree is only known once built (debug-kernel.sh serialises
# that), so the module for it is built by a nested make with KDIR=
# pointing into the cache, under a lock: both debug stages build it, in
# different lanes of make check. $(call debug_stage,STAGE,TESTS)
define debug_stage
	@start=$$(date +%s); mkdir -p $(BUILD); \
	if ! kdir=$$(selftests/vm/debug-kernel.sh) || \
	   ! flock $(BUILD)/.debug-module.lock \
		$(MAKE) --no-print-directory module KDIR=$$kdir; then \
		mkdir -p $(RESULTS); echo "0 1" > $(RESULTS)/$(1).res; \
		exit 1; \
	fi; \
	echo "== $(1): kernel and module ready after $$(( $$(date +%s) - start ))s"; \
	selftests/vm/stage.sh -T "$(or $(TESTS),$(2))" $(1) debug $(BUILD)
endef

check-debug: bftctl vm-selftests
	$(call debug_stage,vm-debug,$(VM_TESTS_DEBUG))

check-debug-faults: bftctl vm-selftests
	$(call debug_stage,vm-debug-faults,$(VM_TESTS_DEBUG_FAULTS))

demo: module bftctl vm-selftests
	@selftests/vm/stage.sh -m demo demo 6.12 $(BUILD)

check-harness: bftctl
	@selftests/vm/check-harness.sh $(BUILD) $(HARNESS_KERNELS)
