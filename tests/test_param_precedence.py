"""A value given in a parameter file is used or refused, never overridden unseen: the command line wins over
a file, with a warning naming both, and a file's ``data:``, ``country:`` and ``out_dir:`` are used when the
command line does not give them (a run "on synthetic data" runs on the synthetic data)."""

import warnings

import pytest

from upr_lab.exceptions import ParameterError
from upr_lab.runs import params, preflight

try:
    from .test_bad_input import assert_refused, upr_lab  # noqa: F401 (a fixture)
except ImportError:
    from test_bad_input import assert_refused, upr_lab  # noqa: F401


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no params/defaults.yaml here: only the file written by the test
    return tmp_path


def params_file(folder, text):
    (folder / "p.yaml").write_text(text, encoding="utf-8")
    return folder / "p.yaml"


def checked(*args, **kwargs):
    """The prepared job, and the warnings said while preparing it."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        job = preflight.check_run(*args, **kwargs)
    return job, [str(w.message) for w in said if "overridden" in str(w.message)]


def test_a_files_data_is_used_when_the_command_line_gives_none(in_tmp):
    job, said = checked("compliance_trends", "NOR", params_file=params_file(in_tmp, "data: synthetic\n"))
    assert job.parameters["data"] == "synthetic" and said == []


def test_the_command_lines_data_wins_and_says_so(in_tmp):
    path = params_file(in_tmp, "data: synthetic\n")
    job, said = checked("compliance_trends", "NOR", data="upr", params_file=path)
    assert job.parameters["data"] == "upr"
    assert said == [f"{path}: data: 'synthetic' is overridden by --data 'upr' (the command line wins over a "
                    "parameter file)"]


def test_the_same_value_in_both_is_no_conflict(in_tmp):
    _, said = checked("compliance_trends", "NOR", data="synthetic", params_file=params_file(in_tmp,
                                                                                             "data: synthetic\n"))
    assert said == []


def test_a_files_country_is_overridden_by_the_command_line_with_a_warning(in_tmp):
    path = params_file(in_tmp, "country: KEN\ndata: synthetic\n")
    job, said = checked("compliance_trends", "NOR", params_file=path)
    assert job.country == "NOR" and job.parameters["country"] == "NOR"
    assert said == [f"{path}: country: 'KEN' is overridden by --country/--countries (the command line wins over a "
                    "parameter file)"]


def test_a_files_out_dir_is_the_output_folder_when_the_command_line_gives_none(in_tmp):
    path = params_file(in_tmp, f"out_dir: {in_tmp / 'mine'}\n")
    assert params.file_value("out_dir", ["compliance_trends"], path, None, "outputs") == str(in_tmp / "mine")
    with pytest.warns(UserWarning, match=r"p.yaml: out_dir: '.*mine' is overridden by --out 'elsewhere' \(the "
                                         r"command line wins over a parameter file\)"):
        assert params.file_value("out_dir", ["compliance_trends"], path, "elsewhere", "outputs") == "elsewhere"
    assert params.file_value("out_dir", ["compliance_trends"], None, None, "outputs") == "outputs"


def test_a_files_out_dir_is_where_the_run_would_write(upr_lab, tmp_path):
    """Proved through the command: the file's out_dir lies under a file, so the run is refused naming it."""
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    path = params_file(tmp_path, f"out_dir: {tmp_path / 'file.txt' / 'out'}\n")
    assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", path),
                   f"{tmp_path / 'file.txt' / 'out'}: {tmp_path / 'file.txt'} is a file, not a folder")


def test_a_batch_of_all_states_lists_those_of_the_files_data(in_tmp):
    path = params_file(in_tmp, "data: synthetic\n")
    jobs = preflight.check_batch(None, ["compliance_trends"], params_file=path)
    from upr_lab import load
    assert sorted(j.country for j in jobs) == sorted(set(load("synthetic").recommendations["sur_iso3"]))
    assert {j.parameters["data"] for j in jobs} == {"synthetic"}


def test_two_output_folders_for_the_analyses_of_one_batch_are_refused(in_tmp):
    path = params_file(in_tmp, "compliance_trends:\n  out_dir: a\ncivil_society:\n  out_dir: b\n")
    with pytest.raises(ParameterError, match=r"p.yaml: found out_dir with 2 values for the analyses; expected one "
                                             r"out_dir for a batch"):
        params.file_value("out_dir", ["compliance_trends", "civil_society"], path, None, "outputs")


def test_an_out_dir_that_is_no_text_is_refused(in_tmp):
    path = params_file(in_tmp, "out_dir: [a, b]\n")
    with pytest.raises(ParameterError, match=r"p.yaml: parameter out_dir = \['a', 'b'\]: expected a text value"):
        params.file_value("out_dir", ["compliance_trends"], path, None, "outputs")


def test_a_batch_says_an_overridden_country_once(in_tmp):
    path = params_file(in_tmp, "country: KEN\ndata: synthetic\n")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("default")  # as the command shows warnings: once per message
        jobs = preflight.check_batch(["NOR", "FRA"], ["compliance_trends", "civil_society"], params_file=path)
    assert [j.country for j in jobs] == ["NOR", "NOR", "FRA", "FRA"]
    assert len([w for w in said if "country: 'KEN' is overridden" in str(w.message)]) == 1
