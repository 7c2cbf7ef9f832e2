# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict over every hand-written kernel source,
# sparse (C=2) against each kernel's headers, the YNL specs parse as YAML
# (the guest's ynl CLI and nl_fuzz read them), the files generated from the
# bft spec are what scripts/ynl-gen.sh makes of it today, then each target
# of LINT_EXTRA (the man pages, the Sphinx book). Writes $(RESULTS)/lint.res.

# Generated files carry "YNL-GEN" and are checked by regenerating them.
YNL_GEN_FILES = kmod/netlink_gen.c kmod/netlink_gen.h uapi/linux/bft.h
LINT_FILES = $(filter-out $(YNL_GEN_FILES), \
	$(wildcard kmod/*.[ch] kmod/engine/*.[ch] uapi/linux/*.h))

.PHONY: lint

lint:
	@mkdir -p $(RESULTS)
	@ksrc=$$(scripts/ksrc.sh scripts/checkpatch.pl scripts/spelling.txt \
		scripts/const_structs.checkpatch) || exit 1; \
	pass=0; fail=0; \
	for f in $(LINT_FILES); do \
		if $$ksrc/scripts/checkpatch.pl --strict --no-tree --quiet \
			--show-types -f $$f; then \
			pass=$$((pass + 1)); \
		else \
			echo "not ok checkpatch $$f"; fail=$$((fail + 1)); \
		fi; \
	done; \
	for kdir in $(KDIRS); do \
		log=$$(mktemp); \
		if $(MAKE) --no-print-directory module KDIRS=$$kdir \
			KBUILD_ARGS=C=2 >$$log 2>&1 && \
		   ! grep -E 'warning:|error:' $$log; then \
			pass=$$((pass + 1)); \
		else \
			cat $$log; echo "not ok sparse+W=1 $$kdir"; \
			fail=$$((fail + 1)); \
		fi; \
		rm -f $$log; \
	done; \
	for f in Documentation/netlink/specs/*.yaml; do \
		if python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' \
			$$f; then \
			pass=$$((pass + 1)); \
		else \
			echo "not ok yaml $$f"; fail=$$((fail + 1)); \
		fi; \
	done; \
	gen=$$(mktemp -d /tmp/bft-lint-ynl.XXXXXX); ok=1; \
	scripts/ynl-gen.sh $$gen || ok=0; \
	for f in $(YNL_GEN_FILES); do \
		[ $$ok = 1 ] && diff -u $$f $$gen/$$f || ok=0; \
	done; \
	if [ $$ok = 1 ]; then \
		pass=$$((pass + 1)); \
	else \
		echo "not ok ynl-gen: run scripts/ynl-gen.sh"; fail=$$((fail + 1)); \
	fi; \
	rm -rf $$gen; \
	for t in $(LINT_EXTRA); do \
		if $(MAKE) --no-print-directory $$t; then \
			pass=$$((pass + 1)); \
		else \
			echo "not ok $$t"; fail=$$((fail + 1)); \
		fi; \
	done; \
	echo "lint: $$pass passed, $$fail failed"; \
	echo "$$pass $$fail" > $(RESULTS)/lint.res; \
	[ $$fail -eq 0 ]
