"""Sources: everything that turns files into the canonical tables.

``load(src)`` is the one entry point: it reads a source (one module per format in ``formats/``),
resolves country names (``countries``), validates the tables (``schema``), keeps exact repeats once
(``repeats``) and caches parses (``cache``), recording every file read and its SHA-256.
"""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "load": ".dataset:load",
    "check_inputs": ".dataset:check_inputs",
    "UprData": ".dataset:UprData",
    "sha256": ".dataset:sha256",
    "source_files": ".dataset:source_files",
    "describe": ".info:describe",
    "states": ".countries:states",
    "check_iso3": ".countries:check_iso3",
    "treaty_status": ".treaties:treaty_status",
    "nmirf_table": ".nmirf:nmirf_table",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
