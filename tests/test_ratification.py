"""The detector of recommendations to ratify one of the 12 core instruments, against hand labels and traps.

``tests/data/ratification_labels.csv`` holds 320 recommendations of the embedded data set, each labelled
by reading it (the instruments among the 12 it asks the State to ratify or accede to, "(considered)"
where it only asks the State to consider it) with a one-line reason. How they were drawn (``draw``):
the recommendations sorted by ``rec_id``; 100 drawn with ``DataFrame.sample(random_state=13)`` among
those whose text matches ``CANDIDATE`` (stratum ``candidate``), 120 among the rest of the data
(``all``); later, once the detector was frozen, 100 more among the candidates not yet drawn
(``random_state=14``, stratum ``held-out``).
"""

import re
from pathlib import Path

import pandas as pd
import pytest

from upr_lab import load
from upr_lab.sources.treaties import CODES
from upr_lab.stats.ratification import Request, detect, ratification_requests

LABELS = Path(__file__).resolve().parent / "data" / "ratification_labels.csv"
CANDIDATE = r"ratif|accede|accession|adher|part(?:y|ies)\b|\bsign|\bjoin"
LABEL = re.compile(r"^(?P<code>[A-Z0-9-]+)(?P<considered> \(considered\))?$")


@pytest.fixture(scope="module")
def labels():
    return pd.read_csv(LABELS, dtype=str, keep_default_na=False)


def labelled(cell):
    """``{(instrument, considered)}`` from a cell such as ``"CAT; CED (considered)"``."""
    pairs = set()
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        match = LABEL.match(part)
        assert match and match["code"] in CODES, f"malformed label {part!r}"
        pairs.add((match["code"], bool(match["considered"])))
    return pairs


def draw(recs):
    """The seeded draw of the labelled recommendations (see the module's documentation)."""
    recs = recs.sort_values("rec_id").reset_index(drop=True)
    candidates = recs["text"].str.contains(CANDIDATE, case=False, regex=True)
    first = recs[candidates].sample(n=100, random_state=13)
    rest = recs.drop(first.index).sample(n=120, random_state=13)
    held_out = recs[candidates].drop(first.index, errors="ignore").drop(rest.index, errors="ignore")
    held_out = held_out.sample(n=100, random_state=14)
    return pd.concat([first.assign(stratum="candidate"), rest.assign(stratum="all"),
                      held_out.assign(stratum="held-out")])


def test_the_labelled_recommendations_are_the_seeded_draw(labels):
    drawn = draw(load().recommendations)
    assert labels["rec_id"].tolist() == drawn["rec_id"].tolist()
    assert labels["text"].tolist() == drawn["text"].tolist()
    assert labels["stratum"].tolist() == drawn["stratum"].tolist()


def test_every_label_is_well_formed_and_has_a_reason(labels):
    assert len(labels) >= 200 and labels["rec_id"].is_unique
    assert (labels["reason"].str.len() > 3).all()
    assert sum(len(labelled(cell)) for cell in labels["instruments"]) >= 150  # enough requests to measure recall


def agreement(labels):
    """True positives, false positives, false negatives per (recommendation, instrument), and among the
    true positives how many agree on ``considered``."""
    tp = fp = fn = same_considered = 0
    for text, cell in zip(labels["text"], labels["instruments"]):
        truth = dict(labelled(cell))
        found = {r.instrument: r.considered for r in ratification_requests(text)}
        tp += len(truth.keys() & found.keys())
        fp += len(found.keys() - truth.keys())
        fn += len(truth.keys() - found.keys())
        same_considered += sum(truth[code] == found[code] for code in truth.keys() & found.keys())
    return tp, fp, fn, same_considered


@pytest.mark.parametrize("strata", [("candidate", "all", "held-out"), ("held-out",)], ids=["all labels", "held-out"])
def test_precision_and_recall_against_the_hand_labels(labels, strata):
    tp, fp, fn, same_considered = agreement(labels[labels["stratum"].isin(strata)])
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95, f"precision {precision:.3f} ({fp} false positives)"
    assert recall >= 0.95, f"recall {recall:.3f} ({fn} missed)"
    assert same_considered / tp >= 0.95


def asks(text):
    return {(r.instrument, r.considered) for r in ratification_requests(text)}


@pytest.mark.parametrize("text, expected", [
    # names, abbreviations and the usual variants
    ("Ratify the Convention against Torture", {("CAT", False)}),
    ("Accede to the Second Optional Protocol to the International Covenant on Civil and Political Rights, aiming "
     "at the abolition of the death penalty", {("CCPR-OP2-DP", False)}),
    ("Ratify the Optional Protocol to the Convention on the Rights of the Child on the involvement of children in "
     "armed conflict", {("CRC-OP-AC", False)}),
    ("Sign and ratify OPCAT, ICCPR-OP 2, OP-CRC-SC and OPAC",
     {("CAT-OP", False), ("CCPR-OP2-DP", False), ("CRC-OP-SC", False), ("CRC-OP-AC", False)}),
    ("Become a party to CPED, ICERD and ICESCR", {("CED", False), ("CERD", False), ("CESCR", False)}),
    ("Accede to ICPPED and the CRPD", {("CED", False), ("CRPD", False)}),
    ("Ratify the CAT and its Optional Protocol", {("CAT", False), ("CAT-OP", False)}),
    ("Ratify the two Optional Protocols to the CRC", {("CRC-OP-AC", False), ("CRC-OP-SC", False)}),
    ("Adhere to the CRC and its two Optional Protocols and end the recruitment of children by armed groups",
     {("CRC", False), ("CRC-OP-AC", False), ("CRC-OP-SC", False)}),
    ("Consider ratifying both International Covenants", {("CCPR", True), ("CESCR", True)}),
    # considered, and not
    ("Consider ratifying the Convention on the Rights of Persons with Disabilities", {("CRPD", True)}),
    ("Examine the possibility of acceding to CEDAW", {("CEDAW", True)}),
    ("Study the ratification of the International Convention for the Protection of All Persons from Enforced "
     "Disappearance", {("CED", True)}),
    ("Consider ratifying CAT and ratify CED without delay", {("CAT", True), ("CED", False)}),
    ("Establish a moratorium with a view to ratifying the Second Optional Protocol to ICCPR", {("CCPR-OP2-DP", False)}),
    # variants of the names
    ("Sign and ratify the Convention on Economic, Social and Cultural Rights", {("CESCR", False)}),
    ("Ratify the International Covenant of Civil and Political Rights", {("CCPR", False)}),
    ("Ratify the Convention on the Right of Persons with Disabilities", {("CRPD", False)}),
    ("Ratify the Optional Protocol to the Convention on Torture", {("CAT-OP", False)}),
    ("Review the implementation of the Convention against Torture and ratify the Optional Protocol to the Convention",
     {("CAT-OP", False)}),
    ("Ratify the CRC and the Optional Protocol to the Convention against Transnational Organized Crime", {("CRC", False)}),
    # an optional protocol is never its parent, and these protocols are not among the 12
    ("Ratify the Optional Protocol to CEDAW", set()),
    ("Ratify OP-CEDAW", set()),
    ("Ratify the Optional Protocol to the International Covenant on Economic, Social and Cultural Rights", set()),
    ("Ratify the first Optional Protocol to the ICCPR", set()),
    ("Ratify the Optional Protocol to the Convention on the Rights of Persons with Disabilities", set()),
    ("Ratify the Optional Protocol to the Convention on the Rights of the Child on a communications procedure", set()),
    ("Ratify OP-ICESCR and OP-CRPD", set()),
    # other actions on an instrument are no ratification
    ("Withdraw its reservations to CEDAW", set()),
    ("Implement CAT", set()),
    ("Harmonize its legislation with the CRC", set()),
    ("Ratify OP-CAT and bring its legislation in line with CAT", {("CAT-OP", False)}),
    ("Ratify ICRMW in line with the recommendations made by CRC, CERD and CESCR", set()),
    ("Ratify CED and recognize the competence of the Committee under article 31 of the Convention", {("CED", False)}),
    ("Withdraw reservations made upon the ratification of the CRPD", set()),
    # protocols by other names, and where they stand
    ("Ratify the Second Protocol to the ICCPR", {("CCPR-OP2-DP", False)}),
    ("Accede to Optional Protocols 1 and 2 to ICCPR", {("CCPR-OP2-DP", False)}),
    ("Withdraw existing reservations to ICCPR and ratify both ICCPR Optional Protocols", {("CCPR-OP2-DP", False)}),
    ("Ratify CEDAW and CAT facultative protocols", {("CEDAW", False), ("CAT-OP", False)}),
    ("Ratify the Optional Protocols to the ICESCR and the CRPD", set()),
    ("Sign and ratify the Optional Protocol to ICESCR and CRPD and ratify CED", {("CRPD", False), ("CED", False)}),
    ("Ratify the Optional Protocols to CAT, ICESCR and CED", {("CAT-OP", False), ("CED", False)}),
    ("Ratify CAT, the 1951 Refugee Convention and the 1967 Protocol thereto", {("CAT", False)}),
    ("Ratify the Second Optional Protocol to the ICCPR, aiming at the abolition of the death penalty (ICCPR)",
     {("CCPR-OP2-DP", False)}),
    ("Work towards ICCPR ratification", {("CCPR", False)}),
    # ratifications already made
    ("Respect the commitments it undertook by ratifying the ICCPR", set()),
    ("Follow up its ratification of CEDAW with implementation", set()),
    ("Adhere to the principles of the CRPD, with a view to its early ratification", {("CRPD", False)}),
    # instruments outside the 12
    ("Ratify the Rome Statute of the International Criminal Court", set()),
    ("Ratify the ICRMW", set()),
    ("Ratify ILO Conventions No. 138 and No. 182 on child labour", set()),
    ("Ratify the Inter-American Convention to Prevent and Punish Torture", set()),
    ("Accede to the Council of Europe Convention on preventing and combating violence against women", set()),
])
def test_traps(text, expected):
    assert asks(text) == expected


def test_detect_gives_one_row_per_recommendation_and_instrument():
    recs = pd.DataFrame({"rec_id": ["a", "b", "c", "d"],
                         "text": ["Ratify CAT and consider ratifying CED", "Implement the CRC",
                                  "Ratify CAT and consider ratifying CED", "Ratify OP-CEDAW"]})
    found = detect(recs)
    assert list(found.columns) == ["rec_id", "instrument", "considered"]
    assert found.values.tolist() == [["a", "CAT", False], ["a", "CED", True], ["c", "CAT", False], ["c", "CED", True]]
    assert found["considered"].dtype == bool


def test_a_request_is_its_instrument_and_whether_considered():
    assert ratification_requests("Ratify CRC") == (Request("CRC", False),)
    assert ratification_requests(None) == () and ratification_requests("") == ()


def test_the_quick_tests_before_each_group_of_names_never_skip_a_mention():
    """``raw_mentions`` searches a group of names only in texts holding a word every name of the group holds;
    with those tests made to pass every text, the mentions are the same (real texts, and their case changed)."""
    from upr_lab.stats import instruments

    texts = [instruments.normalise(t) for t in load().recommendations["text"].astype(str).iloc[::6]]
    texts += [t.upper() for t in texts[::5]] + [t.lower() for t in texts[::5]] + [t.title() for t in texts[::7]]

    def spans(found):
        return [(m.start, m.end, m.kind, m.codes) for m in found]
    quick = [spans(instruments.raw_mentions(t)) for t in texts]
    everything = re.compile("")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("CAPITALS", "PROTOCOL_WORDS", "OP_LETTERS", "MAY_NAME"):
            patch.setattr(instruments, name, everything)
        patch.setattr(instruments, "_WORDS", dict.fromkeys(instruments._WORDS, everything))
        for name in ("_may_name", "_protocol_words", "_names_words"):  # their lower-cased forms, for ASCII text
            patch.setattr(instruments, name, lambda *args: True)
        assert [spans(instruments.raw_mentions(t)) for t in texts] == quick
    assert sum(map(bool, quick)) > 1000  # texts that name instruments were among them


def test_the_quick_tests_on_lower_cased_text_are_the_patterns_that_ignore_case():
    """For ASCII text the quick tests search the lower-cased text literally: the same answers as the patterns
    that ignore case (real texts, their case changed, and text with letters that only ignoring case matches)."""
    from upr_lab.stats import instruments, ratification

    texts = load().recommendations["text"].astype(str).iloc[::5].tolist()
    texts += [t.upper() for t in texts[::4]] + [t.title() for t in texts[::4]]
    texts += ["Ratify the Optional Protocol to CAT", "JOIN THE ROME STATUTE", "Sign ILO C189", "ratif\u0131ed"]
    for text in texts:
        lowered = instruments.ascii_lower(text)
        assert lowered is None or lowered == text.lower()
        assert instruments._may_name(text, lowered) == bool(instruments.MAY_NAME.search(text)), text
        assert instruments._protocol_words(text, lowered) == bool(instruments.PROTOCOL_WORDS.search(text)), text
        for code, pattern in instruments._WORDS.items():
            assert instruments._names_words(code, text, lowered) == bool(pattern.search(text)), (code, text)
        assert ratification._may_ask(text) == bool(ratification.ANY_CUE.search(text)), text
    assert all(word == word.lower() for words in instruments._WORD_LISTS.values() for word in words)
