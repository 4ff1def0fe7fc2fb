"""Imports kept cheap: public names of a package imported when first used, and jsonschema without IRI grammars.

``import upr_lab`` (and the ``upr-lab`` command, which starts with it) must stay cheap: a batch with
nothing to run should not import statsmodels, matplotlib or papermill. A package lists its public
names and where each lives; the module is imported the first time the name is asked for.

nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` where it is installed (JupyterLab's
dependencies install it); that module compiles some forty parsers when imported: about a second of CPU in every
process that runs or reads a notebook (each ``upr-lab`` run, batch and verify, each Dask worker). Notebook
validation never checks IRI formats (jsonschema checks formats only when asked), so the modules that import
nbformat first import jsonschema as if that module were absent (``import_jsonschema``). It stays importable
for anything that imports it directly.
"""

import importlib
import sys


def lazy_names(package, names):
    """``__getattr__`` and ``__dir__`` for ``package``, whose public ``names`` map to ``".module"`` (the
    module itself) or ``".module:attribute"``, relative to the package."""

    def __getattr__(name):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = names[name].partition(":")
        value = importlib.import_module(module, package)
        value = getattr(value, attribute) if attribute else value
        vars(sys.modules[package])[name] = value  # asked once: later lookups find it directly
        return value

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__


IRI_GRAMMARS = "rfc3987_syntax"


def import_jsonschema():
    """Import jsonschema without ``rfc3987_syntax`` (nothing to do once either is imported)."""
    if "jsonschema" in sys.modules or IRI_GRAMMARS in sys.modules:
        return
    sys.modules[IRI_GRAMMARS] = None  # importing it raises ImportError, which jsonschema's format checkers pass over
    try:
        import jsonschema  # noqa: F401
    finally:
        del sys.modules[IRI_GRAMMARS]
