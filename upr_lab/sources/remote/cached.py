"""UN documents downloaded into the cache, read offline: the named source ``documents`` (``--data documents``),
the participation table of the cached stakeholder summaries (``--participation documents``) and
``upr-lab participation extract --all``.

The cache's documents folder (``folders.documents_folder``) holds what ``upr-lab data download documents``
filed: PDFs named by symbol (``A_HRC_40_6.pdf``, ``A_HRC_40_6_Add.1.pdf``, ``A_HRC_WG.6_31_NOR_3.pdf``).
Hundreds of downloads may hold a damaged PDF or a document upr-lab cannot read whole: each such document is
refused with the one-line message a folder load gives, listed, and the others are read. Each summary's
participation row (or its refusal, and its warnings) is kept in the parse cache, keyed by the file's name and
SHA-256, so a summary is read once however often the table is asked for, and a new download reads only itself.
"""

import hashlib
import re
import warnings
from dataclasses import dataclass, field

from upr_lab.exceptions import DataError, UnknownCountryError
from upr_lab.files import write_atomic
from upr_lab.sources import cache
from upr_lab.sources.ohchr import stakeholders
from upr_lab.sources.ohchr.documents import refusal_message

from . import folders

REPORT_NAME = re.compile(r"(A_HRC_\d{1,2}_\d{1,3})(?:_Add\.\d)?\.pdf", re.IGNORECASE)  # as folders.document_file
HOW = "run `upr-lab data download documents --countries ISO3,...` (or --all) first"


def document_files():
    """The downloaded PDFs, sorted by name; a one-line ``DataError`` naming the download command when the cache
    holds none (``.part`` files of an interrupted download are not documents)."""
    folder = folders.documents_folder()
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".pdf") \
            if folder.is_dir() else []
    except OSError as exc:
        raise DataError(f"the cache's documents folder cannot be read ({exc.strerror or exc}); expected a folder "
                        f"you can read, or {folders.FIX}", path=folder) from None
    if not files:
        found = "holds no downloaded document (no PDF)" if folder.is_dir() else "does not exist: no document downloaded"
        raise DataError(f"the cache's documents folder {found}; {HOW}", path=folder)
    return files


def by_review(files):
    """The downloaded ``files`` in the groups they are parsed in, each kept in the parse cache on its own (a new
    download parses only its own review): a report with its addenda (``A_HRC_40_6.pdf``,
    ``A_HRC_40_6_Add.1.pdf``), and every other document alone."""
    groups = {}
    for path in files:
        named = REPORT_NAME.fullmatch(path.name)
        groups.setdefault(named.group(1) if named else path.name, []).append(path)
    return [groups[key] for key in sorted(groups)]


def one_report_each(parts):
    """The parsed ``parts`` of ``by_review`` with each report read from the file its symbol names: a report in a
    file named otherwise (another document served for the symbol asked for, or a copy under another name) is
    refused and its rows left out, so that no review is counted twice."""
    for part in parts:
        for record in part.source["files"]:
            detected = record.get("detected", {})
            expected = f"{detected.get('document', '').replace('/', '_')}.pdf"
            if detected.get("format") == "ohchr-report" and record["name"] != expected:
                message = (f"found the report {detected['document']}; expected the document its name gives (was "
                           f"another document served for it? delete the file and download it again)")
                recs = part.recommendations
                part.recommendations = recs[recs["document"] != detected["document"]].reset_index(drop=True)
                record.update(role="refused (not read)", rows=0, detected={"format": "refused", "error": message})
                part.source["refused"] = [*part.source.get("refused", []), {"name": record["name"], "error": message}]
    return parts


def summary_files(files=None):
    """The stakeholder summaries among the downloaded documents, by the cache's names (``A_HRC_WG.6_<session>_
    <ISO3>_3.pdf``); refuses, in one line, a cache that holds none."""
    summaries = [p for p in (document_files() if files is None else files) if stakeholders.FILE_SYMBOL.search(p.stem)]
    if not summaries:
        raise DataError("the cache's documents folder holds no stakeholder summary (A_HRC_WG.6_<session>_<ISO3>"
                        "_3.pdf); run `upr-lab data download documents --kinds summary --countries ISO3,...` "
                        "(or --all) first", path=folders.documents_folder())
    return summaries


@dataclass
class Participation:
    """The participation table of the cached summaries, and what was read and refused to make it."""

    frame: object  # schema.PARTICIPATION, one row per State and cycle; None when no summary could be read
    rows: list  # the rows as ``stakeholders.COLUMNS`` dicts, in the frame's order
    files: list  # every summary considered (paths)
    refused: list = field(default_factory=list)  # (file name, message)

    def lines(self):
        """What was read, for the command line."""
        out = [f"{_counted(self.files, 'stakeholder summary', 'stakeholder summaries')} in "
               f"{folders.documents_folder()}: {_counted(self.rows, 'review')} read, {len(self.refused)} refused"]
        return out + [f"refused: {name}: {message}" for name, message in self.refused]

    def csv(self):
        """The rows as CSV text (``national_consultation`` empty: not in the summaries)."""
        return stakeholders.csv_text(self.rows)


def participation(files=None, hashes=None):
    """The ``Participation`` of the stakeholder summaries among ``files`` (default: every downloaded document).

    A summary that cannot be read, and a second review of one State in one cycle, are refused and listed, not
    fatal; warnings (a list of contributors cut short) are given again on every call. ``hashes`` (file name ->
    SHA-256) saves hashing files the caller has already hashed.
    """
    summaries, found, refused = summary_files(files), [], []
    for path in summaries:
        outcome = _summary(path, (hashes or {}).get(path.name) or _sha256(path))
        for message in outcome.get("warnings", []):
            warnings.warn(message, UserWarning, stacklevel=3)
        if "refused" in outcome:
            refused.append((path.name, outcome["refused"]))
        else:
            found.append((path, outcome["row"]))
    reviews, twice = _one_per_review(found)
    refused = sorted(refused + twice)
    frame = stakeholders.frame_of(reviews) if reviews else None
    rows = [row for _, row in sorted(reviews, key=lambda r: (r[1]["sur_iso3"], r[1]["cycle"]))]
    return Participation(frame, rows, summaries, refused)


def with_participation(data, files):
    """``data`` (the parse of the downloaded ``files``, refused documents listed) with the participation table
    of the summaries among them, the summaries refused for it listed too, and a label saying where it is from."""
    found = participation(files, {f["name"]: f["sha256"] for f in data.source["files"]}) \
        if any(stakeholders.FILE_SYMBOL.search(p.stem) for p in files) else None
    data.participation = found.frame if found else None
    refused = {r["name"]: r for r in data.source.get("refused", [])}
    for name, message in found.refused if found else []:
        refused.setdefault(name, {"name": name, "error": message})
    data.source["refused"] = sorted(refused.values(), key=lambda r: r["name"])
    if refused:
        first = data.source["refused"][0]
        warnings.warn(f"{len(refused)} of {len(files)} downloaded documents were refused and are left out (first: "
                      f"{first['name']}: {first['error']}); `upr-lab data info --data documents` lists them",
                      UserWarning, stacklevel=4)
    data.source.update(kind="ohchr", label=f"UN documents downloaded into the cache ({len(files)} files)")
    return data


def participation_table():
    """The participation table of every downloaded summary (``--participation documents``); refused summaries
    are said in one warning, and a cache where none could be read is refused."""
    found = participation()
    if found.refused:
        name, message = found.refused[0]
        warnings.warn(f"{len(found.refused)} of {len(found.files)} stakeholder summaries in the cache were refused and "
                      f"are left out of the participation table (first: {name}: {message})", UserWarning, stacklevel=3)
    if found.frame is None:
        raise DataError(f"none of the {len(found.files)} stakeholder summaries in the cache could be read (first "
                        f"refused: {found.refused[0][0]}: {found.refused[0][1]})", path=folders.documents_folder())
    return found.frame


def extract_all(out=None):
    """``upr-lab participation extract --all``: the ``Participation`` of every downloaded summary, its rows
    written as CSV to ``out`` where given (``national_consultation`` left empty: not in the summaries)."""
    found = participation()
    if out is not None:
        write_atomic(out, found.csv())
    return found


def _summary(path, sha256):
    """``{"row": ...}`` or ``{"refused": message}`` of one summary, with its warnings, read once (parse cache)."""
    entry = cache.key([{"name": path.name, "sha256": sha256}], None, read_as="stakeholder-summary")
    outcome = cache.read_record(entry)
    if outcome is None:
        outcome = _read_summary(path)
        cache.write_record(entry, outcome)
    return outcome


def _read_summary(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome = {"row": _named_row(path)}
        except (DataError, UnknownCountryError) as exc:
            outcome = {"refused": refusal_message(exc)}
    return {**outcome, "warnings": [str(w.message) for w in caught if issubclass(w.category, UserWarning)]}


def _named_row(path):
    """A summary's row, refused when the summary it holds is not the one its name (the symbol asked for) says."""
    row = stakeholders.summary_row(path)
    named = stakeholders.FILE_SYMBOL.search(path.stem)
    asked = f"A/HRC/WG.6/{int(named.group(1))}/{named.group(2)}/3"
    if row["document"] != asked:
        raise DataError(f"found the summary {row['document']}; expected {asked}, the symbol its name gives (was "
                        "another document served for it? delete the file and download it again)", path=path)
    return row


def _one_per_review(found):
    """``(reviews, refused)``: one (path, row) per State and cycle (the earliest session; a PDF per symbol in the
    cache), and the later ones refused: one review per State under review and cycle."""
    kept, twice = {}, []
    for path, row in sorted(found, key=lambda r: (r[1]["sur_iso3"], r[1]["session"], r[0].name)):
        first = kept.setdefault((row["sur_iso3"], row["cycle"]), (path, row))
        if first[0] is not path:
            twice.append((path.name, f"a second review of {row['sur_iso3']} in cycle {row['cycle']} ({row['document']};"
                                     f" {first[1]['document']} is read); expected one review per State and cycle"))
    return list(kept.values()), twice


def _counted(items, one, many=None):
    return f"{len(items)} {one if len(items) == 1 else many or one + 's'}"


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
