"""What comes from the network: the UHRI export and UN documents, downloaded into the user's cache.

Nothing else in upr-lab touches the network; analyses, tests and ``verify`` read what these filed. Names are
imported when first used: reading the cached export (``--data uhri``) loads no network client.
"""

from upr_lab._lazy import lazy_names

PUBLIC = {
    "cache_root": ".folders:cache_root",
    "cached_export": ".uhri:cached_export",
    "documents_folder": ".folders:documents_folder",
    "download_documents": ".documents:download",
    "download_uhri": ".uhri:download",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = lazy_names(__name__, PUBLIC)
