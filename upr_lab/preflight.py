"""Checks made before any notebook runs, so that bad input refuses a whole run or batch up front.

``upr-lab run`` and ``upr-lab batch`` call these before executing anything: the parameter files,
the data source, the participation table and the States under review are all checked, and the first
problem ends the command with one ``UprLabError`` (exit status 2) instead of failing inside notebooks.
Nothing is written meanwhile.
"""

import difflib
import os
import warnings
from pathlib import Path

from . import dataset, params, runner
from .countries import check_iso3
from .exceptions import ParameterError
from .yamlfile import read_mapping

EXPECTED_PARAMS = "a mapping of parameter names to values (e.g. alpha: 0.05)"


def check_run(analysis, country, data="demo", participation=None, params_file=None, out="outputs"):
    """The prepared ``runner.Job`` of one run, once its parameters, inputs and State have been checked.

    Warnings from reading the data (e.g. exact repeats dropped) are shown here: a run reads its data
    again only in its notebook.
    """
    return _checked([country], [analysis], data, participation, params_file, out)[0]


def check_batch(countries, analyses, data="demo", participation=None, params_file=None, out="outputs"):
    """The prepared jobs of a batch (``countries=None``: every State under review in the data), checked.

    Warnings from reading the data are left to the batch, which reads it again, so they show once.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _checked(countries, analyses, data, participation, params_file, out)


def _checked(countries, analyses, data, participation, params_file, out):
    codes = None if countries is None else [check_iso3(c) for c in countries]
    for analysis in analyses:
        params.notebook_path(analysis)  # refuses an unknown analysis name
    if codes is None:
        codes = sorted(set(dataset.load(data).recommendations["sur_iso3"]))
    for analysis in analyses:
        for path in parameter_files(codes, params_file):
            check_parameter_file(path, analysis)
    jobs = [runner.prepare(a, c, data, participation, params_file, out) for c in codes for a in analyses]
    check_inputs(jobs, {"data": data, "participation": participation})
    return jobs


def parameter_files(codes, params_file=None, params_dir=params.PARAMS_DIR):
    """The YAML files the parameters of runs for ``codes`` are read from, as ``params.resolve`` reads them."""
    found = [params_dir / "defaults.yaml", *(params_dir / "countries" / f"{c}.yaml" for c in codes)]
    return [p for p in found if p.exists()] + ([Path(params_file)] if params_file else [])


def check_parameter_file(path, analysis):
    """Refuse a parameter file that is unreadable, not a mapping, or names parameters ``analysis`` lacks."""
    values = read_mapping(path, EXPECTED_PARAMS)
    own = values.get(analysis)
    if own is not None and not isinstance(own, dict):
        raise ParameterError(f"{path}: found {analysis}: {own!r}; expected {analysis} to hold {EXPECTED_PARAMS}")
    names = [k for k in values if k not in params.ANALYSES] + list(own or {})
    known = params.declared(analysis)
    unknown = [str(n) for n in names if n not in known]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(known), n=1)
        guess = f"; did you mean {close[0]}?" if close else ""
        raise ParameterError(f"{path}: found the unknown parameter{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)} for {analysis}{guess} Expected some of: {', '.join(known)}")


def check_inputs(jobs, given=None):
    """Load every data source and participation table the jobs read; refuse States absent from the data.

    ``given`` maps input names to paths as the user spelt them, so that messages name files that way.
    """
    by_inputs = {}
    for job in jobs:
        key = tuple(input_path(job, name, (given or {}).get(name)) for name in ("data", "participation"))
        by_inputs.setdefault(key, []).append(job.country)
    for (data, participation), countries in by_inputs.items():
        dataset.check_inputs(data, participation, countries)


def input_path(job, name, given=None):
    """An input of a prepared job (whose parameters are relative to its run folder) as a path to open now."""
    value = job.parameters.get(name)
    if value is None or (name == "data" and value == "demo"):
        return value
    path = Path(os.path.normpath(Path(job.destination).resolve() / value))
    return given if given is not None and Path(given).resolve() == path else path
