"""The SearchBackend contract on hand-made items, for each backend: the access rule with
item and zaak levels, what facets and filters may reveal, escaping of highlights, writes
that are idempotent, ``linked_keys``, rebuilds that fail or catch up."""

from __future__ import annotations

from datetime import date

import pytest

from search.backend import (
    LEVELS,
    IndexDocument,
    IndexMissing,
    Rechten,
    SearchBackend,
    ZaakLink,
    Zoekresultaat,
    Zoekvraag,
    rank,
)
from tests.search.conftest import BACKENDS, make_backend

GEHEIM, VERTROUWELIJK, INTERN = rank("geheim"), rank("vertrouwelijk"), rank("intern")
NOORD = ZaakLink(1, 10, "NOORD", "ZT-A", INTERN)  # zaak 1 in afdeling 10, intern
ZUID = ZaakLink(2, 20, "ZUID", "ZT-B", INTERN)  # zaak 2 in afdeling 20, intern


def doc(n: int, links, *, niveau=INTERN, tekst="rapport over de wijk", **kw) -> IndexDocument:
    return IndexDocument(
        "document",
        n,
        f"DOC-{n}",
        kw.pop("titel", f"Stuk {n}"),
        list(links),
        niveau=niveau,
        tekst=tekst,
        datum=kw.pop("datum", date(2024, 1, n % 28 + 1)),
        informatieobjecttype=kw.pop("iot", "Verslag"),
        **kw,
    )


def member(afdeling: int, clearance: str) -> Rechten:
    return Rechten({afdeling: ("behandelen", clearance)}, {})


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> SearchBackend:
    made = make_backend(request.param, request, tmp_path)
    made.rebuild([])
    return made


def keys(backend, q="", rechten=None, **kw) -> list[str]:
    result = backend.search(Zoekvraag(q=q, **kw), rechten)
    assert result.fout is None, result.fout
    assert result.total == len(result.hits)  # small: everything on one page
    return sorted(h.key for h in result.hits)


def test_the_required_level_is_the_higher_of_zaak_and_item(backend):
    backend.index(
        [
            doc(1, [NOORD], niveau=GEHEIM),  # geheim document in an intern zaak
            doc(2, [ZaakLink(3, 10, "NOORD", "ZT-A", GEHEIM)], niveau=INTERN),  # the reverse
            doc(3, [NOORD], niveau=INTERN),
        ]
    )
    assert keys(backend, "rapport", member(10, "intern")) == ["document:3"]
    assert keys(backend, "rapport", member(10, "vertrouwelijk")) == ["document:3"]
    everything = ["document:1", "document:2", "document:3"]
    assert keys(backend, "rapport", member(10, "geheim")) == everything
    # a grant counts for its one zaak, with its own clearance
    grant = Rechten({}, {1: ("lezen", "geheim"), 3: ("lezen", "vertrouwelijk")})
    assert keys(backend, "rapport", grant) == ["document:1", "document:3"]
    # the grant on zaak 3 (vertrouwelijk) does not reach that geheim zaak
    assert keys(backend, "rapport", member(20, "zeer_geheim")) == []
    assert keys(backend, "rapport", Rechten()) == []


def test_a_document_in_two_zaken_shows_only_the_zaak_the_user_sees(backend):
    backend.index([doc(1, [NOORD, ZUID]), doc(2, [ZUID])])
    noord = member(10, "intern")
    result = backend.search(Zoekvraag(q="rapport"), noord)
    assert [h.key for h in result.hits] == ["document:1"] and result.total == 1
    assert result.facets["afdeling"] == {"NOORD": 1}
    assert result.facets["zaaktype"] == {"ZT-A": 1}
    # the other zaak cannot be reached through a filter either, nor negated into view
    assert keys(backend, "rapport afdeling:zuid", noord) == []
    assert keys(backend, "zaaktype:zt-b", noord) == []
    assert keys(backend, "rapport", noord, afdeling=("ZUID",)) == []
    assert keys(backend, "rapport NOT afdeling:zuid", noord) == ["document:1"]
    both = Rechten({10: ("lezen", "intern"), 20: ("lezen", "intern")}, {})
    facets = backend.search(Zoekvraag(q="rapport"), both).facets
    assert facets["afdeling"] == {"ZUID": 2, "NOORD": 1}
    assert facets["jaar"] == {"2024": 2} and facets["informatieobjecttype"] == {"Verslag": 2}


def test_highlights_are_segments_and_escaped_on_the_page(backend):
    backend.index(
        [
            doc(
                1,
                [NOORD],
                titel="<b>Brief</b> over de woning",
                tekst="Inleiding. <script>alert('x')</script> De woningen & het café.",
            )
        ]
    )
    [hit] = backend.search(Zoekvraag(q="woning"), member(10, "intern")).hits
    highlighted = [text for text, hit_ in hit.snippet if hit_]
    assert highlighted == ["woningen"]
    assert "<script>" in "".join(text for text, _h in hit.snippet)  # as it is in the text
    html = hit.snippet_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>woningen</mark>" in html
    assert ("woning", True) in hit.titel_segments
    assert "".join(t for t, _h in hit.titel_segments) == "<b>Brief</b> over de woning"


def test_writes_are_idempotent_and_unknown_removals_harmless(backend):
    item = doc(1, [NOORD], tekst="eerste versie")
    assert backend.apply([item, item], ["document:404"]) >= 2
    backend.apply([doc(1, [ZUID], tekst="tweede versie")], [])
    assert backend.all_keys() == {"document:1"}
    assert keys(backend, "eerste", member(10, "intern")) == []
    assert keys(backend, "tweede", member(20, "intern")) == ["document:1"]
    assert keys(backend, "tweede", member(10, "intern")) == []  # the old link is gone
    assert backend.remove(["document:1", "document:1"]) == 2
    assert backend.remove(["document:1"]) == 1  # again: nothing left to remove, no error
    assert backend.all_keys() == set()
    assert backend.health().ok and backend.health().documenten == 0


def test_linked_keys_follow_the_index_not_the_database(backend):
    backend.index([doc(1, [NOORD, ZUID]), doc(2, [ZUID]), doc(3, [NOORD])])
    assert backend.linked_keys([2]) == {"document:1", "document:2"}
    assert backend.linked_keys([1, 2]) == {"document:1", "document:2", "document:3"}
    assert backend.linked_keys([99]) == set() and backend.linked_keys([]) == set()


def test_pages_past_the_end_and_empty_queries(backend):
    backend.index([doc(n, [NOORD]) for n in range(1, 8)])
    rechten = member(10, "intern")
    result = backend.search(Zoekvraag(q="", per_page=3, page=3), rechten)
    assert result.total == 7 and len(result.hits) == 1 and not result.has_next
    result = backend.search(Zoekvraag(q="rapport", per_page=3, page=9), rechten)
    assert result.total == 7 and result.hits == []
    # an empty query lists newest first
    dates = [h.datum for h in backend.search(Zoekvraag(q=""), rechten).hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 7


def test_a_failed_rebuild_leaves_the_old_index(backend):
    backend.rebuild([doc(1, [NOORD])])
    before = backend.health()

    def broken():
        yield doc(2, [NOORD])
        raise RuntimeError("database weg")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert backend.health().detail == before.detail
    assert keys(backend, "rapport", member(10, "intern")) == ["document:1"]
    backend.index([doc(3, [NOORD])])  # still writable
    assert keys(backend, "rapport", member(10, "intern")) == ["document:1", "document:3"]


def test_catch_up_brings_changes_made_during_the_rebuild(backend):
    backend.rebuild([doc(1, [NOORD]), doc(2, [NOORD])])
    seen = []

    def catch_up():
        # changes that reached the old index while the new one was built
        seen.append(keys(backend, "rapport", member(10, "intern")))
        return [doc(3, [NOORD], tekst="rapport nagekomen")], ["document:2"]

    assert backend.rebuild([doc(1, [NOORD]), doc(2, [NOORD])], catch_up=catch_up) == 2
    assert seen == [["document:1", "document:2"]]  # searched the old index meanwhile
    assert keys(backend, "rapport", member(10, "intern")) == ["document:1", "document:3"]


def test_missing_index_is_reported_not_guessed(backend):
    backend.destroy()
    assert backend.health().status == "missing"
    for call in (
        lambda: backend.search(Zoekvraag(q="x"), member(10, "intern")),
        lambda: backend.search(Zoekvraag(q="x"), Rechten()),
        lambda: backend.index([doc(1, [NOORD])]),
        lambda: backend.linked_keys([1]),
    ):
        with pytest.raises(IndexMissing):
            call()
    backend.rebuild([doc(1, [NOORD])])
    assert backend.health().ok and backend.health().documenten == 1


def test_every_level_and_token_boundary(backend):
    """Ids whose access tokens would collide in a careless encoding stay apart."""
    items = []
    for n, level in enumerate(LEVELS):
        link = ZaakLink(n + 1, n + 1, f"A{n + 1}", "ZT", rank(level))
        items.append(doc(n + 1, [link], niveau=0))
    backend.index(items)
    for n, level in enumerate(LEVELS):
        found = keys(backend, "", member(n + 1, level))
        assert found == [f"document:{n + 1}"], level
        if n:
            assert keys(backend, "", member(n + 1, LEVELS[n - 1])) == []
        # a grant on zaak n+1 is not membership of afdeling n+1, nor the reverse
        assert keys(backend, "", Rechten({}, {n + 1: ("lezen", level)})) == [f"document:{n + 1}"]


def test_pages_are_bounded_by_what_can_be_paged_to():
    result = Zoekresultaat([], 50_000, 1, 20, {}, geschat=True, bladerbaar=9_990)
    assert result.pages == 500 and result.has_next
    assert Zoekresultaat([], 45, 1, 20, {}).pages == 3
