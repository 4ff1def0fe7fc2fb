"""Executing an analysis notebook in a run folder so that the same inputs give the same bytes.

The kernel runs in the run folder itself: the notebook writes ``metrics.json`` and ``figures/`` to
``out_dir = "."`` and reads its inputs through paths relative to the folder. The executed notebook
keeps no timing and no random cell id (papermill and nbclient record both); timing belongs to
``manifest.json``. ``upr-lab verify`` re-executes through this same function.
"""

from pathlib import Path

from upr_lab._lazy import import_jsonschema

import_jsonschema()  # before nbformat imports it (see upr_lab._lazy)
import nbformat  # noqa: E402
import papermill

from upr_lab.reports import htmlreport

from . import kernel, params

TIMING_KEYS = ("start_time", "end_time", "duration")  # papermill's timing, in notebook and cell metadata
INJECTED_CELL_ID = "injected-parameters"  # papermill gives this cell a random id on every run


def execute(analysis, parameters, folder, warm=None):
    """Run the notebook of ``analysis`` in ``folder`` with ``parameters`` (paths relative to it).

    Writes ``report.ipynb`` (always), ``metrics.json`` and ``figures/`` (from the notebook) and
    ``report.html`` (when no cell failed). Returns None, or the error of the failing cell. With
    ``warm`` (a ``warm.WarmKernel``) the notebook runs on that kernel, reset; else on a new kernel.
    """
    folder = Path(folder)
    report = folder / "report.ipynb"
    params.check_injection(parameters)
    # the kernel's working folder is set through nbclient or the reset: papermill's cwd= is a process-wide chdir
    engine = {"resources": {"metadata": {"path": str(folder)}}} if warm is None else \
        warm.engine_options(folder.resolve())
    try:
        papermill.execute_notebook(
            str(params.notebook_path(analysis)), str(report),
            parameters={**dict(sorted(parameters.items())), "out_dir": "."},
            kernel_name=kernel.ensure(), progress_bar=False, record_timing=False,
            request_save_on_cell_execute=False, **engine)
        error = None
    except papermill.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    strip_volatile(report, analysis)
    if error is None:
        htmlreport.export(report, folder / "report.html")
    return error


def strip_volatile(report, analysis):
    """Remove what differs between identical runs: timing, scratch paths, papermill's random cell id."""
    notebook = nbformat.read(report, as_version=4)
    run_meta = notebook.metadata.get("papermill", {})
    for key in TIMING_KEYS:
        run_meta.pop(key, None)
    run_meta.update(input_path=f"notebooks/{analysis}.ipynb", output_path="report.ipynb")
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for key in TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = INJECTED_CELL_ID
    nbformat.write(notebook, report)
