"""Sphinx configuration of upr-lab's documentation: Markdown pages (MyST), the API reference from the
docstrings (autodoc), the furo theme; built offline and strictly by ``make docs`` (tests/test_docs.py).

Strict means: every warning is an error (``-W``, see the Makefile), so a link to a missing page or heading, a
page outside the navigation, a cross-reference to an unknown Python name and a public name of ``upr_lab``
left out of the API reference (``_ext/public_api.py``) each fail the build.
"""

import gc
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

from upr_lab import __version__  # noqa: E402

# A build makes some hundred thousand small objects that live until it ends (doctrees, whose nodes and parents are
# cycles); with the collector's default first threshold (a collection per 700 objects made), its collections were
# a fifth of the build's CPU (9.4-10.0 -> 7.6-8.0 s; the same peak memory, 309 -> 313 MB; the same pages).
gc.set_threshold(50_000, 10, 10)

project = "upr-lab"
author = "the upr-lab authors"
copyright = "the upr-lab authors; MIT licence"  # no year: the same sources give the same pages
version = release = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "public_api"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "README.md"]

# MyST: headings up to level 3 get anchors, so that [text](page.md#a-heading) is checked too.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]
suppress_warnings = []  # nothing is silenced: every warning fails `make docs`

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # signatures as written; no cross-references to pandas' or numpy's own docs
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "furo"
html_title = f"upr-lab {__version__}"
html_static_path = []
html_last_updated_fmt = None  # no build date in the pages
html_show_sphinx = False
html_copy_source = False
html_theme_options = {"navigation_with_keys": True}
# Nothing is fetched from the network when the pages are read: no MathJax (no page uses math), no web fonts.
# mathjax_path: see below
