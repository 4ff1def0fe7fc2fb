"""Public names of a package, imported when first used.

``import upr_lab`` (and the ``upr-lab`` command, which starts with it) must stay cheap: a batch with
nothing to run should not import statsmodels, matplotlib or papermill. A package lists its public
names and where each lives; the module is imported the first time the name is asked for.
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
