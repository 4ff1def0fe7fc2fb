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


def _needing(recs):
    """Rows the source left without a category or without tags (and not already predicted)."""
    return (recs["action_category_source"] == "") | (recs["issues_source"] == "")


def _predicted(rows, models, fingerprint):
    """The classifier's columns (``PREDICTED``) for ``rows``, by ``rec_id``: from the cache, else predicted now
    and cached."""
    key = hashlib.sha256(f"{fingerprint}\0{rows_digest(rows)}".encode()).hexdigest()[:32]
    folder = cache.location()
    path = None if folder is None else folder / "classifier" / "predictions" / f"{key}.parquet"
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


def rows_digest(rows):
    """SHA-256 of what a prediction depends on: each row's id, text, recommending group and what it lacks."""
    digest = hashlib.sha256()
    for row in zip(rows["rec_id"], rows["text"], rows["recommender_group"], rows["action_category_source"],
                   rows["issues_source"]):
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
    """``recs`` with ``found``'s columns set on the rows of the same ``rec_id``."""
    out = recs.copy()
    at = pd.Series(range(len(out)), index=out["rec_id"]).reindex(found["rec_id"]).to_numpy()
    for column in PREDICTED:
        values = found[column].to_numpy()
        if column == "issues":  # tuples stay whole, one per row
            values = np.empty(len(found), dtype=object)
            values[:] = [tuple(v) for v in found[column]]
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
