"""The text of an official UN document, from its PDF (pypdf) or a text file, with one clear error for
anything that has no usable text: not a PDF, an encrypted PDF, a scanned PDF without a text layer."""

from upr_lab.exceptions import DataError

from ..tables import require_file

MIN_CHARACTERS = 200  # less text than this in a whole document: a scan without a text layer


def document_text(path):
    """The text of ``path`` (.pdf, or text in UTF-8 / Windows-1252), pages joined by newlines."""
    path = require_file(path)
    raw = path.read_bytes()
    if raw.startswith(b"%PDF"):
        text = _pdf_text(path)
    elif path.suffix.lower() == ".pdf":
        raise DataError("found no PDF header; expected a PDF document (is the file damaged or mis-named?)", path=path)
    else:
        text = _decoded(raw)
    if len("".join(text.split())) < MIN_CHARACTERS:
        raise DataError("found no text layer (a scanned document?); expected a document with text: run OCR on it "
                        "first (e.g. ocrmypdf) or use the text version", path=path)
    return text


def _pdf_text(path):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DataError("found an encrypted PDF; expected a PDF that can be read without a password", path=path)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except DataError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DataError(f"found a damaged PDF ({exc}); expected a readable PDF document", path=path) from None
    except Exception as exc:  # pypdf raises others for encrypted files it cannot decrypt (e.g. missing crypto)
        if "encrypt" in str(exc).lower() or "crypt" in type(exc).__name__.lower():
            raise DataError("found an encrypted PDF; expected a PDF that can be read without a password",
                            path=path) from None
        raise


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

