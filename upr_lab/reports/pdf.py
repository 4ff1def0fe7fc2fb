"""PDFs of report pages, for reviewers who cite a file: headless Chromium's print-to-PDF, made reproducible.

Chromium prints with the report's print stylesheet, without its own header and footer (which would
hold the date and the file's path). It stamps each PDF with creation and modification dates; those
are removed, the document information set from the page, and the file identifier derived from the
page's bytes, so the same ``report.html`` gives the same PDF bytes (with the same Chromium). The
SHA-256 of the page is kept in the PDF (``/UprLabSource``): an up-to-date PDF is not printed again.

Opt-in (``upr-lab pdf``, ``upr-lab batch --pdf``): a batch does not pay for it by default.
"""

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from upr_lab.exceptions import UprLabError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "install it (Debian/Ubuntu: apt-get install chromium) or set UPR_LAB_CHROMIUM to its path"
SOURCE_KEY = "/UprLabSource"
TIMEOUT_S = 180


class ChromiumMissing(UprLabError):
    """No Chromium to print PDFs with."""


def find_chromium():
    """The Chromium (or Chrome) executable: ``UPR_LAB_CHROMIUM`` if set, else the first on PATH; or None."""
    chosen = os.environ.get("UPR_LAB_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else shutil.which(chosen)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def require_chromium():
    """The Chromium executable, or ``ChromiumMissing`` saying in one line how to get it."""
    found = find_chromium()
    if found is None:
        raise ChromiumMissing(f"PDFs need headless Chromium, which was not found: {INSTALL}")
    return found


def write_pdf(html_path, pdf_path=None, chromium=None):
    """Print ``html_path`` to ``pdf_path`` (default: beside it, ``.pdf``); returns the PDF's path.

    Skipped when the PDF there was printed from the same page bytes. Written atomically.
    """
    html_path = Path(html_path)
    pdf_path = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    source = hashlib.sha256(html_path.read_bytes()).hexdigest()
    if printed_from(pdf_path) == source:
        return pdf_path
    raw = _print(chromium or require_chromium(), html_path.resolve())
    data = normalise(raw, source, _title(html_path))
    partial = pdf_path.with_name(f".{pdf_path.name}.partial")
    partial.write_bytes(data)
    partial.replace(pdf_path)
    return pdf_path


def write_pdfs(html_paths, workers=2):
    """PDFs of several pages (``workers`` Chromiums at once); returns their paths, in order."""
    chromium = require_chromium()
    html_paths = list(html_paths)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda path: write_pdf(path, chromium=chromium), html_paths))


def print_reports(paths, workers=2):
    """PDFs of the reports under ``paths`` (``report.html`` files, run folders or output folders); an output
    folder with a ``batch.json`` gets its site rewritten, so its State pages link the PDFs. Returns the PDFs."""
    import json

    from . import site

    pages = sorted({page for path in map(Path, paths) for page in _reports_under(path)})
    if not pages:
        raise UprLabError(f"no report.html under {', '.join(map(str, paths))}")
    printed = write_pdfs(pages, workers)
    for folder in {Path(p) for p in paths if (Path(p) / "batch.json").is_file()}:
        batch = json.loads((folder / "batch.json").read_text(encoding="utf-8"))
        site.write_site(batch["runs"], folder, batch["data"])
    return printed


def _reports_under(path):
    if path.is_file():
        return [path] if path.suffix == ".html" else []
    if not path.is_dir():
        raise UprLabError(f"{path}: no such file or folder")
    return [p for p in path.rglob("report.html") if not any(part.startswith(".") for part in p.relative_to(path).parts)]


def printed_from(pdf_path):
    """The SHA-256 of the page a PDF was printed from, or None (no PDF, unreadable, or not ours)."""
    if not Path(pdf_path).is_file():
        return None
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        info = PdfReader(pdf_path).metadata or {}
    except (PyPdfError, OSError, ValueError):
        return None
    return str(info.get(SOURCE_KEY)) if info.get(SOURCE_KEY) else None


def _print(chromium, html_path):
    with tempfile.TemporaryDirectory(prefix="upr-lab-chromium-") as scratch:
        target = Path(scratch) / "page.pdf"
        command = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                   "--no-pdf-header-footer", f"--user-data-dir={Path(scratch) / 'profile'}",
                   f"--print-to-pdf={target}", html_path.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise UprLabError(f"Chromium did not print {html_path} within {TIMEOUT_S} s") from None
        if not target.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise UprLabError(f"Chromium could not print {html_path} (exit status {done.returncode}): {last}")
        return target.read_bytes()


def normalise(data, source, title):
    """The PDF ``data`` without its dates: information set to the title, upr-lab and the page's SHA-256,
    and a file identifier derived from that SHA-256 (the same page, the same bytes)."""
    import logging

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailer undercounts objects: harmless
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Creator": "upr-lab (headless Chromium print)", SOURCE_KEY: source})
    identifier = ByteStringObject(bytes.fromhex(source)[:16])
    writer._ID = ArrayObject([identifier, identifier])  # pypdf has no public setter; else it keeps Chromium's
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _title(html_path):
    """The page's <title>, or its file name."""
    import html
    import re

    head = Path(html_path).read_text(encoding="utf-8", errors="replace")[:20000]
    found = re.search(r"<title>(.*?)</title>", head, re.S)
    return html.unescape(found.group(1).strip()) if found else Path(html_path).name
