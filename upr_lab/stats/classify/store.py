"""Trained models as plain arrays, and the models trained from the embedded data at first use.

A model is saved as a zip of ``.npy`` arrays (numbers and strings only, read with ``allow_pickle=False``:
loading one executes no code), written byte for byte the same from the same model (sorted names, fixed
dates). The models ``trained()`` returns are trained from UPR Info's coding in the embedded data set
(sessions 1-20) the first time they are needed and kept in the cache (``upr_lab.sources.cache.location()``,
under ``classifier/``), keyed by the SHA-256 of the embedded recommendations table and a digest of the
classifier's code and scikit-learn's version: new data or new code train anew; the same give the same bytes.
"""

import functools
import hashlib
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import sklearn

from upr_lab import version
from upr_lab.exceptions import DataError
from upr_lab.sources import cache, embedded
from upr_lab.stats.classify.model import CategoryModel
from upr_lab.stats.classify.tags import ASSIGN_F1, TagModel, scores

HELD_OUT_SESSIONS = 4  # the last coded sessions, held out to measure each tag's F1 before training on all
_CODE = ("stats/classify/features.py", "stats/classify/model.py", "stats/classify/quantify.py",
         "stats/classify/tags.py", "stats/classify/store.py", "stats/wording.py", "stats/instruments.py",
         "stats/protocols.py")
_DATE = (1980, 1, 1, 0, 0, 0)
SHIPPED = version.PACKAGE_DIR / "data" / "classifier.npz"  # not shipped yet: see docs/methods/action-categories.md


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
    """SHA-256 of the classifier's code, scikit-learn's version and upr-lab's version."""
    digest = hashlib.sha256(f"{version.__version__}\0{sklearn.__version__}\0".encode())
    for name in _CODE:
        digest.update((version.PACKAGE_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()


def key(data_sha256):
    return hashlib.sha256(f"{data_sha256}\0{code_digest()}".encode()).hexdigest()[:24]


def train_for_use(recommendations):
    """The category and tag models trained on every coded recommendation of ``recommendations``.

    The category model's error rates come from cross-validation over whole sessions. Each tag's F1 is
    measured on the last ``HELD_OUT_SESSIONS`` coded sessions by a model trained on the earlier ones;
    the model kept is then trained on all of them, and holds only the tags reliable enough to assign.
    """
    coded = recommendations[recommendations["action_category"].notna()].sort_values("rec_id", kind="stable")
    categories = CategoryModel.train(coded["text"], coded["recommender_group"],
                                     coded["action_category"].astype(int), sessions=coded["session"])
    tagged = recommendations[recommendations["issues"].map(len) > 0].sort_values("rec_id", kind="stable")
    last = sorted(tagged["session"].unique())[-HELD_OUT_SESSIONS:]
    early, late = tagged[~tagged["session"].isin(last)], tagged[tagged["session"].isin(last)]
    held_out = TagModel.train(early["text"], early["recommender_group"], early["issues"])
    found = scores(late["issues"], held_out.predict(late["text"], late["recommender_group"]), held_out.tags)
    tags = TagModel.train(tagged["text"], tagged["recommender_group"], tagged["issues"])
    tags.f1 = np.array([found[t]["f1"] if t in found else 0.0 for t in tags.tags])
    return categories, tags.only(tags.f1 >= ASSIGN_F1)  # the others are never assigned: not kept


def _prefixed(arrays, prefix):
    return {name[len(prefix):]: value for name, value in arrays.items() if name.startswith(prefix)}


def models_arrays(categories, tags, model_key):
    """The two models and their key as one set of arrays (what ``save`` writes)."""
    arrays = {f"category.{k}": v for k, v in categories.arrays().items()}
    arrays.update({f"tags.{k}": v for k, v in tags.arrays().items()})
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
    return CategoryModel.from_arrays(_prefixed(arrays, "category.")), TagModel.from_arrays(_prefixed(arrays, "tags."))


@functools.lru_cache(maxsize=1)
def trained():
    """The (category model, tag model) trained from the embedded data set: the file shipped beside it
    (``SHIPPED``, written by ``python -m upr_lab.stats.classify.store``) when it matches the data and the
    code, else the cache, else trained now (minutes on two cores) and cached."""
    tables, source = embedded.read()
    model_key = key(source["tables"]["recommendations"])
    found = read_models(SHIPPED, model_key)
    folder = cache.location()
    path = folder / "classifier" / f"{model_key}.npz" if folder else None
    if found is None and path is not None:
        found = read_models(path, model_key)
    if found is not None:
        return found
    categories, tags = train_for_use(tables["recommendations"])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        save(path, models_arrays(categories, tags, model_key))
    return categories, tags


def main(argv=None):
    """Train from the embedded data set and write the models to ``SHIPPED`` (or the path given)."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else SHIPPED
    tables, source = embedded.read()
    categories, tags = train_for_use(tables["recommendations"])
    save(target, models_arrays(categories, tags, key(source["tables"]["recommendations"])))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
