"""Country-year context: V-Dem indices (via Our World in Data), the Fariss latent human rights protection
scores and the Political Terror Scale, each as a tidy frame ``iso3, year, <indicators>``.

One module per format (``vdem``, ``fariss``, ``pts``), the COW and UN M49 crosswalks to ISO3
(``crosswalk``, with the rules for historical States) and ``load_context``, which recognises each file by its
header. ``vdem_indices()`` reads the V-Dem table shipped with upr-lab (2000-2025); the Fariss and PTS files are
licensed for non-commercial use only and never shipped: pass the path of your copy::

    from upr_lab.sources import context
    context.vdem_indices()                          # shipped, CC BY
    context.read_pts("PTS-2024.csv", years=(2008, 2023))
    context.load_context("country-year/")           # every file of the folder, joined on iso3, year
    context.with_context(recs, context.vdem_indices())  # sur_* and recommender_* columns, year of the review
"""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "load_context": ".load:load_context",
    "context_table": ".load:context_table",
    "layout": ".load:layout",
    "files_read": ".load:files_read",
    "unmapped": ".crosswalk:unmapped",
    "vdem_indices": ".vdem:vdem_indices",
    "read_vdem": ".vdem:read_vdem",
    "read_fariss": ".fariss:read_fariss",
    "read_pts": ".pts:read_pts",
    "iso3_from_cow": ".crosswalk:iso3_from_cow",
    "iso3_from_m49": ".crosswalk:iso3_from_m49",
    "code_table": ".crosswalk:code_table",
    "UnmappedCodesWarning": ".crosswalk:UnmappedCodesWarning",
    "by_review": ".join:by_review",
    "with_context": ".join:with_context",
    "gaps": ".join:gaps",
    "gap_note": ".join:gap_note",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
