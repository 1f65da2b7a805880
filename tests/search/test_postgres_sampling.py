"""The PostgreSQL backend answers a query with far more matches than ``exact_limit`` from
a uniform sample of them (issue 8): estimated total and facets, ranking over the sample,
the newest first still exact — and never anything the user may not see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from search import postgres_backend as pg
from search.backend import IndexDocument, Rechten, ZaakLink, Zoekvraag
from tests.databases import backend as database_backend

pytestmark = pytest.mark.skipif(
    database_backend() != "postgresql", reason="the PostgreSQL search backend needs PostgreSQL"
)

ITEMS = 2_400
LIMIT = 200
EEN = Rechten({1: ("lezen", "zeer_geheim")}, {})  # sees department 1 only: half of it


def corpus() -> list[IndexDocument]:
    """Every item says "woning"; odd ones are in department 1, even ones in 2; "zeldzaam"
    is in a few; dates spread over seven years."""
    items = []
    for n in range(1, ITEMS + 1):
        afdeling = 1 if n % 2 else 2
        items.append(
            IndexDocument(
                "document",
                n,
                f"DOC-{n}",
                f"stuk {n}",
                [ZaakLink(n, afdeling, f"A{afdeling}", f"ZT{n % 3}", 0)],
                tekst="een woning" + (" zeldzaam" if n % 97 == 0 else ""),
                informatieobjecttype="Brief" if n % 4 < 2 else "Verslag",
                datum=date(2018, 1, 1) + timedelta(days=(n * 7919) % 2555),
            )
        )
    return items


@pytest.fixture
def backends(db):
    """The same index seen with sampling beyond LIMIT matches and without it."""
    sampled = pg.PostgresBackend(lambda: db, close_sessions=False, exact_limit=LIMIT)
    sampled.rebuild(corpus())
    exact = pg.PostgresBackend(lambda: db, close_sessions=False, exact_limit=None)
    return sampled, exact


def visible(key: str) -> bool:
    return int(key.split(":")[1]) % 2 == 1


def test_few_matches_are_counted_exactly(backends):
    sampled, _exact = backends
    result = sampled.search(Zoekvraag(q="zeldzaam"), EEN)
    expected = [n for n in range(1, ITEMS + 1) if n % 97 == 0 and n % 2]
    assert not result.geschat and result.bladerbaar is None
    assert result.total == len(expected)
    assert sorted(h.object_id for h in result.hits) == expected


def test_many_matches_are_estimated_from_a_sample(backends):
    sampled, exact = backends
    truth = exact.search(Zoekvraag(q="woning"), EEN)
    assert not truth.geschat and truth.total == ITEMS // 2

    result = sampled.search(Zoekvraag(q="woning"), EEN)
    assert result.geschat
    # a sample of about LIMIT / 2 matches, scaled up: near the truth
    assert LIMIT // 4 <= result.bladerbaar <= LIMIT
    assert abs(result.total - truth.total) <= truth.total * 0.3
    assert result.pages == -(-result.bladerbaar // result.per_page)
    for name, counts in truth.facets.items():
        assert set(result.facets[name]) <= set(counts), name
    assert set(result.facets["afdeling"]) == {"A1"}  # the other department stays invisible
    brief = truth.facets["informatieobjecttype"]["Brief"]
    assert abs(result.facets["informatieobjecttype"]["Brief"] - brief) <= brief * 0.4
    assert len(result.hits) == 20 and all(visible(h.key) for h in result.hits)


def test_paging_a_sample_stops_at_its_end(backends):
    sampled, _exact = backends
    first = sampled.search(Zoekvraag(q="woning"), EEN)
    keys = set()
    for page in range(1, first.pages + 1):
        result = sampled.search(Zoekvraag(q="woning", page=page), EEN)
        keys |= {h.key for h in result.hits}
    assert len(keys) == first.bladerbaar  # every sampled hit once, no empty last page
    beyond = sampled.search(Zoekvraag(q="woning", page=first.pages + 1), EEN)
    assert beyond.hits == []


@pytest.mark.parametrize("page", [1, 3])
def test_newest_first_is_exact_when_sampled(backends, page):
    sampled, exact = backends
    vraag = Zoekvraag(q="woning", sort="date", page=page)
    result = sampled.search(vraag, EEN)
    truth = exact.search(vraag, EEN)
    assert result.geschat and result.bladerbaar == LIMIT
    assert [h.key for h in result.hits] == [h.key for h in truth.hits]
    dates = [h.datum for h in result.hits]
    assert dates == sorted(dates, reverse=True)


def test_a_field_filter_narrows_the_sample_and_what_is_hidden_stays_hidden(backends):
    sampled, _exact = backends
    result = sampled.search(Zoekvraag(q="woning afdeling:A2"), EEN)
    assert result.total == 0 and result.hits == [] and not result.geschat
    nobody = sampled.search(Zoekvraag(q="woning"), Rechten({3: ("lezen", "zeer_geheim")}, {}))
    assert nobody.total == 0 and nobody.hits == []


def test_the_sample_is_cut_in_the_index(db, backends):
    """The bucket is a column of the GIN index: the sampled query reads only its rows."""
    from sqlalchemy import text

    tokens = pg.tokens(EEN)
    db.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.execute(
            text(
                "EXPLAIN (ANALYZE, FORMAT TEXT) SELECT count(*) FROM zoekitem i WHERE "
                "i.acl && CAST(:acl AS bigint[]) AND i.tsv @@ 'woning'::tsquery "
                f"AND {pg.BUCKET} < 4"
            ),
            {"acl": tokens},
        ).scalars()
    )
    assert "ix_zoekitem_acl_tsv" in plan
    assert "Rows Removed by Index Recheck" not in plan and "Filter" not in plan


def into_bucket_zero(db, key: str) -> None:
    """Give one indexed item an id in sample bucket 0 (ids come from a sequence shared by
    every test, so which bucket an item lands in is otherwise chance)."""
    from sqlalchemy import text

    new = db.execute(
        text(
            "SELECT n FROM generate_series(900000000, 900010000) n WHERE (hashint8(n) & 63) = 0 "
            "AND NOT EXISTS (SELECT 1 FROM zoekitem WHERE id = n) LIMIT 1"
        )
    ).scalar()
    # both in one statement: the foreign key is checked at its end
    db.execute(
        text(
            "WITH i AS (UPDATE zoekitem SET id = :new WHERE key = :key RETURNING 1), "
            "l AS (UPDATE zoekitem_zaak SET item_id = :new WHERE item_id = "
            "(SELECT id FROM zoekitem WHERE key = :key) RETURNING 1) SELECT 1"
        ),
        {"new": new, "key": key},
    )
    db.commit()


def test_pages_api_and_cli_say_when_numbers_are_estimates(settings, db, world, store, tmp_path):
    from dataclasses import replace

    from sqlalchemy import text

    from search.worker import rebuild_from_database
    from tests.search.conftest import Builder
    from tests.web.test_route_coverage import login
    from tests.web.test_zoeken import api
    from web.app import create_app

    app = create_app(
        replace(settings, search_backend="postgres", search_exact_limit=1),
        session_factory=lambda: db,
        close_sessions=False,
        testing=True,
    )
    app.config["WTF_CSRF_ENABLED"] = False
    backend = app.extensions["dossierhuis.search"]
    assert backend.exact_limit == 1
    build = Builder(db, world, store, tmp_path)
    zaak = build.zaak("Overlast Kerkstraat")
    doc = build.document(zaak, "melding over de kerkstraat", titel="Melding kerkstraat")
    rebuild_from_database(lambda: db, backend, close_sessions=False)
    # many more matches in the index than in the database (the web layer checks every hit
    # against it and leaves these out), so that the planner expects a sample to do
    link = ZaakLink(zaak.id, world.afdeling.id, world.afdeling.code, zaak.zaaktype.identificatie, 0)
    backend.index(
        IndexDocument("document", 10**9 + n, f"X-{n}", "kerkstraat", [link], tekst="kerkstraat")
        for n in range(400)
    )
    db.execute(text("ANALYZE zoekitem"))
    into_bucket_zero(db, f"document:{doc.id}")

    client = app.test_client()
    login(client, world.medewerker)
    html = client.get("/zoeken", query_string={"q": "kerkstraat"}).get_data(as_text=True)
    assert "ongeveer" in html and "steekproef" in html and "≈" in html
    answer = api(client, db, world.medewerker, q="kerkstraat").get_json()
    assert answer["count_exact"] is False and answer["count"] > 64  # scaled up
    assert doc.identificatie in {r["identificatie"] for r in answer["results"]}
    # who sees neither gets nothing, estimated or not
    hidden = api(client, db, world.buitenstaander, q="kerkstraat").get_json()
    assert hidden["count"] == 0 and hidden["results"] == []
