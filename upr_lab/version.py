"""Which upr-lab this is: its version, and a digest of its source that changes with the code even when
the version does not (parse caches, shared results and run keys depend on both)."""

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".py", ".csv", ".cfg", ".parquet", ".json")  # code, and the data that ships with it


@functools.cache
def source_digest():
    """SHA-256 over upr-lab's modules and data files: changes with the code even when the version does not."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES
                       and "__pycache__" not in p.parts):
        digest.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()
