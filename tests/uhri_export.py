"""UHRI exports in the JSON layout, built by the tests (and by bench/uhri_load.py at real size): no real export
could be had here (../shared/data/uhri/LAYOUT.md gives the layout as public code reads it). Every record built
here is SYNTHETIC."""

import json


def record(body="- UPR", countries=("- Norway",), symbol="A/HRC/27/15", session=("- 19 - April 2014",),
           cycle="- 2", recommending=("- Brazil", "- Chile"), text="124.1 Ratify the Convention (Brazil);",
           positions=("- Supported",), themes=("- Right to health",),
           sdgs=("- 16.2 - Protect children from abuse, exploitation, trafficking and violence",),
           annotation="a9ceae8c-fe1c-40f9-a326-1529e0ab678f"):
    """One record in UHRI's JSON layout: '- ' prefixes, lists; non-UPR records carry nulls and empty lists.
    ``countries`` and ``session`` given as a string stay one string (a cell of several lines, a bare value)."""
    upr = any(str(b).strip(" -") in ("UPR", "Universal Periodic Review") for b in _listed([body]))
    countries = [countries] if isinstance(countries, str) else list(countries)
    return {"AffectedPersons": ["- Children"], "AnnotationId": annotation,
            "AnnotationType": "- Recommendations", "Body": body, "Countries": countries,
            "DocumentId": "0b1c2d3e-0000-4000-8000-000000000000", "PublicationDate": "2014-07-07T00:00:00",
            "PublicationDateOnUhri": "2015-03-03T10:53:45.827", "Regions": ["- Western Europe & Others"],
            "Sdgs": _listed(sdgs), "Symbol": symbol, "Text": text, "Themes": _listed(themes),
            "UprCycle": cycle if upr else None,
            "UprPositions": _listed(positions) if upr else [],
            "UprRecommendingCountry": list(recommending) if upr else [], "UprRecommendingRegions": [],
            "UprSession": _listed(session) if upr else []}


def _listed(value):
    """A list as a list; a string, a number or None as it is (the export holds each)."""
    return [x for item in value for x in (item if isinstance(item, list) else [item])] if isinstance(
        value, (list, tuple)) else value


def write_export(path, records):
    """Write ``records`` (an iterable, consumed one at a time) as one JSON array, as the export is laid out."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("[")
        for i, one in enumerate(records):
            f.write(",\n" if i else "\n")
            f.write(json.dumps(one, ensure_ascii=False))
        f.write("\n]")
    return path
