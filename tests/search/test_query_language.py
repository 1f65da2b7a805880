"""Dutch analysis and the query language, on each backend: a real Whoosh index (no
database needed) and the PostgreSQL backend (on PostgreSQL only)."""

from __future__ import annotations

from datetime import date

import pytest

from search.backend import IndexDocument, Rechten, SearchBackend, ZaakLink, Zoekvraag
from tests.search.conftest import BACKENDS, make_backend

ALLES = Rechten({1: ("behandelen", "zeer_geheim"), 2: ("behandelen", "zeer_geheim")}, {})


def link(zaak_id=1, afdeling_id=1, code="RIEC", zaaktype="ZT-SIGNAAL", niveau=2):
    return ZaakLink(zaak_id, afdeling_id, code, zaaktype, niveau)


@pytest.fixture(params=BACKENDS)
def index(request, tmp_path) -> SearchBackend:
    backend = make_backend(request.param, request, tmp_path)
    backend.rebuild(
        [
            IndexDocument(
                "zaak",
                1,
                "ZAAK-2024-0000001",
                "Overlast in de woningen aan de Kerkstraat",
                [link()],
                tekst="Melding van één bewoner over het café De Zon",
                namen=["Piet Jansen"],
                bsn=["123456782"],
                datum=date(2024, 3, 1),
            ),
            IndexDocument(
                "document",
                2,
                "DOC-2023-0000002",
                "Brief aan de bewoner",
                [link(zaak_id=2, afdeling_id=2, code="VH", zaaktype="ZT-NAZORG")],
                tekst="Wij hebben een woning bezocht. De financiële situatie is zorgelijk.",
                informatieobjecttype="Brief uitgaand",
                bestandsnaam="brief_bewoner.pdf",
                datum=date(2023, 5, 1),
            ),
            IndexDocument(
                "document",
                3,
                "DOC-2024-0000003",
                "Verslag huisbezoek",
                [link()],
                tekst="Woning een bezocht; geen bijzonderheden.",
                informatieobjecttype="Verslag",
                datum=date(2024, 6, 10),
            ),
            IndexDocument(
                "persoon",
                4,
                "123456782",
                "Piet Jansen",
                [link()],
                namen=["Piet Jansen"],
                bsn=["123456782"],
                datum=date(2024, 3, 1),
                geboortedatum=date(1980, 5, 17),
            ),
        ]
    )
    return backend


def keys(backend, q, rechten=ALLES, **kw):
    result = backend.search(Zoekvraag(q=q, **kw), rechten)
    assert result.fout is None, result.fout
    return sorted(h.key for h in result.hits)


def test_dutch_stemming_finds_singular_from_plural_and_back(index):
    assert keys(index, "woningen") == ["document:2", "document:3", "zaak:1"]
    assert keys(index, "bewoners") == ["document:2", "zaak:1"]


def test_case_and_accent_folding(index):
    assert keys(index, "ÉÉN") == keys(index, "een")
    assert "zaak:1" in keys(index, "een")
    assert keys(index, "cafe") == ["zaak:1"] == keys(index, "CAFÉ")
    assert keys(index, "financiele") == ["document:2"]


def test_phrase_respects_word_order(index):
    assert keys(index, '"een woning"') == ["document:2"]
    assert keys(index, '"één woning"') == ["document:2"]
    assert keys(index, '"woning een"') == ["document:3"]


def test_boolean_operators_in_english_and_dutch(index):
    assert keys(index, "woning AND bezocht") == ["document:2", "document:3"]
    assert keys(index, "woning EN bezocht EN financiele") == ["document:2"]
    assert keys(index, "cafe OR zorgelijk") == ["document:2", "zaak:1"]
    assert keys(index, "woning NOT bezocht") == ["zaak:1"]
    assert keys(index, "woning NIET bezocht") == ["zaak:1"]


def test_prefix(index):
    assert keys(index, "huisbez*") == ["document:3"]


def test_field_filters(index):
    assert keys(index, "type:document") == ["document:2", "document:3"]
    assert keys(index, "woning type:zaak") == ["zaak:1"]
    assert keys(index, "jaar:2023") == ["document:2"]
    assert keys(index, "afdeling:vh") == ["document:2"]
    assert keys(index, "afdeling:RIEC type:document") == ["document:3"]
    assert keys(index, "zaaktype:ZT-NAZORG") == ["document:2"]
    assert keys(index, 'doctype:"brief uitgaand"') == ["document:2"]
    assert keys(index, "bestandsnaam:bewoner") == ["document:2"]


def test_date_ranges(index):
    assert keys(index, "datum:[20230101 to 20231231]") == ["document:2"]
    assert keys(index, "datum:>20240501") == ["document:3"]
    assert keys(index, "", van=date(2024, 1, 1), tot=date(2024, 3, 31)) == ["persoon:4", "zaak:1"]


def test_identificatie_and_bsn_are_exact(index):
    assert keys(index, "ZAAK-2024-0000001") == ["zaak:1"]
    assert keys(index, "zaak-2024-0000001") == ["zaak:1"]
    assert keys(index, "123456782") == ["persoon:4", "zaak:1"]
    assert keys(index, "12345678") == []
    assert keys(index, "bsn:123456782") == ["persoon:4", "zaak:1"]


def test_fuzzy_names(index):
    assert "persoon:4" in keys(index, "Janssen")
    assert "persoon:4" in keys(index, "piet jansn")
    assert "persoon:4" in keys(index, "jansem~")
    assert keys(index, "naam:jansen") == ["persoon:4", "zaak:1"]


def test_snippets_are_segments_with_highlights(index):
    result = index.search(Zoekvraag(q="financiële"), ALLES)
    [hit] = result.hits
    assert ("financiële", True) in hit.snippet
    assert "<mark>financiële</mark>" in hit.snippet_html()
    assert hit.datum == date(2023, 5, 1)


def test_sorting_by_date_and_pagination(index):
    result = index.search(Zoekvraag(q="woning", sort="date", per_page=2), ALLES)
    assert result.total == 3 and result.pages == 2 and result.has_next
    assert [h.key for h in result.hits] == ["document:3", "zaak:1"]
    second = index.search(Zoekvraag(q="woning", sort="date", per_page=2, page=2), ALLES)
    assert [h.key for h in second.hits] == ["document:2"]
    assert not second.has_next


def test_unreadable_query_reports_what_was_wrong(index):
    result = index.search(Zoekvraag(q="datum:[morgen to"), ALLES)
    assert result.hits == [] and result.total == 0


def test_prefix_on_zaak_fields_matches_nothing_rather_than_leak(index):
    assert keys(index, "afdeling:ri*") == []
