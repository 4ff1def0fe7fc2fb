"""A four-cycle data set for tests: TEST DATA built here, not real UHRI records.

No real UHRI export can be had on this machine, so the tests build one in the Excel export's layout (the
columns of tests/test_uhri.py) for a few States under review:

* cycles 1-2: UHRI's records of the reviews the embedded real data set holds, as the real export would
  hold them, with known differences: the first ``DROPPED`` rows of each review are missing, one supported
  recommendation per review is recorded as noted (``FLIPPED``), and one recommendation per State only
  UHRI holds (``EXTRA``);
* cycles 3-4: made from the State's real cycle-1 and cycle-2 texts, at the sessions of its third and fourth
  reviews (14 and 28 sessions after its second): every other cycle-3 recommendation repeats a cycle-2 one
  word for word, the rest take cycle-1 texts; cycle 4 repeats the first half of cycle 3. Responses follow
  the texts', every third one flipped.

The file's name says TEST-DATA, so every label and caption built from it does too.

    from four_cycles import uhri_workbook, expected
    path = uhri_workbook(tmp_path)            # TEST-DATA-uhri-four-cycles.xlsx
    expected(path)                            # what reconciling it with the embedded set must find
"""

from pathlib import Path

import openpyxl

from upr_lab.sources.countries import states
from upr_lab.sources.dataset import load
from upr_lab.sources.formats import canonical

STATES = ("NOR", "KEN")
DROPPED = 1  # per review of cycles 1-2: its first rows, which UHRI lacks
FLIPPED = 1  # per review of cycles 1-2: supported recommendations UHRI records as noted
EXTRA = "Test data: a recommendation that only this UHRI file holds"
HEADER = ["Text", "Countries Concerned", "Reccomending Body", "Document Symbol", "Themes", "Affected Persons", "Sdgs",
          "Document Publication Date", "UPR Reccomending States", "UPR Position", "Type", "OHCHR Annotation Id",
          "UPR Session", "Regions Concerned", "Recommending Regions", "Date of publication on UHRI"]
NAME = "TEST-DATA-uhri-four-cycles.xlsx"
FLIP = {"supported": "noted", "noted": "supported", "other": "other"}
POSITION = {"supported": "Supported", "noted": "Noted", "other": "Supported/Noted"}


def embedded_rows(countries=STATES):
    """The embedded real data's recommendations to ``countries``, in the data set's order."""
    recs = load("upr").recommendations
    return recs[recs["sur_iso3"].isin(countries)].reset_index(drop=True)


def uhri_records(countries=STATES):
    """The records of the test export, as dicts of canonical values (one recommending State each)."""
    records = []
    for iso3, own in embedded_rows(countries).groupby("sur_iso3", sort=True):
        for session, review in own.groupby("session", sort=True):
            records += _earlier_review(review)
        records.append(_record(own.iloc[0], text=EXTRA))
        records += _later_reviews(own)
    return records


def _earlier_review(review):
    kept = review.iloc[DROPPED:]
    flip = kept.index[kept["response"] == "supported"][:FLIPPED]
    return [_record(row, response=FLIP[row["response"]] if i in flip else row["response"]) for i, row in kept.iterrows()]


def _later_reviews(own):
    first, second = own[own["cycle"] == 1], own[own["cycle"] == 2]
    session = int(second["session"].iloc[0])
    third = []
    for k, (_, row) in enumerate(second.iterrows()):
        source = row if k % 2 == 0 else first.iloc[k % len(first)]
        response = source["response"] if k % 3 else FLIP[source["response"]]
        third.append(_record(row, text=source["text"], response=response, session=session + 14))
    fourth = [{**record, "session": session + 28} for record in third[: len(third) // 2]]
    return third + fourth


def _record(row, text=None, response=None, session=None):
    return {"text": row["text"] if text is None else text, "sur_iso3": row["sur_iso3"],
            "recommender_iso3": row["recommender_iso3"], "response": response or row["response"],
            "session": int(row["session"] if session is None else session), "themes": tuple(row["issues"])}


def uhri_workbook(folder, countries=STATES):
    """Write the test export (Excel layout) in ``folder``; returns its path."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    names = states()
    for n, r in enumerate(uhri_records(countries)):
        sheet.append([r["text"], f"- {names[r['sur_iso3']].name}", "- UPR", f"A/HRC/WG.6/{r['session']}/TEST",
                      "\n".join(f"- {t}" for t in r["themes"]), "", "", 45000,
                      f"- {names[r['recommender_iso3']].name}", POSITION[r["response"]], "Recommendation",
                      f"test-{n}", f"{r['session']}th session", "", "", 45000])
    path = Path(folder) / NAME
    book.save(path)
    return path


def expected(countries=STATES):
    """What reconciling the test export with the embedded set must find on cycles 1-2 (hand counts)."""
    own = embedded_rows(countries)
    reviews = own.groupby(["sur_iso3", "session"]).ngroups
    first_rows = len(own)
    matched = first_rows - DROPPED * reviews
    return {"reviews_in_both": reviews, "first_rows": first_rows, "second_rows": matched + len(countries),
            "matched": matched, "only_in_first": DROPPED * reviews, "only_in_second": len(countries),
            "responses_differ": FLIPPED * reviews}


def four_cycle_table(folder, countries=STATES):
    """``upr`` and the test export combined, cut to ``countries``, as a canonical CSV (TEST-DATA in its name):
    a small four-cycle data set the notebooks run on quickly."""
    path = uhri_workbook(folder, countries)
    recs = load(f"upr,{path}").recommendations
    return canonical.write(recs[recs["sur_iso3"].isin(countries)].reset_index(drop=True),
                           Path(folder) / "TEST-DATA-four-cycles.csv")
