"""A pytest plugin for upr-lab's own test suite, loaded before the others (``-p upr_lab._pytest_plugin`` in the
addopts of pyproject.toml): jsonschema imported without its IRI grammars (``_lazy.import_jsonschema``) before
nbval's plugin imports nbformat: collecting the suite takes 1.5 s less CPU in each pytest process (the controller
and each pytest-xdist worker). It registers no hook."""

from upr_lab._lazy import import_jsonschema

import_jsonschema()
