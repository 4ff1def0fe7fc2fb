"""Country-year context files (PTS, Fariss, V-Dem) that are damaged, off their scale or of no use: one line
naming the file (row, column), what was found and what was expected; never read as if whole."""

import warnings

import pytest

from upr_lab import context
from upr_lab.exceptions import DataError

try:
    from .test_bad_input import assert_refused, upr_lab  # noqa: F401 (a fixture)
except ImportError:
    from test_bad_input import assert_refused, upr_lab  # noqa: F401

PTS = "Country,Country_OLD,Year,COW_Code_A,COW_Code_N,WordBank_Code_A,UN_Code_N,Region,PTS_A,PTS_H,PTS_S\r\n"
FARISS = '"YEAR","COW","theta_mean","theta_sd","country_name"\n'
VDEM = "Entity,Code,Year,Electoral democracy index\n"


def pts_row(year=2010, score="1"):
    return f"Norway,Norway,{year},NOR,385,NOR,578,weog,{score},NA,1\r\n"


def fariss_row(year=2010, mean="1.5", sd="0.2"):
    return f'{year},385,{mean},{sd},"Norway"\n'


REFUSED = {  # file name: (bytes, what the message says after the file's name)
    "a fractional PTS score": ("pts.csv", PTS + pts_row() + pts_row(2011, "2.5"),
                               "pts.csv, row 3, column 'pts_a': found '2.5'; expected NA or a score 1-5"),
    "a 20-digit PTS score": ("pts.csv", PTS + pts_row(score="1" * 20),
                             "row 2, column 'pts_a': found '11111111111111111111'; expected NA or a score 1-5"),
    "an infinite PTS score": ("pts.csv", PTS + pts_row(score="inf"), "row 2, column 'pts_a': found 'inf'"),
    "a PTS score of 5,000 digits": ("pts.csv", PTS + pts_row(score="9" * 5000),
                                    "row 2, column 'pts_a': found a number of 5,000 digits; expected at most 100"),
    "a PTS file cut mid-row": ("pts.csv", PTS + pts_row() + pts_row(2011)[:20],
                               "pts.csv, row 3: found 4 fields; expected 11 as in the header (the file cut mid-row?)"),
    "year -1": ("pts.csv", PTS + pts_row(-1), "row 2, column 'year': found '-1'; expected a year 1700-2100"),
    "year 99999999999": ("pts.csv", PTS + pts_row(99999999999), "found '99999999999'; expected a year 1700-2100"),
    "a PTS header only": ("pts.csv", PTS, "pts.csv: found a header and no rows"),
    "a byte neither UTF-8 nor Windows-1252": ("pts.csv", PTS.encode() + b"Norway,N,2010,NOR,385,NOR,578,w,1,NA,\x81\n",
                                              "row 2: found the byte 0x81 at byte 136, which is not UTF-8 or "
                                              "Windows-1252"),
    "a non-UTF-8 Fariss file": ("fariss.csv", (FARISS + fariss_row()).encode() + b'2011,385,1,0.2,"C\xf4te"\n',
                                "fariss.csv, row 3: found the byte 0xf4 at byte 95, which is not UTF-8; expected a "
                                "country-year CSV file in UTF-8"),
    "theta 1e309": ("fariss.csv", FARISS + fariss_row(mean="1e309"),
                    "row 2, column 'theta_mean': found '1e309'; expected NA or a score -10 to 10"),
    "theta off the scale": ("fariss.csv", FARISS + fariss_row(mean="-250"), "found '-250'; expected NA or a score"),
    "a negative standard deviation": ("fariss.csv", FARISS + fariss_row(sd="-0.3"),
                                      "column 'theta_sd': found '-0.3'; expected NA or a standard deviation above 0"),
    "a Fariss file cut mid-row": ("fariss.csv", FARISS + fariss_row() + fariss_row(2011)[:12],
                                  "fariss.csv, row 3: found 3 fields; expected 5 as in the header"),
    "a Fariss file cut inside a quote": ("fariss.csv", FARISS + fariss_row() + '2011,385,1.5,0.2,"Nor',
                                         "fariss.csv, row 3: found a malformed CSV row (unexpected end of data)"),
    "a Fariss header only": ("fariss.csv", FARISS, "found a header and no rows"),
    "a V-Dem index above 1": ("vdem.csv", VDEM + "Norway,NOR,2010,0.9\nNorway,NOR,2011,7\n",
                              "vdem.csv, row 3, column 'Electoral democracy index': found '7'; expected an index "
                              "0 to 1"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_context_file_is_refused_in_one_line(tmp_path, case):
    name, content, fragment = REFUSED[case]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DataError) as raised:
        context.load_context(path)
    message = str(raised.value)
    assert message.startswith(str(path)) and fragment in message, message
    assert "\n" not in message and len(message) < 400


READ = {  # what the published layouts allow, read as the same values
    "a UTF-8 BOM (PTS)": ("pts.csv", b"\xef\xbb\xbf" + (PTS + pts_row()).encode()),
    "CR-only line ends (PTS)": ("pts.csv", (PTS + pts_row() + pts_row(2011)).replace("\r\n", "\r").encode()),
    "a PTS copy saved as UTF-8": ("pts.csv", (PTS + pts_row() + pts_row(2011)).replace("Norway,N", "Nörway,N")
                                  .encode("utf-8")),
    "a UTF-8 BOM (Fariss)": ("fariss.csv", b"\xef\xbb\xbf" + (FARISS + fariss_row() + fariss_row(2011)).encode()),
    "CR-only line ends (Fariss)": ("fariss.csv", (FARISS + fariss_row() + fariss_row(2011)).replace("\n", "\r")
                                   .encode()),
}


@pytest.mark.parametrize("case", list(READ))
def test_what_the_layouts_allow_is_read(tmp_path, case):
    name, content = READ[case]
    path = tmp_path / name
    path.write_bytes(content)
    frame = context.load_context(path)
    assert list(frame["iso3"]) == ["NOR"] * len(frame) and list(frame["year"])[:1] == [2010]
    column = "pts_a" if name == "pts.csv" else "fariss_theta_mean"
    assert frame[column].iloc[0] == (1 if name == "pts.csv" else 1.5)


def test_a_context_file_of_no_review_year_refuses_the_run(upr_lab, tmp_path):
    (tmp_path / "fariss.csv").write_text(FARISS + fariss_row(1950) + fariss_row(1960), encoding="utf-8")
    out = tmp_path / "out"
    assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--context", tmp_path / "fariss.csv",
                           "--out", out),
                   "fariss.csv: covers the years 1950-1960; expected years of UPR reviews (2008-")
    assert not out.exists()


def test_a_context_file_of_no_state_refuses_the_run(upr_lab, tmp_path):
    (tmp_path / "fariss.csv").write_text(FARISS + '2010,9999,0.1,0.2,"Atlantis"\n', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = upr_lab("run", "compliance_trends", "--country", "NOR", "--context", tmp_path / "fariss.csv",
                         "--out", tmp_path / "out")
    assert_refused(result, "fariss.csv: found no row of a UN member or observer State")


def test_a_damaged_context_file_refuses_the_run_before_any_notebook(upr_lab, tmp_path):
    (tmp_path / "pts.csv").write_text(PTS + pts_row() + pts_row(2011)[:30], encoding="utf-8")
    out = tmp_path / "out"
    assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--context", tmp_path / "pts.csv",
                           "--out", out), "pts.csv, row 3: found 6 fields; expected 11")
    assert not out.exists()


def test_a_fifo_as_context_is_refused_without_blocking(tmp_path):
    import os

    os.mkfifo(tmp_path / "pts.csv")
    with pytest.raises(DataError, match=r"pts.csv: found a FIFO \(named pipe\), not a regular file"):
        context.load_context(tmp_path / "pts.csv")


def test_a_context_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from upr_lab.sources.context import common

    monkeypatch.setattr(common, "MAX_CONTEXT_BYTES", 100)
    path = tmp_path / "pts.csv"
    path.write_text(PTS + pts_row() * 3, encoding="utf-8")
    with pytest.raises(DataError, match=r"pts.csv: found 243 bytes; expected at most 100 bytes \(the limit on "
                                        r"the size of a country-year context file\)"):
        context.load_context(path)
