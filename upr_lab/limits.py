"""The limits on what upr-lab reads, in one place, and the checks that enforce them with the limit named.

Each limit is far above what a real file of its kind holds (the largest UPR Info workbook is about 4 MB,
a parameter file a few levels deep), so that only a damaged or runaway file reaches one; the message
names the limit, so that a user who really needs more knows which one. docs/guide/running.md lists them.
"""

import os
import stat
from pathlib import Path

from .exceptions import DataError

MB = 2**20
MAX_WORKBOOK_BYTES = 100 * MB  # an Excel workbook (.xlsx, .xls) on disk
MAX_WORKBOOK_UNZIPPED_BYTES = 1000 * MB  # what an .xlsx's parts add up to once unzipped (a zip bomb stops here)
MAX_PART_BYTES = 1024 * MB  # one part of an .xlsx once unzipped, or a Parquet table once decompressed
MAX_ROWS = 1_048_576  # rows of a workbook's sheet or a Parquet table (Excel's own limit for a sheet)
MAX_CELL_CHARS = 32_767  # one cell of a table, a workbook, a coding sheet or a context file (Excel's own limit)
MAX_TEXT_BYTES = 512 * MB  # a text table (CSV, TSV): a CSV of every UPR recommendation so far is about 60 MB
MAX_SUBMISSION_COUNT = 99_999  # submissions counted for one review in a participation table (real ones: hundreds)
MAX_SUMMARY_SUBMISSIONS = 1000  # submissions a stakeholder summary says it covers (the most stated: low hundreds)
MAX_INTEGER_DIGITS = 9  # digits of a cycle, session, year or action category in a canonical table
MAX_DOCX_PART_BYTES = 200 * MB  # one part of a Word matrix (.docx) once unzipped: more is no matrix (or a zip bomb)
MAX_CONTEXT_BYTES = 200 * MB  # a country-year context file (the Fariss scores, the largest, are 1.9 MB)
MAX_NUMBER_DIGITS = 100  # digits of one number in a table, a workbook or a YAML file
MAX_YAML_BYTES = MB  # a parameter or alias file
MAX_YAML_DEPTH = 50  # lists and mappings nested in a YAML file
MAX_YAML_NODES = 100_000  # values in a YAML file once its aliases are expanded (a "billion laughs" stops here)
EXCERPT_CHARS = 60  # the longest excerpt of a bad value a message quotes


def excerpt(value, width=EXCERPT_CHARS):
    """``value`` as a message quotes it: its repr on one line, cut to ``width`` characters with its length
    said when longer (a message never prints a megabyte cell or an expanded YAML alias)."""
    if isinstance(value, (dict, list, tuple, set)):
        text = _short_repr(value, width)
    else:
        text = repr(value if not isinstance(value, str) or len(value) <= 4 * width else value[:4 * width])
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    return f"{text[:width]}...{size}"


def _short_repr(value, width):
    """The start of a container's repr, built without walking more of it than ``width`` needs."""
    parts, used = [], 0
    items = value.items() if isinstance(value, dict) else value
    for item in items:
        if used > width:
            parts.append("...")
            break
        piece = (f"{excerpt(item[0], width)}: {excerpt(item[1], width)}" if isinstance(value, dict)
                 else excerpt(item, width))
        parts.append(piece)
        used += len(piece) + 2
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + ", ".join(parts) + closing


def check_digits(text, path=None, row=None, column=None):
    """Refuse a number written with more than ``MAX_NUMBER_DIGITS`` digits (Python would refuse to convert
    past 4,300, and no count, year or score has a hundred)."""
    digits = sum(ch.isdigit() for ch in str(text))
    if digits > MAX_NUMBER_DIGITS:
        raise DataError(f"found a number of {digits:,} digits; expected at most {MAX_NUMBER_DIGITS} (the limit on "
                        "the digits of a number)", path=path, row=row, column=column)


def check_file_size(path, limit, what):
    """Refuse ``path`` when it is larger than ``limit`` bytes, naming the limit (``what``: e.g. 'a workbook')."""
    size = Path(path).stat().st_size
    if size > limit:
        raise DataError(f"found {size_text(size)}; expected at most {size_text(limit)} (the limit on the size of "
                        f"{what})", path=path)


def size_text(n):
    """A size as a message says it: '1.9 MB', or '812 bytes' below a megabyte."""
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n:,} bytes"


def readable_file(path, expected):
    """``path`` as a ``Path``, once it is known to be a regular file this process can read; otherwise one
    ``DataError`` saying what it is (missing, a folder, a FIFO or a device, which would block or read
    nothing, or unreadable). ``expected`` says what should be there."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataError(f"no such file; expected {expected}", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc}); expected {expected}", path=path) from None
    if stat.S_ISDIR(mode):
        raise DataError(f"found a folder; expected {expected}", path=path)
    if not stat.S_ISREG(mode):
        raise DataError(f"found {special_kind(mode)}, not a regular file; expected {expected}", path=path)
    if not os.access(path, os.R_OK):
        raise DataError(f"cannot be read (permission denied); expected {expected}", path=path)
    return path


def special_kind(mode):
    """What a file that is neither a regular file nor a folder is: 'a FIFO (named pipe)', 'a device'..."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
