"""Reading the YAML files users write (parameters, country aliases): one clear message for any problem."""

from pathlib import Path

import yaml

from .exceptions import ParameterError


def read_mapping(path, expected):
    """A YAML file's mapping (empty for an empty file); one-line ``ParameterError`` for anything else."""
    path = Path(path)
    if path.is_dir():
        raise ParameterError(f"{path}: found a folder; expected a YAML file holding {expected}")
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{path}: no such file; expected a YAML file holding {expected}") from None
    except OSError as exc:
        raise ParameterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: found a byte that is not UTF-8 at byte {exc.start}; expected a YAML text "
                             "file in UTF-8") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: {problem(exc)}; expected YAML holding {expected}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: found a YAML {_kind(data)}; expected {expected}")
    return data


def problem(exc):
    """One line for a YAML syntax error: what the parser found, and where."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    text = " ".join(str(getattr(exc, "problem", None) or exc).split())
    return f"malformed YAML{where}: {text}"


def _kind(value):
    kinds = {list: "list", str: "string", int: "number", float: "number", bool: "true/false"}
    return kinds.get(type(value), type(value).__name__)
