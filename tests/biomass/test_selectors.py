"""The facility's supply risk weighted by tonnes delivered, hand-worked from constructed monthly fuel data, and
the portfolio across facilities."""

from __future__ import annotations

import datetime

import pytest

from loomlight.biomass import selectors, services
from loomlight.biomass.models import Screening
from loomlight.registry.models import Consent

TODAY = datetime.date(2025, 6, 1)


def _rated(stream, overall, day, by):
    return Screening.objects.create(stream=stream, framework_id="biomass_screening", framework_version="test.1",
                                    framework_hash="h", status="completed", overall=overall, screened_on=day, by=by)


@pytest.fixture
def supply(world):
    """Own Dyehouse: rice husk from Husk Co (screened low), wood chips from Chip A (a quarter of the chips,
    screened medium then high) and from Chip B (no share stated, not screened), sawdust from Dust Co (screened
    medium; no sawdust in the fuel data). 2024's months: 100 t of rice husk each, 50 t of chips each (June
    reported as 50,000 kg)."""
    from loomlight.reporting.services import activity_value_set

    manager = world.users["manager"]
    make = lambda name: services.supplier_create(by=manager, facility=world.own, data={"name": name})  # noqa: E731
    husk = services.stream_create(by=manager, facility=world.own, data={"supplier": make("Husk Co"), "biomass_type": "rice_husk"})
    chip_a = services.stream_create(by=manager, facility=world.own, data={"supplier": make("Chip A"), "biomass_type": "wood_chips", "share": 0.25})
    chip_b = services.stream_create(by=manager, facility=world.own, data={"supplier": make("Chip B"), "biomass_type": "wood_chips"})
    dust = services.stream_create(by=manager, facility=world.own, data={"supplier": make("Dust Co"), "biomass_type": "sawdust"})
    _rated(husk, "low", datetime.date(2024, 3, 1), manager)
    _rated(chip_a, "medium", datetime.date(2023, 5, 1), manager)
    _rated(chip_a, "high", datetime.date(2024, 5, 1), manager)
    _rated(dust, "medium", datetime.date(2024, 7, 1), manager)
    for month in range(1, 13):
        period = datetime.date(2024, month, 1)
        activity_value_set(by=manager, facility=world.own, period=period, metric="biomass_rice_husk", value=100, unit="tonne")
        if month == 6:
            activity_value_set(by=manager, facility=world.own, period=period, metric="biomass_wood_chips", value=50000, unit="kg")
        else:
            activity_value_set(by=manager, facility=world.own, period=period, metric="biomass_wood_chips", value=50, unit="tonne")
    return {"husk": husk, "chip_a": chip_a, "chip_b": chip_b, "dust": dust}


def test_the_supply_weighted_by_the_tonnes_of_the_last_full_year_hand_worked(world, supply):
    """Rice husk 12 × 100 = 1,200 t (all Husk Co's); chips 11 × 50 + 50,000 kg = 600 t: Chip A its 0.25 = 150 t,
    Chip B what is left, 0.75 = 450 t (split equally among the streams without a share: one); sawdust not
    reported. Total 1,800 t: low 1,200 (2/3), high 150 (1/12), not screened 450 (1/4), medium 0 t (one stream, no
    tonnes). Needing attention: (150 + 450) / 1,800 = 1/3. The most tonnes: low."""
    risk = selectors.supply_risk(world.own, world.users["manager"], today=TODAY)
    assert (risk.period.start, risk.period.end, risk.period_reason) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 1), "last_complete")
    rows = {r.stream.pk: r for r in risk.streams}
    assert rows[supply["husk"].pk].tonnes == pytest.approx(1200)
    assert rows[supply["chip_a"].pk].tonnes == pytest.approx(150) and rows[supply["chip_a"].pk].rating == "high"
    assert rows[supply["chip_b"].pk].tonnes == pytest.approx(450) and rows[supply["chip_b"].pk].flags == ("split_equally",)
    assert rows[supply["dust"].pk].tonnes is None and rows[supply["dust"].pk].flags == ("not_reported",)
    assert risk.tonnes_total == pytest.approx(1800)
    assert {b: (v["streams"], v["tonnes"]) for b, v in risk.by_rating.items()} == {
        "low": (1, pytest.approx(1200)), "high": (1, pytest.approx(150)), "not_screened": (1, pytest.approx(450)),
        "medium": (1, 0), "unknown": (0, 0)}
    assert risk.by_rating["low"]["share"] == pytest.approx(2 / 3) and risk.by_rating["high"]["share"] == pytest.approx(1 / 12)
    assert risk.attention_share == pytest.approx(1 / 3) and risk.headline == "low"
    assert [r.stream.pk for r in risk.attention] == [supply["chip_a"].pk, supply["chip_b"].pk]


def test_two_streams_without_shares_split_equally_and_say_so(world, supply):
    services.stream_update(by=world.users["manager"], stream=supply["chip_a"], data={"share": None})
    risk = selectors.supply_risk(world.own, world.users["manager"], today=TODAY)
    rows = {r.stream.pk: r for r in risk.streams}
    assert rows[supply["chip_a"].pk].tonnes == pytest.approx(300) and rows[supply["chip_b"].pk].tonnes == pytest.approx(300)
    assert rows[supply["chip_a"].pk].flags == ("split_equally",)


def test_without_a_full_year_the_trailing_twelve_months_are_named(world):
    from loomlight.reporting.services import activity_value_set

    manager = world.users["manager"]
    supplier = services.supplier_create(by=manager, facility=world.own, data={"name": "Husk Co"})
    services.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    for month, tonnes in ((1, 10), (2, 20), (3, 30)):
        activity_value_set(by=manager, facility=world.own, period=datetime.date(2025, month, 1), metric="biomass_rice_husk",
                           value=tonnes, unit="tonne")
    risk = selectors.supply_risk(world.own, manager, today=TODAY)
    assert (risk.period.start, risk.period.end, risk.period_reason) == (datetime.date(2024, 4, 1), datetime.date(2025, 3, 1), "trailing_12")
    assert risk.tonnes_total == pytest.approx(60) and risk.headline == "not_screened" and risk.attention_share == pytest.approx(1)


def test_no_fuel_data_is_a_gap_and_the_ratings_still_show(world):
    manager = world.users["manager"]
    supplier = services.supplier_create(by=manager, facility=world.own, data={"name": "Husk Co"})
    stream = services.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    _rated(stream, "high", datetime.date(2024, 1, 1), manager)
    risk = selectors.supply_risk(world.own, manager, today=TODAY)
    assert (risk.period, risk.period_reason, risk.tonnes_total, risk.headline) == (None, "none", None, None)
    assert [r.rating for r in risk.streams] == ["high"] and risk.by_rating["high"] == {"streams": 1, "tonnes": None, "share": None}


def test_a_brand_with_biomass_only_sees_the_ratings_without_tonnes(world, supply):
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "biomass"])
    risk = selectors.supply_risk(world.own, world.users["brand"], today=TODAY)
    assert risk.tonnes_readable is False and risk.period_reason == "not_readable" and risk.tonnes_total is None
    assert all(r.tonnes is None for r in risk.streams) and risk.by_rating["high"]["streams"] == 1
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "biomass", "environmental"])
    assert selectors.supply_risk(world.own, world.users["brand"], today=TODAY).tonnes_total == pytest.approx(1800)


def test_the_portfolio_puts_attention_first_with_each_streams_history(world, supply):
    """The programme admin: Own's streams, high first then not screened; Chip A's ratings over time medium (2023)
    → high (2024); totals over every facility; progress by year of the completed screenings."""
    found = selectors.portfolio(world.users["admin"])
    assert [r.facility.pk for r in found.rows] == [world.own.pk]
    row = found.rows[0]
    assert [s.rating for s in row.streams] == ["high", "not_screened", "medium", "low"]
    assert row.history[supply["chip_a"].pk] == [(datetime.date(2023, 5, 1), "medium"), (datetime.date(2024, 5, 1), "high")]
    assert (row.high, row.unknown, row.not_screened) == (1, 0, 1)
    assert found.withheld is False and found.totals == {"high": 1, "unknown": 0, "not_screened": 1, "medium": 1, "low": 1}
    assert found.progress == ((2023, {"low": 0, "medium": 1, "high": 0, "unknown": 0}),
                              (2024, {"low": 1, "medium": 1, "high": 1, "unknown": 0}))
    assert [s.rating for s in selectors.portfolio(world.users["admin"], {"rating": "high"}).rows[0].streams] == ["high"]


def test_the_portfolio_withholds_totals_below_three_facilities_from_a_consent_reader(world, supply):
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "biomass"])
    found = selectors.portfolio(world.users["brand"])
    assert [r.facility.pk for r in found.rows] == [world.own.pk]
    assert (found.withheld, found.totals, found.progress, found.min_facilities) == (True, None, (), 3)


def test_the_portfolio_shows_nothing_without_a_biomass_consent(world, supply):
    assert selectors.portfolio(world.users["brand"]).rows == ()   # the consent names environmental, not biomass
    assert selectors.portfolio(world.users["park_operator"]).rows == ()
