"""Loading a source into one validated data set: ``load()`` (the embedded real data), ``load("synthetic")``,
``load("path/to/exports")``.

A source is ``upr`` (the embedded real data set, the default: ``embedded``), ``synthetic`` (generated
data with planted effects, labelled SYNTHETIC wherever shown), ``uhri`` (the UHRI export downloaded into the
cache by ``upr-lab data download uhri``), ``documents`` (the UN documents downloaded into the cache,
``remote.cached``: a document refused is listed, not fatal), one file, or a folder whose files are all
read and merged: UPR Info exports (CSV, .xls, .xlsx, either header spelling), DIHR SDG-Human Rights
Data Explorer exports (.xlsx or CSV), UHRI exports (JSON or Excel) or the canonical table (CSV or Parquet). Every load records which files were read, how, and their SHA-256. Exact repeats of
a recommendation row are kept once (``repeats``), with a warning, and counted in ``duplicates``.
"""

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import readable_file

from . import cache, embedded, reconcile, repeats, schema, tables
from .countries import CountryResolver, check_iso3, check_present, default_aliases
from .formats import canonical, dihr, fields, participation as participation_io, synthetic, uhri, uhri_json, uprinfo
from .ohchr import documents, matrix, stakeholders

READABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xls", ".xlsx", ".parquet", ".pdf", ".docx", ".json"}
NAMED_SOURCES = ("upr", "synthetic", "uhri", "documents")  # named rather than given as paths: uhri and documents
# are what `upr-lab data download` filed in the cache
DEFAULT_SOURCE = "upr"
ROLES = {"ohchr-addendum": "responses", "ohchr-stakeholder-summary": "participation",
         "ohchr-review-document": "not read (no recommendations)", "refused": "refused (not read)"}


def is_named(src):
    """True for the name of a data set (``upr``, ``synthetic``, ``uhri``: the cached UHRI export, ``documents``: the
    cached UN documents), not a path."""
    return isinstance(src, str) and src in NAMED_SOURCES


@dataclass
class UprData:
    """Recommendations, voluntary pledges and (where known) participation, with provenance."""

    recommendations: pd.DataFrame
    pledges: pd.DataFrame
    participation: pd.DataFrame | None
    source: dict = field(default_factory=dict)
    differences: pd.DataFrame = field(default_factory=reconcile.no_differences)
    """Where two sources hold the same reviews: what they disagree on (``reconcile.DIFFERENCE_COLUMNS``)."""

    @property
    def synthetic(self):
        return bool(self.source.get("synthetic"))

    @property
    def has_implementation(self):
        return bool((self.recommendations["implementation"] != "").any())

    def for_country(self, iso3):
        """Recommendations made to one State under review."""
        return self.recommendations[self.recommendations["sur_iso3"] == iso3]


def sha256(path):
    """Hex SHA-256 of a file's bytes (remembered in this process while its size and mtime stay the same)."""
    stat = os.stat(path)
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)


@functools.lru_cache(maxsize=4096)
def _sha256(path, size, mtime_ns, inode):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def listing_digest(files):
    """SHA-256 of a ``sha256sum``-style listing of ``files`` (records with ``name`` and ``sha256``).

    One hash that stands for a whole source; a reader can recompute it with
    ``sha256sum FILE... | sha256sum`` over the same files in the same order.
    """
    listing = "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def source_files(src):
    """The files a source path (or a list of them) stands for, in a stable order; errors if there are none."""
    if isinstance(src, (list, tuple)):
        return [path for one in src for path in source_files(one)]
    path = Path(src)
    if not path.exists():
        raise DataError("no such file or folder; expected 'upr', 'synthetic', 'uhri', 'documents', an export file or "
                        "a folder of exports", path=path)
    if not path.is_dir():  # a FIFO or a device (/dev/null) would block or read nothing: refused by name
        return [readable_file(path, "an export file or a folder of exports")]
    try:
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc}); expected a folder of exports", path=path) from None
    if not files:
        raise DataError(f"the folder holds no readable table or document ({', '.join(sorted(READABLE_SUFFIXES))})",
                        path=path)
    return files


def source_parts(src):
    """The sources ``src`` names: ``"upr,reports/SVN"`` (or a list) is the embedded data and a folder; a path
    that exists is one source even if its name holds a comma."""
    if isinstance(src, (list, tuple)):
        return [str(p) if isinstance(p, Path) else p for p in src]
    if isinstance(src, str) and "," in src and not Path(src).exists():
        return [part.strip() for part in src.split(",") if part.strip()]
    return [src]


def map_paths(src, change):
    """``src`` (one source or several, ``"upr,PATH"``) with ``change`` applied to each path it names; the data
    sets that ship with upr-lab are kept as named."""
    changed = [part if is_named(part) else str(change(part)) for part in source_parts(src)]
    return changed[0] if len(changed) == 1 else ",".join(changed)


def load(src=DEFAULT_SOURCE, participation=None, assessments=None, aliases=None):
    """Load a source into a validated ``UprData``: ``"upr"`` (the embedded real data), ``"synthetic"``, a
    file, a folder (exports, a canonical table, OHCHR documents), or several at once (``"upr,PATH"``, or a
    list).

    Where two sources hold the same reviews (UPR Info and DIHR exports, the embedded data and a folder of
    OHCHR documents), each review is counted once, and ``source["reconciliation"]`` (one summary per pair)
    and ``differences`` say how the sources agree (``reconcile``).
    """
    data = _load_parts(source_parts(src), aliases)
    if participation is not None:
        data.participation = participation_io.read_participation(participation)
        data.source["files"].extend(_file_record(path, role="participation")
                                    for path in participation_io.participation_files(participation))
    if assessments is not None:
        data.recommendations = participation_io.apply_assessments(data.recommendations, assessments)
        data.source["files"].append(_file_record(Path(assessments), role="assessments"))
    return data


def _load_parts(parts, aliases):
    named = [p for p in parts if is_named(p)]
    paths = [p for p in parts if not is_named(p)]
    if "synthetic" in named and len(parts) > 1:
        raise DataError("found 'synthetic' with other sources; expected the synthetic data set alone (it is "
                        "generated, and mixing it with real data would hide which is which)")
    loaders = {"upr": _load_embedded, "synthetic": _load_synthetic, "uhri": lambda: _load_uhri(aliases),
               "documents": lambda: _load_documents(aliases)}
    loaded = [loaders[name]() for name in dict.fromkeys(named)]
    if paths:
        loaded.append(_load_files(source_files(paths), aliases))
    return loaded[0] if len(loaded) == 1 else _combined(loaded)


def _combined(parts):
    """Several loaded sources as one: each review once (``reconcile.combine``), every file recorded."""
    combined, reconciled = reconcile.combine(pd.concat([p.recommendations for p in parts], ignore_index=True))
    summaries = [s for p in parts for s in p.source.get("reconciliation", [])] + [r.summary for r in reconciled]
    source = {"kind": "+".join(p.source["kind"] for p in parts), "synthetic": False,
              "label": " + ".join(p.source["label"] for p in parts),
              "files": [f for p in parts for f in p.source["files"]],
              "duplicates": sum(p.source.get("duplicates", 0) for p in parts),
              "repeats": [r for p in parts for r in p.source.get("repeats", [])],
              "refused": [r for p in parts for r in p.source.get("refused", [])]}
    if summaries:
        source["reconciliation"] = summaries
    recs = schema.validate(_in_order(combined), schema.RECOMMENDATIONS, source["label"])
    pledges = pd.concat([p.pledges for p in parts], ignore_index=True)
    participation = next((p.participation for p in parts if p.participation is not None), None)
    differences = _differences([p.differences for p in parts] + [r.differences for r in reconciled])
    return UprData(recs, pledges, participation, source, differences)


def check_inputs(data=DEFAULT_SOURCE, participation=None, countries=(), implementation=None):
    """Load ``data`` and ``participation`` as a run would, and refuse ``countries`` absent from the data.

    Called before any notebook runs, so that a bad source, participation table or State under review
    is refused with one ``UprLabError`` (naming the file, row and column where there are ones)
    instead of failing inside the notebooks. Returns the loaded ``UprData``.
    """
    loaded = load(data, participation=participation, assessments=implementation)
    available = set(loaded.recommendations["sur_iso3"])
    for code in countries:
        check_present(check_iso3(code), available, loaded.source.get("label"))
    return loaded


def named_files(name):
    """The files a named data set stands for: the downloaded documents for ``documents``, none for the data
    sets that ship with upr-lab."""
    if name != "documents":
        return []
    from .remote import cached  # not at the top: the remote subpackage loads the network client

    return cached.document_files()


def _load_documents(aliases):
    """The UN documents in the cache (``upr-lab data download documents``): refused documents listed, each
    review parsed and cached on its own, the participation table from the summaries among them."""
    from .remote import cached

    files = cached.document_files()
    data = _load_files(files, aliases, listed_refusals=True, reviews=cached.by_review(files))
    return cached.with_participation(data, files)


def _load_embedded():
    tables, source = embedded.read()
    return UprData(tables["recommendations"], tables["pledges"], None, source, tables["differences"])


def _load_synthetic():
    generated = _generated_synthetic()
    source = {"kind": "synthetic", "synthetic": True, "seed": synthetic.DEFAULT_SEED,
              "label": "SYNTHETIC data (generated with planted effects, not real UPR data)", "files": [],
              "duplicates": 0, "repeats": []}
    pledges = fields.empty_recommendations()
    return UprData(generated.recommendations.copy(), pledges, generated.participation.copy(), source)


@functools.lru_cache(maxsize=1)
def _generated_synthetic():  # generated once per process (a warm kernel runs many notebooks); callers get copies
    return synthetic.generate()


def _load_uhri(aliases):
    """The UHRI export in the cache (``upr-lab data download uhri``), keyed by the SHA-256 recorded when it was
    filed (its size checked), so that a later load reads the parse cache without hashing the export again."""
    from .remote import uhri as remote_uhri  # deferred: the download machinery is not needed to read a parse

    path, digest = remote_uhri.cached_export()
    data = _load_files([path], aliases, known={path: digest})
    data.source["files"][0]["path"] = str(path)
    return data


def _load_files(files, aliases, known=None, listed_refusals=False, reviews=None):
    """Parse ``files`` into one data set, or read the parse back from the cache when they are unchanged.

    ``known``: path -> SHA-256 already recorded (the cached UHRI export), not computed again.
    ``listed_refusals``: a document that cannot be read is listed in ``source["refused"]`` rather than
    refused, and the participation table is the caller's to make; ``reviews`` (groups of ``files``): each
    group is also parsed and cached on its own, so that a file added parses only its group (both for the
    downloaded documents)."""
    data = _parsed(files, aliases, known, listed_refusals, reviews)
    repeats.warn(data.source.get("repeats", []), stacklevel=4)  # points at the caller of load()
    documents.warn_pending([(f["name"], f["detected"]) for f in data.source["files"]], stacklevel=4)
    matrix.warn_missing([(f["name"], f["detected"]) for f in data.source["files"]], stacklevel=4)
    if not listed_refusals:
        data.participation = stakeholders.participation_frame([p for p in files if documents.is_document(p)])
    return data


def _parsed(files, aliases, known=None, listed_refusals=False, reviews=None):
    aliases = aliases or (default_aliases() if default_aliases().exists() else None)
    resolver = CountryResolver(aliases)  # refuses a malformed alias file before it is hashed
    hashes = {path: (known or {}).get(path) or _readable_sha256(path) for path in files}
    aliases_digest = sha256(aliases) if aliases and Path(aliases).is_file() else None
    entry = cache.key([{"name": p.name, "sha256": h} for p, h in hashes.items()], aliases_digest,
                      **({"refused": "listed"} if listed_refusals else {}), **({"by": "review"} if reviews else {}))
    cached = cache.read(entry)
    if cached is not None:
        frames, source = cached
        return UprData(frames["recommendations"], frames["pledges"], None, source, frames["differences"])
    if reviews:
        from .remote import cached as downloads

        parts = downloads.one_report_each([_parsed(group, aliases, listed_refusals=listed_refusals)
                                           for group in reviews])
        data = parts[0] if len(parts) == 1 else _combined(parts)
    else:
        data = _parse_files(hashes, resolver, aliases_digest, listed_refusals)
    cache.write(entry, {"recommendations": data.recommendations, "pledges": data.pledges,
                        "differences": data.differences}, data.source)
    return data


def _readable_sha256(path):
    try:
        return sha256(path)
    except OSError as exc:  # unreadable (permissions) or vanished since the folder was listed
        raise DataError(f"cannot be read ({exc.strerror or exc}); expected a readable file", path=path) from None


def _parse_files(hashes, resolver, aliases_digest, listed_refusals=False):
    files, recs, pledges, records = list(hashes), [], [], []
    refused = [] if listed_refusals else None
    read_documents = _read_documents([p for p in files if documents.is_document(p)], resolver, refused)
    for path in files:
        found = read_documents.get(path) or (_read_one_once(path, hashes[path], resolver, aliases_digest)
                                             if len(files) > 1 else _read_one(path, resolver))
        file_recs, file_pledges, detected = found
        recs.append(file_recs)
        pledges.append(file_pledges)
        records.append({"name": path.name, "role": ROLES.get(detected["format"], "recommendations"),
                        "sha256": hashes[path], "detected": detected, "rows": len(file_recs),
                        "pledges": len(file_pledges)})
    kind = _kind(records)
    merged, repeated = _merge(recs, files, new_ids=kind != "canonical", keep_repeats=False)
    merged, reconciled = reconcile.combine(merged)
    source = {"kind": kind, "synthetic": False, "label": _label(kind, files), "files": records,
              "duplicates": len(repeated), "repeats": repeated}
    if refused is not None:
        source["refused"] = [{"name": path.name, "error": message} for path, message in refused]
    pledges = _merge(pledges, files, new_ids=True)[0]
    if not reconciled:
        return UprData(merged, pledges, None, source)
    source["reconciliation"] = [r.summary for r in reconciled]
    merged = schema.validate(_in_order(merged), schema.RECOMMENDATIONS, ", ".join(p.name for p in files))
    return UprData(merged, pledges, None, source, _differences([r.differences for r in reconciled]))


def _differences(frames):
    found = [f for f in frames if len(f)]
    return pd.concat(found, ignore_index=True) if found else reconcile.no_differences()


def _read_documents(paths, resolver, refused=None):
    """path -> (recommendations, pledges, detected) for the OHCHR documents among the files, read together
    (a report's responses are in its addendum); ``refused``: a list for the documents refused, not raised."""
    if not paths:
        return {}
    frames, detected = documents.read(paths, resolver, refused)
    empty = fields.empty_recommendations()
    return {p: (frames.get(p, empty), empty, detected[p]) for p in paths}


def _read_one_once(path, digest, resolver, aliases_digest):
    """``_read_one``, parsed once per content of the file and of the alias file (``cache.one_file``): for a file
    read with others (a file read alone is the whole parse, cached as such)."""
    entry = cache.key([{"name": path.name, "sha256": digest}], aliases_digest, one="file")
    return cache.one_file(entry, lambda: _read_one(path, resolver))


def _read_one(path, resolver):
    if path.suffix.lower() == ".parquet":
        return canonical.read_parquet(path), fields.empty_recommendations(), {"format": "parquet"}
    if path.suffix.lower() == ".json":  # the one JSON format upr-lab reads
        recs, detected = uhri_json.parse(path, resolver)
        return recs, fields.empty_recommendations(), detected
    if matrix.is_matrix(path):
        return _read_matrix(path, resolver)
    table = tables.read_table(path)
    if canonical.is_canonical(table.header):
        return canonical.from_table(table), fields.empty_recommendations(), table.detected
    if uhri.is_uhri(table.header):
        recs, counts = uhri.parse(table, resolver)
        return recs, fields.empty_recommendations(), _detected(table, "uhri", **counts)
    if dihr.is_dihr(table.header):
        return dihr.parse(table, resolver), fields.empty_recommendations(), _detected(table, "dihr")
    if not uprinfo.is_upr_info(table.header):
        keys = set(uprinfo.column_keys(table.header).values())
        missing = [k for k in uprinfo.REQUIRED if k not in keys]
        others = [("DIHR explorer export", dihr.HEADER), ("UHRI export", uhri.HEADER),
                  ("upr-lab's canonical table", ", ".join(schema.RECOMMENDATION_COLUMNS))]
        raise DataError(uprinfo.header_message(table.header, missing, others), path=path)
    recs, pledges = uprinfo.parse(table, resolver)
    return recs, pledges, _detected(table, "upr-info")


def _read_matrix(path, resolver):
    recs, detected = matrix.read_matrix(path, resolver)
    return recs, fields.empty_recommendations(), detected


def _detected(table, kind, **more):
    """How a file was read: its table format prefixed by the export's kind (``dihr-xlsx``), and ``more``."""
    return {**table.detected, "format": f"{kind}-{table.detected['format']}", **more}


def _merge(frames, files, new_ids, keep_repeats=True):
    """One table of every file's rows, in a stable order, and the exact repeats dropped from it.

    ``frames`` are indexed by row numbers in their files. Repeats are dropped unless ``keep_repeats``
    (voluntary pledges, which are not analysed, are kept as read).
    """
    found = [(schema.with_coding_sources(f), p.name) for f, p in zip(frames, files) if not f.empty]
    if not found:
        return fields.empty_recommendations(), []
    if keep_repeats:
        merged, repeated = pd.concat([f for f, _ in found], ignore_index=True), []
    else:
        merged, repeated = repeats.keep_once([f for f, _ in found], [n for _, n in found], with_ids=not new_ids)
    if new_ids:  # ids are made once all files are merged, so that they are unique across files
        merged["rec_id"] = _fresh_ids(merged)
    return schema.validate(_in_order(merged), schema.RECOMMENDATIONS, ", ".join(p.name for p in files)), repeated


def _in_order(recs):
    return recs.sort_values(["cycle", "session", "sur_iso3", "rec_id"], kind="stable", ignore_index=True)


def _fresh_ids(merged):
    """Each format's own stable ids (UPR Info rows 'R...', DIHR rows 'D...'), made over all its rows."""
    ids = pd.Series("", index=merged.index, dtype="str")
    for source, make_ids in (("upr-info", uprinfo.make_ids), ("dihr", dihr.make_ids), ("uhri", uhri.make_ids),
                             ("ohchr", documents.make_ids), (matrix.SOURCE, matrix.make_ids)):
        rows = merged["source"] == source
        if rows.any():
            ids[rows] = make_ids(merged[rows].reset_index(drop=True))
    return ids.to_numpy()


def _file_record(path, role="recommendations", **details):
    return {"name": path.name, "role": role, "sha256": sha256(path), **details}


KINDS = {"upr-info": "UPR Info database export", "dihr": "DIHR SDG-Human Rights Data Explorer export",
         "uhri": "UHRI export", "ohchr": "OHCHR documents", "ohchr-matrix": "OHCHR matrix of recommendations",
         "canonical": "upr-lab canonical table"}


FORMAT_KINDS = ("upr-info", "dihr", "uhri", "ohchr", "ohchr-matrix")


def _kind(records):
    found = {_format_kind(r["detected"]["format"]) for r in records}
    return "+".join(kind for kind in FORMAT_KINDS if kind in found) or "canonical"


def _format_kind(detected_format):
    """The kind a file's format belongs to: its longest prefix among the kinds ('ohchr-matrix-docx' is no
    'ohchr'), or None (a canonical table)."""
    return max((k for k in FORMAT_KINDS if detected_format.startswith(k)), key=len, default=None)


def _label(kind, files):
    title = " and ".join(KINDS[k] for k in kind.split("+"))
    names = ", ".join(p.name for p in files)
    return f"{title} ({names if len(names) < 120 else f'{len(files)} files'})"
