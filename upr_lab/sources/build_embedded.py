"""``make data``: build the embedded real data set (``upr_lab/data/upr/``) from the raw files.

``python -m upr_lab.sources.build_embedded ../shared/data`` refuses any input whose SHA-256 is not
the one listed in ``embedded.INPUTS``, loads and combines the UPR Info and DIHR exports (each review
once, ``reconcile``) and writes the tables and ``source.json``. The same inputs give the same bytes
(``tests/test_embedded.py`` rebuilds and compares).
"""

import argparse
import json
import sys
from pathlib import Path

from upr_lab.exceptions import DataError, UprLabError

from .dataset import load, sha256
from .embedded import FOLDER, INPUTS, LABEL, TABLES
from .formats import canonical

NO_ALIASES = Path("/nonexistent/upr-lab-build-uses-no-user-aliases.yaml")  # a user's alias file never counts


def build(raw, folder=FOLDER):
    """Build the embedded data set from the raw files under ``raw``; returns the folder written."""
    raw = Path(raw)
    paths = checked_inputs(raw)
    data = load(paths, aliases=NO_ALIASES)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Only the sources' coding is embedded; its coding columns follow from it and are derived on reading.
    # Left out, the tables' bytes (and so the classifier's key, the SHA-256 of the recommendations) stay put.
    canonical.write(data.recommendations, folder / "recommendations.parquet", coding=False)
    canonical.write(data.pledges, folder / "pledges.parquet", coding=False)
    data.differences.to_parquet(folder / "differences.parquet", index=False)
    files = [{**record, "path": path.relative_to(raw).as_posix()} for record, path in zip(data.source["files"], paths)]
    record = {**data.source, "kind": "upr", "label": LABEL, "files": files,
              "tables": {name: sha256(folder / f"{name}.parquet") for name in TABLES}}
    (folder / "source.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def checked_inputs(raw):
    """The raw input files, each checked against its recorded SHA-256."""
    paths = []
    for name, expected in INPUTS.items():
        path = raw / name
        if not path.is_file():
            raise DataError(f"no such file; expected the raw input {name} under {raw}", path=path)
        if sha256(path) != expected:
            raise DataError(f"found SHA-256 {sha256(path)}; expected {expected} (the file this data set is built "
                            "from): review a changed input before rebuilding the embedded data set", path=path)
        paths.append(path)
    return paths


def builder_main(module, description, holding, out, build_function, argv=None):
    """The command line of a data builder run by ``make data``: ``python -m MODULE RAW [--out PATH]``, calling
    ``build_function(raw, out)``; one line and exit status 2 on a refused input."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    parser.add_argument("raw", help=f"the folder holding {holding} (../shared/data)")
    parser.add_argument("--out", default=out, help=f"where to write it (default: {out})")
    args = parser.parse_args(argv)
    try:
        written = build_function(args.raw, args.out)
    except UprLabError as exc:
        print(f"upr-lab: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {written}")
    return 0


def main(argv=None):
    return builder_main("upr_lab.sources.build_embedded", "build the embedded UPR data set from the raw files",
                        "upr-info/ and dihr/", FOLDER, build, argv)


if __name__ == "__main__":
    sys.exit(main())
