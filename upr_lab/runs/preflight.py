"""Checks made before any notebook runs, so that bad input refuses a whole run or batch up front.

``upr-lab run`` and ``upr-lab batch`` call these before executing anything: the parameter files,
the data source, the participation table and the States under review are all checked, and the first
problem ends the command with one ``UprLabError`` (exit status 2) instead of failing inside notebooks.
Nothing is written meanwhile.
"""

import os
import warnings
from pathlib import Path

from upr_lab.sources import cache, dataset
from upr_lab.sources.context.load import check_review_years, context_table
from upr_lab.sources.countries import check_iso3, pin_default_aliases
from upr_lab.sources.dataset import is_named, map_paths, source_parts
from upr_lab.sources.formats.participation import is_downloaded

from . import params
from .job import prepare


def check_run(analysis, country, data=None, participation=None, params_file=None, out="outputs", parameters=None):
    """The prepared ``job.Job`` of one run, once its parameters, inputs and State have been checked.

    Warnings from reading the data (e.g. exact repeats dropped) are shown here, once.
    """
    return _checked([country], [analysis], data, participation, params_file, out, parameters)[0]


def check_batch(countries, analyses, data=None, participation=None, params_file=None, out="outputs",
                parameters=None):
    """The prepared jobs of a batch (``countries=None``: every State under review in the data), checked."""
    return _checked(countries, analyses, data, participation, params_file, out, parameters, keep_loaded=True)


def _checked(countries, analyses, data, participation, params_file, out, parameters=None, keep_loaded=False):
    pin_default_aliases()  # the kernels work in their run folders
    codes = None if countries is None else [check_iso3(c) for c in countries]
    for analysis in analyses:
        params.notebook_path(analysis)  # refuses an unknown analysis name
    if codes is None:
        with warnings.catch_warnings():  # shown once, when check_inputs reads the data again
            warnings.simplefilter("ignore")
            source = params.file_value("data", analyses, params_file, data, dataset.DEFAULT_SOURCE)
            codes = sorted(set(dataset.load(source).recommendations["sur_iso3"]))
    jobs = [prepare(a, c, data, participation, params_file, out, parameters) for c in codes for a in analyses]
    check_inputs(jobs, {"data": data, "participation": participation}, keep_loaded)
    return jobs


_loaded = {}  # (data, implementation) -> the data set the last check_inputs loaded (for predict_once)


def check_inputs(jobs, given=None, keep_loaded=False):
    """Load every data source, participation table and context the jobs read; refuse States absent from the data.

    ``given`` maps input names to paths as the user spelt them, so that messages name files that way.
    ``keep_loaded``: the data sets are kept until ``predict_once`` (a batch's), which then needs not read them.
    """
    by_inputs, read_as = {}, {}
    for job in jobs:
        key = tuple(input_path(job, name, (given or {}).get(name)) for name in ("data", "participation",
                                                                               "implementation"))
        by_inputs.setdefault(key, []).append(job.country)
        read_as.setdefault(key, set()).add((input_path(job, "data"), input_path(job, "implementation")))
    _loaded.clear()
    for key, countries in by_inputs.items():
        loaded = dataset.check_inputs(*key[:2], countries, key[2])
        if keep_loaded:
            _loaded.update(dict.fromkeys(read_as[key], loaded))  # as predict_once names the inputs
    for context in sorted({str(input_path(job, "context")) for job in jobs if job.parameters.get("context")}):
        check_review_years(context_table(context))  # a file of no known layout, or of no review's years, refused


def input_path(job, name, given=None):
    """An input of a prepared job (whose parameters are relative to its run folder) as a path to open now."""
    value = job.parameters.get(name)
    if value is None or (name == "data" and is_named(value)) or (name == "participation" and is_downloaded(value)):
        return value
    if len(source_parts(value)) > 1:
        return map_paths(value, lambda part: os.path.normpath(Path(job.destination).resolve() / part))
    path = Path(os.path.normpath(Path(job.destination).resolve() / value))
    return given if given is not None and Path(given).resolve() == path else path


def predict_once(jobs, keep_server=False):
    """Predict the action categories and issue tags the jobs' data lack (``stats.classify.in_use``) once, before
    any notebook runs, in a process of its own, so that every kernel reads them back from the cache.

    ``keep_server``: keep the fork server that forked that process, for this batch's kernels to borrow
    (``forkserver.lend``) rather than start it again; otherwise (a batch on a cluster) it ends here.

    Otherwise the first notebook on each kernel predicts them, all kernels at once at the start of a batch,
    each holding the classifier and its working memory for the rest of the batch. Without a cache folder
    there is nowhere to keep them, and each kernel predicts as before; so it does if predicting fails here
    (each run then fails with its own error, as it would have).
    """
    loaded = dict(_loaded)
    _loaded.clear()  # not held for the rest of the batch
    if cache.location() is None or not jobs:
        return
    from upr_lab.stats.processes import forkserver, own_process  # the statistics layer: only when a batch runs

    inputs = {(input_path(job, "data"), input_path(job, "implementation")) for job in jobs
              if job.parameters.get("predict_categories", True) is not False}
    for data, implementation in sorted(inputs, key=str):
        if _already_predicted(loaded.get((data, implementation))):
            continue
        try:
            own_process.call(_predict, data, implementation)
        except Exception:  # noqa: BLE001  the kernels predict for themselves, and a run that cannot says why
            pass
    if not keep_server:
        forkserver.close()  # this process computes nothing else in isolation: its imports go back to the system


def _already_predicted(loaded):
    """Whether ``loaded`` (a data set ``check_batch`` read, or None) needs no prediction that the cache does not
    hold: then no process is started for it (starting one costs more than a second of imports)."""
    from upr_lab.stats.classify import in_use

    try:
        return loaded is not None and in_use.predictions_cached(loaded)
    except Exception:  # noqa: BLE001  predicted in a process of its own, as when nothing is known
        return False


def _predict(data, implementation):
    from upr_lab.stats.classify import in_use

    with warnings.catch_warnings():  # shown once already, by check_inputs
        warnings.simplefilter("ignore")
        in_use.with_predictions(dataset.load(data, assessments=implementation))
