"""A run's report page: the executed notebook as self-contained HTML (code hidden, figures embedded).

The batch's overview and State pages are ``site.py``'s."""

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
