# SPDX-License-Identifier: GPL-2.0
#
# VM tests: the selftests/bft kselftests in QEMU guests.
#
#   make check-vm      stages vm-6.1 and vm-6.12 (Debian cloud kernels)
#   make check-debug   stages vm-debug-1..N: VM_TESTS_DEBUG on the debug
#                      (KASAN/lockdep/kmemleak/UBSAN) kernel from
#                      linux-source-6.12, built once and cached, in
#                      VM_DEBUG_CHUNKS boots (with TESTS=: one boot, vm-debug)
#   make check-debug-N stage vm-debug-N: boot N alone
#   make debug-kernel  only build (or reuse) the debug kernel and its bft.ko
#   make demo          boot 6.12 and run selftests/vm/demo.sh in the guest
#   make check-multihost  stage multihost: the admin guide on four guests
#                      (two 6.1, two 6.12) and a private bridge
#                      (selftests/vm/multihost.sh)
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
VM_TEST_SRCS := $(wildcard selftests/bft/*.sh selftests/bft/*.py) \
	selftests/bft/settings \
	selftests/bft/kselftest-list.txt
VM_TEST_BINS := $(VM_SELFTESTS)/nl_policy $(VM_SELFTESTS)/bft_status \
	$(VM_SELFTESTS)/lincheck
VM_CFLAGS := -O2 -g -Wall -Werror -D_GNU_SOURCE -Iuapi
TESTS ?=
HARNESS_KERNELS ?= 6.12 debug

# Stages `make check` must leave a .res for, read by scripts/summary.sh
# (a stage without one counts as failed). Other mk/*.mk may append theirs.
BFT_STAGES += $(if $(filter check-vm,$(CHECK_TARGETS)),vm-6.1 vm-6.12) \
	$(if $(filter check-debug,$(CHECK_TARGETS)),$(VM_DEBUG_STAGES)) \
	$(if $(filter check-harness,$(CHECK_TARGETS)),harness) \
	$(if $(filter check-multihost,$(CHECK_TARGETS)),multihost)
export BFT_STAGES BFT_QEMU_ACCEL BFT_VM_TIMEOUT BFT_TEST_TIMEOUT

.PHONY: print-stages
print-stages:
	@echo $(BFT_STAGES)

.PHONY: vm-selftests check-vm check-debug debug-kernel check-harness demo \
	check-multihost

# The simulator's linearizability checker, for the clients' histories.
$(VM_SELFTESTS)/lincheck: selftests/lin/lincheck.c selftests/lin/lin.c \
		selftests/lin/lin.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(VM_CFLAGS) -Iselftests/lin -o $@ selftests/lin/lincheck.c \
		selftests/lin/lin.c

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
# udp_tunnel over IPv4 and IPv6, crypto, netns, module lifetime, the
# checkpoint dumps); the n=7, fault, Byzantine, bftd-interop and bench
# tests exercise the engine and userspace, which are the same code on
# every kernel, and run on 6.12 (and in part on the debug kernel).
VM_TESTS_6_1 ?= vm_env nomodule module_load netns nl_policy ynl monitor \
	replica_config setconf cluster cluster6 teardown bad_input flood \
	checkpoint memcg key_churn

# The debug kernel (KASAN, lockdep, kmemleak under TCG) is 5-20x slower.
# It is there for the kernel glue: sockets, netlink, timers, teardown,
# state transfer and memory, under the sanitizers. So it runs the tests
# that reach each of those paths (the tests scale their load down on it),
# not every protocol scenario: the engine is the same code on every
# kernel and runs under ASan/UBSan on the host (sim, Twins, unit, fuzz),
# and the n=7, IPv6, partition, netem, backoff, view-change and bench
# variants add protocol schedules, not kernel paths (they run on 6.12).
VM_TESTS_DEBUG ?= vm_env nomodule module_load netns nl_policy ynl monitor \
	replica_config teardown cluster bad_input flood checkpoint memory \
	byz_client silent_primary equivocate restart_backup restart_netns \
	nl_fuzz wire_fuzz key_churn key_rotation reconfig resize

# ... in several boots, each a stage of its own, which make check queues
# for both of its lanes longest first (scripts/check.sh). The groups are
# from a CI run's per-test debug times (build/vm/<stage>/times), longest
# first; the last boot runs whatever VM_TESTS_DEBUG has that no group
# names, so a new test is never left out. Each boot adds about 80 s: a
# debug kernel boot and two kmemleak scans.
VM_DEBUG_CHUNK_1 ?= restart_backup restart_netns vm_env nomodule
VM_DEBUG_CHUNK_2 ?= memory checkpoint bad_input flood
VM_DEBUG_CHUNK_3 ?= cluster byz_client key_rotation key_churn module_load \
	netns
# Membership changes: staged peers installed and removed ones RCU-freed
# at the switch, under traffic (about 300 s each on the debug kernel).
VM_DEBUG_CHUNK_4 ?= reconfig resize
VM_DEBUG_NAMED := 1 2 3 4
VM_DEBUG_LAST := 5
VM_DEBUG_GROUPED := $(foreach c,$(VM_DEBUG_NAMED),$(VM_DEBUG_CHUNK_$(c)))
VM_DEBUG_CHUNK_$(VM_DEBUG_LAST) = $(filter-out $(VM_DEBUG_GROUPED),$(VM_TESTS_DEBUG))
ifneq ($(words $(VM_DEBUG_GROUPED)),$(words $(sort $(VM_DEBUG_GROUPED))))
$(error a test is in two VM_DEBUG_CHUNK_N groups)
endif
ifneq ($(filter-out $(VM_TESTS_DEBUG),$(VM_DEBUG_GROUPED)),)
$(error VM_DEBUG_CHUNK_N names tests not in VM_TESTS_DEBUG: $(filter-out $(VM_TESTS_DEBUG),$(VM_DEBUG_GROUPED)))
endif
VM_DEBUG_CHUNKS := $(VM_DEBUG_NAMED) $(VM_DEBUG_LAST)
VM_DEBUG_STAGES := $(addprefix vm-debug-,$(VM_DEBUG_CHUNKS))
VM_DEBUG_TARGETS := $(addprefix check-debug-,$(VM_DEBUG_CHUNKS))

.PHONY: print-debug-queue $(VM_DEBUG_TARGETS)
print-debug-queue:
	@echo $(VM_DEBUG_TARGETS)

# In make check, vm-6.1 boots the bft.ko that DKMS built from the
# bft-dkms package in stage check-pkg (mk/install.mk).
VM_KMOD_6_1 := $(if $(filter check-pkg,$(CHECK_STAGES)),-K $(BUILD)/pkg/kmod)

check-vm: module bftctl vm-selftests
	@rc=0; \
	selftests/vm/stage.sh $(VM_KMOD_6_1) -T "$(or $(TESTS),$(VM_TESTS_6_1))" vm-6.1 6.1 $(BUILD) || rc=1; \
	selftests/vm/stage.sh -T "$(TESTS)" vm-6.12 6.12 $(BUILD) || rc=1; \
	exit $$rc

# The debug tree is only known once built (debug-kernel.sh serialises
# that), so the module for it is built by a nested make with KDIR=
# pointing into the cache, under a lock: both lanes of make check build
# it. In make check a failed build leaves a mark ($$BFT_DEBUG_FAILED, set
# by scripts/check.sh), so that the other boots fail at once instead of
# each building the kernel again. Ends in an open "then" branch.
define debug_ready
	mkdir -p $(BUILD); f=$${BFT_DEBUG_FAILED:-}; \
	if { [ -n "$$f" ] && [ -e "$$f" ]; } || \
	   ! kdir=$$(selftests/vm/debug-kernel.sh) || \
	   ! flock $(BUILD)/.debug-module.lock \
		$(MAKE) --no-print-directory debug-module KDIR=$$kdir; then \
		[ -z "$$f" ] || touch "$$f"
endef

# bft.ko for KDIR, unless the one there is newer than its sources and
# the tree: every debug boot asks for it, one build serves them all.
.PHONY: debug-module
debug-module:
	@ko=$(BUILD)/kmod/$(call krel,$(KDIR))/bft.ko; \
	if [ -e $$ko ] && [ -z "$$(find $(KMOD_SRCS) $(KDIR)/Module.symvers \
			-newer $$ko)" ]; then exit 0; fi; \
	$(MAKE) --no-print-directory module KDIR=$(KDIR)

debug-kernel:
	@start=$$(date +%s); $(debug_ready); exit 1; fi; \
	echo "== debug kernel and module ready after $$(( $$(date +%s) - start ))s"

# $(call debug_stage,STAGE,TESTS)
define debug_stage
	@$(debug_ready); echo "== $(1): FAIL: no debug kernel or module"; \
		mkdir -p $(RESULTS); echo "0 1" > $(RESULTS)/$(1).res; exit 1; \
	fi; \
	selftests/vm/stage.sh -T "$(or $(TESTS),$(2))" $(1) debug $(BUILD)
endef

$(VM_DEBUG_TARGETS): check-debug-%: bftctl vm-selftests
	$(call debug_stage,vm-debug-$*,$(VM_DEBUG_CHUNK_$*))

ifneq ($(TESTS),)
check-debug: bftctl vm-selftests
	$(call debug_stage,vm-debug,$(TESTS))
else
check-debug: $(VM_DEBUG_TARGETS)
endif

# Four guests at once, on their own bridge: wants both QEMU slots.
check-multihost: module bftctl vm-selftests
	@selftests/vm/multihost.sh $(BUILD) $(RESULTS)

demo: module bftctl vm-selftests
	@selftests/vm/stage.sh -m demo demo 6.12 $(BUILD)

check-harness: bftctl
	@selftests/vm/check-harness.sh $(BUILD) $(HARNESS_KERNELS)
