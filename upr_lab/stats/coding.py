"""Researchers' own coding of implementation: write a coding sheet, measure agreement between coders,
merge their codes into the implementation table the analyses read (``load(src, assessments=FILE)``).

Each coder fills in a copy of the sheet of one State under review and cycle (``upr-lab code sheet``).
``agree`` reads the copies: the same State, cycle and recommendations in each (a coder who dropped or
added recommendations is refused), one coder per copy (the ``coder`` column, else the file's name).
``merge`` keeps, for each recommendation, the status most of its coders gave (more than half of those
who coded it); a tie, or a majority for ``unclear``, gives no implementation value, and is counted.
"""

import csv
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import excerpt
from upr_lab.sources import dataset
from upr_lab.sources.countries import check_iso3
from upr_lab.sources.formats import coding_sheet

from .agreement import agreement

MERGED_COLUMNS = ["rec_id", "sur_iso3", "cycle", "implementation", "coders", "agreeing"]


def write_sheet(country, cycle, out, data=dataset.DEFAULT_SOURCE):
    """The coding sheet of ``country``'s recommendations of ``cycle`` in ``data``, written to ``out``."""
    if Path(out).suffix.lower() != ".xlsx":  # said before the data are read
        raise DataError(f"found the suffix {Path(out).suffix or '(none)'!r}; expected .xlsx", path=out)
    country, loaded = check_iso3(country), dataset.load(data)
    recs = loaded.recommendations
    chosen = recs[(recs["sur_iso3"] == country) & (recs["cycle"] == int(cycle))]
    if chosen.empty:
        held = sorted(recs.loc[recs["sur_iso3"] == country, "cycle"].unique())
        raise DataError(f"found no recommendation to {country} in cycle {cycle}; expected a cycle the data hold for "
                        f"it ({', '.join(map(str, held)) or 'none'})")
    return coding_sheet.write_sheet(chosen, country, cycle, loaded.source.get("label", str(data)), out)


def coded(paths):
    """The sheets ``paths`` as one frame (index rec_id, one column of statuses per coder), and the first sheet."""
    sheets = [coding_sheet.read_sheet(p) for p in paths]
    if len(sheets) < 1:
        raise DataError("found no coding sheet; expected one sheet per coder")
    first = sheets[0]
    columns = {}
    for sheet in sheets:
        _same_review(first, sheet)
        name = _coder(sheet)
        if name in columns:
            raise DataError(f"found a second sheet of coder {excerpt(name)}; expected one sheet per coder",
                            path=sheet.path)
        columns[name] = sheet.codes.set_index("rec_id")["status"]
    return pd.DataFrame(columns).sort_index(), first


def _same_review(first, sheet):
    if (sheet.country, sheet.cycle) != (first.country, first.cycle):
        raise DataError(f"found the sheet of {sheet.country}, cycle {sheet.cycle}; expected {first.country}, cycle "
                        f"{first.cycle} as in {first.path.name}", path=sheet.path)
    if set(sheet.codes["rec_id"]) != set(first.codes["rec_id"]):
        raise DataError(f"found a coder with a different set of recommendations than {first.path.name}; expected "
                        "every coder to code the same sheet", path=sheet.path)


def _coder(sheet):
    names = sorted(set(sheet.codes["coder"]) - {""})
    if len(names) > 1:
        raise DataError(f"found the coders {', '.join(map(excerpt, names[:5]))}{' ...' * (len(names) > 5)} in one "
                        "sheet; expected one coder per sheet",
                        path=sheet.path, column="coder")
    return names[0] if names else sheet.path.stem


def agree(paths, out=None):
    """The ``Agreement`` of the coders of ``paths``; its disagreements written to ``out`` (CSV) if given."""
    codes, _ = coded(paths)
    if codes.shape[1] < 2:
        raise DataError("found one coder; expected the sheets of two coders or more", path=Path(paths[0]))
    result = agreement(codes, coding_sheet.STATUSES)
    if out is not None:
        result.disagreements.to_csv(out, index=False, lineterminator="\n")
    return result


def merge(paths, out):
    """Write the implementation table of the coders' majority statuses to ``out`` (CSV); returns the table
    and how many coded recommendations got no value (a tie or ``unclear``). ``table.attrs["not_coded"]``
    counts the recommendations no coder coded yet (a blank status in every sheet)."""
    codes, first = coded(paths)
    rows, undecided = [], 0
    for rec_id, statuses in codes.iterrows():
        given = [s for s in statuses if s]
        status, votes = _majority(given)
        if status in ("fully", "partially", "not"):
            rows.append([rec_id, first.country, first.cycle, status, len(given), votes])
        elif given:
            undecided += 1
    table = pd.DataFrame(rows, columns=MERGED_COLUMNS)
    table.attrs["not_coded"] = int((codes.replace("", pd.NA).isna()).all(axis=1).sum())
    table.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return table, undecided


def _majority(given):
    if not given:
        return None, 0
    counts = pd.Series(given).value_counts()
    status, votes = counts.index[0], int(counts.iloc[0])
    return (status, votes) if votes * 2 > len(given) else (None, votes)
