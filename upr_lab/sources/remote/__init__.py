"""What comes from the network: the UHRI export and UN documents, downloaded into the user's cache.

Nothing else in upr-lab touches the network; analyses, tests and ``verify`` read what these filed.
"""

from .documents import download as download_documents
from .folders import cache_root, documents_folder
from .uhri import cached_export
from .uhri import download as download_uhri

__all__ = ["cache_root", "cached_export", "documents_folder", "download_documents", "download_uhri"]
