"""upr-lab: a reproducible research workbench for the UN Universal Periodic Review."""

__version__ = "0.1.0"

from .dataset import UprData, load  # noqa: E402

__all__ = ["UprData", "load", "__version__"]
