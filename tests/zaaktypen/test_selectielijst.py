from zaaktypen import selectielijst


def test_complete_list_ships_as_package_data():
    assert len(selectielijst.procestypen()) == 29
    assert sum(len(p.resultaten) for p in selectielijst.procestypen()) == 346


def test_specific_result_inherits_from_generic():
    specifiek = selectielijst.resultaat("1.1.3")
    assert specifiek.waardering == "vernietigen" and specifiek.bewaartermijn == "P10Y"
    blijvend = selectielijst.resultaat("1.1.1")
    assert blijvend.waardering == "blijvend_bewaren" and blijvend.bewaartermijn is None


def test_search_by_number_and_words():
    assert all(r.nummer.startswith("11.") or r.nummer == "11" for r in selectielijst.search("11"))
    assert [r.nummer for r in selectielijst.search("11.1")][0] == "11.1"
    hits = selectielijst.search("VERLEEND toestemming")
    assert hits and all("verleend" in r.naam.lower() for r in hits)
    assert selectielijst.search("") == []
    assert selectielijst.resultaat("99.99") is None
