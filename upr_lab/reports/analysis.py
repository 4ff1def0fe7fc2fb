"""What a notebook needs around its analysis: loading, labelling, showing and recording results.

``open_analysis`` is the first call of every notebook. The returned ``Analysis`` shows tables and
figures in the notebook, writes figures to ``out_dir/figures`` and headline figures to
``out_dir/metrics.json``, and labels everything from synthetic data as synthetic.
"""

import base64
import copy
import dataclasses
import html
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, display

from upr_lab.files import dump_json
from upr_lab.sources import coverage
from upr_lab.sources.context.load import context_table
from upr_lab.sources.countries import check_iso3, check_present, states
from upr_lab.sources.dataset import listing_digest, load
from upr_lab.stats import metrics, shared
from upr_lab.stats.classify import in_use
from upr_lab.stats.effects import term_label
from upr_lab.version import __version__

from . import plots


def open_analysis(analysis, country, data="upr", out_dir=".", participation=None, implementation=None,
                  context=None, predict_categories=True):
    """Load the data for one State under review and prepare the output folder; ``implementation`` (optional) is
    a table of implementation statuses by ``rec_id`` (e.g. written by ``upr-lab code merge``); ``context``
    (optional) a country-year context file or folder added to the shipped V-Dem indices (``run.context``);
    ``predict_categories``: action categories and issue tags predicted by upr-lab's classifier where the
    source has none (``stats.classify.in_use``), or (False) only the source's coding."""
    country = check_iso3(country)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = _with_predictions(load(data, participation=participation, assessments=implementation),
                                   predict_categories)
        frame = context_table(context)
    check_present(country, sorted(loaded.recommendations["sur_iso3"].unique()))
    return Analysis(analysis, country, loaded, Path(out_dir), [str(w.message) for w in caught], frame)


_kept = {"on": False, "key": None, "data": None, "warnings": []}


def keep_predicted_data():
    """From now on, keep the last data set with its predicted categories and tags in this process, and give
    the next notebook on the same data (the same content: ``shared.data_digest``) a copy of it instead of
    predicting again. A batch's warm kernels call it (``runs.warm``): applying the classifier's predictions,
    even read back from the cache, costs most of a notebook's loading and is the same for every State under
    review. A process that runs one notebook keeps nothing."""
    _kept["on"] = True


def _with_predictions(loaded, predict):
    if not _kept["on"]:
        return in_use.with_predictions(loaded, predict=predict)
    key = (shared.data_digest(loaded), bool(predict))
    if _kept["key"] != key:
        _kept.update(key=None, data=None)  # the last data set's memory goes before the next is predicted
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = in_use.with_predictions(loaded, predict=predict)
        _kept.update(key=key, data=data, warnings=[(w.message, w.category) for w in caught])
    for message, category in _kept["warnings"]:  # a notebook shows the same notes whether kept or not
        warnings.warn(message, category, stacklevel=2)
    return _copy(_kept["data"])


def _copy(data):
    """A copy of a loaded data set that a notebook may change without changing the kept one: shallow, as
    pandas' copy-on-write (pandas 3) copies a table's data only when one of the two is changed."""
    frames = {name: getattr(data, name).copy(deep=False) for name in ("recommendations", "pledges", "differences")}
    participation = None if data.participation is None else data.participation.copy(deep=False)
    return dataclasses.replace(data, **frames, participation=participation, source=copy.deepcopy(data.source))


class Analysis:
    """One analysis of one State under review: its data, its outputs, its labels.

    ``context``: the country-year context (``iso3, year, <indicators>``: the shipped V-Dem indices, and the
    files passed as ``context``), to join with ``upr_lab.context.with_context``."""

    def __init__(self, name, country, data, out_dir, load_warnings=(), context=None):
        self.name, self.country, self.data, self.out_dir = name, country, data, out_dir
        self.state = states()[country]
        self.recs = data.for_country(country)
        self.load_warnings = list(load_warnings)
        self.context = context_table() if context is None else context
        self.figures_shown = 0
        (out_dir / "figures").mkdir(parents=True, exist_ok=True)

    @property
    def synthetic(self):
        return self.data.synthetic

    def pooled(self, function, *args, **kwargs):
        """``function(*args, **kwargs)`` over all States, computed once per data set and shared between runs.

        Arguments may be ``self.data.recommendations``, ``self.data.participation``, ``self.context`` and
        plain values; ``isolated=True`` computes it in a process of its own (large computations: the kernel
        stays small).
        """
        return shared.pooled(self.data, function, *args, frames={"context": self.context}, **kwargs)

    def followup_results(self):
        """The follow-through of requests to ratify and the text match of recurring recommendations over all
        States, as ``pooled`` arguments (``follow=``, ``found=``): see ``mechanisms.pooled_inputs``."""
        from upr_lab.stats.followup import mechanisms

        return mechanisms.pooled_inputs(self.data.recommendations)

    def banner(self):
        """Show what is analysed, from which source, and a warning when the data are synthetic."""
        source = self.data.source
        warning = ("<p style='color:#b00;font-weight:bold'>SYNTHETIC DATA: these are generated data "
                   "with planted effects, not real UPR recommendations. Do not cite them as findings.</p>"
                   if self.synthetic else "")
        notes = "".join(f"<li>{html.escape(w)}</li>" for w in self.load_warnings)
        cycles = self.pooled(coverage.cycles_note, self.data.recommendations)
        display(HTML(f"{warning}<p><b>State under review:</b> {html.escape(self.state.name)} "
                     f"({self.country}, {html.escape(self.state.group)})<br><b>Data:</b> "
                     f"{html.escape(source.get('label', ''))}<br><b>Sources by cycle:</b> {html.escape(cycles)}"
                     f"<br><b>Recommendations to this State:</b> "
                     f"{len(self.recs):,} of {len(self.data.recommendations):,}</p>"
                     + (f"<ul>{notes}</ul>" if notes else "")))

    def cycle_sources(self):
        """Which source each cycle comes from, ``{cycle: "UHRI"}``, for figures by cycle: this State's
        recommendations where it has some in the cycle, else all States'."""
        return {**self.pooled(coverage.cycle_sources, self.data.recommendations), **coverage.cycle_sources(self.recs)}

    def note(self, text):
        """Show a plain-language note (e.g. why a figure cannot be drawn)."""
        display(HTML(f"<p style='border-left:4px solid #c90;padding-left:8px'>{html.escape(text)}</p>"))

    def table(self, frame, percent=(), digits=3, what=None, why=None, categories=None):
        """Show a tidy table: rates as percentages, other floats rounded, no index clutter, model terms in words
        (a ``term`` column: ``stats.effects.term_label``).

        A table with no row is never shown as an empty grid: a note says which table (``what``, e.g. "acceptance
        by quartile of civil liberties") could not be computed and why (the reason a table function recorded
        with ``stats.metrics.not_computable``, else ``why``, else that these data hold no case of it). A table's
        ``attrs["note"]`` (e.g. the States left out for lack of context) is shown below it, and so, for a table
        that uses action categories (``categories``: the recommendations behind it), how many of their
        categories the classifier predicted."""
        why = metrics.why_not(frame, why or "These data hold no case of it.")
        if why:
            self.note(f"No table of {what or 'this section'}. {why}")
            return
        if "term" in frame:
            frame = frame.assign(term=frame["term"].map(term_label))
        display(html_table(frame, percent, digits))
        if frame.attrs.get("note"):  # what the table leaves out, or cannot compare, said below it
            self.note(frame.attrs["note"])
        if categories is not None:
            self.categories_note(categories)

    def categories_note(self, recs=None, column="action_category"):
        """Say below a table or figure how many of ``recs``' action categories (or issue tags: ``column``
        ``issues``) upr-lab's classifier predicted (nothing when all are the source's)."""
        recs = self.recs if recs is None else recs
        sentence = (self.pooled(coverage.predicted_note, recs, column) if recs is self.data.recommendations
                    else coverage.predicted_note(recs, column))
        if sentence:
            self.note(sentence)

    def comparison(self, table, percent=("share", "ci_low", "ci_high")):
        """Show a table of the State beside all States (one row per measure and ``who``); the measures the
        State has no case of are said in one line below it, rather than shown as empty rows."""
        self.table(table, percent)
        own = set(table.loc[table["who"] == "this State", "measure"])
        absent = [m for m in dict.fromkeys(table["measure"]) if m not in own]
        if absent:
            self.note(f"Not shown for {self.state.name}, which has no case with a known outcome: "
                      f"{' | '.join(absent)}. All States are shown alone for these.")

    def figure(self, figure, name, missing, covers=None, needs=None):
        """Save and show a figure, or say ``missing`` when it could not be drawn (figure is None).

        ``figure``: a matplotlib figure, or one already rendered (``plots.Rendered``: a figure over all
        States, drawn once per batch with ``run.pooled(plots.drawn, draw, ...)``). It is shown with a text
        alternative read off it (title, axes, categories, series: ``alt_text``) and, below it, a numbered
        caption: its title, which sessions and sources it covers (``covers``: the recommendations behind
        it, by default this State's) and, with ``needs`` (a column such as ``action_category``), which of
        them it leaves out for lack of that column.
        """
        if figure is None:
            self.note(f"No figure '{name}': {missing}")
            return
        shown = figure if isinstance(figure, plots.Rendered) else plots.rendered(figure)
        (self.out_dir / "figures" / f"{name}.png").write_bytes(shown.png)
        self.figures_shown += 1
        display({"image/png": base64.b64encode(shown.png).decode("ascii"), "text/plain": shown.alt}, raw=True,
                metadata={"image/png": {"alt": shown.alt}})
        label = f"Figure {self.figures_shown}." + (f" {shown.title}." if shown.title else "")
        display(HTML(f"<p class='upr-caption' style='font-size:85%;color:#444'><b>{html.escape(label)}</b> "
                     f"{html.escape(self.caption(covers, needs))}</p>"))

    def caption(self, covers=None, needs=None):
        """'Covers sessions ...' for the recommendations behind a figure (this State's by default)."""
        recs = self.recs if covers is None else covers
        if recs is self.data.recommendations:  # the same for every run of a batch
            return self.pooled(coverage.caption, recs, needs)
        return coverage.caption(recs, needs)

    def write_metrics(self, extra=None):
        """Write ``metrics.json``: the common headline keys, then the analysis' own."""
        core = metrics.headline(self.data.recommendations, self.country)
        result = {"country": self.country, "analysis": self.name, "data_source": self.source_record(),
                  "n_recommendations": core["n_recommendations"], "acceptance_rate": core["acceptance_rate"],
                  "acceptance_ci": core["acceptance_ci"], "by_cycle": core["by_cycle"], **(extra or {})}
        dump_json(_json_safe(result), self.out_dir / "metrics.json")
        return result

    def source_record(self):
        """The data source as recorded in metrics: kind, label, synthetic, files, their hashes and one digest."""
        source = self.data.source
        files = [{"name": f["name"], "sha256": f["sha256"]} for f in source.get("files", [])]
        cycles = self.pooled(coverage.cycle_sources, self.data.recommendations)
        return {"kind": source.get("kind"), "label": source.get("label"), "synthetic": self.synthetic,
                "files": files, "sha256": listing_digest(files) if files else None,
                "duplicates": source.get("duplicates", 0), "cycles": {str(c): v for c, v in cycles.items()}}

    def footer(self):
        """A short provenance footer a reader can cite: version, analysis, State, data and its hash."""
        source = self.source_record()
        if self.synthetic:
            data = (f"SYNTHETIC data generated by upr-lab {__version__} with seed "
                    f"{self.data.source.get('seed')} (not real UPR data)")
        else:
            data = (f"{source['label']}, real data, SHA-256 {source['sha256']} (of its files' sha256sum listing). "
                    f"Sources: {self.pooled(coverage.sources_cited, self.data.recommendations)}; this State's "
                    f"recommendations: {coverage.coverage(self.recs)}")
        display(HTML(f"<hr><p style='font-size:85%'><b>Provenance.</b> upr-lab {__version__}, analysis "
                     f"<code>{self.name}</code>, State under review {self.country}. Data: {html.escape(data)}. "
                     "Every file's hash is in <code>metrics.json</code> and <code>manifest.json</code>; "
                     "re-execute and compare with <code>upr-lab verify</code> on this report's folder.</p>"
                     f"<p style='font-size:85%'>{self.how_to_cite()}</p>"))

    def how_to_cite(self):
        """The footer's sentence on citing this report: upr-lab's version, the analysis, the State, the data's
        digest, and the command that prints every reference (``upr-lab cite``). No date: reports stay
        byte-reproducible."""
        source = self.source_record()
        data = ("SYNTHETIC data (not real UPR data: never cite it as a source)" if self.synthetic else
                f"data SHA-256 {source['sha256']}")
        return (f"<b>How to cite.</b> This report: <i>upr-lab {__version__}, analysis {self.name}, State under "
                f"review {self.country}</i>, {html.escape(data)} (upr-lab: MIT licence; its CITATION.cff says how "
                "to cite the software). The references of upr-lab and of every source this report used, with "
                f"versions and access dates: <code>upr-lab cite --data OUT/{self.country}/{self.name}</code> "
                "(OUT: the outputs folder; add <code>--format bibtex</code> for BibTeX).")


def html_table(frame, percent=(), digits=3):
    """A table for a notebook (IPython ``HTML``): ``percent`` columns in percent (the unit in the header),
    other floats rounded, missing values empty, no index, text escaped. Numbers are right-aligned; text
    (recommendations, names) is left-aligned and wraps."""
    columns = [(name, _cell_kind(frame[name], name in percent)) for name in frame.columns]
    head = "".join(f'<th scope="col" class="{kind}"{_ALIGN[kind]}>{_breakable(name)}'
                   f'{" (%)" if name in percent else ""}</th>' for name, kind in columns)
    rows = "".join("<tr>" + "".join(_td(kind, _p_cell(value, digits) if name in P_VALUES
                                              else _cell(value, name in percent, digits))
                                    for (name, kind), value in zip(columns, values)) + "</tr>\n"
                   for values in frame.itertuples(index=False, name=None))
    return HTML(f'<table class="dataframe upr-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n'
                '</table>')


_ALIGN = {"num": ' style="text-align:right"', "text": ' style="text-align:left;white-space:normal"'}


def _breakable(name):
    """A column name, escaped, that may break after its underscores (long names in narrow pages and print)."""
    return html.escape(str(name)).replace("_", "_<wbr>")


def _td(kind, text):
    return f'<td class="{kind}"{_ALIGN[kind]}>{html.escape(text)}</td>'


def _cell_kind(column, is_percent):
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return "num" if numeric or is_percent else "text"


P_VALUES = ("p_value", "p_holm")  # the p-value columns of upr-lab's tables (``stats.models``, ``stats.effects``)


def _p_cell(value, digits):
    """A p-value as shown: below what ``digits`` can show, '<0.001' (for 3), never 0."""
    smallest = 10.0 ** -digits
    if not pd.isna(value) and 0 <= float(value) < smallest:
        return f"<{np.format_float_positional(smallest, trim='-')}"
    return _cell(value, False, digits)


def _cell(value, is_percent, digits):
    """One value as shown: '' when missing, percentages with one decimal, floats rounded, the rest as text."""
    if not isinstance(value, (list, tuple, dict, set, np.ndarray)) and pd.isna(value):
        return ""
    if is_percent:
        return f"{100 * float(value):.1f}"
    if isinstance(value, float):
        return np.format_float_positional(round(value, digits), trim="-")
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return ", ".join(map(str, value))
    return str(value)


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN or an infinite odds ratio: not estimable, shown as null
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    return value
