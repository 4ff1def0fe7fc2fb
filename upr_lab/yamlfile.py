"""Reading the YAML files users write (parameters, country aliases): one clear message for any problem.

Safe loading: besides PyYAML's safe loader (no Python objects), a file is refused, with the limit named
(``upr_lab.limits``), when it is larger than ``MAX_YAML_BYTES``, nests lists and mappings deeper than
``MAX_YAML_DEPTH`` (PyYAML would overflow Python's stack), holds more than ``MAX_YAML_NODES`` values once
its aliases are expanded (a kilobyte of self-expanding anchors, "billion laughs", would otherwise print
gigabytes in an error message), or a number of more than ``MAX_NUMBER_DIGITS`` digits. These checks run on
the parser's events, before anything is built.
"""

from pathlib import Path

import yaml

from .exceptions import DataError, ParameterError
from .limits import (MAX_NUMBER_DIGITS, MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, MB, excerpt,
                     readable_file)

NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def read_mapping(path, expected):
    """A YAML file's mapping (empty for an empty file); one-line ``ParameterError`` for anything else."""
    path = Path(path)
    try:
        readable_file(path, f"a YAML file holding {expected}")
        raw = path.read_bytes() if path.stat().st_size <= MAX_YAML_BYTES else None
    except DataError as exc:
        raise ParameterError(str(exc)) from None
    except OSError as exc:
        raise ParameterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if raw is None:
        raise ParameterError(f"{path}: found {path.stat().st_size / MB:,.1f} MB; expected at most "
                             f"{MAX_YAML_BYTES // MB} MB (the limit on the size of a YAML file)")
    try:
        text = raw.decode("utf-8")
        _check_limits(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: found a byte that is not UTF-8 at byte {exc.start}; expected a YAML text "
                             "file in UTF-8") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: {problem(exc)}; expected YAML holding {expected}") from None
    except _Limit as exc:
        raise ParameterError(f"{path}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: found a YAML {_kind(data)}; expected {expected}")
    return data


class _Limit(Exception):
    """A YAML file past one of the limits (the message names it)."""


def _check_limits(text):
    """Walk the parser's events (no recursion, nothing built): depth, expanded size and digits of numbers."""
    anchors, open_nodes, done = {}, [], 0  # anchor -> expanded size; per open list or mapping: [anchor, size]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_nodes) >= MAX_YAML_DEPTH:
                raise _Limit(_where(event, f"found lists or mappings nested more than {MAX_YAML_DEPTH} deep; "
                                           f"expected at most {MAX_YAML_DEPTH} levels (the limit on YAML depth)"))
            open_nodes.append([event.anchor, 1])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_nodes.pop()
        elif isinstance(event, yaml.ScalarEvent):
            _check_number(event)
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, anchors.get(event.anchor, 1)
        else:
            continue
        if anchor is not None:
            anchors[anchor] = size
        if open_nodes:
            open_nodes[-1][1] += size
        else:
            done += size
        if done + sum(size for _, size in open_nodes) > MAX_YAML_NODES:
            raise _Limit(_expanded(event))


def _expanded(event):
    return _where(event, f"found more than {MAX_YAML_NODES:,} values once its aliases (*name) are expanded; "
                         f"expected at most {MAX_YAML_NODES:,} (the limit on YAML alias expansion)")


def _check_number(event):
    """Refuse a plain scalar the safe loader would read as a number of more than ``MAX_NUMBER_DIGITS`` digits."""
    if event.style or event.tag is not None:
        return
    digits = sum(ch.isdigit() for ch in event.value)
    if digits <= MAX_NUMBER_DIGITS:
        return
    tag = yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, event.value, (True, False))
    if tag in NUMBER_TAGS:
        raise _Limit(_where(event, f"found a number of {digits:,} digits ({excerpt(event.value, 20)}); expected at "
                                   f"most {MAX_NUMBER_DIGITS} digits (the limit on the digits of a number)"))


def _where(event, message):
    mark = getattr(event, "start_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}: {message}" if mark else message


def problem(exc):
    """One line for a YAML syntax error: what the parser found, and where."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    text = " ".join(str(getattr(exc, "problem", None) or exc)[:400].split())
    return f"malformed YAML{where}: {text}"


def _kind(value):
    kinds = {list: "list", str: "string", int: "number", float: "number", bool: "true/false"}
    return kinds.get(type(value), type(value).__name__)
