"""UPR Info's published share of specific-action recommendations per session, beside the data's, and the
action category classifier's evaluation as the validation notebook shows it.

``SPECIFIC_SHARE`` is UPR Info's published share of category 5 (specific action) in seven Working Group
sessions; ``specific_share_vs_published`` sets the data's share beside it: coded by UPR Info where the data
hold the session's coding, otherwise the classifier's corrected estimate with its interval (labelled
predicted). ``evaluation_sections`` reads ``validation/classifier.md`` (written by
``validation/classifier.py``) for the notebook, and ``evaluated_specific_shares`` the classifier's estimates of
category 5 in the sessions it was tested on.
"""

import re
from pathlib import Path

import pandas as pd

from upr_lab.review.published import PublishedFigure, PublishedFigureMismatch

SPECIFIC_SHARE = PublishedFigure(
    name="share of specific-action (category 5) recommendations per Working Group session",
    value={1: 0.258, 4: 0.292, 5: 0.278, 16: 0.301, 17: 0.331, 18: 0.293, 19: 0.347},
    source="UPR Info's published statistics per session (figures as quoted in upr-lab issue 25)",
    note="one decimal in percent; the data reproduce them within a point except session 1 (see the notebook)",
)
SPECIFIC_SHARE_TOLERANCE = 0.02  # two points: session 1 differs by 1.6, the six others by less than one
EVALUATED = ("Action category: classifiers", "Confusion matrix", "Share of each category per session")


def specific_share_vs_published(recs, published=SPECIFIC_SHARE, estimates=None):
    """Per session of ``published``: the published share of category 5, the data's (``coded`` by the source, or
    ``predicted``: the classifier's corrected estimate from ``estimates``, a ``classify.in_use.session_trend``
    table), its interval where predicted, and the difference in points. A session the data do not hold is
    shown with no share."""
    rows = []
    for session, value in published.value.items():
        part = recs[(recs["session"] == session) & recs["action_category"].notna()]
        coded = part[part.get("action_category_source", pd.Series("coded", index=part.index)) == "coded"]
        share, low, high, coding = _share(session, coded, estimates)
        rows.append({"session": session, "published": value, "data": share, "ci_low": low, "ci_high": high,
                     "coding": coding, "n": len(part), "difference": share - value})
    return pd.DataFrame(rows)


def _share(session, coded, estimates):
    if len(coded):
        return float((coded["action_category"] == 5).mean()), float("nan"), float("nan"), "coded"
    if estimates is not None:
        found = estimates[(estimates["session"] == session) & (estimates["coding"] == "predicted")]
        if len(found):
            row = found.iloc[0]
            return float(row["5"]), float(row["ci_low_5"]), float(row["ci_high_5"]), "predicted"
    return float("nan"), float("nan"), float("nan"), "not in the data"


def check_specific_share(table, tolerance=SPECIFIC_SHARE_TOLERANCE):
    """Raise ``PublishedFigureMismatch`` when a coded share is more than ``tolerance`` from the published one."""
    coded = table[table["coding"] == "coded"]
    far = coded[~(coded["difference"].abs() <= tolerance)]
    if len(far):
        raise PublishedFigureMismatch("share of category 5 more than "
                                      f"{tolerance * 100:.0f} points from UPR Info's: " + "; ".join(
                                          f"session {r.session} {r.data:.1%} against {r.published:.1%}"
                                          for r in far.itertuples()))


def evaluation_sections(path, titles=EVALUATED):
    """The sections of the classifier's evaluation (``validation/classifier.md``) named ``titles`` (their
    headings start so), as Markdown, in the file's order; a missing file is said, not hidden."""
    path = Path(path)
    if not path.is_file():
        return f"*The classifier's evaluation ({path.name}) is missing: run `python validation/classifier.py`.*"
    text = path.read_text(encoding="utf-8")
    head, *sections = re.split(r"(?m)^## ", text)
    kept = [s for s in sections if s.startswith(tuple(titles))]
    head = re.sub(r"(?m)^# (.*)$", r"**\1**", head)  # headings one level below the notebook's sections
    return head + "".join(f"#### {s}" for s in kept)


def evaluated_specific_shares(path, method_column=6):
    """The share of category 5 per session in the evaluation's table of shares (coded, and the classifier's
    estimate in column ``method_column``: EM, the method used), in percent; empty if absent."""
    path = Path(path)
    rows = []
    if path.is_file():
        sections = re.split(r"(?m)^## ", path.read_text(encoding="utf-8"))
        shares = "".join(s for s in sections if s.startswith("Share of each category per session"))
        for line in shares.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) > method_column + 1 and cells[0].isdigit() and cells[1] == "5":
                rows.append({"session": int(cells[0]), "coded": float(cells[2]),
                             "estimated": float(cells[method_column]), "interval": cells[-1]})
    return pd.DataFrame(rows, columns=["session", "coded", "estimated", "interval"])
