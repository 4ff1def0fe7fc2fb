"""Parameters of analysis runs: defaults, per-country overrides and user files (YAML), checked by name."""

import ast
import difflib
import functools
import json
import warnings
from pathlib import Path

from upr_lab.exceptions import ParameterError
from upr_lab.limits import excerpt
from upr_lab.yamlfile import read_mapping

ANALYSES = ("compliance_trends", "civil_society", "regional_comparison", "recommending_states")
PATH_PARAMETERS = ("data", "participation", "implementation", "context")  # parameters naming input files
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
PARAMS_DIR = Path("params")
EXPECTED = "a mapping of parameter names to values (e.g. alpha: 0.05)"
RANGES = {"alpha": (0, 1)}  # open intervals of numeric parameters


def notebook_path(analysis):
    """The template notebook of an analysis."""
    if analysis not in ANALYSES:
        raise ParameterError(f"unknown analysis {analysis!r}; expected one of: {', '.join(ANALYSES)}")
    return NOTEBOOK_DIR / f"{analysis}.ipynb"


def declared(analysis):
    """The parameters a notebook declares in its ``parameters`` cell, with their default values."""
    path = notebook_path(analysis)
    return dict(_declared(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=32)
def _declared(path, mtime_ns):  # a batch asks once per run: read each notebook once
    """The assignments of the cell tagged ``parameters`` (as papermill finds it), read without papermill,
    which a no-op batch would otherwise import for this alone."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return tuple((node.targets[0].id, ast.literal_eval(node.value)) for node in ast.parse(source).body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name))


def read_yaml(path):
    """A YAML parameter file's mapping; one clear error if it is missing, malformed or not a mapping."""
    return read_mapping(path, EXPECTED)


def resolve(analysis, country, given=None, params_file=None, params_dir=PARAMS_DIR):
    """Merge defaults.yaml, countries/<ISO3>.yaml, a user file and explicit values; check every name and value.

    Each problem is reported with the file (or the command line) it comes from.
    """
    layers = [params_dir / "defaults.yaml", params_dir / "countries" / f"{country}.yaml"]
    layers = [path for path in layers if path.exists()] + ([Path(params_file)] if params_file else [])
    merged, given = {}, given or {}
    for origin, values in [*((p, _for_analysis(read_yaml(p), analysis, p)) for p in layers),
                           ("the command line", given)]:
        _check_names(analysis, values, origin)
        for name, value in values.items():
            check_value(analysis, name, value, origin)
            if origin != "the command line" and name in given and given[name] != value:
                _overridden(origin, name, value, given[name] if name != "country" else None)
        merged.update(values)
    return merged


def _overridden(origin, name, value, instead):
    """Say that the command line's value replaces a file's (``instead``: None to leave it out of the message,
    so that a batch says it once rather than once per State)."""
    options = {"country": "--country/--countries", "out_dir": "--out", **{n: f"--{n}" for n in PATH_PARAMETERS}}
    shown = excerpt(instead, 200) if instead is not None else None
    option = options.get(name, "the value given to the run")
    given = "" if shown is None else f" {shown}" if name in options else f" ({shown})"
    warnings.warn(f"{origin}: {name}: {excerpt(value, 200)} is overridden by {option}{given} (the command line wins "
                  "over a parameter file)", stacklevel=3)


def file_value(name, analyses, params_file, given=None, default=None, params_dir=PARAMS_DIR):
    """The value of ``name`` for a run or batch of ``analyses``: ``given`` (from the command line) where not
    None, else the last of defaults.yaml and the ``params_file`` that sets it, else ``default``. A file
    value that the command line replaces is said in a warning when ``name`` is ``out_dir`` (``resolve``
    says it for the others); one batch has one value (a file giving two, for two analyses, is refused)."""
    found = None
    for path in [p for p in [params_dir / "defaults.yaml"] if p.exists()] + ([Path(params_file)] if params_file
                                                                              else []):
        values = [v for v in (_for_analysis(read_yaml(path), a, path).get(name) for a in analyses) if v is not None]
        for value in values:
            if not isinstance(value, str):
                raise ParameterError(f"{path}: parameter {name} = {excerpt(value)}: expected a text value")
        if len(set(values)) > 1:
            raise ParameterError(f"{path}: found {name} with {len(set(values))} values for the analyses; expected "
                                 f"one {name} for a batch (run the analyses separately)")
        if values:
            found = (values[0], path)
    if given is not None:
        if found and name == "out_dir" and Path(found[0]) != Path(given):
            _overridden(found[1], name, found[0], given)
        return given
    return found[0] if found else default


def check_value(analysis, name, value, origin="the parameters"):
    """Refuse a value of the wrong kind for ``name`` (parameters are text, numbers or None)."""
    expected = _expected_kind(name, declared(analysis)[name], value)
    if expected:
        raise ParameterError(f"{origin}: parameter {name} = {excerpt(value)}: expected {expected}")


def check_injection(parameters):
    """Refuse any value that papermill would not write into the notebook as that same literal value."""
    for name, value in parameters.items():
        if not _injected_as_value(name, value):
            raise ParameterError(f"parameter {name} = {excerpt(value)}: cannot be passed to the notebook as a "
                                 "plain value")


def _expected_kind(name, default, value):
    """What ``value`` should have been, or None when it is fine."""
    if name in RANGES:
        low, high = RANGES[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and low < value < high
        return None if ok else f"a number between {low} and {high} (e.g. {default})"
    if isinstance(default, str) or default is None:
        return None if isinstance(value, str) or (default is None and value is None) else "a text value"
    return None if type(value) is type(default) else f"a value like {default!r}"


def _injected_as_value(name, value):
    """True when papermill's parameter cell for ``value`` parses back to exactly ``value``, and nothing else."""
    from papermill.translators import PythonTranslator

    tree = ast.parse(PythonTranslator.codify({name: value}))
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return False
    try:
        injected = ast.literal_eval(tree.body[0].value)
    except ValueError:
        return False
    return type(injected) is type(value) and injected == value


def _for_analysis(data, analysis, path):
    """Top-level keys apply to every analysis; a key named after an analysis holds its own values."""
    common = {k: v for k, v in data.items() if k not in ANALYSES}
    own = data.get(analysis)
    if own is not None and not isinstance(own, dict):
        raise ParameterError(f"{path}: found {analysis}: {excerpt(own)}; expected {analysis} to hold {EXPECTED}")
    return {**common, **(own or {})}


def _check_names(analysis, values, origin):
    known = declared(analysis)
    unknown = [excerpt(name) if not isinstance(name, str) else excerpt(name).strip("'") for name in values
               if name not in known]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(known), n=1)
        guess = f"; did you mean {close[0]}?" if close else ""
        raise ParameterError(f"{origin}: found the unknown parameter{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)} for {analysis}{guess} Expected some of: {', '.join(known)}")
