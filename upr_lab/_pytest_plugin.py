"""A pytest plugin for upr-lab's own test suite, loaded before the others (``-p upr_lab._pytest_plugin`` in the
addopts of pyproject.toml), in the controller and in each pytest-xdist worker:

* jsonschema imported without its IRI grammars (``_lazy.import_jsonschema``) before nbval's plugin imports
  nbformat: collecting the suite takes 1.5 s less CPU in each pytest process;
* the cyclic garbage collector paused while the suite is collected (the test modules and the libraries they
  import), then the survivors frozen out of it (``gc.freeze``): what is imported lives as long as the process,
  and the collector otherwise walks all of it at each full collection while the tests run (docs/benchmarks-tests.md).
  Garbage made meanwhile is collected once, before the freeze; objects are still freed by their reference counts.
"""

import gc

from upr_lab._lazy import import_jsonschema

import_jsonschema()
gc.disable()


def pytest_collection_finish(session):
    """After collection (pytest calls it whether or not collection failed): collect once, freeze, resume."""
    # hypothesis' own plugin imports it at the end of the session in any case; imported after the freeze, it would
    # find the random generators that other libraries register with it frozen and warn that they are unreferenced
    import hypothesis  # noqa: F401

    gc.collect()
    gc.freeze()
    gc.enable()
