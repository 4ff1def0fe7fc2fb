"""OHCHR matrices of recommendations (Word .docx) -> canonical rows: the real matrix of China's third review,
and matrices built here for the variations it lacks (bundled paragraphs, repeats under two themes, a
recommending-States column, partial and pending positions, filled-in assessments, damaged files)."""

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest

from upr_lab import cli, load
from upr_lab.exceptions import DataError
from upr_lab.sources.countries import CountryResolver
from upr_lab.sources.ohchr import matrix

CHN = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr" / "matrices" / "CHN"
REAL = CHN / "Matrix_recommendations_2018.docx"
HEAD = ["Recommendation", "Position", "Full list of themes", "Assessment/comments on level of implementation"]
THEMES = "A12 Acceptance of international norms\nS16 SDG 16 - peace, justice and strong institutions\n" \
         "Affected persons:\n- general"


@pytest.fixture(scope="module")
def china():
    return matrix.read_matrix(REAL, CountryResolver())


def test_the_real_matrix_gives_every_row_with_its_position_and_source(china):
    frame, record = china
    # the plain count of the data README: 346 recommendation rows, 284 Supported, 62 Noted
    assert (record["matrix_rows"], record["positions"]) == (346, {"Noted": 62, "Supported": 284})
    assert record["position_sources"] == {"A/HRC/40/6/Add.1 - Para. 2": 346}
    assert (record["state_under_review"], record["cycle"], record["session"]) == ("CHN", 3, 31)
    assert sorted(frame["paragraph"].unique(), key=lambda p: int(p.split(".")[1])) == [
        f"28.{k}" for k in range(1, 347)]
    assert set(frame["document"]) == {"A/HRC/40/6"} and set(frame["year"]) == {2018}
    assert set(frame["implementation"]) == {""} and record["implementation_assessed"] == 0  # empty as published
    by_paragraph = frame.groupby("paragraph")["response"].first()
    assert Counter(by_paragraph) == {"supported": 284, "noted": 62}
    assert (record["recommendations"], record["rows"], len(frame)) == (374, 389, 389)


def test_a_row_that_bundles_recommendations_becomes_several(china):
    frame, _ = china
    item = frame[frame["paragraph"] == "28.4"]
    assert item["recommender_iso3"].tolist() == ["NZL", "URY", "MLI"]
    assert item["text"].tolist()[:2] == [
        "Continue working towards ratification of the International Covenant on Civil and Political Rights by the "
        "earliest possible date", "Accelerate the ratification of the International Covenant on Civil and Political "
        "Rights"]
    assert frame[frame["paragraph"] == "28.9"]["recommender_iso3"].tolist() == [
        "BEN", "EST", "GEO", "LVA", "MLT", "NAM"]
    assert frame["rec_id"].is_unique and frame["rec_id"].str.startswith("M").all()


def test_themes_become_issue_tags_sdg_goals_and_affected_persons(china):
    frame, _ = china
    first = frame[frame["paragraph"] == "28.219"].iloc[0]
    assert first["issues"] == ("Acceptance of international norms",
                               "Civil & political rights - general measures of implementation",
                               "Administration of justice & fair trial",
                               "SDG 16 - peace, justice and strong institutions", "Affected persons: general",
                               "Affected persons: judges, lawyers and prosecutors")
    assert first["sdg_goals"] == (16,) and first["recommender_iso3"] == "GRC"


def test_the_matrix_as_data_file_or_folder(tmp_path, capsys):
    assert cli.main(["data", "info", "--data", str(REAL)]) == 0
    out = capsys.readouterr().out
    assert "by source:            ohchr-matrix: 389 (sessions 31-31)" in out
    assert "format=ohchr-matrix-docx, state_under_review=CHN, session=31, cycle=3, document=A/HRC/40/6, " \
           "matrix_rows=346" in out
    data = load(CHN)
    assert data.source["kind"] == "ohchr-matrix" and len(data.recommendations) == 389
    assert data.source["label"] == "OHCHR matrix of recommendations (Matrix_recommendations_2018.docx)"


def built(path, rows, head=HEAD, header="UPR of Norway (4th Cycle – 42nd session)", theme="Theme: A12 Acceptance"):
    """A matrix in OHCHR's layout: a page header, a table with a header row and a spanning theme row."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = f"{header}\t\tThematic list of recommendations"
    table = document.add_table(rows=1, cols=len(head))
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    spanning = table.add_row().cells
    spanning[0].merge(spanning[-1]).text = theme
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    document.save(path)
    return path


def test_bundles_repeats_partial_and_pending_positions_and_assessments(tmp_path):
    path = built(tmp_path / "matrix.docx", [
        ("140.1 Ratify the Convention on Migrant Workers (Chile) (Peru);\n140.2. Abolish the death penalty "
         "(France);\nSource of position: A/HRC/53/11/Add.1 - Para. 5", "Noted", THEMES, ""),
        ("140.3 Strengthen the NHRI (Tunisia); Increase its budget (Kenya);\nSource of position: A/HRC/53/11 - "
         "Para. 140", "Supported/Noted", THEMES, "Partially implemented: the budget rose in 2024."),
        ("140.4 Combat trafficking (Nepal);", "", THEMES, "not implemented"),
        ("140.5 Protect journalists (Sweden);", "Supported", "D43 Freedom of opinion and expression",
         "Fully implemented."),
        ("140.5 Protect journalists (Sweden);", "Supported", "H1 Human rights defenders", ""),  # under another theme
    ])
    frame, record = matrix.read_matrix(path, CountryResolver())
    found = [(p, s, r, i) for p, s, r, i in zip(frame["paragraph"], frame["recommender_iso3"], frame["response"],
                                               frame["implementation"])]
    assert found == [("140.1", "CHL", "noted", ""), ("140.1", "PER", "noted", ""), ("140.2", "FRA", "noted", ""),
                     ("140.3", "TUN", "other", "partially"), ("140.3", "KEN", "other", "partially"),
                     ("140.4", "NPL", "other", "not"), ("140.5", "SWE", "supported", "fully")]
    assert frame.loc[6, "issues"] == ("Freedom of opinion and expression", "Human rights defenders")
    assert frame.loc[0, "sdg_goals"] == (16,) and frame.loc[0, "document"] == "A/HRC/53/11"
    assert (record["state_under_review"], record["session"], record["matrix_rows"], record["recommendations"]) == (
        "NOR", 42, 5, 6)
    assert record["positions"] == {"(empty)": 1, "Noted": 1, "Supported": 2, "Supported/Noted": 1}
    assert record["implementation_assessed"] == 4  # rows: 140.3 twice, 140.4, 140.5


def test_a_column_of_recommending_states(tmp_path):
    path = built(tmp_path / "matrix.docx", [("166.6. Ratify the Optional Protocol", "Brazil\nSpain", "Accepted",
                                             THEMES, "")],
                 head=["Recommendation", "Recommending State/s", "Position", "Full list of themes",
                       "Assessment/comments on level of implementation"], theme="Right or area: 1.1 Acceptance")
    frame, record = matrix.read_matrix(path, CountryResolver())
    assert record["missing_paragraphs"] == ["166.1", "166.2", "166.3", "166.4", "166.5"]
    assert list(zip(frame["paragraph"], frame["recommender_iso3"], frame["response"])) == [
        ("166.6", "BRA", "supported"), ("166.6", "ESP", "supported")]


def refused(path):
    with pytest.raises(DataError) as info:
        matrix.read_matrix(path, CountryResolver())
    message = str(info.value)
    assert "\n" not in message and path.name in message
    return message


@pytest.mark.parametrize("rows,fragment", [
    ([("140.1 Ratify (Chile);", "Supported", THEMES, "Done, mostly")],
     "row 3, column 'Assessment/comments on level of implementation': found the assessment 'Done, mostly'; "
     "expected it to start with fully, partially or not (implemented)"),
    ([("140.1 Ratify (Chile);", "Maybe", THEMES, "")], "row 3, column 'Position': found the position 'Maybe'"),
    ([("Ratify the Convention (Chile);", "Supported", THEMES, "")],
     "row 3, column 'Recommendation': found 'Ratify the Convention (Chile);'; expected a recommendation that starts "
     "with its paragraph number"),
    ([("140.1 Ratify the Convention (Chile);", "Supported", THEMES, ""),
      ("140.1 Ratify the Convention (Chile);", "Noted", THEMES, "")],
     "row 4: found recommendation 140.1 at rows 3 and 4 with supported/no assessment and noted/no assessment"),
    ([("140.1 Ratify the Convention;", "Supported", THEMES, "")], "row 3, column 'Recommendation': found "
                                                                   "recommendation 140.1"),
])
def test_rows_that_cannot_be_used_are_refused_in_one_line_with_the_row(tmp_path, rows, fragment):
    assert fragment in refused(built(tmp_path / "matrix.docx", rows))


def test_a_matrix_without_its_heading_or_table_is_refused(tmp_path):
    row = [("140.1 Ratify (Chile);", "Supported", THEMES, "")]
    assert "found no 'UPR of <State> (<n>th Cycle – <m>th session)'" in refused(
        built(tmp_path / "a.docx", row, header=None))
    assert "the State under review in the heading: found 'Atlantis', which matches no State" in refused(
        built(tmp_path / "e.docx", row, header="UPR of Atlantis (4th Cycle – 42nd session)"))
    assert "found cycle 3, session 42" in refused(
        built(tmp_path / "b.docx", row, header="UPR of Norway (3rd Cycle – 42nd session)"))
    assert "found recommendation rows ('140.1 Ratify (Chile);') in a table without the header of the matrix" in \
        refused(built(tmp_path / "c.docx", row, head=["Text", "Status", "Themes", "Notes"]))
    empty = docx.Document()
    empty.sections[0].header.paragraphs[0].text = "UPR of Norway (4th Cycle – 42nd session)"
    empty.add_paragraph("Thematic list of recommendations")
    empty.save(tmp_path / "d.docx")
    assert "found no table with the columns 'Recommendation' and 'Position'" in refused(tmp_path / "d.docx")


def test_a_table_continued_without_its_header_and_a_missing_paragraph(tmp_path):
    path = built(tmp_path / "matrix.docx", [("140.1 Ratify the Convention (Chile);", "Supported", THEMES, "")],
                 header="UPR of the United Kingdom of Great Britain and Northern Ireland - 4th cycle, 41st session")
    document = docx.Document(path)
    more = document.add_table(rows=0, cols=4)  # continues the first: no header row, as many columns
    for text in ("140.2 Abolish the death penalty (France);", "140.4 Protect journalists (Sweden);"):
        cells = more.add_row().cells
        cells[0].text, cells[1].text = text, "Noted"
    document.save(path)
    frame, record = matrix.read_matrix(path, CountryResolver())
    assert list(zip(frame["paragraph"], frame["response"])) == [("140.1", "supported"), ("140.2", "noted"),
                                                                ("140.4", "noted")]
    assert (record["state_under_review"], record["session"], record["missing_paragraphs"]) == ("GBR", 41, ["140.3"])
    for _ in range(2):  # read, then read back from the cache: warned both times
        with pytest.warns(UserWarning, match=r"matrix.docx: paragraphs 140.3 are not in the matrix"):
            assert len(load(path).recommendations) == 3


def damaged(directory):
    truncated = directory / "truncated.docx"
    truncated.write_bytes(REAL.read_bytes()[:20000])
    not_zip = directory / "not_zip.docx"
    not_zip.write_text("hello, I am no Word document", encoding="utf-8")
    bad_xml = directory / "bad_xml.docx"
    with zipfile.ZipFile(REAL) as source, zipfile.ZipFile(bad_xml, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    no_part = directory / "no_part.docx"
    with zipfile.ZipFile(REAL) as source, zipfile.ZipFile(no_part, "w") as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item))
    no_header = directory / "no_header.docx"  # the page header's relation gone: python-docx fails only on reading it
    with zipfile.ZipFile(REAL) as source, zipfile.ZipFile(no_header, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb"<Relationship [^>]*header1\.xml[^>]*/>", b"", data)
            target.writestr(item, data)
    flipped = directory / "flipped.docx"  # bytes of the compressed document.xml changed: zlib or CRC error
    with zipfile.ZipFile(REAL) as source:
        info = source.getinfo("word/document.xml")
    data = bytearray(REAL.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 1000:start + 1010] = bytes(10)
    flipped.write_bytes(bytes(data))
    return [truncated, not_zip, bad_xml, no_part, no_header, flipped]


def test_a_damaged_docx_is_one_line_error_and_nothing_is_written(tmp_path, capsys):
    for path in damaged(tmp_path):
        assert "found a damaged Word document" in refused(path)
        out = tmp_path / f"{path.stem}.csv"
        assert cli.main(["data", "export", "--data", str(path), "--out", str(out)]) == 2
        assert not out.exists()
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("upr-lab: error: ") and path.name in err[0]


def test_the_same_matrix_gives_the_same_ids(tmp_path):
    copy = tmp_path / "copy.docx"
    shutil.copy(REAL, copy)
    first, _ = matrix.read_matrix(REAL, CountryResolver())
    second, _ = matrix.read_matrix(copy, CountryResolver())
    assert first["rec_id"].tolist() == second["rec_id"].tolist()


def test_a_row_that_bundles_paragraphs_with_a_position_and_source_each(tmp_path):
    path = built(tmp_path / "matrix.docx", [
        ("140.1 Ratify the Convention (Chile);\nSource of position: A/HRC/53/11 - Para. 138\n140.2 Abolish the "
         "death penalty (France);\nSource of position: A/HRC/53/11/Add.1 - Para. 4", "Supported\nNoted", THEMES, "")])
    frame, record = matrix.read_matrix(path, CountryResolver())
    assert list(zip(frame["paragraph"], frame["response"], frame["document"])) == [
        ("140.1", "supported", "A/HRC/53/11"), ("140.2", "noted", "A/HRC/53/11")]
    assert record["position_sources"] == {"A/HRC/53/11 - Para. 138 / A/HRC/53/11/Add.1 - Para. 4": 1}
    other = built(tmp_path / "other.docx", [("140.3 Combat trafficking (Nepal);", "Supported\nNoted\nNoted", THEMES,
                                             "")])
    assert "column 'Position': found 3 values that differ ('Supported / Noted / Noted') for 1 paragraph(s)" in \
        refused(other)
