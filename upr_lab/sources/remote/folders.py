"""Where downloads are kept: the user's data cache (``UPR_LAB_CACHE`` overrides, as for the parse cache).

Layout::

    <cache>/uhri/export-full-en.json          the UHRI export (or .xlsx), as downloaded
    <cache>/uhri/export-full-en.json.source.json   its URL, size, SHA-256 and date of download
    <cache>/documents/A_HRC_40_6.pdf           UN documents, named by symbol ('/' -> '_')
"""

import os
import secrets
from pathlib import Path

import platformdirs

from upr_lab.exceptions import DataError

FIX = "set UPR_LAB_CACHE to a folder you can write"
PINNED = "UPR_LAB_DOWNLOADS_PINNED"  # where downloads are while UPR_LAB_CACHE is 'off' (set by verify)


def cache_root():
    """The cache folder: ``UPR_LAB_CACHE`` if set (``off`` only turns off the parse cache), else the folder
    ``keep_downloads_where_they_are`` pinned, else the platform's user cache folder for upr-lab
    (``~/.cache/upr-lab`` on Linux, as the parse cache)."""
    setting = os.environ.get("UPR_LAB_CACHE")
    if setting and setting != "off":
        return Path(setting)
    return Path(os.environ.get(PINNED) or platformdirs.user_cache_dir("upr-lab", appauthor=False))


def keep_downloads_where_they_are():
    """Pin the downloads' folder (in this process and the kernels it starts) before ``UPR_LAB_CACHE`` is set to
    ``off``, as ``upr-lab verify`` does to parse everything again: the downloads it reads stay found."""
    os.environ[PINNED] = str(cache_root())


def uhri_folder():
    """The folder of the cached UHRI export."""
    return cache_root() / "uhri"


def documents_folder():
    """The folder of cached UN documents (PDFs named by symbol), which ``--data documents`` reads."""
    return cache_root() / "documents"


def document_file(symbol):
    """The cached file of a document symbol: ``A/HRC/40/6`` -> ``<documents>/A_HRC_40_6.pdf``."""
    return documents_folder() / (symbol.strip().replace("/", "_") + ".pdf")


def writable(folder):
    """Create ``folder`` and check that a file can be written in it; a one-line ``DataError`` if not."""
    folder = Path(folder)
    probe = folder / f".probe-{secrets.token_hex(4)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataError(f"cannot write to the cache folder ({exc.strerror or exc}): {FIX}", folder) from None
    return folder
