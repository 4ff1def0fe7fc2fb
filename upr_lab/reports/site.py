"""A batch's outputs as a small static site: an overview (``OUT/index.html``) and a page per State
(``OUT/<ISO3>/index.html``) linking its reports.

Built only from the runs' ``metrics.json`` (headline figures) and the batch's run list, in a stable
order and without timestamps, so the same runs give the same bytes. Every page stands alone (style and
script inlined) and works from ``file://`` with no network; the overview's table sorts and filters.
"""

from pathlib import Path

from upr_lab.files import write_atomic
from upr_lab.sources.dataset import source_parts

from . import headline
from .pages import banner, escape, header, link, num_cell, page, percent, text_cell

TITLES = {"compliance_trends": "Compliance trends", "civil_society": "Civil society participation",
          "regional_comparison": "Regional comparison", "recommending_states": "Recommending States"}
FILES = (("report.ipynb", "notebook"), ("metrics.json", "metrics"), ("manifest.json", "manifest"))
DEFINITIONS = (
    ("Accepted", "recommendations supported among those supported or noted (pending, general and mixed "
                 "responses are left out), all cycles and per cycle"),
    ("Ratified within 5 years", "recommendations to ratify a core instrument the State was not yet party to "
                                "at the review, followed by ratification within five years (compliance trends)"),
    ("Recurring", "recommendations that make, in substance, the same demand as one the State received at its "
                  "previous review: cycle 2 against cycle 1, and where the data hold them 3 against 2 and 4 "
                  "against 3, pooled (compliance trends)"),
    ("Rank in group", "the State's acceptance rate ranked among all States of its UN regional group in the "
                      "data, 1 the highest (regional comparison)"),
)


def write_site(runs, out, data):
    """Write the overview and one page per State of ``runs`` (dicts as in ``batch.json``) under ``out``."""
    out = Path(out)
    found = headline.read_metrics(out, runs)
    heads = sorted((headline.state_headline(c, found.get(c, {})) for c in {r["country"] for r in runs}),
                   key=lambda h: (h["name"], h["iso3"]))
    for head in heads:
        mine = [r for r in runs if r["country"] == head["iso3"]]
        head["n_reports_ok"] = sum(r["status"] == "ok" for r in mine)
        head["reports"] = f"{head['n_reports_ok']} of {len(mine)}"
        head["synthetic"] = head["synthetic"] or str(data) == "synthetic"  # also a State with no complete run
        (out / head["iso3"]).mkdir(parents=True, exist_ok=True)  # no run of the State may have got that far
        write_atomic(out / head["iso3"] / "index.html", state_page(head, mine, out))
    write_atomic(out / "index.html", overview_page(runs, data, heads))
    return out / "index.html"


def overview_page(runs, data, heads=(), title="upr-lab reports"):
    """The overview: the data source, every State with its headline figures (a table that sorts and
    filters), a summary per regional group, then every run of the batch with its status and links."""
    synthetic = str(data) == "synthetic" or any(h["synthetic"] for h in heads)
    body = [f"<h1>{escape(title)}</h1>", banner(synthetic) or _source_line(data, heads), _counts(runs, heads)]
    if heads:
        body += [_states_section(heads), _regional_section(heads), _definitions()]
    body += ['<h2 id="runs">Runs of this batch</h2>', _runs_table(runs, out=None, in_state=False)]
    return page(title, "\n".join(body), script=bool(heads))


def index_page(runs, data, title="upr-lab reports"):
    """The overview without headline figures (runs only): what a batch shows before any State has run."""
    return overview_page(runs, data, (), title)


KNOWN_SOURCES = {"upr": "upr-lab's embedded real UPR data, cycles 1-2 (UPR Info sessions 1-20, DIHR explorer sessions 21-26)",
                 "uhri": "the UHRI export in upr-lab's cache (OHCHR's Universal Human Rights Index)"}


def _source_line(data, heads=()):
    """The data of the batch in words, and which source each cycle comes from (as its runs recorded it)."""
    parts = [KNOWN_SOURCES.get(part, part) for part in source_parts(str(data))]
    cycles = headline.cycle_sources(heads)
    by_cycle = ("; sources by cycle: " + "; ".join(f"cycle {c}: {v}" for c, v in cycles.items())) if cycles else ""
    return f'<p class="source">{escape("Data: " + " + ".join(parts) + by_cycle)}</p>'


def _counts(runs, heads):
    count = lambda status: sum(r["status"] == status for r in runs)  # noqa: E731
    states = len({r["country"] for r in runs})
    text = (f"{states} State{'s' * (states != 1)}, {len(runs)} run{'s' * (len(runs) != 1)}: {count('ok')} ok, "
            f"{count('failed')} failed, {count('interrupted')} interrupted; "
            f"{sum(bool(r.get('skipped')) for r in runs)} skipped as unchanged.")
    return f"<p>{escape(text)}</p>"


def _states_section(heads):
    cycles = headline.cycles_of(heads)
    groups = sorted({h["group"] for h in heads if h["group"]})
    options = "".join(f'<option value="{escape(g)}">{escape(g)}</option>' for g in groups)
    controls = ('<div class="controls"><label>Filter <input type="search" id="state-filter" '
                'placeholder="name or ISO3" autocomplete="off"></label>'
                f'<label>Group <select id="group-filter"><option value="">all groups</option>{options}</select>'
                '</label><span id="state-count" class="note" aria-live="polite"></span></div>')
    head = "".join([header("State"), header("ISO3"), header("Group"),
                    header("Recommendations", "num", note="recommendations to the State, all cycles"),
                    header("Accepted (%)", "num", note=DEFINITIONS[0][1]),
                    *(header(f"Accepted, cycle {c} (%)", "num") for c in cycles),
                    header("Ratified within 5 years (%)", "num", note=DEFINITIONS[1][1]),
                    header("Recurring (%)", "num", note=DEFINITIONS[2][1]),
                    header("Rank in group", "num", note=DEFINITIONS[3][1]),
                    header("Reports", "num", note="reports of this batch: complete of all")])
    rows = "\n".join(_state_row(h, cycles) for h in heads)
    return (f'<h2 id="states">States</h2>\n{controls}\n<div class="table-wrap"><table id="states-table" '
            'class="sortable" data-filter-text="state-filter" data-filter-group="group-filter" '
            f'data-filter-count="state-count">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n'
            "</tbody></table></div>")


def _state_row(h, cycles):
    ratification, recurrence = h["ratification"], h["recurrence"]
    rank = f"{h['rank_in_group']} of {h['n_in_group']}" if h["rank_in_group"] is not None else ""
    cells = [text_cell(link(f"{h['iso3']}/index.html", h["name"]), h["name"]), text_cell(escape(h["iso3"])),
             text_cell(escape(h["group"])), num_cell(_count(h["n_recommendations"]), h["n_recommendations"]),
             num_cell(percent(h["acceptance_rate"]), h["acceptance_rate"]),
             *(num_cell(percent(_rate(h, c)), _rate(h, c)) for c in cycles),
             num_cell(_share_of(ratification), ratification and ratification["share"]),
             num_cell(_share_of(recurrence, "n_repeated", "n_cycle2"), recurrence and recurrence["share"]),
             num_cell(escape(rank), h["rank_in_group"]), num_cell(escape(h["reports"]), h["n_reports_ok"])]
    return f'<tr data-group="{escape(h["group"])}">{"".join(cells)}</tr>'


def _rate(h, cycle):
    return (h["by_cycle"].get(cycle) or {}).get("acceptance_rate")


def _share_of(entry, k="k", n="n"):
    """'12.5 <small>(3 of 24)</small>', or '' when there is no entry."""
    if not entry or entry.get("share") is None:
        return ""
    counts = f" <small>({entry[k]} of {entry[n]})</small>" if entry.get(n) is not None else ""
    return f"{percent(entry['share'])}{counts}"


def _count(n):
    return "" if n is None else f"{n:,}"


def _regional_section(heads):
    rows = "\n".join(
        "<tr>" + text_cell(escape(r["group"])) + num_cell(str(r["n_states"]), r["n_states"])
        + num_cell(percent(r["median_acceptance"]), r["median_acceptance"])
        + num_cell(_range(r), r["min_acceptance"])
        + num_cell(percent(r["group_acceptance_rate"]), r["group_acceptance_rate"])
        + num_cell(percent(r["median_recurrence"]), r["median_recurrence"]) + "</tr>"
        for r in headline.regional_summary(heads))
    head = "".join([header("Group"), header("States in this batch", "num"), header("Median accepted (%)", "num"),
                    header("Range accepted (%)", "num"),
                    header("Group accepted, all its States in the data (%)", "num",
                           note="the group's recommendations pooled, from the regional comparison of a State of "
                                "another group (empty when no such State is in the batch)"),
                    header("Median recurring (%)", "num")])
    return (f'<h2 id="regions">Regional summary</h2>\n<p class="note">Over the States of this batch, by UN '
            f'regional group; medians and ranges are of the States\' own rates.</p>\n<div class="table-wrap">'
            f'<table id="regions-table" class="sortable">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n'
            "</tbody></table></div>")


def _range(row):
    if row["min_acceptance"] is None:
        return ""
    return f"{percent(row['min_acceptance'])} to {percent(row['max_acceptance'])}"


def _definitions():
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}.</dd>" for term, text in DEFINITIONS)
    return (f'<h2 id="reading">Reading the figures</h2>\n<dl class="figures">{items}</dl>\n<p class="note">'
            "Each figure is the one its analysis recorded in <code>metrics.json</code>; an empty cell means no "
            "analysis of this batch gives it (the analysis was not run, failed, or the State has no case).</p>")


def state_page(head, runs, out):
    """A State's page: its headline figures, its analyses with links, and the data sources used."""
    title = f"{head['name']} ({head['iso3']})"
    body = ['<nav class="crumbs"><a href="../index.html">All States of this batch</a></nav>',
            f"<h1>{escape(title)}</h1>", banner(head["synthetic"]),
            f"<p>UN regional group: {escape(head['group'] or 'unknown')}</p>",
            _figures_section(head), '<h2 id="analyses">Analyses</h2>', _runs_table(runs, out=out, in_state=True),
            _sources_section(head["sources"])]
    return page(f"{title}, upr-lab", "\n".join(body))


def _figures_section(h):
    facts = [("Recommendations", _count(h["n_recommendations"]) or "not available"), ("Accepted", _accepted(h)),
             ("Rank in group", _rank(h)), ("Ratified within 5 years", _ratified(h)), ("Recurring", _recurring(h))]
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in facts)
    return f'<h2 id="figures">Headline figures</h2>\n<dl class="figures">{items}</dl>\n{_cycle_table(h)}'


def _accepted(h):
    rate, ci = h["acceptance_rate"], h["acceptance_ci"]
    if rate is None:
        return "not available"
    interval = f" (95% CI {percent(ci[0])} to {percent(ci[1])})" if ci and None not in ci else ""
    return f"{percent(rate)}%{interval}"


def _absent(h, analysis, why):
    """Why a figure is missing: its analysis has no complete run here, or the analysis gives none."""
    if analysis not in h["analyses"]:
        return f"not available: no complete {analysis.replace('_', ' ')} run in this batch"
    return f"not available: {why} (see the {analysis.replace('_', ' ')} report)"


def _rank(h):
    if h["rank_in_group"] is None:
        return _absent(h, "regional_comparison", "no rank recorded")
    own = h["group_acceptance_rate"]
    return (f"{h['rank_in_group']} of {h['n_in_group']} in {h['group']} by acceptance (1 the highest"
            + (f"; the other States of the group together: {percent(own)}%)" if own is not None else ")"))


def _ratified(h):
    entry = h["ratification"]
    if not entry or entry["share"] is None:
        return _absent(h, "compliance_trends", "no recommendation to ratify an instrument not yet ratified")
    return f"{percent(entry['share'])}% ({entry['k']} of {entry['n']} open requests to ratify)"


def _recurring(h):
    entry = h["recurrence"]
    if not entry:
        return _absent(h, "compliance_trends", "not measured for this State's data")
    return (f"{percent(entry['share'])}% ({entry['n_repeated']} of {entry['n_cycle2']} recommendations compared "
            "with the State's previous review)" + _all_states(h))


def _cycle_table(h):
    """The State's reviews side by side: cycle, session and year (from compliance trends' ``reviews``), the
    source of the cycle's recommendations, how many, and the share accepted."""
    reviews, sources = h.get("reviews") or {}, h.get("cycle_sources") or {}
    rows = "\n".join(f"<tr>{num_cell(escape(c))}{num_cell(escape(str((reviews.get(c) or {}).get('session', ''))))}"
                     f"{num_cell(escape(str((reviews.get(c) or {}).get('year', ''))))}"
                     f"{text_cell(escape((reviews.get(c) or {}).get('source') or sources.get(c, '')))}{num_cell(_count(v.get('n')))}"
                     f"{num_cell(percent(v.get('acceptance_rate')))}</tr>" for c, v in h["by_cycle"].items())
    if not rows:
        return ""
    return ('<table><caption>The State\'s reviews side by side</caption><thead><tr><th class="num">Cycle</th>'
            '<th class="num">Session</th><th class="num">Year</th><th>Source</th>'
            '<th class="num">Recommendations</th><th class="num">Accepted (%)</th></tr></thead><tbody>\n'
            f"{rows}\n</tbody></table>")


def _all_states(h):
    every = h["recurrence_all_states"]
    return f"; all States: {percent(every['share'])}%" if every else ""


def _sources_section(sources):
    if not sources:
        return '<h2 id="sources">Data sources</h2>\n<p>No complete run: no data source recorded.</p>'
    parts = []
    for source in sources:
        files = "".join(f"<li>{escape(f.get('name'))} <small>SHA-256 <code>{escape(f.get('sha256'))}</code>"
                        "</small></li>" for f in source.get("files") or [])
        digest = (f"<p>SHA-256 of the files' <code>sha256sum</code> listing: <code>{escape(source['sha256'])}"
                  "</code></p>") if source.get("sha256") else ""
        parts.append(f"<p><b>{escape(source.get('label') or source.get('kind'))}</b> ({escape(source.get('kind'))}"
                     f"{', SYNTHETIC' if source.get('synthetic') else ', real data'})</p>"
                     + (f"<ul>{files}</ul>" if files else "") + digest)
    return ('<h2 id="sources">Data sources</h2>\n' + "\n".join(parts) + '\n<p class="note">Each report\'s footer '
            "names the sources and sessions it used; each run's <code>manifest.json</code> lists every input file "
            "with its SHA-256.</p>")


def _runs_table(runs, out=None, in_state=False):
    """Runs with status, what this batch did, and links (relative to ``OUT``, or to the State's folder for its
    page, ``in_state``); with ``out``, a link to the PDF of each report that has one."""
    rows = "\n".join(_run_row(r, r["analysis"] if in_state else f"{r['country']}/{r['analysis']}", out, in_state)
                     for r in runs)
    state = "" if in_state else "<th>State under review</th>"
    return (f"<div class=\"table-wrap\"><table><thead><tr>{state}<th>Analysis</th>"
            "<th>Status</th><th>This batch</th><th>Report</th><th>Notebook</th><th>Metrics</th><th>Manifest</th>"
            f"</tr></thead>\n<tbody>\n{rows}\n</tbody></table></div>")


def _run_row(run, base, out, in_state):
    status = escape(run["status"])
    report = link(f"{base}/report.html", "report") if run["status"] == "ok" else f"(none: run {status})"
    if out is not None and run["status"] == "ok" and (Path(out) / run["country"] / run["analysis"]
                                                      / "report.pdf").is_file():
        report += " · " + link(f"{base}/report.pdf", "PDF")
    detail = f"<br><small>{escape(run.get('error'))}</small>" if run.get("error") else ""
    name = TITLES.get(run["analysis"], run["analysis"].replace("_", " "))
    links = "".join(f"<td>{link(f'{base}/{file}', label)}</td>" for file, label in FILES)
    state = "" if in_state else f"<td>{link(run['country'] + '/index.html', run['country'])}</td>"
    return (f"<tr>{state}<td>{escape(name)}</td>"
            f'<td class="{status}">{status}{detail}</td><td>{escape(_this_batch(run))}</td><td>{report}</td>'
            f"{links}</tr>")


def _this_batch(run):
    if run.get("skipped"):
        return f"skipped: {run.get('reason') or 'unchanged since its last successful run'}"
    if run["status"] == "interrupted":
        return run["reason"]
    return f"ran: {run['reason']}" if run.get("reason") else "ran"
