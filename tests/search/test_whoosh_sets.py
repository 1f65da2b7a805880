"""The set-at-a-time evaluator gives exactly Whoosh's own answer: the same documents and,
for ranked queries, the same scores — on an index of several segments with deletions,
with blocks skipped because nothing in them is visible."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest
from whoosh import query as wq

from search.backend import IndexDocument, Rechten, ZaakLink
from search.whoosh_backend import PAIR_FIELDS, PAIR_SEPARATOR, WhooshBackend
from search.whoosh_sets import DocSetQuery, SetEvaluator

WOORDEN = [
    *["woning", "overlast", "melding", "bewoner", "zorg", "veilig", "huis", "buurt"],
    *["politie", "jeugd", "school", "schuld", "hulp", "de", "het", "een", "en", "van"],
    *["in", "op", "met", "voor", "signaal", "casus", "regie", "hennep", "kwekerij"],
    "vergunning",
]

ZICHT = Rechten(
    {1: ("behandelen", "geheim"), 3: ("lezen", "vertrouwelijk")}, {41: ("lezen", "geheim")}
)


def corpus(
    start: int, count: int, rng: random.Random, words: tuple[int, int] = (20, 200)
) -> list[IndexDocument]:
    items = []
    for n in range(start, start + count):
        afdeling = rng.randint(1, 6)
        links = [ZaakLink(n // 5 + 1, afdeling, f"AFD{afdeling}", f"ZT{n % 4}", rng.randint(0, 4))]
        if rng.random() < 0.1:
            other = rng.randint(1, 6)
            links.append(ZaakLink(n // 5 + 500, other, f"AFD{other}", "ZT9", 2))
        items.append(
            IndexDocument(
                "document",
                n,
                f"DOC-2024-{n:07d}",
                " ".join(rng.choices(WOORDEN, k=4)),
                links,
                niveau=rng.randint(0, 4),
                tekst=" ".join(rng.choices(WOORDEN, k=rng.randint(*words)))
                + (" de woning van de buurt" if n % 37 == 0 else "")
                + (" de buurt van de woning" if n % 41 == 0 else ""),
                datum=date(2020, 1, 1) + timedelta(days=rng.randint(0, 1500)),
                informatieobjecttype=rng.choice(("Brief", "Verslag")),
            )
        )
    items.sort(key=lambda i: (len(i.links) > 1, i.links[0].afdeling_id))
    return items


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> WhooshBackend:
    rng = random.Random(3)
    backend = WhooshBackend(tmp_path_factory.mktemp("sets") / "index")
    backend.rebuild(corpus(1, 1000, rng))
    backend.index(corpus(1001, 150, rng))  # a second segment
    backend.remove([f"document:{n}" for n in range(1, 1150, 7)])  # deletions in both
    return backend


QUERIES = [
    "woning",
    "woning overlast",
    "woning OR hennep",
    "woning NOT overlast",
    "NOT woning",
    '"de woning"',
    '"melding van de"',
    '"de woning van de buurt"',
    '"woning overlast"~2',
    "vergunn*",
    "woning jaar:2021",
    "type:document hennep",
    "datum:[20210101 TO 20220101]",
    "Jansn",
    "onbekendwoord",
]


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_as_whoosh(backend, text):
    paths = backend._paths(ZICHT)
    q = backend.parse(text, ZICHT)
    with backend._searcher() as searcher:
        assert len(searcher.leaf_searchers()) >= 2
        visible = backend._visible(searcher, paths)
        expected_visible = sorted(searcher.docs_for_query(backend.acl_query_for(paths)))
        assert visible.tolist() == expected_visible
        evaluator = SetEvaluator(
            searcher,
            visible,
            backend._columns_for,
            pair_fields=PAIR_FIELDS,
            pair_separator=PAIR_SEPARATOR,
        )
        got = evaluator.run(q)
        expected = sorted(searcher.docs_for_query(wq.And([DocSetQuery(visible), q])))
    assert got.ids.tolist() == expected
    assert len(got.ids) == len(got.scores)
    if "buurt" in text:
        assert len(got.ids) >= 5  # the planted phrase is found


@pytest.mark.parametrize("text", ["woning", "hennep kwekerij", "woning OR signaal"])
def test_same_scores_as_whoosh(backend, text):
    paths = backend._paths(ZICHT)
    q = backend.parse(text, ZICHT)
    with backend._searcher() as searcher:
        visible = backend._visible(searcher, paths)
        got = SetEvaluator(searcher, visible, backend._columns_for).run(q)
        results = searcher.search(q, filter=set(visible.tolist()), limit=None)
        whoosh_scores = {hit.docnum: hit.score for hit in results}
    assert len(got.ids)
    assert sorted(whoosh_scores) == got.ids.tolist()
    expected = np.array([whoosh_scores[d] for d in got.ids.tolist()])
    np.testing.assert_allclose(got.scores, expected, rtol=1e-5)


def test_blocks_without_visible_documents_are_not_read(tmp_path, monkeypatch):
    """In rebuild order (by department), a user of 1 of 6 departments reads about 1/6 of
    a common word's posting blocks."""
    from whoosh.codec import whoosh3

    items = [i for i in corpus(1, 2400, random.Random(5), (30, 40)) if len(i.links) == 1]
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild(items)
    reads = []
    original = whoosh3.W3LeafMatcher._read_ids

    def counting(self):
        reads.append(1)
        return original(self)

    monkeypatch.setattr(whoosh3.W3LeafMatcher, "_read_ids", counting)
    narrow = Rechten({2: ("behandelen", "zeer_geheim")}, {})
    with backend._searcher() as searcher:
        visible = backend._visible(searcher, backend._paths(narrow))
        reads.clear()
        everyone = SetEvaluator(searcher, None, backend._columns_for).term("tekst", "woning")
        all_reads = len(reads)
        reads.clear()
        some = SetEvaluator(searcher, visible, backend._columns_for).term("tekst", "woning")
    assert 0 < len(some) < len(everyone)
    assert all_reads >= 12
    assert len(reads) <= all_reads / 3
