"""Action categories and issue tags in use: predicted wherever a source has none, counted, and said.

``with_predictions(data)`` is what every analysis loads: the data set with the classifier's category and
tags (``upr_lab.stats.classify.annotate``) on the recommendations whose source coded none (the DIHR rows of
sessions 21-26 in the embedded data, UHRI, OHCHR documents and matrices), marked ``predicted`` in
``action_category_source`` and ``issues_source``, with the category's probability. ``predict=False`` keeps
only the source's coding. It lives here, not in ``sources``, because the sources layer may not use the
statistics layer (``tests/test_layout.py``); ``reports.open_analysis``, ``upr-lab data info`` and ``data
export`` call it.

Predicting 16,500 recommendations takes seconds, so predictions are kept in the cache
(``UPR_LAB_CACHE``, under ``classifier/predictions/``), keyed by the SHA-256 of what is predicted (each
row's id, text, recommending group and what it lacks) and of the models' arrays: the same data and the same
models give the same predictions without predicting again; other data or other models predict anew.
"""

import functools
import hashlib
import os

import numpy as np
import pandas as pd

from upr_lab.sources import cache, coverage, schema

CATEGORY_NUMBERS = (1, 2, 3, 4, 5)
PREDICTED = ("action_category", "action_category_source", "action_category_probability", "issues", "issues_source")
OFF = "off"


def with_predictions(data, predict=True, models=None):
    """``data`` (a loaded ``UprData``, changed in place and returned) with categories and tags predicted where its sources have none, or
    (``predict=False``) only as coded. ``data.source["predictions"]`` records which: ``"off"``, or the
    fingerprint of the models that predicted (None when nothing needed predicting), so that results
    computed once per data set (``stats.shared``) are never shared between the two."""
    recs = schema.with_coding_sources(data.recommendations)
    needed = _needing(recs)
    if not predict or not needed.any():
        data.recommendations = recs
        data.source["predictions"] = OFF if not predict else {"classifier": None}
        return data
    from upr_lab.stats.classify.store import trained  # scikit-learn, imported only when something is predicted

    models = models or trained()
    fingerprint = models_fingerprint(models)
    rows = recs.loc[needed]
    found = _predicted(rows, models, fingerprint)
    data.recommendations = _applied(recs, found)
    data.source["predictions"] = {"classifier": fingerprint}
    return data


def predictions_cached(data):
    """Whether ``with_predictions(data)`` would predict nothing: nothing lacks a category or tags, or the
    cache already holds the predictions of the models in use for every row that does."""
    recs = schema.with_coding_sources(data.recommendations)
    needed = _needing(recs)
    if not needed.any():
        return True
    from upr_lab.stats.classify.store import trained

    path = _cache_path(recs.loc[needed], models_fingerprint(trained()))
    return path is not None and path.is_file()


def _needing(recs):
    """Rows the source left without a category or without tags (and not already predicted)."""
    return (recs["action_category_source"] == "") | (recs["issues_source"] == "")


def _predicted(rows, models, fingerprint):
    """The classifier's columns (``PREDICTED``) for ``rows``, by ``rec_id``: from the cache, else predicted now
    and cached."""
    path = _cache_path(rows, fingerprint)
    if path is not None and path.is_file():
        try:
            return _read(path)
        except (OSError, ValueError):  # a damaged entry is predicted again
            pass
    from upr_lab.stats.classify.predicted import annotate

    found = annotate(rows, models)[["rec_id", *PREDICTED]].reset_index(drop=True)
    if path is not None:
        _write(path, found)
    return found


def _cache_path(rows, fingerprint):
    """Where the predictions for ``rows`` by the models of ``fingerprint`` are cached (None: no cache folder)."""
    folder = cache.location()
    if folder is None:
        return None
    key = hashlib.sha256(f"{fingerprint}\0{rows_digest(rows)}".encode()).hexdigest()[:32]
    return folder / "classifier" / "predictions" / f"{key}.parquet"


def rows_digest(rows):
    """SHA-256 of what a prediction depends on: each row's id, text, recommending group and what it lacks."""
    digest = hashlib.sha256()
    columns = ("rec_id", "text", "recommender_group", "action_category_source", "issues_source")
    for row in zip(*(rows[column].tolist() for column in columns)):  # lists: iterating Arrow arrays is 3x slower
        digest.update("\x1f".join(map(str, row)).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def models_fingerprint(models):
    """SHA-256 (first 24 hex digits) of the (category, tag) models' arrays: the models' identity."""
    return _fingerprint(id(models[0]), id(models[1]), models)


@functools.lru_cache(maxsize=4)
def _fingerprint(_category_id, _tags_id, models):
    digest = hashlib.sha256()
    for prefix, model in zip(("category", "tags"), models):
        arrays = model.arrays()
        for name in sorted(arrays):
            value = arrays[name]
            digest.update(f"{prefix}.{name}\0{getattr(value, 'dtype', '')}\0{getattr(value, 'shape', '')}\0".encode())
            digest.update(value.tobytes() if hasattr(value, "tobytes") else repr(value).encode())
    return digest.hexdigest()[:24]


def _applied(recs, found):
    """``recs`` (the caller's own copy, changed in place) with ``found``'s columns set on the rows of the same
    ``rec_id``."""
    out = recs
    at = pd.Series(range(len(out)), index=out["rec_id"]).reindex(found["rec_id"]).to_numpy()
    for column in PREDICTED:
        values = found[column].to_numpy()
        if column == "issues":  # tuples stay whole, one per row; one object per distinct tuple (memory)
            values, distinct = np.empty(len(found), dtype=object), {}
            values[:] = [distinct.setdefault(tags, tags) for tags in map(tuple, found[column])]
        out.iloc[at, out.columns.get_loc(column)] = values
    out["action_category"] = out["action_category"].astype("Int64")
    out["action_category_probability"] = out["action_category_probability"].astype("Float64")
    return out


def _write(path, found):
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        found.assign(issues=found["issues"].map(list)).to_parquet(scratch, index=False)
        scratch.replace(path)
    except OSError:  # a cache that cannot be written only costs predicting again
        scratch.unlink(missing_ok=True)


def _read(path):
    found = pd.read_parquet(path)
    found["issues"] = found["issues"].map(lambda v: () if v is None else tuple(v))
    found["action_category"] = found["action_category"].astype("Int64")
    found["action_category_probability"] = found["action_category_probability"].astype("Float64")
    for column in ("rec_id", "action_category_source", "issues_source"):
        found[column] = found[column].astype("str")
    return found


def counts(recs):
    """How many categories and tags are coded, predicted and unknown: ``{"action_category": {...}, "issues":
    {...}}`` (``coverage.coding_counts``)."""
    return {column: coverage.coding_counts(recs, column) for column in ("action_category", "issues")}


def coded_only(recs):
    """``recs`` with the predicted categories removed (empty, as the source left them): the coded-only side of a
    sensitivity analysis."""
    out = recs.copy()
    predicted = out["action_category_source"] == "predicted"
    out.loc[predicted, "action_category"] = pd.NA
    out.loc[predicted, "action_category_probability"] = pd.NA
    out.loc[predicted, "action_category_source"] = ""
    return out


def sensitivity(recs, participation=None, outcome="supported", alpha=0.05):
    """The pooled ``models.outcome_model`` fitted twice, side by side: on the source's categories only (a
    predicted category counted as unknown, as the source left it) and with the predicted ones added. One row
    per term (statsmodels' names; ``Analysis.table`` shows them in words): the odds ratio and its interval
    of each fit. ``attrs["note"]`` gives each fit's observations and how many categories were predicted."""
    from upr_lab.stats.models import outcome_model

    fits = {"coded_only": outcome_model(coded_only(recs), participation, outcome, alpha),
            "with_predicted": outcome_model(recs, participation, outcome, alpha)}
    parts = [fit.odds_ratios(alpha).drop(columns="p_value").add_suffix(f"_{name}") for name, fit in fits.items()]
    table = pd.concat(parts, axis=1).rename_axis("term").reset_index()
    n = coverage.coding_counts(recs)
    table.attrs["note"] = (f"Left: the model on the source's action categories only ({fits['coded_only'].nobs:,} "
                           f"recommendations supported or noted; the {n['predicted']:,} predicted categories "
                           f"counted as unknown). Right: with the categories upr-lab's classifier predicted "
                           f"({fits['with_predicted'].nobs:,}; {n['unknown']:,} still unknown). A term that "
                           "moves between the two depends on the predictions.")
    return table


def category_shares_by(recs, by, models=None, replicates=200):
    """The share of each action category per ``by`` group (a column or several), the source's coding and the
    classifier's predictions apart: one row per group, coding (``coded`` by the source, or ``predicted``:
    the classifier's corrected estimate with a bootstrap interval, ``classify.category_shares``) and
    category, with ``n``, ``share``, ``low`` and ``high``. Recommendations with no category at all are
    left out."""
    from upr_lab.stats.classify.predicted import category_shares

    by = [by] if isinstance(by, str) else list(by)
    known = recs[recs["action_category_source"].isin(("coded", "predicted"))]
    if known.empty:
        return pd.DataFrame(columns=[*by, "coding", "action_category", "n", "share", "low", "high"])
    if not (known["action_category_source"] == "predicted").any():
        return _coded_shares(known, by)
    keys = known["action_category_source"].astype(str)
    for column in reversed(by):  # "<by values>\x1f<coding>", built column-wise (a row-wise join took seconds)
        keys = known[column].astype(str) + "\x1f" + keys
    found = category_shares(known.assign(_key=keys), by="_key", models=models, replicates=replicates)
    parts = found["_key"].str.split("\x1f", expand=True)
    for i, column in enumerate(by):
        found[column] = parts[i].astype(known[column].dtype)
    found["coding"] = parts[len(by)]
    return found[[*by, "coding", "action_category", "n", "share", "low", "high"]].reset_index(drop=True)


def _coded_shares(known, by):
    """Shares as the source coded them (no model needed)."""
    rows = []
    for key, frame in known.groupby(by, sort=True):
        share = frame["action_category"].astype(int).value_counts(normalize=True)
        key = key if isinstance(key, tuple) else (key,)
        rows += [(*key, "coded", c, len(frame), float(share.get(c, 0.0)), np.nan, np.nan) for c in CATEGORY_NUMBERS]
    return pd.DataFrame(rows, columns=[*by, "coding", "action_category", "n", "share", "low", "high"])


def specific_share_by(recs, by, models=None):
    """``category_shares_by`` reduced to what McMahon compares: per group and coding, the share of specific
    action (category 5) with its interval (for predicted shares) and the mean category (from the shares)."""
    shares = category_shares_by(recs, by, models)
    by = [by] if isinstance(by, str) else list(by)
    keys = [*by, "coding"]
    mean = (shares.assign(weighted=shares["action_category"] * shares["share"])
            .groupby(keys, sort=False)["weighted"].sum().rename("mean_category"))
    five = shares[shares["action_category"] == 5].set_index(keys)[["n", "share", "low", "high"]]
    table = five.rename(columns={"share": "share_specific", "low": "ci_low", "high": "ci_high"}).join(mean)
    return table.reset_index()


def mcmahon_ordering(recs, models=None):
    """McMahon's ordering by recommending group, per cycle: the share of specific action (category 5) and the
    mean category of each recommending group's recommendations, the source's coding and the classifier's
    predictions apart (``specific_share_by``), ranked within each cycle and coding (1: the most specific)."""
    named = recs.assign(recommender_group=recs["recommender_group"].where(recs["recommender_group"] != "", "(unknown)"))
    table = specific_share_by(named, ["cycle", "recommender_group"], models)
    table = table.sort_values(["cycle", "coding", "share_specific"], ascending=[True, True, False], kind="stable")
    table["rank"] = table.groupby(["cycle", "coding"]).cumcount() + 1
    return table.reset_index(drop=True)


def session_trend(recs, models=None):
    """The share of each action category per session (wide: one column per category), the source's coding and
    the classifier's corrected estimates apart, with the interval of the specific-action share (category 5)
    where it is predicted."""
    shares = category_shares_by(recs, "session", models)
    if shares.empty:
        return pd.DataFrame(columns=["session", "coding", "n", *map(str, CATEGORY_NUMBERS), "ci_low_5", "ci_high_5"])
    wide = shares.pivot_table(index=["session", "coding", "n"], columns="action_category", values="share")
    wide.columns = [str(c) for c in wide.columns]
    five = shares[shares["action_category"] == 5].set_index(["session", "coding", "n"])[["low", "high"]]
    wide = wide.join(five.rename(columns={"low": "ci_low_5", "high": "ci_high_5"}))
    return wide.reset_index().sort_values(["session", "coding"], kind="stable", ignore_index=True)
