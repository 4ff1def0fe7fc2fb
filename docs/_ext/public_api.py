"""A Sphinx extension: every public name of ``upr_lab`` (``upr_lab.__all__``) is documented in the API reference
with a docstring, or the build warns (and ``make docs``, run with ``-W``, fails).

A public name maps to where it lives (``upr_lab.PUBLIC``: ``load`` -> ``upr_lab.sources.dataset.load``,
``metrics`` -> the module ``upr_lab.stats.metrics``); the reference documents it there, by autodoc.
"""

import importlib
import inspect

from sphinx.util import logging

logger = logging.getLogger(__name__)


def targets():
    """Each public name and the dotted path the API reference documents it under."""
    import upr_lab

    found = {}
    for name in upr_lab.__all__:
        spec = upr_lab.PUBLIC.get(name)
        if spec is None:  # __version__ and other plain attributes of the package itself
            found[name] = f"upr_lab.{name}"
            continue
        module, _, attribute = spec.partition(":")
        module = "upr_lab" + module
        found[name] = f"{module}.{attribute}" if attribute else module
    return found


def undocumented(public, documented):
    """The public names whose dotted path is not among ``documented``, in order."""
    return sorted(name for name, path in public.items() if path not in documented)


def without_docstring(public):
    """The public names whose object (a module, class or function) has no docstring."""
    missing = []
    for name, path in public.items():
        module, _, attribute = path.rpartition(".")
        try:
            obj = importlib.import_module(path)
        except ImportError:
            obj = getattr(importlib.import_module(module), attribute)
        if not isinstance(obj, str) and not (inspect.getdoc(obj) or "").strip():
            missing.append(name)
    return missing


def check(app, env):
    py = env.get_domain("py")
    documented = set(py.objects) | set(py.modules)
    public = targets()
    missing = undocumented(public, documented)
    for name in missing:
        logger.warning(f"public name upr_lab.{name} ({public[name]}) is not documented in the API reference "
                       "(docs/api.md)", type="upr-lab", subtype="api")
    for name in without_docstring({n: p for n, p in public.items() if n not in missing}):
        logger.warning(f"public name upr_lab.{name} ({public[name]}) has no docstring", type="upr-lab",
                       subtype="api")


def setup(app):
    app.connect("env-check-consistency", check)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
