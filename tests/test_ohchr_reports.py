"""Working Group reports (official OHCHR documents, PDF or text) -> recommendations, checked against the
numbering printed in each document and against UPR Info's records of the same reviews."""

import re
from pathlib import Path

import pytest

from upr_lab.exceptions import DataError
from upr_lab.sources.ohchr import report as reports
from upr_lab.sources.ohchr.text import read_document

OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"


def printed_numbers(path, paragraphs):
    """Every 'NNN.M' that starts a line of the document's full text, for the paragraphs given: the numbering
    as printed, read without the importer's section and item logic."""
    text = read_document(path).text
    found = re.findall(r"(?m)^\s*(\d{2,3})\.(\d{1,3})\s", text)
    return sorted({(int(p), int(k)) for p, k in found if int(p) in paragraphs})


def imported_numbers(report):
    return sorted({tuple(map(int, r.paragraph.split("."))) for r in report.recommendations})


@pytest.mark.parametrize("document,sur,session,paragraphs,counts", [
    ("SVN/A_HRC_28_15.pdf", "SVN", 20, {115}, {115: 163}),
    ("SVN/A_HRC_43_15.pdf", "SVN", 34, {121, 122}, {121: 58, 122: 157}),
    ("SVN/A_HRC_59_15.pdf", "SVN", 48, {140}, {140: 254}),
    ("KOR/A_HRC_53_11.pdf", "KOR", 42, {138, 139, 140}, {138: 97, 139: 165, 140: 1}),
])
def test_every_numbered_recommendation_is_found(document, sur, session, paragraphs, counts):
    report = reports.read_report(OHCHR / document)
    assert (report.sur.iso3, report.session) == (sur, session)
    numbers = imported_numbers(report)
    assert numbers == printed_numbers(OHCHR / document, paragraphs)
    assert {p: sum(1 for q, _ in numbers if q == p) for p in paragraphs} == counts
    for p in paragraphs:  # 1..N without a gap
        assert [k for q, k in numbers if q == p] == list(range(1, counts[p] + 1))


def test_early_reports_number_items_inside_one_paragraph():
    report = reports.read_report(OHCHR / "SVN/A_HRC_14_15.pdf")
    assert (report.symbol, report.sur.iso3, report.session, report.examined) == ("A/HRC/14/15", "SVN", 7, (111,))
    assert imported_numbers(report) == [(111, k) for k in range(1, 98)]  # "1." ... "97." in paragraph 111
    first = report.recommendations[0]
    assert [s.iso3 for s in first.states] == ["DZA", "EGY", "BIH", "ARG"]  # "(Algeria)/sign and ratify (Egypt)/..."
    assert first.text.endswith("of the Convention on Migrant Workers and Members of Their Families")
    assert all(r.response is None for r in report.recommendations)  # all left to the addendum


def test_positions_come_from_each_paragraphs_introduction():
    report = reports.read_report(OHCHR / "KOR/A_HRC_53_11.pdf")
    by_paragraph = {r.paragraph.split(".")[0]: r.response for r in report.recommendations}
    assert by_paragraph == {"138": "supported", "139": None, "140": "noted"}
    assert report.examined == (139,)


def test_joint_and_clustered_recommendations_give_one_row_per_state():
    report = reports.read_report(OHCHR / "SVN/A_HRC_43_15.pdf")
    by_number = {}
    for r in report.recommendations:
        by_number.setdefault(r.paragraph, []).append(r)
    assert [[s.iso3 for s in r.states] for r in by_number["121.1"]] == [["FRA", "LTU"]]  # "(France) (Lithuania)"
    clustered = by_number["121.2"]  # "... (Ukraine); Increase efforts ... (Slovakia);"
    assert [[s.iso3 for s in r.states] for r in clustered] == [["UKR"], ["SVK"]]
    assert clustered[1].text.startswith("Increase efforts towards ratification")
    venezuela = reports.read_report(OHCHR / "SVN/A_HRC_28_15.pdf").recommendations[7]
    assert venezuela.paragraph == "115.8" and "VEN" in [s.iso3 for s in venezuela.states]  # "Venezuela (Bolivarian Republic of)"


def test_page_furniture_footnotes_and_hyphens_stay_out_of_the_text():
    texts = [r.text for name in ("SVN/A_HRC_14_15.pdf", "SVN/A_HRC_28_15.pdf", "KOR/A_HRC_53_11.pdf")
             for r in reports.read_report(OHCHR / name).recommendations]
    assert not [t for t in texts if re.search(r"A/HRC/\d|GE\.\d\d-|\*\*|- \w", t)]
    assert any("same-sex couples" in t for t in texts)  # a line-end hyphen of a compound is kept, joined


def test_the_body_size_is_the_most_frequent_half_point_size_spaces_and_unsized_characters_left_out():
    from upr_lab.sources.ohchr.text import UNSIZED, _body_size

    page = (list("ab cd"), [8.1, 8.2, UNSIZED, 10.0, 9.9])  # 8.1 and 8.2 are 8.0 to the half point
    assert _body_size([page]) == 8.0
    tie = (list("abcd"), [10.0, 8.0, 8.0, 10.0])  # as frequent: the size met first
    assert _body_size([tie]) == 10.0 and _body_size([(list("ba"), [8.0, 10.0]), tie]) == 8.0
    assert _body_size([(list("  "), [UNSIZED, UNSIZED])]) == 0.0


@pytest.mark.parametrize("name", ["SVN/A_HRC_14_15.pdf", "KOR/A_HRC_53_11.pdf", "wg-reports/A_HRC_8_47.pdf"])
def test_each_characters_size_is_what_pdfium_says_of_that_character(name):
    """The sizes asked once per text object are those PDFium gives each character (every page of a 2010, a
    2023 and the misprinted 2008 report: three generations of OHCHR's PDFs)."""
    import math

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from upr_lab.sources.ohchr.text import _printed_sizes

    pdf = pdfium.PdfDocument(OHCHR / name)
    try:
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_range(0, textpage.count_chars())
            matrix, each = raw.FS_MATRIX(), []
            for i, character in enumerate(text):
                raw.FPDFText_GetMatrix(textpage.raw, i, matrix)
                each.append(math.inf if character.isspace() else
                            raw.FPDFText_GetFontSize(textpage.raw, i) * math.hypot(matrix.c, matrix.d))
            assert _printed_sizes(textpage, text) == each
    finally:
        pdf.close()


def test_the_scrambled_korea_text_is_refused_with_its_reason():
    with pytest.raises(DataError) as refused:
        reports.read_report(OHCHR / "KOR/A_HRC_53_11.txt")
    message = str(refused.value)
    assert "A_HRC_53_11.txt" in message and "138.1 starting mid-sentence" in message and "\n" not in message


def test_a_report_whose_numbering_breaks_off_is_refused(tmp_path):
    body = read_document(OHCHR / "SVN/A_HRC_28_15.pdf").body
    broken = tmp_path / "A_HRC_28_15.txt"
    broken.write_text(body.replace("115.40 ", "115.41 ", 1), encoding="utf-8")  # 115.39 then 115.41: a gap
    with pytest.raises(DataError, match=r"A_HRC_28_15\.txt.*115\.41.*115\.39.*numbering break"):
        reports.read_report(broken)


def test_the_report_as_text_gives_what_the_pdf_gives(tmp_path):
    body = read_document(OHCHR / "SVN/A_HRC_59_15.pdf").body
    as_text = tmp_path / "A_HRC_59_15.txt"
    as_text.write_text(body, encoding="utf-8")
    from_pdf, from_text = (reports.read_report(p) for p in (OHCHR / "SVN/A_HRC_59_15.pdf", as_text))
    assert from_text.recommendations == from_pdf.recommendations


@pytest.mark.parametrize("number,expected", [("seventh", 7), ("forty-second", 42), ("thirty-fourth", 34),
                                             ("twentieth", 20), ("fiftieth", 50), ("12th", 12), ("fortieth", 40),
                                             ("many", None), ("twenty-", None)])
def test_sessions_in_words(number, expected):
    assert reports._ordinal(number) == expected


REPORT_2008 = """United Nations A/HRC/8/21
General Assembly
Human Rights Council
Eighth session
Report of the Working Group on the Universal Periodic Review
Bahrain
Introduction
1. The Working Group on the Universal Periodic Review, established in accordance with Human Rights Council
resolution 5/1, held its first session from 7 to 18 April 2008. The review of Bahrain was held at the 2nd
meeting on 7 April 2008.
II. CONCLUSIONS AND/OR RECOMMENDATIONS
60. In the course of the discussion, the following recommendations were made to Bahrain:
1. To consider ratifying the Rome Statute of the International Criminal Court (France);
2. To continue the efforts to combat trafficking in persons, and to share its experience in
this regard (Brazil, Mexico and Algeria);
3. To consider the possibility of inviting the Special Rapporteur on the question of torture
(Switzerland).
61. The response of Bahrain to these recommendations will be included in the outcome report adopted
by the Human Rights Council at its eighth session.
62. All conclusions and/or recommendations contained in the present report reflect the position of
the submitting State(s) and/or the State under review. They should not be construed as endorsed by the
Working Group as a whole.
"""


def test_a_2008_report_with_a_paragraph_on_the_responses_to_come(tmp_path):
    path = tmp_path / "A_HRC_8_21.txt"
    path.write_text(REPORT_2008 + "\n" * 3 + "Annex\n" + "Composition of the delegation. " * 10, encoding="utf-8")
    report = reports.read_report(path)
    assert (report.symbol, report.sur.iso3, report.session, report.examined) == ("A/HRC/8/21", "BHR", 1, (60,))
    assert [(r.paragraph, [s.iso3 for s in r.states]) for r in report.recommendations] == [
        ("60.1", ["FRA"]), ("60.2", ["BRA", "MEX", "DZA"]), ("60.3", ["CHE"])]
    assert report.recommendations[1].text == ("To continue the efforts to combat trafficking in persons, and to share "
                                              "its experience in this regard")


REPORT_2016 = """United Nations A/HRC/33/12
General Assembly
Human Rights Council
Thirty-third session
Report of the Working Group on the Universal Periodic Review*
Lebanon
1. The Working Group on the Universal Periodic Review held its twenty-third session from 2 to 13 November 2015.
II. Conclusions and/or recommendations**
132. The following recommendations will be examined by Lebanon, which will provide responses in due
time, but no later than the thirty-first session of the Human Rights Council:
132.1 Ratify the Optional Protocol to the Convention against Torture (Denmark) (Estonia);
132.2 Abolish the death penalty (France);
133. The recommendations formulated during the interactive dialogue/listed below have been examined by
Lebanon and enjoy the support of Lebanon:
133.1 Strengthen the national human rights institution (Tunisia); continue its cooperation with
United Nations mechanisms (State of Palestine);
** Conclusions and recommendations have not been edited.
A/HRC/33/12
12 GE.16-00000
133.2 Combat violence against women (Holy See).
134. The following recommendations did not enjoy the support of Lebanon and are thus noted:
134.1 Repeal article 534 of the Penal Code (Netherlands (Kingdom of the)).
135. All conclusions and/or recommendations contained in the present report reflect the position of the
submitting State(s) and/or the State under review.
"""


def test_three_positions_in_one_later_report_and_page_furniture_in_a_text_file(tmp_path):
    path = tmp_path / "A_HRC_33_12.txt"
    path.write_text(REPORT_2016, encoding="utf-8")
    report = reports.read_report(path)
    assert (report.sur.iso3, report.session, report.examined) == ("LBN", 23, (132,))
    found = [(r.paragraph, r.response, [s.iso3 for s in r.states]) for r in report.recommendations]
    assert found == [("132.1", None, ["DNK", "EST"]), ("132.2", None, ["FRA"]), ("133.1", "supported", ["TUN"]),
                     ("133.1", "supported", ["PSE"]), ("133.2", "supported", ["VAT"]), ("134.1", "noted", ["NLD"])]
    assert report.recommendations[3].text == "Continue its cooperation with United Nations mechanisms"
    assert report.recommendations[4].text == "Combat violence against women"  # no header, footnote or job number


# -- the development set's variations, on one report each (tests/test_ohchr_wg_reports.py runs them all) ---------

WG = OHCHR / "wg-reports"


@pytest.mark.parametrize("text,expected", [
    ("paragraphs 19 (d), 22 (c) and (e) above did not enjoy", [(19, "d"), (22, "c"), (22, "e")]),
    ("paragraphs: 71; 67 (a), (b) (i) and (ii); and 84 (b), above", [(71, None), (67, "a"), (67, "b/i"),
                                                                     (67, "b/ii"), (84, "b")]),
    ("paragraphs 45, 55, 56, last sentence, and 63 above", [(45, None), (55, None), (56, None), (63, None)]),
    ("paragraphs 33 (a, b) and 79 (d, f) are not", [(33, "a"), (33, "b"), (79, "d"), (79, "f")]),
    ("as referred to in paragraph 8 of the compilation", []),
    ("recommendations Nos. 1, 4 and 7 in paragraph 88 above", []),  # items of the section, not of the dialogue
    ("set out in paragraph 98 above", []),  # a paragraph of the conclusions section itself
])
def test_citations_of_body_paragraphs_are_read_as_the_reports_write_them(text, expected):
    from upr_lab.sources.ohchr.citations import citations

    assert citations(text, first_paragraph=90) == expected


def test_recommendations_cited_by_body_paragraph_become_rows_of_the_state_that_spoke():
    report = reports.read_report(WG / "A_HRC_11_30.pdf")  # "paragraphs: 71; 72 (c); ... did not enjoy the support"
    cited = [r for r in report.recommendations if r.paragraph in report.cited]
    assert len(cited) == 22 == len(report.cited) and not report.not_found and {r.response for r in cited} == {"noted"}
    assert all(len(r.states) == 1 and r.states[0].iso3 != "MYS" and r.text for r in cited)


def test_a_misprinted_item_number_is_read_in_its_place_with_a_remark():
    report = reports.read_report(WG / "A_HRC_16_10.pdf")  # item 82.93 printed as "84.93"
    assert ("82", "supported", 112) in [(str(p), pos, n) for p, pos, n in report.positions]
    assert any("82.93 printed as '84.93" in remark for remark in report.remarks)


def test_a_list_numbered_inside_a_paragraph_may_run_past_the_paragraphs_own_number():
    report = reports.read_report(WG / "A_HRC_12_13.pdf")  # paragraph 91 holds items 1-109, then paragraph 92
    assert report.positions == ((91, "supported", 109), (93, "to be examined", 21), (94, "noted", 12))


def test_a_pdf_with_bytes_cut_out_is_one_line_naming_the_page(tmp_path):
    raw = (WG / "A_HRC_8_29.pdf").read_bytes()
    cut = tmp_path / "A_HRC_8_29.pdf"
    cut.write_bytes(raw[:len(raw) // 2] + raw[len(raw) // 2 + 5000:])
    with pytest.raises(DataError, match=r"A_HRC_8_29\.pdf: page \d+ cannot be read") as refused:
        reports.read_report(cut)
    assert "\n" not in str(refused.value)


def test_pages_of_another_report_appended_or_a_page_printed_twice_are_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    own, other = PdfReader(WG / "A_HRC_22_9.pdf"), PdfReader(WG / "A_HRC_22_10.pdf")
    appended, twice = PdfWriter(), PdfWriter()
    for page in own.pages:
        appended.add_page(page)
        twice.add_page(page)
    for page in other.pages[2:4]:
        appended.add_page(page)
    twice.add_page(own.pages[-3])
    appended.write(tmp_path / "appended.pdf")
    twice.write(tmp_path / "twice.pdf")
    with pytest.raises(DataError, match=r"appended\.pdf: found a page headed A/HRC/22/10 in the report A/HRC/22/9"):
        reports.read_report(tmp_path / "appended.pdf")
    with pytest.raises(DataError, match=r"twice\.pdf: found page \d+ the same as page \d+"):
        reports.read_report(tmp_path / "twice.pdf")


def test_a_page_printed_twice_in_a_text_is_a_repeated_numbering(tmp_path):
    pages = read_document(WG / "A_HRC_22_9.pdf").pages
    repeated = tmp_path / "A_HRC_22_9.txt"
    repeated.write_text("\n".join(pages[:-3] + pages[-4:-3] + pages[-3:]), encoding="utf-8")
    with pytest.raises(DataError, match=r"found item 108\.\d+ again inside item 108\.\d+.*printed twice"):
        reports.read_report(repeated)


def test_a_paragraph_lost_with_a_page_is_refused_not_read_into_the_one_before(tmp_path):
    body = read_document(WG / "A_HRC_22_9.pdf").body
    start, end = body.index("\n109. "), body.index("\n110. ")
    lost = tmp_path / "A_HRC_22_9.txt"
    lost.write_text(body[:start] + body[end:], encoding="utf-8")  # paragraph 109 and its items gone
    with pytest.raises(DataError, match=r"found the closing paragraph numbered 111 after paragraph 108.*page missing"):
        reports.read_report(lost)
