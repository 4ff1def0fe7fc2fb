"""``upr-lab data info``: what a source holds."""

NAMED = 10  # exact repeats listed one by one, at most


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
        "files": data.source.get("files", []),
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
             f"participation rows:   {summary['participation_rows']:,}"]
    for r in summary["exact_repeats"][:NAMED]:
        lines.append(f"  dropped: {r['name']} row {r['row']}, the same as {r['first']} ({r['sur_iso3']}, session "
                     f"{r['session']})")
    for f in summary["files"]:
        detail = f.get("detected", {})
        how = ", ".join(f"{k}={v}" for k, v in detail.items())
        lines.append(f"file: {f['name']}  sha256={f['sha256']}  rows={f.get('rows', '')}  {how}")
    return "\n".join(lines)
