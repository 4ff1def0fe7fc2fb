"""States, regional groups, name resolution and the session calendar."""

import collections

import pytest

from upr_lab.sources.calendar import cycle_of, sessions_of, year_of
from upr_lab.sources.countries import CountryResolver, check_iso3, member_states
from upr_lab.exceptions import UnknownCountryError


def test_193_member_states_in_the_five_regional_groups():
    states = member_states()
    assert len(states) == 193
    groups = collections.Counter(s.group for s in states)
    assert groups == {"Africa": 54, "Asia-Pacific": 54, "EEG": 23, "GRULAC": 33, "WEOG": 29}


@pytest.mark.parametrize("name,iso3", [
    ("Republic of Korea", "KOR"), ("DPR Korea", "PRK"), ("Democratic People's Republic of Korea", "PRK"),
    ("Korea, Republic of", "KOR"), ("Congo", "COG"), ("Republic of Congo", "COG"),
    ("Democratic Republic of Congo", "COD"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"),
    ("St Vincent & the Grenadines", "VCT"), ("Macedonia FYR", "MKD"), ("Swaziland", "SWZ"),
    ("Turkey", "TUR"), ("Türkiye", "TUR"), ("Iran (Islamic Republic of)", "IRN"), ("Laos", "LAO"),
    ("Niger", "NER"), ("Nigeria", "NGA"), ("Guinea", "GIN"), ("Equatorial Guinea", "GNQ"),
    ("Sudan", "SDN"), ("South Sudan", "SSD"), ("Dominica", "DMA"), ("Dominican Republic", "DOM"),
])
def test_names_resolve_exactly(name, iso3):
    assert CountryResolver().resolve(name).iso3 == iso3


def test_unknown_names_are_refused_with_suggestions():
    with pytest.raises(UnknownCountryError, match="did you mean.*Korea"):
        CountryResolver().resolve("Koreaa")
    assert CountryResolver().lookup("Korea") is None  # ambiguous: never guessed


@pytest.mark.parametrize("code", ["../NOR", "NO", "NORW", "N0R", "NOR;ls", "$(x)"])
def test_country_arguments_must_look_like_iso3(code):
    with pytest.raises(UnknownCountryError, match="not an ISO 3166 alpha-3 code"):
        check_iso3(code)


@pytest.mark.parametrize("session,cycle,year", [(1, 1, 2008), (12, 1, 2011), (13, 2, 2012), (20, 2, 2014),
                                                 (26, 2, 2016), (27, 3, 2017), (40, 3, 2022), (41, 4, 2022)])
def test_sessions_map_to_cycles_and_years(session, cycle, year):
    assert (cycle_of(session), year_of(session)) == (cycle, year)


def test_cycles_partition_the_sessions():
    assert [len(sessions_of(c)) for c in (1, 2, 3, 4)] == [12, 14, 14, 14]
    with pytest.raises(ValueError):
        cycle_of(55)
