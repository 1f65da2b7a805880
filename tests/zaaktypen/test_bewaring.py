"""The archiefactiedatum per afleidingswijze, with real selectielijst 2020 classes."""

from __future__ import annotations

from datetime import date

import pytest

from zaaktypen import selectielijst
from zaaktypen.bewaring import Feiten, bereken
from zaaktypen.models import ResultaatType


def resultaattype(klasse: str, afleidingswijze="afgehandeld", procestermijn=None, kenmerk=""):
    """A resultaattype as the catalogue stores it: nominatie and termijn from the class."""
    r = selectielijst.resultaat(klasse)
    assert r is not None, klasse
    return ResultaatType(
        omschrijving=r.naam,
        selectielijstklasse=r.nummer,
        archiefnominatie=r.waardering,
        archiefactietermijn=r.bewaartermijn,
        afleidingswijze=afleidingswijze,
        procestermijn=procestermijn,
        datumkenmerk=kenmerk,
    )


EIND = date(2024, 3, 15)

CASES = [
    # klasse, afleidingswijze, procestermijn, kenmerk, feiten, nominatie, brondatum, actiedatum
    ("1.1", "afgehandeld", None, "", Feiten(EIND, {}), "vernietigen", EIND, date(2034, 3, 15)),
    ("7.1", "afgehandeld", None, "", Feiten(EIND, {}), "vernietigen", EIND, date(2029, 3, 15)),
    (
        "11.1",
        "termijn",
        "P5Y",
        "",
        Feiten(EIND, {}),
        "vernietigen",
        date(2029, 3, 15),
        date(2030, 3, 15),
    ),
    (
        "3.1",
        "eigenschap",
        None,
        "vervaldatum",
        Feiten(EIND, {"vervaldatum": "2026-01-31"}),
        "vernietigen",
        date(2026, 1, 31),
        date(2031, 1, 31),
    ),
    (
        "2.1",
        "hoofdzaak",
        None,
        "",
        Feiten(EIND, {}, hoofdzaak_einddatum=date(2025, 6, 1)),
        "vernietigen",
        date(2025, 6, 1),
        date(2035, 6, 1),
    ),
    (
        "11.1.2",
        "ander_datumkenmerk",
        None,
        "einde vergunning",
        Feiten(EIND, {}, handmatige_brondatum=date(2027, 12, 31)),
        "vernietigen",
        date(2027, 12, 31),
        date(2028, 12, 31),
    ),
    (
        "3.1",
        "ingangsdatum_besluit",
        None,
        "",
        Feiten(EIND, {}, handmatige_brondatum=date(2024, 4, 1)),
        "vernietigen",
        date(2024, 4, 1),
        date(2029, 4, 1),
    ),
    # blijvend bewaren: the archiefactiedatum is when transfer to the e-Depot is due
    (
        "1.1.1",
        "afgehandeld",
        None,
        "",
        Feiten(EIND, {}),
        "blijvend_bewaren",
        EIND,
        date(2044, 3, 15),
    ),
]


@pytest.mark.parametrize(
    ("klasse", "wijze", "procestermijn", "kenmerk", "feiten", "nominatie", "bron", "actie"),
    CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_afleidingswijze(klasse, wijze, procestermijn, kenmerk, feiten, nominatie, bron, actie):
    result = bereken(resultaattype(klasse, wijze, procestermijn, kenmerk), feiten)
    assert (result.archiefnominatie, result.brondatum, result.archiefactiedatum) == (
        nominatie,
        bron,
        actie,
    )
    assert not result.pending


@pytest.mark.parametrize(
    ("wijze", "kenmerk", "feiten", "wacht"),
    [
        ("eigenschap", "vervaldatum", Feiten(EIND, {}), "eigenschap 'vervaldatum'"),
        ("eigenschap", "vervaldatum", Feiten(EIND, {"vervaldatum": ""}), "eigenschap"),
        ("hoofdzaak", "", Feiten(EIND, {}), "hoofdzaak"),
        ("ander_datumkenmerk", "x", Feiten(EIND, {}), "handmatige brondatum"),
        ("vervaldatum_besluit", "", Feiten(EIND, {}), "besluit"),
    ],
)
def test_unknown_date_leaves_the_calculation_pending(wijze, kenmerk, feiten, wacht):
    result = bereken(resultaattype("3.1", wijze, None, kenmerk), feiten)
    assert result.pending and wacht in result.wacht_op
    assert result.brondatum is None and result.archiefactiedatum is None
    assert result.archiefnominatie == "vernietigen"


def test_29_february_plus_one_year_is_28_february():
    leap = Feiten(date(2024, 2, 29), {})
    assert bereken(resultaattype("11.1"), leap).archiefactiedatum == date(2025, 2, 28)
    termijn = bereken(resultaattype("11.1", "termijn", "P1Y"), leap)
    assert termijn.brondatum == date(2025, 2, 28)
    assert termijn.archiefactiedatum == date(2026, 2, 28)
    # and on to a leap year the day stays the 28th: the period is never longer than asked
    assert bereken(resultaattype("7.1"), Feiten(date(2023, 2, 28), {})).archiefactiedatum == (
        date(2028, 2, 28)
    )


def test_end_of_month_with_months():
    rt = resultaattype("11.1", "termijn", "P1M")
    result = bereken(rt, Feiten(date(2024, 1, 31), {}))
    assert result.brondatum == date(2024, 2, 29)


def test_hotspot_keeps_permanently_and_dates_transfer():
    rt = resultaattype("1.1")
    result = bereken(rt, Feiten(EIND, {}), blijvend_bewaren=True, overbrengingstermijn="P10Y")
    assert result.archiefnominatie == "blijvend_bewaren"
    assert result.archiefactiedatum == date(2034, 3, 15)
    assert bereken(rt, Feiten(EIND, {})).archiefnominatie == "vernietigen"


def test_datetime_eigenschap_counts_by_its_date():
    rt = resultaattype("3.1", "eigenschap", None, "moment")
    result = bereken(rt, Feiten(EIND, {"moment": "2025-05-05T14:30:00"}))
    assert result.brondatum == date(2025, 5, 5)
