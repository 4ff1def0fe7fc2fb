"""Comparing a recorded run folder with a re-executed one, difference by difference, in plain words.

Each function returns a list of readable differences (empty when the two agree). Notebook cell
outputs are compared after the declared sanitising of ``data/volatile.cfg`` (the same file
``pytest --nbval --sanitize-with`` reads); everything else is compared byte for byte.
"""

import configparser
import io
import json
import re
from pathlib import Path

from upr_lab._lazy import import_jsonschema

import_jsonschema()  # before nbformat imports it (see upr_lab._lazy)
import nbformat  # noqa: E402

VOLATILE = Path(__file__).resolve().parents[1] / "data" / "volatile.cfg"
MAX_SHOWN = 10  # differences listed per file before "... and N more"


def metrics(recorded, again):
    """``metrics.json``: identical bytes, else every differing key with both values."""
    missing = _missing(recorded, again)
    if missing or recorded.read_bytes() == again.read_bytes():
        return missing
    try:
        old = json.loads(recorded.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{recorded.name}: not valid JSON any more ({exc})"]
    found = [f"{recorded.name}: {key}: recorded {a}, re-executed {b}"
             for key, a, b in _json_differences(old, json.loads(again.read_text(encoding="utf-8")))]
    return _limit(found or [f"{recorded.name}: same values, different bytes (layout or key order changed)"])


def _json_differences(old, new, key=""):
    if isinstance(old, dict) and isinstance(new, dict):
        for name in [*old, *(k for k in new if k not in old)]:
            yield from _json_differences(old.get(name, "(absent)"), new.get(name, "(absent)"),
                                         f"{key}.{name}" if key else str(name))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from _json_differences(a, b, f"{key}[{i}]")
    elif old != new or type(old) is not type(new):
        yield key or "(whole file)", json.dumps(old), json.dumps(new)


def figures(recorded_dir, again_dir):
    """``figures/*.png``: the same names, and each figure's bytes identical."""
    old = {p.name: p for p in sorted(recorded_dir.glob("*.png"))}
    new = {p.name: p for p in sorted(again_dir.glob("*.png"))}
    found = [f"figures/{n}: in the run but not drawn on re-execution" for n in old if n not in new]
    found += [f"figures/{n}: drawn on re-execution but missing from the run" for n in new if n not in old]
    found += [f"figures/{n}: differs ({_pixel_difference(old[n], new[n])})"
              for n in old if n in new and old[n].read_bytes() != new[n].read_bytes()]
    return found


def _pixel_difference(old, new):
    from matplotlib import image

    try:
        a, b = image.imread(io.BytesIO(old.read_bytes())), image.imread(io.BytesIO(new.read_bytes()))
    except (OSError, ValueError, SyntaxError):
        return "the recorded file is not a readable PNG"
    if a.shape != b.shape:
        return f"size {a.shape[1]}x{a.shape[0]} recorded, {b.shape[1]}x{b.shape[0]} re-executed"
    changed = (a != b).any(axis=-1).mean() if a.ndim == 3 else (a != b).mean()
    return f"{changed:.2%} of pixels differ" if changed else "same pixels, different file bytes"


def html(recorded, again):
    """``report.html``: identical bytes, else where the two pages first differ."""
    missing = _missing(recorded, again)
    if missing or recorded.read_bytes() == again.read_bytes():
        return missing
    old = recorded.read_text(encoding="utf-8", errors="replace").splitlines()
    new = again.read_text(encoding="utf-8", errors="replace").splitlines()
    line = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    a, b = (old[line] if line < len(old) else ""), (new[line] if line < len(new) else "")
    return [f"{recorded.name}: differs from the page built from the re-executed notebook, first at line "
            f"{line + 1}: recorded {_clip(_around_change(a, b))}"]


def cells(recorded, again):
    """Code cells of ``report.ipynb``: same sources, same outputs after declared sanitising."""
    missing = _missing(recorded, again)
    if missing:
        return missing
    try:
        old = _code_cells(recorded)
    except (ValueError, nbformat.ValidationError) as exc:
        return [f"{recorded.name}: not a readable notebook any more ({exc})"]
    new = _code_cells(again)
    if len(old) != len(new):
        return [f"{recorded.name}: {len(old)} code cells recorded, {len(new)} on re-execution"]
    rules = volatile_rules()
    found = []
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a.source != b.source:
            found.append(f"{recorded.name}: code cell {number}: source differs from the re-executed notebook")
        elif _outputs(a, rules) != _outputs(b, rules):
            found.append(f"{recorded.name}: code cell {number}: output differs: {_first_change(a, b, rules)}")
    return _limit(found)


def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _outputs(cell, rules):
    """A cell's outputs as comparable text: type, stream name, every MIME bundle, sanitised."""
    shown = []
    for output in cell.get("outputs", []):
        parts = {"output_type": output.get("output_type"), "name": output.get("name"),
                 "text": output.get("text"), "ename": output.get("ename"), "evalue": output.get("evalue")}
        parts.update({f"data:{mime}": value for mime, value in sorted(output.get("data", {}).items())})
        shown.append({k: sanitise(_joined(v), rules) for k, v in parts.items() if v is not None})
    return shown


def _joined(value):
    return "".join(value) if isinstance(value, list) else value if isinstance(value, str) else json.dumps(value)


def _first_change(a, b, rules):
    old, new = _outputs(a, rules), _outputs(b, rules)
    for i, (x, y) in enumerate(zip(old, new)):
        for key in [*x, *(k for k in y if k not in x)]:
            if x.get(key) != y.get(key):
                return f"output {i + 1} ({key}): recorded {_clip(_around_change(x.get(key), y.get(key)))}"
    return f"{len(old)} outputs recorded, {len(new)} on re-execution"


def _around_change(old, new):
    old, new = old or "", new or ""
    at = next((i for i, (p, q) in enumerate(zip(old, new)) if p != q), min(len(old), len(new)))
    start = max(0, at - 30)
    return f"'{old[start:at + 50]}', re-executed '{new[start:at + 50]}'"


def volatile_rules(path=VOLATILE):
    """The declared sanitising rules: (compiled regex, replacement) from an nbval sanitize file."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def sanitise(text, rules):
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def _missing(recorded, again):
    if not recorded.exists():
        return [f"{recorded.name}: missing from the run"]
    if not again.exists():
        return [f"{recorded.name}: not written on re-execution"]
    return []


def _limit(found):
    return found if len(found) <= MAX_SHOWN else found[:MAX_SHOWN] + [f"... and {len(found) - MAX_SHOWN} more"]


def _clip(text, width=240):
    return text if len(text) <= width else text[:width] + "…"
