"""The UHRI export (OHCHR's Universal Human Rights Index), downloaded once into the cache.

``download`` fetches the full export (JSON, or Excel), or files a copy the user downloaded by hand, checks
that it is whole (a JSON array read to its end, streamed; an Excel file's zip read to its end), and records its
URL, size, SHA-256 and date of download beside it. ``cached_export`` is what ``--data uhri`` asks for. No real
export could be reached when this was written: the checks follow the layout in the project's notes on it.
"""

import datetime
import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import ijson

from upr_lab.exceptions import DataError, ParameterError
from upr_lab.files import file_lock, json_text, write_atomic

from ..formats import uhri_records
from ..formats.uhri_json import open_json
from . import folders

URLS = {"json": "https://dataex.ohchr.org/uhri/export-results/export-full-en.json",
        "xlsx": "https://dataex.ohchr.org/uhri/export-results/export-full-en.xlsx"}
FORMATS = tuple(URLS)
URL_VARIABLE = "UPR_LAB_UHRI_URL"
HOW = "run `upr-lab data download uhri` (or `--from FILE` with a copy you downloaded), or use --data PATH"


@dataclass
class Filed:
    """A UHRI export in the cache, and what was recorded of it."""

    path: Path
    sha256: str
    size: int
    records: dict  # {"records": n, "upr_records": m} for JSON; {} for Excel

    def summary(self):
        """One line: where the export was filed, its records, size and SHA-256."""
        n = self.records.get("records")
        counts = f"{n} record{'s' * (n != 1)}, {self.records['upr_records']} from the UPR; " if n else ""
        return f"filed {self.path} ({counts}{self.size} bytes, SHA-256 {self.sha256})"


def export_file(fmt):
    """The cached export of a format (``json`` or ``xlsx``)."""
    return folders.uhri_folder() / f"export-full-en.{fmt}"


def record_file(export):
    """The record beside a cached export: URL, size, SHA-256, date of download."""
    return Path(export).with_name(Path(export).name + ".source.json")


def download(fmt=None, url=None, from_file=None, policy=None):
    """Fetch the UHRI export (``fmt`` json or xlsx; ``url`` or ``UPR_LAB_UHRI_URL`` for a mirror) into the
    cache, or file ``from_file``; return the ``Filed`` export. A one-line ``UprLabError`` on any failure, with
    nothing half-written left in the cache."""
    fmt = _format(fmt, from_file)
    target = export_file(fmt)
    folders.writable(target.parent)
    with file_lock(target.with_name(f".{target.name}.lock")):  # a second download waits, then files its own
        return _file(fmt, target, url, from_file, policy)


def _file(fmt, target, url, from_file, policy):
    part = target.with_name(target.name + ".part")
    if from_file is not None:
        origin = {"url": None, "from": str(Path(from_file).resolve())}
        _copy(from_file, part)
    else:
        origin = {"url": url or os.environ.get(URL_VARIABLE) or URLS[fmt], "from": None}
        from . import http  # deferred: reading the cached export (--data uhri) needs no network client

        part = http.fetch(origin["url"], target, policy, label=f"UHRI export ({fmt})")
    try:
        counts = check_json(part) if fmt == "json" else check_xlsx(part)
        digest, size = _sha256(part), part.stat().st_size
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)
    record = {**origin, "file": target.name, "format": fmt, "size": size, "sha256": digest, **counts,
              "downloaded": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    write_atomic(record_file(target), json_text(record))
    return Filed(target, digest, size, counts)


def cached_export(fmt=None):
    """``(path, sha256)`` of the cached UHRI export (JSON preferred), as recorded when it was filed.

    A one-line ``DataError`` saying what to do when there is none, or it does not match its record."""
    for candidate in [fmt] if fmt else FORMATS:
        path = export_file(candidate)
        if path.is_file() and record_file(path).is_file():
            record = json.loads(record_file(path).read_text(encoding="utf-8"))
            if record.get("size") != path.stat().st_size:
                raise DataError(f"the cached UHRI export is {path.stat().st_size} bytes, its record says "
                                f"{record.get('size')}: it was changed after download; {HOW}", path)
            return path, record["sha256"]
    raise DataError(f"no UHRI export in the cache; {HOW}", folders.uhri_folder())


def check_json(path):
    """Read a JSON export to its end, streamed: one array of records (objects). Returns the counts of
    records and of UPR records (``Body`` '- UPR'); a truncated or malformed file is refused in one line."""
    records = upr = 0
    with open_json(path) as f:
        events = ijson.parse(f)
        try:
            first = next(events, None)
            if first is None or first[1] != "start_array":
                raise DataError("is not a UHRI JSON export: expected one JSON array of records, found "
                                f"{'nothing' if first is None else first[1]}", path)
            from_upr = False  # the record's Body (a string, or a list of them) is the UPR
            for prefix, event, value in events:
                if prefix == "item" and event == "end_map":
                    records, upr, from_upr = records + 1, upr + from_upr, False
                elif prefix == "item" and event not in ("map_key", "start_map"):
                    raise DataError(f"record {records + 1} is a {event}, expected an object", path)
                elif prefix in ("item.Body", "item.Body.item") and event == "string":
                    from_upr = from_upr or uhri_records.is_upr(value)
        except ijson.JSONError as exc:
            raise DataError(f"is truncated or not valid JSON after {records} whole records ({_short(exc)}): the "
                            "download is incomplete; retry, or use --from FILE with a whole copy", path) from None
    if records == 0:
        raise DataError("holds no records: expected the full UHRI export", path)
    return {"records": records, "upr_records": upr}


def check_xlsx(path):
    """An Excel export must be a whole zip holding a workbook."""
    try:
        with zipfile.ZipFile(path) as book:
            broken = book.testzip()
            names = set(book.namelist())
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(f"is not a whole Excel file ({_short(exc)}): the download is incomplete or is not the "
                        "export; retry, or use --from FILE", path) from None
    if broken is not None or "xl/workbook.xml" not in names:
        raise DataError(f"is not a whole Excel workbook ({broken or 'no xl/workbook.xml'}); retry, or use "
                        "--from FILE", path)
    return {}


def _format(fmt, from_file):
    if fmt is None:
        suffix = Path(from_file).suffix.lower().lstrip(".") if from_file else "json"
        fmt = suffix if suffix in FORMATS else "json"
    if fmt not in FORMATS:
        raise ParameterError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


def _copy(source, part):
    source = Path(source)
    if not source.is_file():
        raise DataError("no such file: expected the UHRI export you downloaded (JSON or Excel)", source)
    try:
        shutil.copyfile(source, part)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise DataError(f"cannot copy it into the cache ({exc.strerror or exc}): {folders.FIX}", source) from None


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _short(exc):
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
