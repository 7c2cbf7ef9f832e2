# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration for `make htmldocs` (mk/docs.mk), which builds a
# copy of this directory with the YNL spec rendered into netlink/bft.rst.

project = 'bft'
copyright = '2026, bft developers'
version = release = '0.1.0'
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
html_show_sourcelink = False
# Man pages are reStructuredText for rst2man; their docinfo fields stay
# fields here.
highlight_language = 'none'
