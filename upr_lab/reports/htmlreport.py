"""Self-contained HTML pages: a report per run (code hidden, figures embedded) and a batch index."""

import html
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
REPORT_CSS = HERE / "static" / "report.css"


def export(notebook_path, html_path):
    """Render an executed notebook as a self-contained page without code cells' inputs.

    The page loads nothing from the network (it reads the same from ``file://`` offline), carries
    upr-lab's reading and print stylesheet, is titled with the State and the analysis, and gives every
    figure its text alternative. The same notebook gives the same bytes.
    """
    import nbformat
    from nbconvert import HTMLExporter  # slow to import: not needed by a batch with nothing to run

    exporter = HTMLExporter(template_name="upr_report", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    notebook = nbformat.read(notebook_path, as_version=4)
    resources = {"metadata": {"name": page_title(notebook)}, "upr_report_css": REPORT_CSS.read_text("utf-8")}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    Path(html_path).write_text(body, encoding="utf-8")
    return html_path


def page_title(notebook):
    """'Norway (NOR): compliance trends, upr-lab' from a run's parameters (or 'upr-lab report')."""
    from upr_lab.sources.countries import states

    parameters = notebook.metadata.get("papermill", {}).get("parameters", {})
    country = str(parameters.get("country") or "")
    analysis = Path(str(notebook.metadata.get("papermill", {}).get("input_path") or "")).stem
    if not country:
        return "upr-lab report"
    state = states().get(country)
    name = f"{state.name} ({country})" if state else country
    return f"{name}: {analysis.replace('_', ' ')}, upr-lab" if analysis else f"{name}, upr-lab"


def index_page(runs, data, title="upr-lab reports"):
    """The batch index: the data source, then one row per run with its status and links, text escaped."""
    rows = "\n".join(_row(r) for r in runs)
    source = {"synthetic": "<p class='failed'>SYNTHETIC data: generated with planted effects, not real UPR data.</p>",
              "upr": "<p>Data: upr-lab's embedded real UPR data, cycles 1-2 (UPR Info sessions 1-20, DIHR explorer "
                     "sessions 21-26)</p>"}.get(str(data), f"<p>Data: {html.escape(str(data))}</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}.failed{{color:#b00;font-weight:bold}}
.ok{{color:#070}}.interrupted{{color:#b60;font-weight:bold}}</style></head>
<body><h1>{html.escape(title)}</h1>
{source}
<table><thead><tr><th>State under review</th><th>Analysis</th><th>Status</th><th>This batch</th><th>Report</th>
<th>Notebook</th><th>Metrics</th><th>Manifest</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def _row(run):
    base = f"{html.escape(run['country'])}/{html.escape(run['analysis'])}"
    status = html.escape(run["status"])
    report = f'<a href="{base}/report.html">report</a>' if run["status"] == "ok" else f"(none: run {status})"
    detail = f"<br><small>{html.escape(run.get('error') or '')}</small>" if run.get("error") else ""
    return (f"<tr><td>{html.escape(run['country'])}</td><td>{html.escape(run['analysis'])}</td>"
            f'<td class="{status}">{status}{detail}</td><td>{_this_batch(run)}</td><td>{report}</td>'
            f'<td><a href="{base}/report.ipynb">notebook</a></td>'
            f'<td><a href="{base}/metrics.json">metrics</a></td>'
            f'<td><a href="{base}/manifest.json">manifest</a></td></tr>')


def _this_batch(run):
    if run.get("skipped"):
        return html.escape(f"skipped: {run.get('reason') or 'unchanged since its last successful run'}")
    if run["status"] == "interrupted":
        return html.escape(run["reason"])
    return html.escape(f"ran: {run['reason']}") if run.get("reason") else "ran"
