"""Parameter and alias files (YAML) past the limits of safe loading: refused in one line naming the limit,
before anything is built or run (no RecursionError, no exponential memory, no megabyte message)."""

import os
import subprocess
import sys

import pytest

from upr_lab import limits
from upr_lab.exceptions import ParameterError
from upr_lab.yamlfile import read_mapping

try:
    from .test_bad_input import assert_refused, copy_export, upr_lab  # noqa: F401 (a fixture)
except ImportError:
    from test_bad_input import assert_refused, copy_export, upr_lab  # noqa: F401


def billion_laughs(levels=9):
    """A kilobyte of anchors, each level nine aliases of the one before: 9**levels values once expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append(f"alpha: *{chr(96 + levels)}")
    return "\n".join(lines) + "\n"


CASES = {
    "nested lists 3,000 deep": ("alpha: " + "[" * 3000 + "]" * 3000 + "\n",
                                f"nested more than {limits.MAX_YAML_DEPTH} deep", "the limit on YAML depth"),
    "nested mappings 2,500 deep": ("alpha: " + "{a: " * 2500 + "1" + "}" * 2500 + "\n",
                                   "nested more than", "the limit on YAML depth"),
    "a number of 5,000 digits": ("alpha: " + "9" * 5000 + "\n", "found a number of 5,000 digits",
                                 "(the limit on the digits of a number)"),
    "billion laughs": (billion_laughs(), "once its aliases (*name) are expanded",
                       "the limit on YAML alias expansion"),
    "more than a megabyte": ("alpha: 0.05\n" + "# padding\n" * 120_000, "expected at most 1 MB",
                             "the limit on the size of a YAML file"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_yaml_past_a_limit_is_refused_with_the_limit_named(tmp_path, case):
    text, *fragments = CASES[case]
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as raised:
        read_mapping(path, "a mapping")
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert all(f in message for f in fragments), message
    assert "\n" not in message and len(message) < 400


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_parameter_file_refuses_the_run_before_any_notebook(upr_lab, tmp_path, case):
    text, *fragments = CASES[case]
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    line = assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", tmp_path / "p.yaml",
                                  "--out", out), "p.yaml", *fragments)
    assert len(line) < 400
    assert not out.exists()


@pytest.mark.parametrize("case", ["billion laughs", "a number of 5,000 digits", "nested lists 3,000 deep"])
def test_a_bad_alias_file_refuses_data_info(upr_lab, upr_info_dir, tmp_path, case):
    text, *fragments = CASES[case]
    path = copy_export(upr_info_dir, tmp_path / "exports")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "country_aliases.yaml").write_text(text, encoding="utf-8")
    assert_refused(upr_lab("data", "info", "--data", path), "params/country_aliases.yaml: ", *fragments)


def test_billion_laughs_stays_in_bounded_memory(tmp_path):
    """In a process limited to 1 GB of address space, the refusal comes at once (unguarded: 3 GB)."""
    (tmp_path / "p.yaml").write_text(billion_laughs(), encoding="utf-8")
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30));"
            "from upr_lab.yamlfile import read_mapping; from upr_lab.exceptions import ParameterError\n"
            f"try: read_mapping({str(tmp_path / 'p.yaml')!r}, 'x')\nexcept ParameterError as e: print(e)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "the limit on YAML alias expansion" in done.stdout


def test_aliases_within_the_limit_and_long_quoted_digits_are_read(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(billion_laughs(3) + "data: '" + "9" * 5000 + "'\nnested: " + "[" * 40 + "]" * 40 + "\n",
                    encoding="utf-8")
    read = read_mapping(path, "a mapping")
    assert len(read["alpha"]) == 9 and read["alpha"][0][0] == ["lol"] * 9
    assert read["data"] == "9" * 5000


def test_a_bad_value_is_quoted_as_a_short_excerpt(upr_lab, tmp_path):
    (tmp_path / "p.yaml").write_text("alpha: [" + ", ".join(["0.5"] * 5000) + "]\n", encoding="utf-8")
    line = assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", tmp_path / "p.yaml",
                                  "--out", tmp_path / "out"), "parameter alpha = [0.5, 0.5",
                          "0.5,...: expected a number")
    assert len(line) < 300


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_parameter_file(upr_lab, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("alpha: 0.1\n", encoding="utf-8")
    path.chmod(0)
    assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", path, "--out",
                           tmp_path / "out"), "p.yaml: cannot be read (permission denied)")


def test_a_fifo_as_parameter_file_is_refused_without_blocking(upr_lab, tmp_path):
    os.mkfifo(tmp_path / "p.yaml")
    assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", tmp_path / "p.yaml",
                           "--out", tmp_path / "out"), "p.yaml: found a FIFO (named pipe), not a regular file")


