"""Trained models as plain arrays: the models shipped with the package, trained by ``make data``.

A model is saved as a zip of ``.npy`` arrays (numbers and strings only, read with ``allow_pickle=False``:
loading one executes no code), written byte for byte the same from the same model (sorted names, fixed
dates). ``make data`` trains the models from UPR Info's coding in the embedded data set (sessions 1-20) and
writes them to ``SHIPPED`` (``python -m upr_lab.stats.classify.store``). They carry a key: the SHA-256 of
the embedded recommendations table they were trained on, as ``make data`` recorded it in the data set's
``source.json`` (the digest loading checks the table against), and of the classifier's code. ``trained()``
uses the shipped file when its key matches the embedded data and the code at hand, checked without reading
the table; otherwise (data or code changed since ``make data``) it trains them once and keeps them in the
cache (``upr_lab.sources.cache.location()``, under ``classifier/``). Predicting uses numpy and scipy only
(scikit-learn is imported only to train), so scikit-learn's version is not part of the key.
"""

import functools
import hashlib
import io
import os
import zipfile
from pathlib import Path

import numpy as np

from upr_lab import version
from upr_lab.exceptions import DataError, UprLabError
from upr_lab.sources import cache, embedded
from upr_lab.stats.classify.features import Features
from upr_lab.stats.classify.model import DEFAULT_BLOCKS, LATER, CategoryModel
from upr_lab.stats.classify.tags import ASSIGN_F1, BLOCKS as TAG_BLOCKS, TagModel, scores

_CODE = ("stats/classify/features.py", "stats/classify/model.py", "stats/classify/quantify.py",
         "stats/classify/tags.py", "stats/classify/store.py", "stats/wording.py")
_DATE = (1980, 1, 1, 0, 0, 0)
_READ = ("rec_id", "session", "text", "recommender_group", "action_category", "issues")  # what training reads
SHIPPED = version.PACKAGE_DIR / "data" / "classifier.npz"  # written by make data


def save(path, arrays):
    """Write ``arrays`` (name -> numpy array of numbers or strings) to ``path``, reproducibly."""
    path = Path(path)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
    scratch.replace(path)


def load(path):
    """The arrays ``save`` wrote; a damaged file is a ``DataError`` naming it."""
    try:
        with np.load(path, allow_pickle=False) as found:
            return {name: found[name] for name in found.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DataError(f"cannot read the trained classifier ({exc}); delete the file to train it anew",
                        path=path) from None


def code_digest():
    """SHA-256 of the classifier's code (features, models, quantification, this module, the stemmer)."""
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update((version.PACKAGE_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()


def coded_rows(recommendations, column="action_category"):
    """The recommendations whose ``column`` (``action_category`` or ``issues``) the source coded, in
    ``rec_id`` order: never those a classifier filled (``<column>_source`` ``predicted``)."""
    if column == "issues":
        coded = recommendations["issues"].map(len) > 0
    else:
        coded = recommendations[column].notna()
    source = recommendations.get(f"{column}_source")
    if source is not None:
        coded &= source == "coded"
    return recommendations.loc[coded, list(_READ)].sort_values("rec_id", kind="stable")


def key(data_sha256=None):
    """The key of models trained from the embedded data (``data_sha256``: its recorded digest, by default)
    with the code at hand."""
    data_sha256 = embedded.recorded_sha256() if data_sha256 is None else data_sha256
    return hashlib.sha256(f"{data_sha256}\0{code_digest()}".encode()).hexdigest()[:24]


def train_for_use(recommendations):
    """The category and tag models trained on every coded recommendation of ``recommendations``.

    A model of all but the last ``LATER`` coded sessions scores those sessions: there the category model's
    calibration is fitted and its error rates measured, and each tag's F1. The models kept are then trained
    on every coded session, over one set of features; the tag model holds only the tags reliable enough to
    assign (F1 at least ``ASSIGN_F1``).
    """
    coded, tagged = coded_rows(recommendations), coded_rows(recommendations, "issues")
    categories = coded["action_category"].astype(int).to_numpy()
    CategoryModel.check(categories)
    first_late = sorted(coded["session"].unique())[-LATER:][0]
    late, late_tagged = coded[coded["session"] >= first_late], tagged[tagged["session"] >= first_late]
    early_categories, early_tags = _fit_both(coded[coded["session"] < first_late], tagged[tagged["session"] < first_late])
    decisions = early_categories.decisions(early_categories.features.transform(late["text"], late["recommender_group"]))
    found = scores(late_tagged["issues"], early_tags.predict(late_tagged["text"], late_tagged["recommender_group"]),
                   early_tags.tags)
    reliable = [t for t in early_tags.tags if found[t]["f1"] >= ASSIGN_F1]
    category_model, tag_model = _fit_both(coded, tagged, reliable)
    category_model.measure(decisions, late["action_category"].astype(int).to_numpy(), categories)
    tag_model.f1 = np.array([found[t]["f1"] for t in tag_model.tags])
    return category_model, tag_model


def _fit_both(coded, tagged, tags=None):
    """Features fitted on ``coded``, and over them the category model and the tag model (of ``tags``, or of
    every tag coded often enough)."""
    texts, groups = coded["text"].tolist(), coded["recommender_group"].tolist()
    features = Features.fit(texts, groups, DEFAULT_BLOCKS)
    x = features.transform(texts, groups)
    category_model = CategoryModel.fit(features, texts, groups, coded["action_category"].astype(int), x=x)
    tag_features = features.only(TAG_BLOCKS)
    same = tagged["rec_id"].tolist() == coded["rec_id"].tolist()
    x_tagged = (features.columns(x, TAG_BLOCKS) if same
                else tag_features.transform(tagged["text"], tagged["recommender_group"]))
    tag_model = TagModel.train(tagged["text"], tagged["recommender_group"], tagged["issues"],
                               features=tag_features, x=x_tagged, tags=tags)
    return category_model, tag_model


def _prefixed(arrays, prefix):
    return {name[len(prefix):]: value for name, value in arrays.items() if name.startswith(prefix)}


def models_arrays(categories, tags, model_key):
    """The two models and their key as one set of arrays (what ``save`` writes); features the two share are
    written once."""
    arrays = {f"category.{k}": v for k, v in categories.arrays().items()}
    shared = categories.features.shares_blocks(tags.features)
    arrays.update({f"tags.{k}": v for k, v in tags.arrays(with_features=not shared).items()})
    if shared:  # the tag model reads some of the category model's blocks: their names only
        arrays["tags.shared_blocks"] = np.asarray(tags.features.blocks, dtype=str)
    arrays["key"] = np.asarray(model_key)
    return arrays


def read_models(path, model_key):
    """The (category model, tag model) saved at ``path``, or None when the file is missing or was trained
    from other data or other code (its key differs)."""
    if not Path(path).exists():
        return None
    arrays = load(path)
    if str(arrays.get("key", "")) != model_key:
        return None
    categories = CategoryModel.from_arrays(_prefixed(arrays, "category."))
    tag_arrays = _prefixed(arrays, "tags.")
    shared = None
    # the tag model reads the category model's blocks (all of them in files written before the character n-grams)
    if "features.blocks" not in tag_arrays:
        names = tag_arrays.pop("shared_blocks", None)
        shared = categories.features if names is None else categories.features.only(names.tolist())
    return categories, TagModel.from_arrays(tag_arrays, features=shared)


@functools.lru_cache(maxsize=1)
def trained():
    """The (category model, tag model) trained from the embedded data set: the file shipped beside it
    (``SHIPPED``, written by ``make data``) when its key matches the data and the code, else the cache, else
    trained now (a minute or two on two cores) and cached."""
    model_key = key()
    found = read_models(SHIPPED, model_key)
    folder = cache.location()
    path = folder / "classifier" / f"{model_key}.npz" if folder else None
    if found is None and path is not None:
        found = read_models(path, model_key)
    if found is not None:
        return found
    categories, tags = train_for_use(embedded.read()[0]["recommendations"])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        save(path, models_arrays(categories, tags, model_key))
    return categories, tags


def build(out=SHIPPED):
    """Train from the embedded data set and write the models with their key to ``out``."""
    categories, tags = train_for_use(embedded.read()[0]["recommendations"])
    save(out, models_arrays(categories, tags, key()))
    return Path(out)


def main(argv=None):
    """``python -m upr_lab.stats.classify.store [--out PATH]``, run by ``make data``."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m upr_lab.stats.classify.store",
                                     description="train the action category and issue tag classifiers from the "
                                                 "embedded data set")
    parser.add_argument("--out", type=Path, default=SHIPPED, help=f"where to write them (default: {SHIPPED})")
    args = parser.parse_args(argv)
    if not args.out.parent.is_dir():
        print(f"upr-lab: error: {args.out.parent}: no such folder; expected an existing folder to write the "
              "classifier to", file=sys.stderr)
        return 2
    try:
        written = build(args.out)
    except UprLabError as exc:
        print(f"upr-lab: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
