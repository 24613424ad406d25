"""Stored inventories: computed when data change, equal to the portfolio engine, recomputed when stale.

Hand-computed values (factors: src/loomlight/reference/*.csv):
- 10 t other bituminous coal = 258 GJ (IPCC 2006 Vol 2 Table 1.2: 25.8 GJ/t);
  CO2 258 x 94,600 / 1e6 = 24.4068 t; CH4 258 x 10 / 1e6 = 0.00258 t; N2O 258 x 1.5 / 1e6 = 0.000387 t;
  AR5 (CH4 28, N2O 265): 24.4068 + 0.07224 + 0.102555 = 24.581595 t CO2e;
- 100 MWh of grid electricity in VN, 2024: the latest official factor, 0.6592 t/MWh (2023, "proxy year"),
  location 65.92 t; with 40 MWh of I-RECs, market (100 - 40) x 0.6592 = 39.552 t.
"""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest

from loomlight.analytics import engines
from loomlight.inventories import services
from loomlight.inventories.models import Inventory
from loomlight.reporting import services as reporting
from loomlight.reporting.models import ActivityValue

JAN = datetime.date(2024, 1, 1)
FEB = datetime.date(2024, 2, 1)


def enter(world, capture, rows, facility=None, user="manager"):
    facility = facility or world.own
    with capture(execute=True):
        for period, metric, value, unit in rows:
            reporting.activity_value_set(by=world.users[user] if facility == world.own else world.users["operator"],
                                         facility=facility, period=period, metric=metric, value=value, unit=unit)


MONTH = [(JAN, "coal_bituminous", 10, "t"), (JAN, "electricity_grid", 100, "MWh"), (JAN, "rec_irec", 40, "MWh"),
         (JAN, "water_municipal", 500, "m³"), (JAN, "production_kg", 20, "t")]


def test_entering_data_computes_the_month(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, MONTH)
    row = Inventory.objects.get(facility=world.own, period=JAN)
    assert row.gwp_set == "AR5"
    assert row.scope1_tco2e == pytest.approx(24.581595, rel=1e-12)
    assert row.scope2_location_tco2e == pytest.approx(65.92, rel=1e-12)
    assert row.scope2_market_tco2e == pytest.approx(39.552, rel=1e-12)
    assert row.grid_t_per_mwh == 0.6592
    assert "proxy year" in row.flags
    assert row.water_withdrawn_m3 == 500 and row.production_kg == 20_000
    # 258 GJ + 100,000 kWh x 0.0036 = 618 GJ
    assert row.energy_gj == pytest.approx(618, rel=1e-12)
    steps = row.explanation["calculations"]["coal_bituminous"]["steps"]
    assert steps[0]["formula"].startswith("258 GJ x 94600 kg/TJ")
    assert any("IPCC" in f["source"] for f in row.explanation["calculations"]["coal_bituminous"]["factors"])
    # the explanation of the GHG figures lists what they used: not the month's water and output
    assert {i["metric"] for i in row.explanation["inputs"]} == {"coal_bituminous", "electricity_grid", "rec_irec"}


def test_a_correction_recomputes_the_month(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, MONTH)
    enter(world, django_capture_on_commit_callbacks, [(JAN, "electricity_grid", 50, "MWh")])
    row = Inventory.objects.get(facility=world.own, period=JAN)
    assert row.scope2_location_tco2e == pytest.approx(50 * 0.6592, rel=1e-12)
    assert row.scope2_market_tco2e == pytest.approx(10 * 0.6592, rel=1e-12)      # (50 - 40) MWh
    assert Inventory.objects.filter(facility=world.own).count() == 1


def test_nothing_is_computed_before_the_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reporting.activity_value_set(by=world.users["manager"], facility=world.own, period=JAN,
                                     metric="coal_bituminous", value=1, unit="t")
    assert not Inventory.objects.exists()
    assert len(callbacks) == 1


def test_stored_months_equal_the_portfolio_engine(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, MONTH + [
        (FEB, "biomass_rice_husk", 30, "t"), (FEB, "fuel_diesel", 2000, "L"), (FEB, "electricity_grid", 80_000, "kWh"),
        (FEB, "electricity_solar_self_consumed", 12, "MWh"), (FEB, "waste_nonhazardous_recycled", 3, "t"),
        (FEB, "waste_hazardous_landfilled", 400, "kg"), (FEB, "steam_purchased", 10, "GJ")])
    enter(world, django_capture_on_commit_callbacks, [(JAN, "fuel_lpg", 500, "kg"), (FEB, "rec_ppa", 900, "MWh")],
          facility=world.stranger)
    values = list(ActivityValue.objects.values_list("facility_id", "period", "metric", "value"))
    activity = pa.table({"facility_id": pa.array([v[0] for v in values], pa.int64()),
                         "period": pa.array([v[1] for v in values], pa.date32()),
                         "metric": [v[2] for v in values], "amount": pa.array([v[3] for v in values], pa.float64())})
    facilities = pa.table({"facility_id": pa.array([world.own.pk, world.stranger.pk], pa.int64()),
                           "country": [world.own.country, world.stranger.country]})
    engine = {(r["facility_id"], r["period"]): r for r in
              engines.compute(engines.connect("duckdb"), activity, facilities).to_pylist()}
    stored = list(Inventory.objects.all())
    assert len(stored) == len(engine) == 4
    for row in stored:
        theirs = engine[(row.facility_id, row.period)]
        for field in ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t", "co2_fossil_t",
                      "ch4_t", "n2o_t", "energy_gj", "renewable_gj", "grid_kwh", "solar_kwh", "instrument_covered_mwh",
                      "instrument_unused_mwh", "water_withdrawn_m3", "waste_kg", "waste_diverted_kg", "uncounted_gj",
                      "production_kg"):
            assert getattr(row, field) == pytest.approx(theirs[field], rel=1e-9, abs=1e-12), field
    feb = Inventory.objects.get(facility=world.own, period=FEB)
    assert "steam_purchased" in feb.flags and feb.uncounted_gj == 10
    lpg = Inventory.objects.get(facility=world.stranger, period=FEB)
    assert lpg.instrument_unused_mwh == 900                                  # a PPA without purchases covers nothing


def test_stale_months_are_found_and_recomputed(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, MONTH)
    assert services.stale() == set()
    Inventory.objects.update(factors_version="emission_factors.csv@old", scope1_tco2e=0)
    assert services.stale() == {(world.own.pk, 2024)}
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_stale()                                           # what migrate does
    assert Inventory.objects.get(period=JAN).scope1_tco2e == pytest.approx(24.581595, rel=1e-12)
    assert services.stale() == set()


def test_stale_years_are_recomputed_in_runs_that_each_end_within_the_time_limit(world, django_capture_on_commit_callbacks,
                                                                                monkeypatch):
    from loomlight.inventories.models import InventoryYear

    # given three facilities with stored months, all computed with other factors (as after a release)
    facilities = sorted([world.own, world.outside, world.stranger], key=lambda f: f.pk)
    for facility in facilities:
        enter(world, django_capture_on_commit_callbacks, MONTH[:1], facility=facility)
    Inventory.objects.update(factors_version="emission_factors.csv@old", scope1_tco2e=0)
    assert services.stale() == {(f.pk, 2024) for f in facilities}
    # when what migrate queues runs, with runs of at most one facility-year
    monkeypatch.setattr(services, "STALE_BATCH", 1)
    runs = []
    real = services.recompute_stale_batch

    def spy(**kwargs):
        runs.append((kwargs["after"], *real(**kwargs)))
        return runs[-1][1:]

    monkeypatch.setattr(services, "recompute_stale_batch", spy)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_stale()
    # then three runs each recomputed one facility and queued the next, and nothing is stale
    a, b, _c = (f.pk for f in facilities)
    assert runs == [(0, 1, a), (a, 1, b), (b, 1, None)]
    assert services.stale() == set()
    # 10 t of coal each: 24.581595 t CO2e (the module's docstring)
    assert list(Inventory.objects.values_list("scope1_tco2e", flat=True)) == [pytest.approx(24.581595, rel=1e-12)] * 3
    assert InventoryYear.objects.count() == 3


@pytest.fixture
def factor_file(monkeypatch):
    """Put another emission_factors.csv in place (as an upgrade does); the shipped one is back after the test."""
    from loomlight.reference import ghg_factors

    real = ghg_factors._text

    def use(text: str | None) -> None:
        monkeypatch.setattr(ghg_factors, "_text", real if text is None else
                            (lambda name: text if name == ghg_factors.EF_FILE else real(name)))
        ghg_factors.emission_factors.cache_clear()
        ghg_factors.data_version.cache_clear()

    yield use
    use(None)


def test_a_new_factor_file_makes_a_rice_husk_month_stale_and_it_is_recomputed_with_ch4(world, django_capture_on_commit_callbacks,
                                                                                      factor_file):
    from loomlight.reference import ghg_factors

    shipped = ghg_factors._text(ghg_factors.EF_FILE)
    # emission_factors.csv as it was before issue 13: without the CH4 of Other Primary Solid Biomass (7 rows)
    before = "\n".join(line for line in shipped.splitlines()
                       if not (line.split(",")[1:2] == ["CH4"] and ",Other Primary Solid Biomass," in line)) + "\n"
    assert len(shipped.splitlines()) - len(before.splitlines()) == 10   # 7, and 3 fuels of issue 19
    # given a rice-husk month stored with the old file: 5 t x 11.6 GJ/t = 58 GJ; N2O 58 x 4 / 1e6 = 0.000232 t x 265 = 0.06148 t
    factor_file(before)
    enter(world, django_capture_on_commit_callbacks, [(JAN, "biomass_rice_husk", 5, "t")])
    old = Inventory.objects.get(facility=world.own, period=JAN)
    assert (old.ch4_t, old.scope1_tco2e) == (0.0, pytest.approx(0.06148, rel=1e-12))
    assert "no CH4 factor for biomass_rice_husk" in old.flags
    assert services.stale() == set()
    # when the release's file is in place (as after an upgrade)
    factor_file(None)
    # then the month is stale: its factors_version names the old file's hash
    assert old.factors_version != services.factors_version()
    assert services.stale() == {(world.own.pk, 2024)}
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_stale()                                           # what migrate does
    new = Inventory.objects.get(facility=world.own, period=JAN)
    # and it is recomputed with CH4: 58 GJ x 30 kg/TJ / 1e6 = 0.00174 t x 28 (AR5) = 0.04872 t; 0.06148 + 0.04872 = 0.1102 t
    assert new.ch4_t == pytest.approx(0.00174, rel=1e-12)
    assert new.scope1_tco2e == pytest.approx(0.1102, rel=1e-12)
    assert "no CH4 factor" not in new.flags
    assert new.factors_version == services.factors_version()
    assert services.stale() == set()


def test_data_written_without_recomputation_and_deleted_data_are_stale(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, MONTH)
    value = ActivityValue.objects.get(metric="water_municipal")
    ActivityValue.objects.create(facility=world.own, period=FEB, metric="water_municipal", value=5, unit="m³",
                                 original_value=5, original_unit="m³", source="api")
    assert services.stale() == {(world.own.pk, 2024)}
    assert services.recompute_stale() == 1
    assert Inventory.objects.filter(facility=world.own).count() == 2
    ActivityValue.objects.filter(period=FEB).delete()
    assert services.stale() == {(world.own.pk, 2024)}
    services.recompute_stale()
    assert list(Inventory.objects.values_list("period", flat=True)) == [JAN]
    assert value.pk


def test_another_gwp_set_recomputes(world, django_capture_on_commit_callbacks, settings):
    enter(world, django_capture_on_commit_callbacks, MONTH)
    settings.LOOMLIGHT_GWP_SET = "AR6"
    assert services.stale() == {(world.own.pk, 2024)}
    services.recompute_stale()
    row = Inventory.objects.get(period=JAN)
    assert row.gwp_set == "AR6"
    # AR6: fossil CH4 29.8, N2O 273: 24.4068 + 0.00258 x 29.8 + 0.000387 x 273 = 24.4068 + 0.076884 + 0.105651
    assert row.scope1_tco2e == pytest.approx(24.589335, rel=1e-12)


def test_an_import_recomputes_its_months(world, django_capture_on_commit_callbacks, tmp_path):
    from tests.reporting.test_import_service import fill, run, save, template

    wb = template(world)
    fill(wb, "2025-03", "coal_bituminous", 10, "t")
    fill(wb, "2025-04", "electricity_grid", 100, "MWh")
    with django_capture_on_commit_callbacks(execute=True):
        run(world, save(wb, tmp_path))
    stored = {r.period: r for r in Inventory.objects.filter(facility=world.own)}
    assert set(stored) == {datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)}
    assert stored[datetime.date(2025, 3, 1)].scope1_tco2e == pytest.approx(24.581595, rel=1e-12)
    assert stored[datetime.date(2025, 4, 1)].scope2_location_tco2e == pytest.approx(65.92, rel=1e-12)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(world, save(wb, tmp_path, "again.xlsx"))                        # the same file: nothing to recompute
    assert callbacks == []
