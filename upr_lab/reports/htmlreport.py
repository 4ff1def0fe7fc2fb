"""A run's report page: the executed notebook as self-contained HTML (code hidden, figures embedded).

The batch's overview and State pages are ``site.py``'s."""

import re
import threading
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

    notebook = nbformat.read(notebook_path, as_version=4)
    resources = {"metadata": {"name": page_title(notebook)}, "upr_report_css": REPORT_CSS.read_text("utf-8")}
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    Path(html_path).write_text(body, encoding="utf-8")
    return html_path


_exporters = threading.local()  # one per thread (a batch exports from its worker threads): templates compiled once
# what nbconvert's HTML exporter makes focusable for keyboard readers (inputs and outputs)
_FOCUSABLE = re.compile(r'(<div class="(?:[^"]*\s)?jp-(?:OutputArea-output|Cell-inputWrapper)(?:\s[^"]*)?"[^>]*)>')


def _exporter():
    if getattr(_exporters, "exporter", None) is None:
        _exporters.exporter = _report_exporter()
    return _exporters.exporter


def _report_exporter():
    from nbconvert import HTMLExporter  # slow to import: not needed by a batch with nothing to run
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter without its pass of BeautifulSoup over the whole page, half of an export's
        time: that pass gives images without one a placeholder text alternative (the template gives every
        figure its own) and makes inputs and outputs focusable (done here on the template's markup)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name"))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _FOCUSABLE.sub(r'\1 tabindex="0">', page), resources

    # optimistic validation: the notebook is validated once, after nbconvert's preprocessors, not after each
    return ReportExporter(template_name="upr_report", extra_template_basedirs=[str(TEMPLATES)],
                          exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                          optimistic_validation=True)


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
