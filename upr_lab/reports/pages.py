"""Building blocks of the site's pages: the page shell (stylesheet and script inlined, so each page stands
alone and works from ``file://`` with no network), escaped text, and table cells with their sort keys.

Every piece of text that reaches a page goes through ``escape``; numbers are formatted here, once.
"""

import html
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
SYNTHETIC_BANNER = ("SYNTHETIC data: generated with planted effects, not real UPR data. "
                    "Do not cite these figures as findings.")


@lru_cache(maxsize=None)
def static(name):
    """The text of a file shipped in ``upr_lab/reports/static``."""
    return (STATIC / name).read_text(encoding="utf-8")


def escape(value):
    """Text for HTML, safe in element text and in double-quoted attributes (the only kind these pages use);
    apostrophes are left as they are, so "the State's" reads the same in the page's source."""
    return html.escape("" if value is None else str(value), quote=False).replace('"', "&quot;")


def page(title, body, script=False):
    """A whole page: ``body`` (already HTML) in the shell, with the site stylesheet and, when ``script``,
    the sort-and-filter script."""
    js = f"\n<script>\n{static('site.js')}</script>" if script else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{static('site.css')}</style>{js}\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def banner(synthetic):
    """The SYNTHETIC warning, or '' for real data."""
    return f'<p class="synthetic" role="note">{escape(SYNTHETIC_BANNER)}</p>\n' if synthetic else ""


def percent(value, digits=1):
    """A share as a percentage without the sign (the unit is in the column header), '' when unknown."""
    return "" if value is None else f"{100 * value:.{digits}f}"


def num_cell(shown, key=None):
    """A right-aligned cell; ``key`` (a number or None) is what the column sorts by."""
    sort = "" if key is None else f"{key:.6g}" if isinstance(key, float) else str(key)
    return f'<td class="num" data-sort="{escape(sort)}">{shown}</td>'


def text_cell(shown, key=None):
    """A left-aligned cell that wraps; ``shown`` is HTML, ``key`` the text it sorts by (default: its text)."""
    sort = f' data-sort="{escape(key)}"' if key is not None else ""
    return f'<td class="text"{sort}>{shown}</td>'


def header(label, kind="text", sortable=True, note=None):
    """A column header: a button that sorts (``kind`` 'num' or 'text'), ``note`` a tooltip saying what it is."""
    title = f' title="{escape(note)}"' if note else ""
    inner = f'<button type="button">{escape(label)}</button>' if sortable else escape(label)
    cls = ' class="num"' if kind == "num" else ""
    return f'<th scope="col" data-type="{kind}"{cls}{title}>{inner}</th>'


def link(href, text):
    return f'<a href="{escape(href)}">{escape(text)}</a>'
