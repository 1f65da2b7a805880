"""The two backends give the same answers: on one corpus, for users with different rights,
every query of the query language finds the same items with the same total and facets.

Runs on PostgreSQL only (it needs both backends). Ranking order is not compared (BM25F in
Whoosh, ts_rank_cd in PostgreSQL); the documented differences (README, "Search backends")
are left out of the query list on purpose and have tests of their own.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from search.backend import IndexDocument, Rechten, ZaakLink, Zoekvraag
from tests.search.conftest import make_backend

WORDS = [
    *["woning", "woningen", "overlast", "melding", "meldingen", "bewoner", "bewoners"],
    *["zorg", "veiligheid", "huis", "huisbezoek", "buurt", "politie", "jeugd", "school"],
    *["schuld", "schulden", "hulp", "hennep", "kwekerij", "vergunning", "café", "één"],
    *["financiële", "situatie", "zorgelijk", "de", "het", "een", "en", "van", "in", "op"],
    *["e-mail", "Öztürk", "crème", "straße"],
]
NAMES = ["Piet Jansen", "Karin Ünal", "Fatima el Amrani", "Jan de Vries", "Emma Janssen"]
LEVELS = (0, 2, 3, 4, 5)


def corpus(seed: int = 8) -> list[IndexDocument]:
    rng = random.Random(seed)
    zaken = [
        ZaakLink(
            z, a := rng.randint(1, 4), f"AFD{a}", f"ZT-{rng.randint(1, 3)}", rng.choice(LEVELS)
        )
        for z in range(1, 31)
    ]
    items: list[IndexDocument] = []
    for z in zaken:
        naam = rng.choice(NAMES)
        items.append(
            IndexDocument(
                "zaak",
                z.zaak_id,
                f"ZAAK-2024-{z.zaak_id:07d}",
                " ".join(rng.choices(WORDS, k=4)),
                [z],
                tekst=" ".join(rng.choices(WORDS, k=30)),
                namen=[naam],
                bsn=[f"{100000000 + z.zaak_id}"],
                datum=date(2022, 1, 1) + timedelta(days=rng.randint(0, 900)),
                status=rng.choice(("Intake", "In behandeling")),
            )
        )
    for n in range(1, 21):
        links = rng.sample(zaken, k=rng.choice((1, 1, 2)))
        items.append(
            IndexDocument(
                "persoon",
                n,
                f"{200000000 + n}",
                NAMES[n % len(NAMES)],
                links,
                namen=[NAMES[n % len(NAMES)]],
                bsn=[f"{200000000 + n}"],
                datum=date(2023, 1, 1) + timedelta(days=n),
                geboortedatum=date(1970 + n, 5, 17),
            )
        )
    for d in range(1, 151):
        links = rng.sample(zaken, k=rng.choice((1, 1, 1, 2)))
        items.append(
            IndexDocument(
                "document",
                d,
                f"DOC-2024-{d:07d}",
                " ".join(rng.choices(WORDS, k=3)),
                links,
                niveau=rng.choice(LEVELS),
                tekst=" ".join(rng.choices(WORDS, k=rng.randint(10, 80)))
                + (" zorg en veiligheid in de wijk." if d % 7 == 0 else "")
                + (" De woning van de bewoner." if d % 11 == 0 else ""),
                informatieobjecttype=rng.choice(("Brief inkomend", "Verslag", "E-mail")),
                bestandsnaam=f"{rng.choice(WORDS)}_{d}.pdf",
                datum=date(2021, 1, 1) + timedelta(days=rng.randint(0, 1200)),
                status=rng.choice(("definitief", "in_bewerking")),
            )
        )
    # e-mail addresses, URLs, ids and hyphenated words inside a text split as in Whoosh
    items.append(
        IndexDocument(
            "document",
            900,
            "DOC-2024-0000900",
            "Nota over ZAAK-2024-0000007",
            [zaken[0]],
            tekst="Mail jan@example.nl of kijk op https://www.gemeente.nl/loket, versie 2.1; "
            "e-mail naar wijkteam-noord.",
            datum=date(2024, 2, 2),
        )
    )
    return items


USERS = {
    "two departments": Rechten(
        {1: ("behandelen", "vertrouwelijk"), 3: ("lezen", "intern")}, {7: ("lezen", "geheim")}
    ),
    "everything": Rechten({a: ("behandelen", "zeer_geheim") for a in range(1, 5)}, {}),
    "two grants": Rechten({}, {12: ("lezen", "zeer_geheim"), 25: ("lezen", "intern")}),
}

QUERIES = [
    "",
    "woning",
    "woningen",
    "bewoners",
    "WONING",
    "cafe",
    "CAFÉ",
    "een",
    "financiele",
    "creme",
    "strasse",
    "oztürk",
    "woning overlast",
    "woning AND overlast",
    "woning EN hulp EN buurt",
    "hennep OR kwekerij",
    "hennep OF schuld",
    "woning NOT overlast",
    "woning NIET overlast",
    "NOT woning",
    "(hennep OR schuld) zorg",
    "woning ANDNOT hulp",
    '"de woning"',
    '"woning van"',
    '"zorg en veiligheid"',
    '"zorg en veiligheid in de wijk"',
    '"woning van de bewoner"',
    '"veiligheid zorg"',
    'naam:"piet jansen"',
    "huisbez*",
    "verg*",
    "type:document",
    "type:zaak woning",
    "type:persoon",
    "jaar:2022",
    "jaar:[2022 to 2023]",
    "jaar:>2022",
    "afdeling:afd1",
    "afdeling:AFD2 type:document",
    "woning NOT afdeling:afd1",
    "zaaktype:zt-2",
    'doctype:"brief inkomend"',
    "documenttype:verslag",
    "status:intake",
    "datum:[20220101 to 20221231]",
    "datum:>20230601",
    "datum:2022",
    "geboortedatum:19750517",
    "ZAAK-2024-0000007",
    "zaak-2024-0000012",
    "DOC-2024-0000033",
    "identificatie:doc-2024-0000034",
    "100000007",
    "bsn:200000003",
    "10000000",
    "naam:jansen",
    "persoon:ünal",
    "unal",
    "Janssen",
    "jansn",
    "piet jansn",
    "jansem~",
    "Öztürk~",
    "bestandsnaam:hennep",
    "afdeling:af*",
    "datum:[morgen to",
    "woning ,",
    "jan",
    "example.nl",
    "jan@example.nl",
    "loket",
    "2024",
    "0000007",
    "2.1",
    "mail",
    '"e-mail naar wijkteam"',
    "wijkteam-noord",
]


@pytest.fixture(scope="module")
def items() -> list[IndexDocument]:
    return corpus()


@pytest.fixture
def both(request, tmp_path, items):
    whoosh = make_backend("whoosh", request, tmp_path)
    postgres = make_backend("postgres", request, tmp_path)
    whoosh.rebuild(items)
    postgres.rebuild(items)
    return whoosh, postgres


def everything(backend, q: str, rechten: Rechten, **kw):
    """Total, facets and every key found (all pages)."""
    first = backend.search(Zoekvraag(q=q, per_page=100, **kw), rechten)
    keys = [h.key for h in first.hits]
    for page in range(2, first.pages + 1):
        keys += [
            h.key
            for h in backend.search(Zoekvraag(q=q, per_page=100, page=page, **kw), rechten).hits
        ]
    return first.fout, first.total, sorted(keys), first.facets


@pytest.mark.parametrize("user", list(USERS))
def test_every_query_finds_the_same_items(both, user):
    whoosh, postgres = both
    rechten = USERS[user]
    differences = []
    for q in QUERIES:
        expected = everything(whoosh, q, rechten)
        found = everything(postgres, q, rechten)
        if found != expected:
            differences.append((q, expected[:3], found[:3], expected[3], found[3]))
    assert not differences, "\n".join(map(repr, differences))
    # the corpus and the rights are such that these tests compare something
    totals = [everything(whoosh, q, rechten)[1] for q in QUERIES]
    assert sum(1 for t in totals if t) >= len(QUERIES) // (2 if len(rechten.afdelingen) else 4)


def test_structured_filters_and_sorting_agree(both):
    whoosh, postgres = both
    rechten = USERS["everything"]
    cases = [
        {"types": ("document",), "jaar": (2022,)},
        {"afdeling": ("AFD3",), "informatieobjecttype": ("Verslag",)},
        {"zaaktype": ("ZT-1", "ZT-3")},
        {"van": date(2022, 3, 1), "tot": date(2022, 9, 30)},
    ]
    for filters in cases:
        for q in ("", "woning", "hulp OR zorg"):
            assert everything(postgres, q, rechten, **filters) == everything(
                whoosh, q, rechten, **filters
            ), (q, filters)
    # newest first: the same dates in the same order (equal dates may swap)
    by_date = {}
    for name, backend in (("whoosh", whoosh), ("postgres", postgres)):
        result = backend.search(Zoekvraag(q="woning", sort="date", per_page=50), rechten)
        by_date[name] = [h.datum for h in result.hits]
    assert by_date["postgres"] == by_date["whoosh"]
    assert by_date["whoosh"] == sorted(by_date["whoosh"], reverse=True)
