"""The text of an official UN document, from its PDF (PDFium, through pypdfium2) or a text file, with one
clear error for anything that has no usable text: not a PDF, an encrypted PDF, a scanned PDF without a
text layer.

``read_document`` gives two texts: ``text``, everything on the pages, and ``body``, the running text
without what the page layout adds: page headers and footers (symbol, page number, job number), footnotes
and footnote marks. In a PDF these are set in a smaller type than the body, which is how they are found;
in a text file (no type sizes) header and footer lines and footnotes marked with asterisks are
recognised by their form; numbered footnotes cannot be told apart there. UN documents do not hyphenate words at line ends: a line-end hyphen is part of a
compound ("same-sex") and is kept, without the line break.
"""

import functools
import math
import re
from itertools import compress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from upr_lab.exceptions import DataError

from ..tables import require_file

UNSIZED = float("inf")  # a character whose type size is not read
MIN_CHARACTERS = 200  # less text than this in a whole document: a scan without a text layer
SMALLER = 0.6  # points below the body's type size: headers, footers, footnotes, footnote marks
LINE_END_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen that ends a line
FURNITURE = re.compile(r"^\s*(A/HRC/\S+|GE\.\d{2}-\d{4,6}.*|\d{1,3}|\d{1,3}\s+GE\.\S+|\*\d{6,}\*|Please recycle|Page \d{1,3}|"
                       r"\*{1,3}\s+\S.*)\s*$", re.IGNORECASE)  # the last: a footnote marked with asterisks


@dataclass(frozen=True)
class Document:
    """A document's ``text`` (all of it) and ``body`` (without page furniture and footnotes)."""

    path: Path
    text: str
    body: str
    is_pdf: bool
    pages: tuple = ()  # a PDF's pages' texts (``text`` is them joined); none for a text file


def read_document(path):
    """The ``Document`` at ``path`` (.pdf, or text in UTF-8 / Windows-1252); remembered in this process while
    the file's size and modification time stay the same (a folder's documents are sorted, then read)."""
    path = require_file(path)
    stat = path.stat()
    return _read(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _read(path, size, mtime_ns):
    raw = path.read_bytes()
    pages = ()
    if raw.startswith(b"%PDF"):
        text, body, pages = _pdf_texts(path)
    elif path.suffix.lower() == ".pdf":
        raise DataError("found no PDF header; expected a PDF document (is the file damaged or mis-named?)", path=path)
    else:
        text = _joined_hyphens(_decoded(raw))
        body = _without_furniture(text)
    if len("".join(text.split())) < MIN_CHARACTERS:
        raise DataError("found no text layer (a scanned document?); expected a document with text: run OCR on it "
                        "first (e.g. ocrmypdf) or use the text version", path=path)
    return Document(path, text, body, raw.startswith(b"%PDF"), pages)


def document_text(path):
    """All the text of ``path``, pages joined by newlines."""
    return read_document(path).text


def _pdf_texts(path):
    """The text and body of a PDF: the one place input PDFs are opened, every PDFium error a DataError."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DataError("found an encrypted PDF; expected a PDF that can be read without a password",
                            path=path) from None
        raise DataError(f"found a damaged PDF ({exc}); expected a readable PDF document", path=path) from None
    try:
        pages = [_page_characters(pdf, i, path) for i in range(len(pdf))]
    finally:
        pdf.close()
    body_size = _body_size(pages)
    text = "\n".join("".join(chars) for chars, _ in pages)
    smallest = body_size - SMALLER
    body = "\n".join("".join(compress(chars, [size >= smallest or c.isspace() for c, size in zip(chars, sizes)]))
                     for chars, sizes in pages)
    return _joined_hyphens(text), _without_furniture(_joined_hyphens(body)), tuple("".join(c) for c, _ in pages)


def _page_characters(pdf, index, path):
    import pypdfium2 as pdfium

    try:
        return _characters(pdf[index])
    except (pdfium.PdfiumError, OSError, ValueError) as exc:  # bytes cut out: "Failed to load page"
        raise DataError(f"page {index + 1} cannot be read ({' '.join(str(exc).split())[:80]}); expected a complete PDF "
                        "(is the file truncated or damaged? download it again)", path=path) from None


def _without_furniture(text):
    """Without the header and footer lines early PDFs set in the body's type ("A/HRC/8/35", "Page 13")."""
    return "\n".join(line for line in text.splitlines() if not FURNITURE.match(line))


def _characters(page):
    """A page's characters and the type size of each as printed (PDFium counts one character per index); a
    space has no size (``UNSIZED``): the body keeps every space, and the body's size is that of the others."""
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the Basic Multilingual Plane: no sizes, keep the page whole
        return list(text), [UNSIZED] * len(text)
    return list(text), _printed_sizes(textpage, text)


def _printed_sizes(textpage, text):
    """Each character's font size times the vertical scale of its matrix: what a reader sees (some PDFs set
    every font at size 1 and scale it). Spaces are not asked for: a sixth of a page's characters.

    PDFium gives every character of one text object that object's font size and matrix (the object's text
    matrix times that of the form it is drawn in), so the size is asked once per text object: one call per
    character instead of two, half the time of reading a report (the same sizes, page for page, on the 129
    PDFs of ../shared/data/ohchr). A character of no object (one PDFium made up) is asked for itself."""
    import pypdfium2.raw as raw

    matrix, handle, text_object = raw.FS_MATRIX(), textpage.raw, _text_object_function()
    get_matrix, get_size, hypot = raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize, math.hypot
    sizes, by_object = [UNSIZED] * len(text), {}
    for i, character in enumerate(text):
        if not character.isspace():
            owner = text_object(handle, i)
            size = by_object.get(owner)
            if size is None:
                get_matrix(handle, i, matrix)
                size = get_size(handle, i) * hypot(matrix.c, matrix.d)
                if owner:
                    by_object[owner] = size
            sizes[i] = size
    return sizes


@functools.cache
def _text_object_function():
    """PDFium's ``FPDFText_GetTextObject`` answering the object's address as an int (a dictionary key), where
    pypdfium2's binding answers a new pointer object each call."""
    import ctypes

    import pypdfium2.raw as raw

    address = ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(address)


def _body_size(pages):
    """The type size most of the document's characters are set in, to the half point (of two sizes as
    frequent, the one met first)."""
    sizes = np.fromiter((size for _, page_sizes in pages for size in page_sizes), float)
    halves = np.round(sizes[np.isfinite(sizes)] * 2) / 2
    if not halves.size:
        return 0.0
    values, first, counts = np.unique(halves, return_index=True, return_counts=True)
    most = counts == counts.max()
    return float(values[most][np.argmin(first[most])])


def _joined_hyphens(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(LINE_END_HYPHEN, "-")
    return re.sub(r"(?<=[A-Za-z])-\n[ \t]*(?=[A-Za-z])", "-", text)


def _decoded(raw):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def flat(text):
    """``text`` with every run of whitespace (line breaks from the page layout included) as one space."""
    return " ".join(text.split())
