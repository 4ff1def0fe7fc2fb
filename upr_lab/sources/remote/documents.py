"""UPR documents from the UN Official Document System (ODS), fetched by symbol into the cache.

For each review: the Working Group report (its symbol from UHRI's records of the review, e.g. ``A/HRC/40/6``),
its addendum (``<report>/Add.1``: the State's views on the recommendations) and the summary of stakeholders'
submissions (``A/HRC/WG.6/<session>/<ISO3>/3``). Politely: one request at a time, a pause between them, a
User-Agent naming upr-lab. A reply that is not a PDF (an HTML or challenge page, an empty body) is refused and
never saved. Files are named by symbol (``/`` -> ``_``) in the cache's documents folder.
"""

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import ijson
from tqdm.auto import tqdm

from upr_lab.exceptions import DataError, ParameterError
from upr_lab.files import file_lock
from upr_lab.sources import calendar
from upr_lab.sources.countries import CountryResolver, check_iso3
from upr_lab.sources.formats import uhri_corrections

from . import folders, http, uhri

BASE_URL = "https://documents.un.org"
BASE_VARIABLE = "UPR_LAB_DOCUMENTS_URL"
KINDS = ("report", "addendum", "summary")
REFUSALS_IN_A_ROW = 3  # then the server is likely serving a challenge page to every request: stop
LEADING_NUMBER = re.compile(r"\s*-?\s*(\d+)")


@dataclass(frozen=True, order=True)
class Review:
    """One review: the State under review, the Working Group session, the cycle, the report's symbol."""

    iso3: str
    session: int
    cycle: int
    symbol: str

    def documents(self, kinds=KINDS):
        """The symbols of the review's documents of the given kinds, in the order of ``KINDS``."""
        symbols = {"report": self.symbol, "addendum": f"{self.symbol}/Add.1",
                   "summary": f"A/HRC/WG.6/{self.session}/{self.iso3}/3"}
        return [symbols[k] for k in KINDS if k in kinds]


@dataclass
class Outcome:
    """What a download did: symbols fetched, skipped (already cached), not found, refused (not a PDF)."""

    fetched: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    not_found: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (symbol, reason)
    left_out: list = field(default_factory=list)  # (report symbol, why): reviews whose State or session is unknown
    folder: object = None

    def lines(self):
        """The summary printed after a download."""
        out = [f"{len(self.fetched)} fetched, {len(self.skipped)} skipped (already cached), "
               f"{len(self.not_found)} not found, {len(self.refused)} refused (not a PDF), in {self.folder}"]
        out += [f"not found: {', '.join(self.not_found)}"] if self.not_found else []
        out += [f"refused: {symbol}: {reason}" for symbol, reason in self.refused]
        out += [f"left out: {symbol}: UHRI's records give {why}" for symbol, why in self.left_out]
        return out


def reviews_in_export(path):
    """``(reviews, left_out)``: the reviews UHRI's UPR records name, read from a JSON export (streamed) and
    sorted by State and session, and ``(symbol, why)`` of reports whose State or session cannot be told.

    Records of other bodies are skipped. A report labelled with several States is attributed by
    the rule table of UHRI's known errors (``uhri_corrections``, as the readers do), else left out and said so.
    """
    found, resolver = {}, CountryResolver()
    with uhri.open_json(path) as f:
        try:
            for number, record in enumerate(ijson.items(f, "item"), start=1):
                if _plain(record.get("Body")) == "UPR" and record.get("Symbol"):
                    _collect(found, record, number, resolver, path)
        except ijson.JSONError as exc:
            raise DataError(f"is truncated or not valid JSON ({exc}): {uhri.HOW}", path) from None
    reviews, left_out = [], []
    for symbol, (states, session, cycle) in found.items():
        states = set(uhri_corrections.corrected(symbol, sorted(states))[0])
        why = _why_left_out(states, session)
        if why:
            left_out.append((symbol, why))
        else:
            reviews.append(Review(states.pop(), session, cycle or calendar.cycle_of(session), symbol))
    return sorted(reviews), sorted(left_out)


def _why_left_out(states, session):
    unknown = sorted(s for s in states if s.startswith("'"))
    if unknown:
        return f"a State name upr-lab does not know ({', '.join(unknown)}): name its documents with --symbols"
    if len(states) != 1:
        return f"{len(states)} States ({', '.join(sorted(states))})"
    return "no session" if session is None else None


def _collect(found, record, number, resolver, path):
    symbol = str(record["Symbol"]).strip().lstrip("- ").strip()
    states = set()
    for name in _values(record.get("Countries")):
        state = resolver.lookup(name)
        states.add(state.iso3 if state else repr(name))  # a name upr-lab does not know: the review is left out
    session = _number(record.get("UprSession"), "UprSession", number, path) or _session_of(symbol)
    cycle = _number(record.get("UprCycle"), "UprCycle", number, path)
    if session is not None and session not in calendar.SESSION_YEARS or cycle is not None and cycle not in (1, 2, 3, 4):
        raise DataError(f"record {number} ({symbol}): session {session}, cycle {cycle}; expected a Working Group "
                        f"session 1-{max(calendar.SESSION_YEARS)} and a cycle 1-4", path)
    before = found.get(symbol, (set(), None, None))
    found[symbol] = (before[0] | states, before[1] or session, before[2] or cycle)


def _values(value):
    """A UHRI field's values: a list or a string (one value a line), '- ' prefixes and stray '\\r' removed."""
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    lines = [line for item in items for line in re.split(r"\r\n|\n|\r", str(item))]
    return [v for v in (line.strip().lstrip("-").strip() for line in lines) if v]


def _plain(value):
    values = _values(value)
    return values[0] if values else None


def _number(value, key, number, path):
    """The number a session or cycle field starts with (31, '31', '- 31 - November 2018', ['31']), or None."""
    if value is None or value == [] or value == "":
        return None
    first = value[0] if isinstance(value, list) else value
    if isinstance(first, int) and not isinstance(first, bool):
        return first
    match = LEADING_NUMBER.match(str(first)) if isinstance(first, str) else None
    if not match:
        raise DataError(f"record {number}: {key} holds {value!r}; expected a number such as 31 or "
                        "'31 - November 2018'", path)
    return int(match[1])


def _session_of(symbol):
    match = re.fullmatch(r"A/HRC/(\d+)/(\d+)", symbol)
    return calendar.working_group_session(int(match[1]), int(match[2])) if match else None


def download(countries=None, cycles=None, kinds=KINDS, base_url=None, symbols=None, export=None, policy=None):
    """Fetch the documents of the reviews of ``countries`` (ISO3 codes; None: every State) in ``cycles``
    (None: all), or exactly ``symbols``, into the cache's documents folder; return an ``Outcome``.

    The reviews come from the cached UHRI JSON export (``export`` to name another). A reply that is not a PDF
    is refused and listed in the ``Outcome``, never saved. A failure that ends the run (no network, a refusal
    such as 403) is a one-line ``DataError`` saying how many PDFs were fetched before it (kept, whole)."""
    outcome = Outcome()
    wanted = list(symbols) if symbols else _planned(countries, cycles, kinds, export, outcome)
    folder = folders.writable(folders.documents_folder())
    base = (base_url or os.environ.get(BASE_VARIABLE) or BASE_URL).rstrip("/")
    policy, session = policy or http.DEFAULT, http.session()
    with file_lock(folder / ".download.lock"):  # one download of documents at a time, however many are started
        try:
            _fetch_all(wanted, base, policy, session, outcome)
        except DataError as exc:
            raise DataError(f"{exc} ({len(outcome.fetched)} PDFs fetched before it are kept in {folder})") from None
    outcome.folder = folder
    return outcome


def _fetch_all(wanted, base, policy, session, outcome):
    asked = in_a_row = 0
    for symbol in tqdm(wanted, desc="UN documents", unit="doc", disable=None):
        target = folders.document_file(symbol)
        if target.is_file():
            outcome.skipped.append(symbol)
            continue
        if asked:
            policy.sleep(policy.pause)
        asked += 1
        url = f"{base}/api/symbol/access?{urlencode({'s': symbol, 'l': 'en', 't': 'pdf'})}"
        in_a_row = in_a_row + 1 if _fetch_one(symbol, url, target, policy, session, outcome) == "refused" else 0
        if in_a_row >= REFUSALS_IN_A_ROW:
            break


def _fetch_one(symbol, url, target, policy, session, outcome):
    try:
        part = http.fetch(url, target, policy, session, check_reply=_pdf_reply, label=symbol,
                          by_hand=f"save the PDF by hand as {target}")
        _check_pdf(part)
    except http.NotFound:
        outcome.not_found.append(symbol)
        return "not found"
    except http.Refused as exc:
        target.with_name(target.name + ".part").unlink(missing_ok=True)
        outcome.refused.append((symbol, str(exc)))
        return "refused"
    os.replace(part, target)
    outcome.fetched.append(symbol)
    return "fetched"


def _pdf_reply(reply):
    kind = reply.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind and kind not in ("application/pdf", "application/octet-stream", "binary/octet-stream"):
        raise http.Refused(f"the reply is {kind}, not a PDF (an error or challenge page?)")


def _check_pdf(part):
    size = part.stat().st_size
    with open(part, "rb") as f:
        head = f.read(5)
        f.seek(max(0, size - 1024))
        tail = f.read()
    if size == 0:
        raise http.Refused("the reply is empty, not a PDF")
    if head != b"%PDF-":
        raise http.Refused(f"the reply starts with {head!r}, not %PDF-: not a PDF")
    if b"%%EOF" not in tail:
        raise http.Refused("the PDF has no %%EOF at its end: it is cut short")


def _planned(countries, cycles, kinds, export, outcome):
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ParameterError(f"--kinds {','.join(unknown)}: expected some of {','.join(KINDS)}")
    if export is None and not uhri.export_file("json").is_file() and uhri.export_file("xlsx").is_file():
        raise DataError("the reviews' symbols are read from UHRI's JSON export, and only the Excel one is cached: "
                        "run `upr-lab data download uhri` (JSON), or name documents with --symbols",
                        uhri.export_file("xlsx"))
    export = export or uhri.cached_export("json")[0]
    reviews, outcome.left_out = reviews_in_export(export)
    codes = None if countries is None else {check_iso3(c) for c in countries}
    chosen = [r for r in reviews if (codes is None or r.iso3 in codes) and (not cycles or r.cycle in cycles)]
    if not chosen:
        raise DataError(f"no review of {', '.join(sorted(codes)) if codes else 'any State'} in cycles "
                        f"{cycles or 'any'} among UHRI's UPR records", export)
    return [symbol for review in chosen for symbol in review.documents(kinds)]
