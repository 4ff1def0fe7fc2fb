"""Summaries of stakeholders' submissions (official OHCHR documents, PDF or text) -> participation rows."""

from pathlib import Path

import pytest

from upr_lab import cli
from upr_lab.exceptions import DataError

try:
    from .frames import blank_pdf
except ImportError:
    from frames import blank_pdf
from upr_lab.sources.ohchr import stakeholders

OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"


@pytest.mark.parametrize("document,expected", [
    # (stated N, joint submissions listed, NHRI section), read in the documents
    ("SVN/A_HRC_WG.6_7_SVN_3.pdf", ("SVN", 1, 7, 7, 1, False)),  # "seven"; the B-status Ombudsman has no section
    ("SVN/A_HRC_WG.6_20_SVN_3.pdf", ("SVN", 2, 20, 7, 0, False)),  # only the boilerplate sentence
    ("SVN/A_HRC_WG.6_34_SVN_3.pdf", ("SVN", 3, 34, 11, 4, False)),  # JS1-JS4; 'JS384' is JS3 with footnote 84
    ("SVN/A_HRC_WG.6_48_SVN_3.pdf", ("SVN", 4, 48, 12, 3, True)),  # "II. Information provided by the NHRI"
    ("stakeholder-summaries/A_HRC_WG.6_50_USA_3.txt", ("USA", 4, 50, 155, 68, False)),  # JS1-JS75, 7 numbers unused
    ("stakeholder-summaries/A_HRC_WG.6_52_DNK_3.txt", ("DNK", 4, 52, 16, 2, True)),
])
def test_real_summaries_give_the_stated_n_and_the_nhri_section(document, expected):
    row = stakeholders.summary_row(OHCHR / document)
    found = tuple(row[k] for k in ("sur_iso3", "cycle", "session", "stakeholder_submissions", "joint_submissions",
                                   "nhri_submitted"))
    assert found == expected and row["national_consultation"] is None


def test_participation_extract_writes_a_csv_to_check_and_complete(tmp_path, capsys):
    out = tmp_path / "participation.csv"
    assert cli.main(["participation", "extract", str(OHCHR / "SVN"), str(OHCHR / "stakeholder-summaries"),
                     "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("sur_iso3,cycle,session,stakeholder_submissions,joint_submissions,nhri_submitted,"
                        "national_consultation,document")
    assert lines[1:] == ["DNK,4,52,16,2,true,,A/HRC/WG.6/52/DNK/3", "SVN,1,7,7,1,false,,A/HRC/WG.6/7/SVN/3",
                         "SVN,2,20,7,0,false,,A/HRC/WG.6/20/SVN/3", "SVN,3,34,11,4,false,,A/HRC/WG.6/34/SVN/3",
                         "SVN,4,48,12,3,true,,A/HRC/WG.6/48/SVN/3", "USA,4,50,155,68,false,,A/HRC/WG.6/50/USA/3"]
    assert "fill in national_consultation" in capsys.readouterr().out


def test_numbers_in_words():
    assert [stakeholders._number(w) for w in ("seven", "16", "twenty-one", "Thirty", "many")] == [7, 16, 21, 30, None]


def text_file(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("make,fragment", [
    (lambda d: blank_pdf(d / "A_HRC_WG.6_7_SVN_3.pdf"), "found no text layer (a scanned document?)"),
    (lambda d: blank_pdf(d / "A_HRC_WG.6_7_SVN_3.pdf", "secret"), "found an encrypted PDF"),
    (lambda d: text_file(d / "A_HRC_WG.6_7_SVN_3.pdf", "hello"), "found no PDF header"),
    (lambda d: OHCHR / "SVN" / "A_HRC_14_15.pdf", "expected the summary of stakeholders' submissions"),
])
def test_documents_that_cannot_be_used_are_refused_in_one_line(tmp_path, capsys, make, fragment):
    path = make(tmp_path)
    with pytest.raises(DataError) as refused:
        stakeholders.summary_row(path)
    assert fragment in str(refused.value) and path.name in str(refused.value)
    assert cli.main(["participation", "extract", str(path), "--out", str(tmp_path / "p.csv")]) == 2
    assert not (tmp_path / "p.csv").exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


SUMMARIES = OHCHR / "stakeholder-summaries"
USA = (SUMMARIES / "A_HRC_WG.6_50_USA_3.txt").read_text(encoding="utf-8")
DNK = (SUMMARIES / "A_HRC_WG.6_52_DNK_3.txt").read_text(encoding="utf-8")


def read_with_warnings(path):
    with pytest.warns(UserWarning) as caught:
        row = stakeholders.summary_row(path)
    return row, " ".join(str(w.message) for w in caught)


@pytest.mark.parametrize("cut", [300, 500, 650, 790])
def test_a_summary_cut_short_in_its_list_leaves_joint_submissions_unknown(tmp_path, cut):
    lines = USA.splitlines(keepends=True)
    assert cut > 176 and "Regional intergovernmental" not in "".join(lines[176:cut])  # inside the list
    path = text_file(tmp_path / "A_HRC_WG.6_50_USA_3.txt", "".join(lines[:cut]))
    row, said = read_with_warnings(path)
    assert (row["stakeholder_submissions"], row["joint_submissions"]) == (155, None)  # not 43 or any count
    assert "joint submissions left unknown" in said and path.name in said


def test_a_summary_in_another_order_leaves_joint_submissions_unknown(tmp_path):
    lines = USA.splitlines(keepends=True)
    half = len(lines) // 2
    row, said = read_with_warnings(text_file(tmp_path / "A_HRC_WG.6_50_USA_3.txt", "".join(lines[half:] + lines[:half])))
    assert row["joint_submissions"] is None and "is cited but not in its list of contributors" in said


@pytest.mark.parametrize("text,fragment", [
    (DNK + USA, "found the symbol A/HRC/WG.6/50/USA/3 in the summary A/HRC/WG.6/52/DNK/3; expected one document "
                "per file"),
    (DNK + DNK, "found 2 titles 'Summary of stakeholders' submissions'"),
    (DNK.replace("summary of 16 stakeholders", "summary of 1000000000000000000000 stakeholders"),
     "found 'summary of 1000000000000000000000 stakeholders' submissions'; expected the number of submissions stated "
     "as 'a summary of N stakeholders' submissions', N at most 1,000"),
])
def test_another_document_appended_or_an_absurd_count_is_refused_in_one_line(tmp_path, capsys, text, fragment):
    path = text_file(tmp_path / "A_HRC_WG.6_52_DNK_3.txt", text)
    with pytest.raises(DataError) as refused:
        stakeholders.summary_row(path)
    assert fragment in str(refused.value) and "\n" not in str(refused.value)
    assert cli.main(["participation", "extract", str(path), "--out", str(tmp_path / "p.csv")]) == 2
    assert not (tmp_path / "p.csv").exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


FRENCH = """Nations Unies A/HRC/WG.6/52/DNK/3
Assemblée générale Distr. générale
Conseil des droits de l’homme
Groupe de travail sur l’Examen périodique universel
Résumé des communications des parties prenantes concernant le Danemark
Rapport du Haut-Commissariat des Nations Unies aux droits de l’homme
1. Le présent rapport a été établi en application des résolutions 5/1 et 16/21 du Conseil des droits de l’homme,
compte tenu de la périodicité de l’Examen et des faits survenus depuis l’Examen précédent. Il est un résumé des
communications de 16 parties prenantes à l’Examen périodique universel, présenté sous une forme résumée en raison
des restrictions applicables à la longueur des documents. Une section distincte est consacrée à la contribution de
l’institution nationale des droits de l’homme, et les autres parties prenantes sont citées dans la liste.
"""


def test_a_summary_in_another_language_is_refused_naming_the_language(tmp_path):
    path = text_file(tmp_path / "A_HRC_WG.6_52_DNK_3.txt", FRENCH)
    with pytest.raises(DataError) as refused:
        stakeholders.summary_row(path)
    assert "found a document in French; expected the English version" in str(refused.value)


LISTED = """United Nations A/HRC/WG.6/44/NOR/3
Summary of stakeholders' submissions on Norway
1. It is a summary of 9 stakeholders' submissions1 for the universal periodic review. JS1, JS2, JS3, JS5 and JS6 reported
on the rights of the child, as did JS4.
1 The stakeholders listed below have contributed information for this summary; the full texts of all original
submissions are available at: www.ohchr.org.
Civil society
Individual submissions:
AI Amnesty International, London (United Kingdom);
Joint submissions:
JS1 Joint submission 1 submitted by: Save the Children Norway, Oslo (Norway);
JS2 Joint Submission 2 – submitted by: Plan Norway; and the Norwegian Forum for Children;
JS3 Joint submission3 submitted by: Ombudsman for Children, Oslo (Norway);
JS4: Joint submission by the Norwegian Helsinki Committee and Amnesty Norway;
JS5 Joint submission 5 presented by: Forum for Women and Development, Oslo (Norway);
JS6 Joint submission 6 su
A/HRC/WG.6/44/NOR/3
bmitted by: Norwegian Bar Association, Oslo (Norway).
National human rights institution:
NIM Norwegian National Human Rights Institution, Oslo (Norway).
2 JS1, para. 3.
"""


def test_the_spellings_of_joint_submissions_in_a_list(tmp_path):
    row = stakeholders.summary_row(text_file(tmp_path / "A_HRC_WG.6_44_NOR_3.txt", LISTED))
    assert (row["stakeholder_submissions"], row["joint_submissions"]) == (9, 6)  # JS6: a page break in 'submitted'
    cut = LISTED.split("JS5 Joint submission 5")[0]  # the list ends after JS4: nothing follows it, JS5 is cited
    row, said = read_with_warnings(text_file(tmp_path / "A_HRC_WG.6_44_NOR_3.txt", cut))
    assert row["joint_submissions"] is None and "JS5 is cited but not in its list of contributors" in said
    cut = LISTED.split("JS5 Joint submission 5")[0].replace("JS3, JS5 and JS6 reported", "JS3 reported")
    row, said = read_with_warnings(text_file(tmp_path / "A_HRC_WG.6_44_NOR_3.txt", cut))
    assert row["joint_submissions"] is None and "its list of contributors stops after its last joint submission" in said


def test_a_symbol_cited_once_alone_on_a_line_is_no_second_document(tmp_path):
    cited = DNK.replace("3 DIHR, p. 6.", "3 See the previous summary,\nA/HRC/WG.6/38/DNK/3\n DIHR, p. 6.")
    row = stakeholders.summary_row(text_file(tmp_path / "A_HRC_WG.6_52_DNK_3.txt", cited))
    assert (row["stakeholder_submissions"], row["joint_submissions"]) == (16, 2)
