# SPDX-License-Identifier: GPL-2.0
#
# make htmldocs: Documentation/ as a Sphinx book in build/htmldocs, with
# the YNL spec rendered by the kernel's tools/net/ynl/ynl-gen-rst.py
# (from linux-source, scripts/ksrc.sh) into a copy of the tree. Any
# Sphinx warning is an error (make lint runs it, LINT_EXTRA).

DOCS_SRC := $(BUILD)/docsrc
DOCS_OUT := $(BUILD)/htmldocs

.PHONY: htmldocs

LINT_EXTRA += htmldocs

htmldocs:
	@ksrc=$$(scripts/ksrc.sh tools/net/ynl/ynl-gen-rst.py) || exit 1; \
	rm -rf $(DOCS_SRC) && mkdir -p $(DOCS_SRC)/netlink && \
	cp -r Documentation/. $(DOCS_SRC)/ && \
	python3 $$ksrc/tools/net/ynl/ynl-gen-rst.py \
		-i Documentation/netlink/specs/bft.yaml \
		-o $(DOCS_SRC)/netlink/bft.rst && \
	echo "  SPHINX  $(DOCS_OUT)/index.html" && \
	sphinx-build -q -W --keep-going -b html -d $(BUILD)/doctrees \
		$(DOCS_SRC) $(DOCS_OUT)
