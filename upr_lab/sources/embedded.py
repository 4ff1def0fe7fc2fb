"""The embedded real data set (``--data upr``, the default): UPR cycles 1-2, built from the raw files.

``make data`` (``python -m upr_lab.sources.build_embedded RAW_FOLDER``) reads the UPR Info exports
(sessions 1-20) and the DIHR explorer exports (cycles 1-2) from ``RAW_FOLDER`` (``../shared/data``),
refuses any input whose SHA-256 is not the one listed in ``INPUTS``, combines them (each review once,
``reconcile``) and writes ``upr_lab/data/upr/``: the recommendations, the voluntary pledges and the
reconciliation's differences as Parquet, and ``source.json`` (the input files and their hashes, the
reconciliation summary, the exact repeats dropped, and the SHA-256 of each table). The same inputs
give the same bytes. Loading checks the tables against those hashes.
"""

import functools
import hashlib
import json
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError

from . import cache
from .formats import canonical

FOLDER = Path(__file__).resolve().parents[1] / "data" / "upr"
CANONICAL = ("recommendations", "pledges")
TABLES = (*CANONICAL, "differences")
INPUTS = {  # path under the raw folder: SHA-256 of the file as found
    "upr-info/1-5.csv": "e1053f6bdd035bfda753d45bd21e21fd811973c762f6a5c883c2a26fdcf81c84",
    "upr-info/6-9.csv": "ee3f5b373cad9a8b9d712b514d2891a241805baef18407307e3c1f96b683cee4",
    "upr-info/10-13.csv": "67b40ff31a7720a04ba528243fc563a33e683295870e2f42095aaa2d66879aa8",
    "upr-info/14-17.csv": "036b9923a9d165c69ccba5c3ae7192f821193f33763555f980b043e1df6010e6",
    "upr-info/17-20.csv": "0ae39053e2e02645413976a7234aa9847f8e6ad6a460a7da257cdd411fa31a88",
    "upr-info/voluntary.csv": "70a91fb140bb2ed6f1d39e1c12b74f805ac3de056564fe88edc589c0866b9622",
    "dihr/upr1.xlsx": "99aa2f8284f7c940aaff1721312553f8dfe3bc25c76f25ac2c10f1d35eea7371",
    "dihr/upr2.xlsx": "cf68742a84c04ba67d9f61ed578a125d92c84b09e7301232353da58c65e275f3",
}
LABEL = "upr-lab embedded UPR data, cycles 1-2: UPR Info (sessions 1-20) and DIHR explorer (sessions 21-26)"


def read():
    """The embedded tables (recommendations, pledges, differences) and their source record, read once per
    process; callers get copies."""
    tables, source = _read()
    return {name: frame.copy() for name, frame in tables.items()}, json.loads(json.dumps(source))


def recorded_sha256(table="recommendations"):
    """The SHA-256 of an embedded table as ``make data`` recorded it in ``source.json``: the digest loading
    checks the table's file against, read without reading the table (an identity for the table: the trained
    classifier is keyed by it)."""
    return _source()["tables"][table]


def _source():
    try:
        return json.loads((FOLDER / "source.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("the embedded data set is missing; run `make data` (it needs ../shared/data)",
                        path=FOLDER) from None


@functools.lru_cache(maxsize=1)
def _read():
    """The tables, each file checked against its recorded SHA-256, then read back from the parse cache (Arrow, a
    fraction of the time: every kernel and command reads them) or from the Parquet files, and cached."""
    source = _source()
    for name, digest in source["tables"].items():
        if hashlib.sha256((FOLDER / f"{name}.parquet").read_bytes()).hexdigest() != digest:
            raise DataError(f"{name}.parquet does not have the SHA-256 recorded in source.json; rebuild it with "
                            "`make data`", path=FOLDER)
    entry = cache.key([{"name": f"{name}.parquet", "sha256": digest} for name, digest in source["tables"].items()],
                      embedded=True)
    cached = cache.read(entry)
    if cached is not None:
        return cached[0], source
    tables = {name: canonical.read_parquet(FOLDER / f"{name}.parquet", validate=False) for name in CANONICAL}
    tables["differences"] = pd.read_parquet(FOLDER / "differences.parquet")
    cache.write(entry, tables, {"kind": "upr", "embedded": True})
    return tables, source
