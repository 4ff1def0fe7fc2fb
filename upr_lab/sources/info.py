"""``upr-lab data info`` and ``data export``: what a source holds, how its sources agree, and the table itself."""

from pathlib import Path

from upr_lab.exceptions import DataError

from .calendar import cycle_of
from .coverage import coding_counts
from .dataset import load
from .formats import canonical

NAMED = 10  # exact repeats listed one by one, at most
RULE = ("the rule: cycles 1-2 from UPR Info, then DIHR, then UHRI; cycles 3-4 from UHRI first; "
        "see upr_lab/sources/reconcile.py")
EXPORT_SUFFIXES = (".csv", ".parquet")
UHRI_DETAILS = ("records", "upr_records", "skipped_other_bodies", "positions", "corrections")  # on lines of their own


def describe(data):
    """A JSON-ready summary of a loaded ``UprData``: rows, cycles, sessions, States, files and hashes."""
    recs = data.recommendations
    return {
        "source": data.source.get("label"),
        "synthetic": data.synthetic,
        "recommendations": int(len(recs)),
        "voluntary_pledges": int(len(data.pledges)),
        "duplicates": int(data.source.get("duplicates", 0)),
        "exact_repeats": data.source.get("repeats", []),
        "cycles": {str(c): int(n) for c, n in recs.groupby("cycle").size().items()},
        "sessions": [int(recs["session"].min()), int(recs["session"].max())] if len(recs) else [],
        "states_under_review": int(recs["sur_iso3"].nunique()),
        "recommending_states": int(recs["recommender_name"].nunique()),
        "responses": {k: int(v) for k, v in recs["response"].value_counts().sort_index().items()},
        "with_implementation_assessment": int((recs["implementation"] != "").sum()),
        "participation_rows": 0 if data.participation is None else int(len(data.participation)),
        "by_source": {k: int(v) for k, v in recs["source"].value_counts().sort_index().items()},
        "sessions_by_source": {s: [int(g["session"].min()), int(g["session"].max())]
                               for s, g in recs.groupby("source")},
        "cycles_by_source": {str(c): {s: int(n) for s, n in g["source"].value_counts().sort_index().items()}
                             for c, g in recs.groupby("cycle")},
        "with_sdg_links": int((recs["sdg_goals"].map(len) > 0).sum()),
        "action_categories": coding_counts(recs, "action_category"),
        "issue_tags": coding_counts(recs, "issues"),
        "predictions": data.source.get("predictions", "off"),
        "reconciliation": data.source.get("reconciliation"),
        "files": data.source.get("files", []),
        "refused": data.source.get("refused", []),
    }


def render(summary):
    """The summary as readable text."""
    lines = [f"source:               {summary['source']}",
             f"synthetic:            {'yes (generated demo data, not real UPR data)' if summary['synthetic'] else 'no'}",
             f"recommendations:      {summary['recommendations']:,}",
             f"voluntary pledges:    {summary['voluntary_pledges']:,}",
             f"exact duplicates:     {summary['duplicates']:,} (dropped: each row is analysed once)",
             "cycles:               " + ", ".join(f"{c}: {n:,}" for c, n in summary["cycles"].items()),
             f"sessions:             {'-'.join(map(str, summary['sessions']))}",
             f"States under review:  {summary['states_under_review']}",
             f"recommending States:  {summary['recommending_states']}",
             "responses:            " + ", ".join(f"{k}: {v:,}" for k, v in summary["responses"].items()),
             f"implementation known: {summary['with_implementation_assessment']:,}",
             f"participation rows:   {summary['participation_rows']:,}",
             "by source:            " + ", ".join(f"{k}: {v:,} (sessions {'-'.join(map(str, summary['sessions_by_source'][k]))})"
                                                  for k, v in summary["by_source"].items()),
             "by cycle and source: " + "; ".join(f"{c}: " + ", ".join(f"{k} {v:,}" for k, v in by.items())
                                                 for c, by in summary.get("cycles_by_source", {}).items()),
             f"with SDG links:       {summary['with_sdg_links']:,}",
             f"action categories:    {_coding(summary['action_categories'])}",
             f"issue tags:           {_coding(summary['issue_tags'])}",
             f"predictions:          {_predictions(summary['predictions'])}"]
    lines += _reconciliation_lines(summary["reconciliation"])
    for r in summary["exact_repeats"][:NAMED]:
        lines.append(f"  dropped: {r['name']} row {r['row']}, the same as {r['first']} ({r['sur_iso3']}, session "
                     f"{r['session']})")
    if summary["refused"]:
        lines.append(f"refused documents:    {len(summary['refused']):,} (left out; the others are read)")
        lines += [f"  refused: {r['name']}: {r['error']}" for r in summary["refused"]]
    for f in summary["files"]:
        detail = f.get("detected", {})
        if detail.get("format") == "ohchr-report":
            lines += _report_lines(f, detail)
            continue
        if detail.get("format", "").startswith("uhri-"):
            lines += _uhri_lines(f, detail)
            continue
        how = ", ".join(f"{k}={v}" for k, v in detail.items())
        lines.append(f"file: {f['name']}  sha256={f['sha256']}  rows={f.get('rows', '')}  {how}")
    return "\n".join(lines)


def _coding(counts):
    return (f"coded by the source {counts['coded']:,}, predicted by upr-lab's classifier {counts['predicted']:,}, "
            f"unknown {counts['unknown']:,}")


def _predictions(record):
    if record == "off":
        return "off (only the source's coding)"
    return f"on (classifier {record.get('classifier') or 'not needed: nothing to predict'})"


def _report_lines(f, detail):
    """A Working Group report read: what it is, its items by position, what it cites and what was left out."""
    counts = lambda found: ", ".join(f"{k} {v:,}" for k, v in found.items()) or "none"  # noqa: E731
    lines = [f"file: {f['name']}  sha256={f['sha256']}  rows={f.get('rows', '')}  format=ohchr-report",
             f"  document:           {detail['document']}, State under review {detail.get('state', '?')}, "
             f"session {detail.get('session', '?')}, addendum {detail.get('addendum') or 'none'}",
             f"  numbered items:     {counts(detail.get('items_by_position', {}))}",
             f"  cited by paragraph: {counts(detail.get('cited_by_reference', {}))}",
             f"  responses (rows):   {counts(detail.get('responses', {}))}"]
    missing = detail.get("cited_not_found", [])
    if missing:
        lines.append(f"  cited, not found:   {len(missing)} (not rows): " + "; ".join(missing))
    lines += [f"  remark:             {remark}" for remark in detail.get("remarks", [])]
    if detail.get("without_response"):
        lines.append(f"  without response:   {detail['without_response']:,} (counted as 'other', pending)")
    return lines


def _uhri_lines(f, detail):
    """A UHRI export read: its records, the positions as given, the known errors of the source corrected."""
    shown = {k: v for k, v in detail.items() if k not in UHRI_DETAILS}
    records = detail.get("records")
    lines = [f"file: {f['name']}  sha256={f['sha256']}  rows={f.get('rows', '')}  "
             + ", ".join(f"{k}={v}" for k, v in shown.items()),
             f"  UPR records:        {detail['upr_records']:,}"
             + (f" of {records:,}" if records is not None else "")
             + f" ({detail['skipped_other_bodies']:,} of other bodies skipped)",
             "  positions as given: " + (", ".join(f"{k} {v:,}" for k, v in detail["positions"].items()) or "none")
             + " (records; Supported/Noted, partial, pending and none count as 'other')"]
    lines += [f"  path:               {f['path']}"] if f.get("path") else []
    lines += [f"  corrected:          {c['symbol']}: {c['records']:,} record{'s' * (c['records'] != 1)} attributed to "
              f"{c['state']} ({c['why']})"
              for c in detail.get("corrections", [])]
    if not detail.get("corrections"):
        lines.append("  corrected:          none (no record of the known errors, A/HRC/22/3 and A/HRC/18/16, "
                     "labelled as they are known to be)")
    return lines


def _reconciliation_lines(summaries):
    return [line for summary in summaries or [] for line in _pair_lines(summary)]


def _pair_lines(summary):
    cycles = sorted({cycle_of(s) for s in summary["sessions_in_both"]})
    cycles = f"cycle{'s' * (len(cycles) > 1)} {'-'.join(map(str, sorted({cycles[0], cycles[-1]})))}, " if cycles else ""
    return [f"reconciliation:       {summary['first_source']} and {summary['second_source']} both hold "
            f"{summary['reviews_in_both']} reviews ({cycles}sessions {min(summary['sessions_in_both'])}-"
            f"{max(summary['sessions_in_both'])}); each is counted once, from {summary['first_source']} "
            f"({RULE})",
            f"  matched:            {summary['matched']:,} ({summary['matched_exact']:,} same text, "
            f"{summary['matched_near']:,} nearly the same): {summary['share_of_first_matched']:.1%} of "
            f"{summary['first_source']}'s {summary['first_rows']:,}, {summary['share_of_second_matched']:.1%} of "
            f"{summary['second_source']}'s {summary['second_rows']:,}",
            f"  in one source only: {summary['only_in_first']:,} in {summary['first_source']}, "
            f"{summary['only_in_second']:,} in {summary['second_source']}",
            f"  responses differ:   {summary['responses_differ']:,} of the matched (agreement "
            f"{_share(summary['response_agreement'])}); list them with --differences FILE.csv"]


def _share(agreement):
    """A response agreement, or what stands for it when no recommendation was matched."""
    return "none matched" if agreement is None else f"{agreement:.2%}"


def write_differences(data, path):
    """Write the reconciliation's differences (one row each) as CSV for a reader to open."""
    data.differences.to_csv(path, index=False, lineterminator="\n")
    return Path(path)


def export(src, path, prepare=None):
    """Write the canonical table of ``src`` to ``path`` (.csv with lists joined by ';', or .parquet);
    ``prepare`` (optional) is applied to the loaded data first (the command line adds the predicted
    categories and tags)."""
    path = Path(path)
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise DataError(f"found the suffix {path.suffix or '(none)'!r}; expected .csv or .parquet", path=path)
    data = load(src)
    return canonical.write((prepare(data) if prepare else data).recommendations, path)
