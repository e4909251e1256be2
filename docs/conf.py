"""Sphinx configuration of the mdpsim user guide and API reference.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(``tests/project/test_docs.py`` runs exactly this; ``pip install -e '.[docs]'`` installs Sphinx).
"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "docs", "examples"))
sys.path.insert(0, os.path.join(ROOT, "docs", "_ext"))

import mdpsim  # noqa: E402

project = "mdpsim"
author = "the mdpsim developers"
copyright = "the mdpsim developers"
version = release = mdpsim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_parser",
    "mdpsim_docs",          # docs/_ext: the .. mdpsim-algorithm:: card
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "_ext", "Thumbs.db", ".DS_Store"]

# MyST: $...$ and $$...$$ maths (rendered by MathJax), heading anchors for cross-links.
myst_enable_extensions = ["dollarmath", "amsmath", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"members": True, "member-order": "bysource",
                           "show-inheritance": False}
autodoc_typehints = "none"          # signatures as written; types are in the docstrings
autodoc_mock_imports = ["cupy", "cupyx"]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

html_theme = "alabaster"
html_title = f"mdpsim {release}"
# Shape letters in napoleon type fields (``float64[S, A]``) become cross-references that can
# match several NamedTuple fields (ModelInfo.S, Trans.S); those ambiguities are harmless.
suppress_warnings = ["ref.python"]


def _skip_learner_state_aliases(app, what, name, obj, skip, options):
    """A learner's ``State`` / ``Params`` class attributes are the module-level NamedTuples,
    documented once with their module; skip the aliases on the class."""
    if what == "class" and name in ("State", "Params") and isinstance(obj, type):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_learner_state_aliases)
