"""Downloads that survive the network: streamed, resumed, retried, and filed only when whole.

A file is fetched into ``<target>.part``. A broken connection is resumed where it stopped with an HTTP
``Range`` request; the ``206`` reply's ``Content-Range`` must start where the part file ends, else (or when the
server ignores ``Range`` and answers ``200``) the download starts again from zero. ``429`` and ``5xx`` replies
are retried after the server's ``Retry-After`` (seconds or an HTTP date), other failures after an exponential
backoff. The part file is handed back only when its length equals the announced one; the caller checks its
content and renames it into place, so a reader never sees a half-written file. Proxies come from the
environment (``HTTPS_PROXY``, ``NO_PROXY``...), as ``requests`` reads them.
"""

import email.utils
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tqdm.auto import tqdm

from upr_lab.exceptions import DataError
from upr_lab.version import __version__

USER_AGENT = f"upr-lab/{__version__} (UPR research workbench; python-requests/{requests.__version__})"
CHUNK = 1 << 16
RETRIED = {429, 500, 502, 503, 504}
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass
class Policy:
    """How patiently to fetch: attempts, backoff base (seconds, doubled per attempt), the longest
    ``Retry-After`` obeyed, timeouts, the pause between polite requests, and the sleep used (tests record it)."""

    attempts: int = 6
    backoff: float = 2.0
    longest_wait: float = 600.0
    timeout: tuple = (15.0, 60.0)
    pause: float = 2.0
    sleep: object = field(default=time.sleep)


DEFAULT = Policy()  # the policy of downloads that name none (tests put a quick one here)


class NotFound(Exception):
    """The server has no such file (404 or 410)."""


class Refused(Exception):
    """The reply is not what was asked for (e.g. an HTML page instead of a PDF); nothing was saved."""


class _Again(Exception):
    """A reply or connection worth trying again, after ``wait`` seconds (None: the backoff)."""

    def __init__(self, reason, wait=None):
        super().__init__(reason)
        self.wait = wait


def session():
    """A ``requests`` session naming upr-lab and its version; proxies come from the environment."""
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    return s


BY_HAND = "download it by hand and file it with --from FILE"


def fetch(url, target, policy=None, http=None, check_reply=None, label=None, by_hand=BY_HAND):
    """Fetch ``url`` into ``<target>.part`` and return that path, whole (its length checked).

    ``check_reply(reply)`` may raise ``Refused`` on the headers before any byte is saved. Raises ``NotFound``,
    ``Refused`` or a one-line ``DataError`` (the part file removed) when the attempts run out, saying to retry
    later or, as ``by_hand`` says, to fetch the file another way.
    """
    policy, http = policy or DEFAULT, http or session()
    part = Path(target).with_name(Path(target).name + ".part")
    try:
        return _attempts(url, part, policy, http, check_reply, label, by_hand)
    except OSError as exc:  # the cache folder: full, not writable
        part.unlink(missing_ok=True)
        raise DataError(f"cannot write {part} ({exc.strerror or exc}): free space or set UPR_LAB_CACHE "
                        "to a folder you can write", url) from None
    except BaseException:  # NotFound, Refused, DataError, Ctrl-C even while waiting: nothing half-written is left
        part.unlink(missing_ok=True)
        raise


def _attempts(url, part, policy, http, check_reply, label, by_hand):
    failures = 0
    while True:
        try:
            _attempt(url, part, policy, http, check_reply, label)
            return part
        except _Again as again:
            failures += 1
            if failures >= policy.attempts:
                raise DataError(f"gave up after {failures} attempts ({again}): retry later, or {by_hand}",
                                url) from None
            wait = again.wait if again.wait is not None else policy.backoff * 2 ** (failures - 1)
            warnings.warn(f"{url}: {again}; trying again in {wait:.3g} s (retry {failures} of "
                          f"{policy.attempts - 1})", stacklevel=3)
            policy.sleep(wait)


def _attempt(url, part, policy, http, check_reply, label):
    have = part.stat().st_size if part.exists() else 0
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}  # bytes as stored
    try:
        with http.get(url, headers=headers, stream=True, timeout=policy.timeout) as reply:
            start, total = _expected(reply, have, part, policy)
            if check_reply is not None:
                check_reply(reply)
            _save(reply, part, start, total, label)
    except requests.exceptions.ConnectionError as exc:
        raise _Again(_why(exc, url)) from None
    except (requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError) as exc:
        raise _Again(f"connection broken: {type(exc).__name__}") from None
    except requests.exceptions.RequestException as exc:  # not an address requests can fetch
        raise DataError(f"cannot fetch it ({type(exc).__name__}): expected an http(s) address", url) from None
    size = part.stat().st_size
    if total is not None and size != total:
        raise _Again(f"received {size} of {total} bytes")


def _expected(reply, have, part, policy):
    """Where to write the reply (byte offset) and the whole file's length (None: not announced)."""
    status = reply.status_code
    if status in (404, 410):
        raise NotFound(f"{status} {reply.reason}")
    if status in RETRIED:
        raise _Again(f"{status} {reply.reason}", _retry_after(reply, policy))
    if status == 416 and have:  # the part file is longer than the file: start again
        part.unlink()
        raise _Again("416 Range Not Satisfiable: starting again", 0)
    if status == 206:
        match = CONTENT_RANGE.fullmatch(reply.headers.get("Content-Range", "").strip())
        if not match or int(match[1]) != have:
            part.unlink(missing_ok=True)  # a range we did not ask for: start again from zero
            raise _Again(f"206 reply for bytes {reply.headers.get('Content-Range')!r}, expected from {have}", 0)
        return have, None if match[3] == "*" else int(match[3])
    if status != 200:
        raise DataError(f"the server answered {status} {reply.reason}; expected the file (200): check the "
                        "address (--url, --base-url), or retry later", reply.url)
    length = reply.headers.get("Content-Length")
    return 0, int(length) if length and length.isdigit() and "Content-Encoding" not in reply.headers else None


def _save(reply, part, start, total, label):
    with open(part, "r+b" if start else "wb") as out, \
            tqdm(total=total, initial=start, unit="B", unit_scale=True, desc=label, disable=None, leave=False) as bar:
        out.seek(start)
        out.truncate()
        for chunk in reply.iter_content(CHUNK):
            out.write(chunk)
            bar.update(len(chunk))


def _retry_after(reply, policy):
    """Seconds the server asks us to wait (``Retry-After``: seconds or an HTTP date), or None."""
    value = reply.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        wait = float(value)
    else:
        try:
            wait = max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            wait = None  # unreadable: the backoff
    if wait is not None and wait > policy.longest_wait:
        raise DataError(f"the server asks to wait {wait:.0f} s before retrying ({reply.status_code}): retry later",
                        reply.url)
    return wait


def _why(exc, url):
    text = str(exc)
    host = urlsplit(url).netloc
    if "refused" in text.lower():
        return f"{host} refused the connection: no network, or the server is down"
    if "resolve" in text.lower() or "name or service" in text.lower():
        return f"{host} could not be found: no network, or a wrong address"
    return f"cannot reach {host}: {type(exc).__name__}"
