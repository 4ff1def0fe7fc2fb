"""``upr-lab cite``: the references of upr-lab and of every source a data set or a recorded run used, as text
and BibTeX; and the report footer's sentence on how to cite a report."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from upr_lab import __version__
from upr_lab.review import bibliography
from upr_lab.review.cite import cite

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def entries(bibtex):
    """``{key: {field: value}}`` of BibTeX text, checking that every entry's braces balance."""
    found = {}
    for match in re.finditer(r"^@(\w+)\{([^,\n]+),\n(.*?)\n\}\n", bibtex, flags=re.S | re.M):
        body = match.group(3)
        assert body.count("{") == body.count("}"), match.group(2)
        fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", body, flags=re.M))
        found[match.group(2)] = {"type": match.group(1), **fields}
    assert len(found) == bibtex.count("\n@") + bibtex.startswith("@"), "an entry that does not parse"
    return found


def test_every_reference_of_the_table_is_complete():
    refs = bibliography.references()
    assert list(refs)[0] == "upr-lab" and refs["upr-lab"].version == __version__
    for ref in refs.values():
        assert ref.author and ref.title and ref.licence and ref.type in bibliography.BIBTEX_TYPES, ref.key
    # the sources the issue names, each with its version as recorded in the data notes
    assert refs["upr-info"].accessed == "2015-08" and "August 2015" in refs["upr-info"].version
    assert "8099054" in refs["dihr"].version + refs["dihr"].note and "978dc9c" in refs["owid"].version
    assert refs["fariss"].version == "4.02" and refs["pts"].version.startswith("2024")
    assert "6b4e17f" in refs["cehdi-nmirf"].version and "28 Sep 2023" in refs["treaties"].version


def test_embedded_data_as_text_names_each_source_with_what_was_used():
    text = cite("upr", "text")
    numbered = re.findall(r"^\[(\d+)\] (.*)$", text, flags=re.M)
    assert [n for n, _ in numbered] == ["1", "2", "3"]
    assert numbered[0][1].startswith(f"The upr-lab authors. upr-lab: a reproducible research workbench")
    assert f"Version {__version__}" in numbered[0][1]
    assert numbered[1][1].startswith("UPR Info. Database of UPR recommendations")
    assert "(accessed 2015-08)" in numbered[1][1]
    assert "Used: sessions 1-20, 41,063 recommendations." in text
    assert "Used: sessions 21-26, 16,529 recommendations." in text
    assert "SHA-256 855cbe40be8b7b69659f55750fed9bbc1d166b460c6b285009b38c9fde0ef282" in text  # the footer's digest
    assert "File: upr2.xlsx, SHA-256 cf68742a" in text
    assert "Treaty" not in text  # a data set alone uses no reference table


def test_embedded_data_as_bibtex():
    found = entries(cite("upr", "bibtex"))
    assert list(found) == ["upr-lab", "upr-info", "dihr"]
    assert found["upr-lab"]["version"] == __version__ and found["upr-lab"]["author"] == "{The upr-lab authors}"
    assert found["upr-info"]["urldate"] == "2015-08" and found["upr-info"]["url"] == "https://www.upr-info.org/database"
    assert "41,063 recommendations" in found["upr-info"]["note"]
    assert r"other\_files" in found["dihr"]["note"]  # LaTeX's special characters escaped


def test_everything_upr_lab_ships_includes_the_reference_tables():
    found = entries(cite(None, "bibtex"))
    assert list(found) == ["upr-lab", "upr-info", "dihr", "treaties", "vdem", "owid", "nmirf", "cehdi-nmirf"]
    assert found["nmirf"]["type"] == "techreport" and "Universal Rights Group" in found["nmirf"]["institution"]


def test_a_data_set_of_several_sources_cites_each_and_the_documents_by_symbol(tmp_path):
    documents = tmp_path / "SVN"
    documents.mkdir()
    for name in ("A_HRC_43_15.pdf", "A_HRC_43_15_Add.1.pdf"):
        shutil.copy(SHARED / "ohchr" / "SVN" / name, documents / name)
    text = cite(f"upr,{documents}", "text")
    assert [line.split(".")[0] for line in re.findall(r"^\[\d+\] (.*)$", text, flags=re.M)] == [
        "The upr-lab authors", "UPR Info", "Danish Institute for Human Rights", "United Nations Human Rights Council"]
    assert re.search(r"File: A/HRC/43/15 \(A_HRC_43_15\.pdf\), SHA-256 [0-9a-f]{64}\.", text)
    assert re.search(r"Used: session 34, \d{3} recommendations\.", text)  # cycle 3: no other source holds it
    found = entries(cite(f"upr,{documents}", "bibtex"))
    assert set(found) == {"upr-lab", "upr-info", "dihr", "ohchr"} and "A/HRC/43/15" in found["ohchr"]["note"]


def test_an_export_other_than_the_recorded_one_is_cited_as_the_users_copy(tmp_path, upr_info_dir):
    text = cite(str(upr_info_dir), "text")  # the very files the embedded set records: their recorded version
    assert "export of August 2015" in text and "(accessed 2015-08)" in text
    changed = tmp_path / "export.csv"
    lines = (upr_info_dir / "1-5.csv").read_bytes().split(b"\r")
    changed.write_bytes(b"\r".join(lines[:200]))  # another export: the first 199 rows of one
    text = cite(str(changed), "text")
    assert "August 2015" not in text and "accessed" not in text
    assert "Your copy (its files and SHA-256 below), not the one upr-lab records" in text
    assert "File: export.csv, SHA-256" in text


def test_synthetic_data_cites_upr_lab_alone_and_says_why():
    text = cite("synthetic", "text")
    assert re.findall(r"^\[(\d+)\]", text, flags=re.M) == ["1"]
    assert "never cite it as a source" in text


def write_run(folder, analysis, data, context=None, participation=None):
    """A recorded run's manifest.json, as the runner writes it (paths relative to the run folder)."""
    folder.mkdir(parents=True)
    inputs = []
    if context is not None:
        relative = os.path.relpath(context, folder)
        inputs.append({"role": "context", "path": relative, "sha256": "0" * 64})
    manifest = {"analysis": analysis, "country": "NOR", "status": "ok", "parameters": {
        "country": "NOR", "data": data, "context": None if context is None else os.path.relpath(context, folder),
        "participation": participation}, "paths_relative_to": "this run folder", "inputs": inputs,
        "versions": {"upr-lab": __version__}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_run_folder_cites_its_data_tables_and_the_users_context_file(tmp_path):
    run = write_run(tmp_path / "out" / "NOR" / "compliance_trends", "compliance_trends", "upr",
                    context=SHARED / "country-year" / "pts" / "PTS-2024.csv")
    found = entries(cite(str(run), "bibtex"))
    assert list(found) == ["upr-lab", "upr-info", "dihr", "treaties", "vdem", "owid", "nmirf", "cehdi-nmirf", "pts"]
    assert "Your file: PTS-2024.csv" in found["pts"]["note"]
    assert r"joined by compliance\_trends" in found["treaties"]["note"]
    # another analysis joins other tables; a folder of runs cites the union, and its manifest alone works too
    write_run(tmp_path / "out" / "NOR" / "civil_society", "civil_society", "upr")
    assert list(entries(cite(str(tmp_path / "out" / "NOR" / "civil_society" / "manifest.json"), "bibtex"))) == [
        "upr-lab", "upr-info", "dihr", "nmirf", "cehdi-nmirf"]
    text = cite(str(tmp_path / "out"), "text")
    assert "2 recorded runs" in text and "Run: NOR civil_society" in text and "Run: NOR compliance_trends" in text


def test_a_run_whose_data_is_a_path_loads_it_relative_to_the_run_folder(tmp_path):
    documents = tmp_path / "docs"
    documents.mkdir()
    for name in ("A_HRC_43_15.pdf", "A_HRC_43_15_Add.1.pdf"):
        shutil.copy(SHARED / "ohchr" / "SVN" / name, documents / name)
    run = write_run(tmp_path / "out" / "SVN" / "regional_comparison", "regional_comparison", "../../../docs")
    found = entries(cite(str(run), "bibtex"))
    assert list(found) == ["upr-lab", "ohchr", "vdem", "owid"]


def test_a_runs_participation_is_cited_as_the_summaries_it_was_read_from(tmp_path):
    summary = tmp_path / "A_HRC_WG.6_20_SVN_3.pdf"
    shutil.copy(SHARED / "ohchr" / "SVN" / summary.name, summary)
    run = write_run(tmp_path / "out" / "SVN" / "civil_society", "civil_society", "upr",
                    participation="../../../A_HRC_WG.6_20_SVN_3.pdf")
    found = entries(cite(str(run), "bibtex"))
    assert list(found) == ["upr-lab", "upr-info", "dihr", "ohchr", "nmirf", "cehdi-nmirf"]
    assert "Summary of stakeholders' submissions: A\\_HRC\\_WG.6\\_20\\_SVN\\_3.pdf" in found["ohchr"]["note"]
    table = tmp_path / "participation.csv"
    table.write_text("sur_iso3,cycle,stakeholder_submissions,joint_submissions,nhri_submitted,national_consultation\n"
                     "SVN,2,7,0,false,\n", encoding="utf-8")
    run = write_run(tmp_path / "out2" / "SVN" / "civil_society", "civil_society", "upr",
                    participation="../../../participation.csv")
    text = cite(str(run), "text")
    assert "Participation table participation.csv (SHA-256 " in text and "your own" in text


def upr_lab(*args):
    return subprocess.run([sys.executable, "-m", "upr_lab.cli", *map(str, args)], capture_output=True, text=True)


def test_the_command_prints_both_formats_and_refuses_bad_input_in_one_line(tmp_path):
    done = upr_lab("cite", "--format", "bibtex")
    assert done.returncode == 0 and "@misc{upr-lab," in done.stdout and "@techreport{nmirf," in done.stdout
    done = upr_lab("cite", "--data", "synthetic")
    assert done.returncode == 0 and done.stdout.startswith("References of upr-lab and of the sources of SYNTHETIC")
    done = upr_lab("cite", "--data", tmp_path / "missing.csv")
    assert done.returncode == 2 and done.stderr.startswith("upr-lab: error: ") and done.stderr.count("\n") == 1
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "manifest.json").write_text("{not json", encoding="utf-8")
    done = upr_lab("cite", "--data", tmp_path / "run")
    assert done.returncode == 2 and "manifest.json" in done.stderr and done.stderr.count("\n") == 1
    assert upr_lab("cite", "--format", "ris").returncode == 2


@pytest.mark.parametrize("data", ["upr", "synthetic"])
def test_the_report_footer_says_how_to_cite_without_a_date(tmp_path, data):
    from upr_lab import open_analysis

    run = open_analysis("compliance_trends", "NOR", data=data, out_dir=tmp_path)
    sentence = run.how_to_cite()
    assert sentence.startswith("<b>How to cite.</b>") and f"upr-lab {__version__}" in sentence
    assert "upr-lab cite --data OUT/NOR/compliance_trends" in sentence and "--format bibtex" in sentence
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b|\b(19|20)\d\d\b", sentence)  # no date: byte-reproducible
    if data == "upr":
        assert "data SHA-256 855cbe40be8b7b69659f55750fed9bbc1d166b460c6b285009b38c9fde0ef282" in sentence
    else:
        assert "SYNTHETIC" in sentence and "SHA-256" not in sentence
