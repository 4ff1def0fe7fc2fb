"""Reviewing results: re-executing a recorded run and comparing it with the record (``verify``), and
the published figures the workbench reproduces (``published``)."""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "verify": ".verify:verify",
    "published": ".published",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
