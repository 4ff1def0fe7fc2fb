"""Output paths that cannot be written are refused by one check, before any work starts, in every command
that writes (one line: which path and why, exit 2, nothing written); ``--data`` naming a FIFO, a device or
an unreadable folder is refused by name instead of hanging or failing deep inside a reader."""

import os

import pytest

from upr_lab import files
from upr_lab.sources import dataset

try:
    from .test_bad_input import assert_refused, upr_lab  # noqa: F401 (a fixture)
except ImportError:
    from test_bad_input import assert_refused, upr_lab  # noqa: F401


@pytest.fixture
def nothing_loaded(monkeypatch):
    """Fail the test if a command reads any data before refusing its output path."""
    def refuse(*args, **kwargs):
        raise AssertionError("data were loaded before the output path was checked")
    monkeypatch.setattr(dataset, "load", refuse)
    monkeypatch.setattr(dataset, "check_inputs", refuse)


@pytest.fixture
def place(tmp_path):
    """A plain file and a folder to misuse as output paths."""
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


COMMANDS = {  # command: (arguments before --out, what it writes)
    "data info --differences": (["data", "info", "--differences"], "file"),
    "data export": (["data", "export", "--out"], "file"),
    "participation extract": (["participation", "extract", "summary.pdf", "--out"], "file"),
    "code sheet": (["code", "sheet", "--country", "SVN", "--cycle", "1", "--out"], "file"),
    "code agree": (["code", "agree", "a.xlsx", "b.xlsx", "--out"], "file"),
    "code merge": (["code", "merge", "a.xlsx", "b.xlsx", "--out"], "file"),
    "run": (["run", "compliance_trends", "--country", "NOR", "--out"], "folder"),
    "batch": (["batch", "--countries", "NOR", "--analyses", "compliance_trends", "--out"], "folder"),
}
BAD = {  # case: (the path under the test folder, what the message says; for a file / for a folder)
    "under a missing folder": ("missing/out.csv", "the folder {t}/missing does not exist; expected a file to write "
                               "in an existing folder (create the folder first)", None),
    "under a file": ("file.txt/out.csv", "{t}/file.txt is a file, not a folder; expected a file to write",
                     "{t}/file.txt is a file, not a folder; expected a folder to write into"),
    "a folder where a file is expected": ("folder", "found a folder; expected a file to write (a file name, e.g. ",
                                          None),
    "a file where a folder is expected": ("file.txt", None, "found a file; expected a folder to write into"),
}


MISTAKES = [(command, case) for command, (_, kind) in COMMANDS.items() for case, (_, *said) in BAD.items()
            if said[kind == "folder"] is not None]  # each mistake for the commands that write what it misuses


@pytest.mark.usefixtures("nothing_loaded")
@pytest.mark.parametrize("command,case", MISTAKES)
def test_an_output_path_that_cannot_be_written_is_refused_first(upr_lab, place, command, case):
    args, kind = COMMANDS[command]
    name, for_file, for_folder = BAD[case]
    expected = for_file if kind == "file" else for_folder
    before = sorted(p.relative_to(place) for p in place.rglob("*"))
    assert_refused(upr_lab(*args, place / name), f"{place / name}: ", expected.format(t=place))
    assert sorted(p.relative_to(place) for p in place.rglob("*")) == before


@pytest.mark.usefixtures("nothing_loaded")
@pytest.mark.parametrize("command", ["data export", "code merge", "data info --differences"])
def test_a_device_as_output_file_is_refused(upr_lab, command):
    args, _ = COMMANDS[command]
    assert_refused(upr_lab(*args, "/dev/null"), "/dev/null: found a special file (FIFO or device), not a regular "
                   "file; expected a file to write")


@pytest.mark.parametrize("command", ["code agree", "code merge"])
def test_a_coding_sheet_given_as_the_output_is_refused(upr_lab, place, command):
    args, _ = COMMANDS[command]
    sheet = place / "a.xlsx"
    sheet.write_bytes(b"a coder's work")
    assert_refused(upr_lab(*args[:2], sheet, place / "b.xlsx", "--out", sheet),
                   "a.xlsx: is also an input of the command; expected a file to write that is not read")
    assert sheet.read_bytes() == b"a coder's work"


@pytest.mark.usefixtures("nothing_loaded")
@pytest.mark.parametrize("command", ["data export", "run", "code sheet"])
def test_a_read_only_folder_is_refused(upr_lab, place, monkeypatch, command):
    """As root every folder is writable, so the permission the system would give is played here."""
    args, kind = COMMANDS[command]
    real = os.access
    monkeypatch.setattr(files.os, "access", lambda p, mode: False if "folder" in str(p) else real(p, mode))
    target = place / "folder" / ("out.csv" if kind == "file" else "")
    assert_refused(upr_lab(*args, target), f"cannot be written: the folder {place / 'folder'} is read-only or not "
                   "yours (permission denied)")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_really_read_only_folder_is_refused(upr_lab, place):
    (place / "folder").chmod(0o555)
    try:
        assert_refused(upr_lab("data", "export", "--out", place / "folder" / "x.csv"), "permission denied")
    finally:
        (place / "folder").chmod(0o755)


def test_a_missing_output_folder_of_a_run_is_accepted_and_created_later(tmp_path):
    assert files.check_output(tmp_path / "new" / "outputs", "folder") == tmp_path / "new" / "outputs"
    assert not (tmp_path / "new").exists()  # nothing written by the check itself


# -- --data naming what is no data -------------------------------------------------------------------

def test_data_naming_a_fifo_is_refused_without_blocking(upr_lab, tmp_path):
    os.mkfifo(tmp_path / "exports.csv")
    assert_refused(upr_lab("data", "info", "--data", tmp_path / "exports.csv"),
                   "exports.csv: found a FIFO (named pipe), not a regular file; expected an export file")


def test_data_naming_a_device_is_refused(upr_lab):
    assert_refused(upr_lab("data", "info", "--data", "/dev/null"),
                   "/dev/null: found a device, not a regular file; expected an export file or a folder of exports")


def test_data_naming_an_unreadable_folder_is_refused(upr_lab, tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    real = type(folder).iterdir

    def denied(self):
        if self == folder:
            raise PermissionError(13, "Permission denied")
        return real(self)
    monkeypatch.setattr(type(folder), "iterdir", denied)
    assert_refused(upr_lab("data", "info", "--data", folder),
                   "exports: cannot be read (Permission denied); expected a folder of exports")
