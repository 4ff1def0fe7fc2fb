"""What a measure cannot be computed from, carried with the (empty) table that stands for it.

A table function that cannot compute its measure from the data given (one State, one cycle, no context,
...) returns its table empty, with the reason in a sentence a researcher understands
(``not_computable(table, why)``); the report shows the reason in place of the table
(``reports.analysis.Analysis.table``), and ``metrics.json`` records null.
"""

REASON = "not_computable"


def not_computable(table, why):
    """``table`` with ``why`` (a sentence, or None when it was computed) recorded as why it is empty."""
    table.attrs[REASON] = why
    return table


def why_not(table, default=None):
    """Why ``table`` is empty: the reason recorded with it, else ``default``; None for a table with rows."""
    if len(table):
        return None
    return table.attrs.get(REASON) or default
