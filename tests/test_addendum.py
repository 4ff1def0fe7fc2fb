"""Addenda to Working Group reports (the State's responses, official OHCHR documents) -> one response per
recommendation reference."""

from collections import Counter
from pathlib import Path

import pytest

from upr_lab.exceptions import DataError
from upr_lab.sources.ohchr import addendum
from upr_lab.sources.ohchr.text import read_document

SVN = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr" / "SVN"
TOP = """United Nations A/HRC/52/9/Add.1
General Assembly Distr.: General
Human Rights Council
Universal periodic review
Report of the Working Group on the Universal Periodic Review
Freedonia
Addendum
Views on conclusions and/or recommendations, voluntary commitments and replies presented by the State under review
"""


def read(name):
    return addendum.read_addendum(SVN / name)


def built(tmp_path, text, name="A_HRC_52_9_Add.1.txt"):
    path = tmp_path / name
    path.write_text(TOP + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name,paragraph,total,stated", [
    # the figures each addendum states; the bare numbers of cycle 2 are items of paragraph 115
    ("A_HRC_28_15_Add.1.pdf", None, 163, {"supported": 142, "noted": 21}),  # "accepts 142 ... notes 21"
    ("A_HRC_43_15_Add.1.pdf", "122", 157, {"supported": 124, "noted": 33}),  # "124 are now supported and 33 noted"
    ("A_HRC_59_15_Add.1.pdf", "140", 254, {"supported": 217, "noted": 37}),  # "217 are supported and 37 noted"
])
def test_lists_give_the_stated_counts_and_cover_every_reference_once(name, paragraph, total, stated):
    found = read(name)
    references = [r.reference for r in found.responses]
    assert Counter(r.response for r in found.responses) == stated
    assert sorted(references) == sorted(f"{paragraph}.{k}" if paragraph else str(k) for k in range(1, total + 1))
    assert found.symbol == name.replace("_", "/").removesuffix(".pdf")
    assert found.report == found.symbol.removesuffix("/Add.1") and len(found.by_reference()) == total


def test_symbol_report_and_path():
    found = read("A_HRC_43_15_Add.1.pdf")
    assert (found.symbol, found.report) == ("A/HRC/43/15/Add.1", "A/HRC/43/15")
    assert found.path == SVN / "A_HRC_43_15_Add.1.pdf"


def test_responses_come_in_the_documents_order():
    assert [r.reference for r in read("A_HRC_43_15_Add.1.pdf").responses[:6]] == [
        "122.1", "122.12", "122.17", "122.18", "122.22", "122.27"]
    assert [r.reference for r in read("A_HRC_28_15_Add.1.pdf").responses[:7]] == ["1", "2", "3", "4", "5", "14", "15"]


def test_cycle_one_answers_are_classified_from_their_wording():
    found = read("A_HRC_14_15_Add.1.pdf")
    by_response = {k: sorted(int(r.reference) for r in found.responses if r.response == k)
                   for k in ("supported", "noted", "other")}
    assert sorted(int(r.reference) for r in found.responses) == list(range(1, 98))  # items 1-97 of paragraph 111
    # noted: 1 "cannot, at this point in time, make a definitive statement", 84 and 93 "cannot accept",
    # 88 "does not accept"
    assert by_response["noted"] == [1, 84, 88, 93]
    # other: 3 accepts ILO Convention No. 174 but "cannot make a definitive statement" on No. 118 (mixed);
    # 15 "agrees with the importance of the 1995 Programme", neither accepts nor notes (a general answer);
    # 32 accepts treatment and campaigns, "cannot accept" a law on domestic violence (mixed);
    # 58 accepts free legal aid, "cannot accept" specialised family courts (mixed).
    # UPR Info records 15 as noted and splits 3, 32, 58 into a supported and a noted row.
    assert by_response["other"] == [3, 15, 32, 58]
    assert len(by_response["supported"]) == 89


def test_cycle_one_number_lists_that_wrap_in_the_number_column():
    found = read("A_HRC_14_15_Add.1.pdf").by_reference()
    # "40., 41., 42., Slovenia accepts these recommendations ..." then "43., 44." alone on the next line
    assert found["43"].wording == found["40"].wording == ("Slovenia accepts these recommendations and already acts "
                                                          "accordingly.")
    # "77., 78., 79., 82., Slovenia accepts ... in the light of the" / "83., 85., 86., 87. decision by ..."
    assert found["87"].response == "supported" and found["87"].wording.startswith(
        "Slovenia accepts these recommendations and refers, in the light of the decision by the Slovenian")
    assert found["45"].wording == "Slovenia accepts this recommendation and already acts accordingly."


def test_wordings_keep_the_states_words():
    first, second, third, fourth = (read(f"A_HRC_{n}_15_Add.1.pdf").by_reference() for n in (14, 28, 43, 59))
    assert first["84"].wording == "Slovenia cannot accept the recommendation for the following reasons:"
    assert first["58"].wording == ("Slovenia accepts the recommendation regarding free legal aid and notes that it "
                                   "already acts accordingly. Slovenia cannot accept the recommendation on "
                                   "specialised family courts.")
    assert second["1"].wording == "The Government of the Republic of Slovenia accepts the recommendations …"
    assert second["18"].wording.startswith("We consider that this recommendation is implemented. The National")
    assert second["163"].wording == "See information on recommendations 6–13."  # not the footnotes' heading "Notes"
    assert second["6"].wording == second["13"].wording  # "Recs. 6–13 The Government ... is currently not planning"
    assert second["6"].wording.startswith("The Government of the Republic of Slovenia is currently not planning")
    assert third["122.15"].wording.startswith("Slovenia considers these recommendations implemented.")  # "122.14– 15"
    assert third["122.54"].response == "noted"  # in the noted list, though its note says "implemented"
    assert fourth["140.87"].wording.startswith("Slovenia implements anti-trafficking measures")  # "140.82-85, 87"
    assert fourth["140.209"].wording.startswith("Slovenia has increased the number of places")  # "140.120, 209"
    assert fourth["140.254"].wording == "The Government accepts the following recommendations: …"
    assert all(len(r.wording) <= addendum.WORDING and "\n" not in r.wording
               for found in (first, second, third, fourth) for r in found.values())


def test_is_addendum_sorts_a_folder():
    assert [p.name for p in sorted(SVN.glob("*.pdf")) if addendum.is_addendum(read_document(p))] == [
        "A_HRC_14_15_Add.1.pdf", "A_HRC_28_15_Add.1.pdf", "A_HRC_43_15_Add.1.pdf", "A_HRC_59_15_Add.1.pdf"]


def test_a_table_of_positions(tmp_path):
    path = built(tmp_path, """
1. Freedonia examined the 6 recommendations left pending; its positions are set out below.
Recommendation | Position | Comments
140.1 Ratify the Convention on Migrant Workers (Chile) | Noted | Not a priority at present.
140.2-3 Consider ratifying the Optional Protocols (Peru) | Supported in part | The first is under way.
140.4 Strengthen the national human rights institution\tSupported\tFunds were increased in 2023.
140.5 Adopt a law against hate speech, including online
(Spain) Accepted The Criminal Code was amended in 2022.
140.6 Abolish the death penalty in all circumstances (Norway)  Rejected  The Constitution provides for it.
140.7 | Combat trafficking in persons (Nepal) | Supported |
""")
    found = addendum.read_addendum(path)
    assert [(r.reference, r.response) for r in found.responses] == [
        ("140.1", "noted"), ("140.2", "other"), ("140.3", "other"), ("140.4", "supported"), ("140.5", "supported"),
        ("140.6", "noted"), ("140.7", "supported")]
    assert found.by_reference()["140.1"].wording == "Noted | Not a priority at present."
    assert found.by_reference()["140.5"].wording == "Accepted The Criminal Code was amended in 2022."
    assert (found.symbol, found.report) == ("A/HRC/52/9/Add.1", "A/HRC/52/9")


def test_ranges_of_every_spelling(tmp_path):
    path = built(tmp_path, """
2. The Government accepts the following recommendations: 122.17-18, 122.34- 35, 122.14– 15, 122.62-
66, 140.82-85, 87, 140.35. 140.36, 140.40, 122.30-122.31 and 122.99.
3. For the time being, the Government notes recommendations 1–3, 14–
16, 150 – 152.
""")
    found = addendum.read_addendum(path).by_reference()
    assert [ref for ref, r in found.items() if r.response == "supported"] == [
        "122.17", "122.18", "122.34", "122.35", "122.14", "122.15", "122.62", "122.63", "122.64", "122.65", "122.66",
        "140.82", "140.83", "140.84", "140.85", "140.87", "140.35", "140.36", "140.40", "122.30", "122.31", "122.99"]
    assert [ref for ref, r in found.items() if r.response == "noted"] == [
        "1", "2", "3", "14", "15", "16", "150", "151", "152"]
    assert found["2"].wording == "For the time being, the Government notes recommendations …"


def test_a_count_of_recommendations_is_no_reference(tmp_path):
    path = built(tmp_path, """
2. The Government of Freedonia accepts 142 recommendations. The Government notes 21 recommendations.
3. The Government accepts the recommendations 1–20, 22, 141, 143.
4. The Government notes recommendations 21, 142.
""")
    assert {r.reference: r.response for r in addendum.read_addendum(path).responses} == {
        **{str(k): "supported" for k in [*range(1, 21), 22, 141, 143]}, "21": "noted", "142": "noted"}


def test_notes_give_information_not_a_new_position(tmp_path):
    path = built(tmp_path, """
3. The Government accepts the following recommendations: 140.1, 140.2.
4. The Government takes note of recommendations 140.3, 140.4 and wishes to provide the following information:
140.1-3
Freedonia considers these recommendations implemented. See also recommendation 140.4.
Rec. 140.4 The Government cannot accept this recommendation for now.
""")
    found = addendum.read_addendum(path).by_reference()
    assert {ref: r.response for ref, r in found.items()} == {
        "140.1": "supported", "140.2": "supported", "140.3": "noted", "140.4": "noted"}
    assert found["140.3"].wording == "Freedonia considers these recommendations implemented. See also recommendation " \
                                     "140.4."
    assert found["140.4"].wording == "The Government cannot accept this recommendation for now."


def test_a_list_broken_after_a_comma_opens_no_note(tmp_path):
    path = built(tmp_path, """
3. The Government accepts the following recommendations: 140.1, 140.2,
140.3, 140.4
II. Noted recommendations
4. The Government notes recommendation 140.5, for the reasons below.
140.5
Freedonia is not planning to ratify the Convention.
""")
    found = addendum.read_addendum(path).by_reference()
    assert [(ref, r.response) for ref, r in found.items()] == [
        ("140.1", "supported"), ("140.2", "supported"), ("140.3", "supported"), ("140.4", "supported"),
        ("140.5", "noted")]
    assert found["140.3"].wording == "The Government accepts the following recommendations: …"
    assert found["140.5"].wording == "Freedonia is not planning to ratify the Convention."


def test_statements_in_other_words(tmp_path):
    path = built(tmp_path, """
1. Recommendations 89.1, 89.2 and 89.5 enjoy the support of Freedonia.
2. Recommendations 89.3 and 89.4 do not enjoy the support of Freedonia.
3. The following recommendations are accepted: 89.6, 89.7.
4. Freedonia supports recommendations Nos. 89.8 to 89.10.
""")
    found = addendum.read_addendum(path).by_reference()
    assert {ref: r.response for ref, r in found.items()} == {
        **{f"89.{k}": "supported" for k in (1, 2, 5, 6, 7, 8, 9, 10)}, "89.3": "noted", "89.4": "noted"}
    assert found["89.3"].wording == "Recommendations … do not enjoy the support of Freedonia."


def test_answers_numbered_by_paragraph_and_item(tmp_path):
    path = built(tmp_path, """
1. Freedonia has examined the 4 recommendations and responds as follows.
122.1 The Government supports this recommendation. See also recommendation 122.3, which it accepts.
122.2 The Government cannot accept this recommendation at present.
122.3
The Government accepts this recommendation, which is being implemented.
122.4 The Government takes note of the recommendation. It will report on the matter.
""")
    found = addendum.read_addendum(path).by_reference()
    assert {ref: r.response for ref, r in found.items()} == {
        "122.1": "supported", "122.2": "noted", "122.3": "supported", "122.4": "noted"}
    assert found["122.3"].wording == "The Government accepts this recommendation, which is being implemented."
    assert found["122.4"].wording == "The Government takes note of the recommendation."


@pytest.mark.parametrize("wording,expected", [
    ("Slovenia accepts the recommendation.", "supported"),
    ("The following recommendations enjoy the support of Freedonia", "supported"),
    ("Slovenia cannot, at this point in time, make a definitive statement.", "noted"),
    ("Slovenia does not accept this recommendation, as it is incomprehensible.", "noted"),
    ("Recommendations 1-5 are not accepted.", "noted"),
    ("The Government takes note of the recommendation.", "noted"),
    ("Freedonia rejects this recommendation.", "noted"),
    ("Slovenia accepts the recommendation on legal aid. Slovenia cannot accept the one on family courts.", "other"),
    ("Freedonia partially accepts the recommendation.", "other"),
    ("Slovenia agrees with the importance of the 1995 Programme.", "other"),
    ("Slovenia accepts the recommendation and notes that it has already acted accordingly.", "supported"),
])
def test_classify(wording, expected):
    assert addendum._classify(wording) == expected


def test_a_document_that_is_no_addendum_is_refused_in_one_line():
    with pytest.raises(DataError) as info:
        read("A_HRC_14_15.pdf")
    message = str(info.value)
    assert "\n" not in message and "A_HRC_14_15.pdf" in message
    assert "found no symbol A/HRC/<session>/<number>/Add.<n>" in message and "expected the addendum" in message


def test_a_recommendation_named_alone_wins_over_a_range_that_covers_it(tmp_path):
    path = built(tmp_path, """
3. The Government accepts the following recommendations: 122.1, 122.2-4.
4. For the time being, the Government notes recommendations 122.4, 122.5. It wishes to explain its reasons.
""", name="two.txt")
    found = addendum.read_addendum(path)
    assert {r.reference: r.response for r in found.responses} == {
        "122.1": "supported", "122.2": "supported", "122.3": "supported", "122.4": "noted", "122.5": "noted"}
    assert found.by_reference()["122.4"].wording == "For the time being, the Government notes recommendations …"
    (line,) = found.contradictions
    assert line.startswith("recommendation 122.4: supported ('The Government accepts the following recommendations: "
                           "…', in a range) and noted ('For the time being")
    assert line.endswith("; taken as noted (the statement naming it alone)")


def test_two_statements_naming_a_recommendation_alone_give_other_with_both_wordings(tmp_path):
    path = built(tmp_path, """
3. The Government accepts the following recommendations: 122.1, 122.2.
4. The Government rejects recommendations 122.2, 122.3.
""")
    found = addendum.read_addendum(path)
    assert [(r.reference, r.response) for r in found.responses] == [
        ("122.1", "supported"), ("122.2", "other"), ("122.3", "noted")]
    assert found.by_reference()["122.2"].wording == ("The Government accepts the following recommendations: … / "
                                                     "The Government rejects recommendations …")
    assert [c.split(":")[0] for c in found.contradictions] == ["recommendation 122.2"]
    assert found.contradictions[0].endswith("taken as other (the statements naming it alone disagree)")


def test_an_addendum_without_responses_or_with_a_backward_range_is_refused_in_one_line(tmp_path):
    silent = built(tmp_path, "The Government thanks the States for their recommendations and will report on "
                             "their implementation in due course at the next review.\n", name="silent.txt")
    backward = built(tmp_path, "3. The Government accepts the recommendations 18–17, 20.\n", name="backward.txt")
    for path, expected in ((silent, "found no response"), (backward, "found the range '18–17'")):
        with pytest.raises(DataError) as info:
            addendum.read_addendum(path)
        assert "\n" not in str(info.value) and path.name in str(info.value) and expected in str(info.value)


def test_the_symbol_comes_from_the_file_name_when_the_top_has_none(tmp_path):
    path = tmp_path / "A_HRC_52_9_Add.1.txt"
    path.write_text("Addendum\nViews on conclusions and/or recommendations, voluntary commitments and replies "
                    "presented by the State under review (Freedonia), without its symbol at the top.\n"
                    "3. The Government accepts the following recommendations: 140.1, "
                    "140.2, 140.3.\n", encoding="utf-8")
    found = addendum.read_addendum(path)
    assert (found.symbol, [r.reference for r in found.responses]) == ("A/HRC/52/9/Add.1", ["140.1", "140.2", "140.3"])


REPORT = """United Nations A/HRC/52/9
General Assembly
Human Rights Council
Fifty-second session
Report of the Working Group on the Universal Periodic Review
Lebanon
1. The Working Group on the Universal Periodic Review held its forty-second session from 23 January to 3 February 2023.
II. Conclusions and/or recommendations
140. The following recommendations will be examined by Lebanon, which will provide responses in due
time, but no later than the fifty-second session of the Human Rights Council:
140.1 Ratify the Optional Protocol to the Convention against Torture (Denmark);
140.2 Abolish the death penalty (France);
140.3 Strengthen the national human rights institution (Tunisia);
140.4 Combat violence against women (Chile);
140.5 Repeal article 534 of the Penal Code (Spain);
140.6 Adopt a law on domestic workers (Peru);
140.7 Ensure the independence of the judiciary (Norway);
140.8 Decriminalize defamation (Sweden);
140.9 Protect refugees from forced return (Brazil);
140.10 Raise the minimum age of marriage to 18 (Mexico).
141. All conclusions and/or recommendations contained in the present report reflect the position of the
submitting State(s) and/or the State under review.
"""
ADDENDUM = """
1. Lebanon examined the recommendations left to be examined and responds as follows.
2. Lebanon accepts recommendations 140.1, 140.2 and 140.3.
3. Lebanon partially accepts recommendations 140.5 and 140.7, as set out below.
4. Lebanon rejects recommendations 140.4-140.8.
"""


def test_partial_acceptance_inside_a_rejected_range_and_two_unanswered_import_with_warnings(tmp_path):
    # the real case: "partially accepts" some, states a range as rejected that overlaps them, answers two
    # others nowhere: read whole, each contradiction and the unanswered items named in a warning
    from upr_lab import load

    (tmp_path / "A_HRC_52_9.txt").write_text(REPORT, encoding="utf-8")
    built(tmp_path, ADDENDUM)
    found = addendum.read_addendum(tmp_path / "A_HRC_52_9_Add.1.txt")
    assert {r.reference: r.response for r in found.responses} == {
        "140.1": "supported", "140.2": "supported", "140.3": "supported", "140.4": "noted", "140.5": "other",
        "140.6": "noted", "140.7": "other", "140.8": "noted"}
    assert found.by_reference()["140.5"].wording.startswith("Lebanon partially accepts recommendations …")
    with pytest.warns(UserWarning) as caught:
        data = load(tmp_path)
    responses = dict(zip(data.recommendations["paragraph"], data.recommendations["response"]))
    assert responses == {"140.1": "supported", "140.2": "supported", "140.3": "supported", "140.4": "noted",
                         "140.5": "other", "140.6": "noted", "140.7": "other", "140.8": "noted",
                         "140.9": "other", "140.10": "other"}
    said = [str(w.message) for w in caught]
    assert any("2 recommendations of A/HRC/52/9 have no response in its addendum (140.9, 140.10): counted as "
               "'other' (pending)" in m for m in said)
    contradictions = [m for m in said if "two positions" in m]
    assert [m.split("recommendation ")[1].split(":")[0] for m in contradictions] == ["140.5", "140.7"]
    assert all(m.startswith("A_HRC_52_9_Add.1.txt: two positions for one recommendation") and
               m.endswith("taken as other (the statement naming it alone)") for m in contradictions)


@pytest.mark.parametrize("wording,expected", [
    ("Freedonia accepts in principle recommendation 140.1.", "other"),
    ("Freedonia agrees to recommendations 140.1.", "supported"),
    ("The Government does not accept recommendations 140.1.", "noted"),
    ("The Government supports recommendations 140.1.", "supported"),
    ("The Government notes recommendations 140.1.", "noted"),
])
def test_the_wordings_states_use_in_lists(tmp_path, wording, expected):
    found = addendum.read_addendum(built(tmp_path, f"\n3. {wording}\n"))
    assert [(r.reference, r.response) for r in found.responses] == [("140.1", expected)]


def test_an_addendum_in_another_language_is_refused_naming_the_language(tmp_path):
    path = tmp_path / "A_HRC_52_9_Add.1.txt"
    path.write_text("Nations Unies A/HRC/52/9/Add.1\nConseil des droits de l’homme\nRapport du Groupe de travail sur "
                    "l’Examen périodique universel\nAdditif\nObservations sur les conclusions et/ou recommandations, "
                    "engagements exprimés et réponses de l’État examiné\n1. Le Gouvernement accepte les "
                    "recommandations 140.1, 140.2 et 140.3. Il prend note des recommandations 140.4 et 140.5, qui ne "
                    "sont pas conformes à la Constitution. Les recommandations sont examinées par les ministères "
                    "dans le cadre du plan national.\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        addendum.read_addendum(path)
    assert "found a document in French; expected the English version of the addendum" in str(refused.value)


def test_two_positions_in_one_sentence(tmp_path):
    path = built(tmp_path, """
2. The Government accepts recommendations 140.1-140.3 and notes recommendations 140.4 and 140.5.
3. Recommendations 140.6 and 140.7 are accepted; recommendations 140.8 and 140.9 are noted.
4. Freedonia supports recommendations 140.10, 140.11, but does not support recommendation 140.12.
""")
    found = {r.reference: r.response for r in addendum.read_addendum(path).responses}
    assert found == {**{f"140.{k}": "supported" for k in (1, 2, 3, 6, 7, 10, 11)},
                     **{f"140.{k}": "noted" for k in (4, 5, 8, 9, 12)}}


def test_lists_under_headings_that_state_a_position(tmp_path):
    path = built(tmp_path, """
1. Freedonia has examined the recommendations and its positions are set out below.
A. Recommendations supported
140.1, 140.2, 140.3,
140.6
B. Recommendations noted
140.4
140.5
Freedonia cannot accept this recommendation at present.
""")
    found = addendum.read_addendum(path).by_reference()
    assert {ref: r.response for ref, r in found.items()} == {
        "140.1": "supported", "140.2": "supported", "140.3": "supported", "140.6": "supported", "140.4": "noted",
        "140.5": "noted"}
    assert found["140.6"].wording == "A. Recommendations supported" and found["140.4"].wording == \
        "B. Recommendations noted"
    # 140.5 opens an answer: classified from its own words, not from the heading
    assert found["140.5"].wording == "Freedonia cannot accept this recommendation at present."


def test_a_folder_with_a_document_in_another_language_says_which(tmp_path):
    from upr_lab import load

    test_an_addendum_in_another_language_is_refused_naming_the_language(tmp_path)  # writes the French addendum
    with pytest.raises(DataError) as refused:
        load(tmp_path)
    assert "A_HRC_52_9_Add.1.txt: found a document in French; expected the English version" in str(refused.value)


def test_a_response_to_a_number_the_report_lacks_is_left_out_with_a_warning(tmp_path):
    from upr_lab import load

    (tmp_path / "A_HRC_52_9.txt").write_text(REPORT, encoding="utf-8")
    built(tmp_path, "\n2. Lebanon accepts recommendations 140.1-140.10 and 140.11.\n")  # 140.11: a misprint
    with pytest.warns(UserWarning, match=r"A_HRC_52_9_Add.1.txt: responses to 140.11, which A/HRC/52/9 does not "
                                         r"number, are left out"):
        data = load(tmp_path)
    assert len(data.recommendations) == 10 and set(data.recommendations["response"]) == {"supported"}


def test_an_addendum_that_answers_another_reports_numbers_is_refused(tmp_path):
    from upr_lab import load

    (tmp_path / "A_HRC_52_9.txt").write_text(REPORT, encoding="utf-8")
    built(tmp_path, "\n2. Lebanon accepts recommendations 140.1, 140.20-140.30.\n")
    with pytest.raises(DataError) as refused:
        load(tmp_path)
    assert "found responses to 140.20, 140.21" in str(refused.value) and "\n" not in str(refused.value)
