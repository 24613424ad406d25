"""The switch document (biomass.document): every field checked by JSON path, the NCV chosen as documented, the
outputs as hand-worked in tests/calc/test_biomass.py, and the business case it opens.

Hand-worked (IPCC 2006 defaults as cited in tests/calc/test_biomass.py; AR5):
100 t bituminous coal (25.8 GJ/t) at 75 % → rice husk at 85 % and 11.6 GJ/t: useful heat 1,935 GJ, biomass
2,276.470588 GJ = 196.2474645 t, scope 1 245.81595 → 4.325294 t CO2e, biogenic CO2 227.6470588 t; truck 80 km at
0.10163 kg CO2e/t.km: 1.595570 t CO2e; prices 120 USD/t of coal, 40 USD/t of husk: 12,000 → 7,849.898580 USD,
a change of −4,150.101420 USD.
"""

import copy

import pytest

from loomlight.biomass import document
from loomlight.biomass.document import OUTPUT, DocumentInvalid, case_document, switch_document
from loomlight.interventions.document import evaluate_document
from loomlight.reference import biomass as catalogue

BASE = {
    "from": {"metric": "coal_bituminous", "quantity": 100, "unit": "t", "boiler_efficiency": 0.75},
    "to": {"metric": "biomass_rice_husk", "boiler_efficiency": 0.85, "ncv": {"value": 11.6, "unit": "GJ/t"}},
    "country": "VN",
    "transport": {"distance_km": 80, "mode": "truck"},
    "prices": {"currency": "USD", "from": 120, "to": 40},
}


def rel(value):
    return pytest.approx(value, rel=1e-9)


def doc(**changes):
    d = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = d
        for part in parents:
            node = node[part]
        if value is ...:
            del node[last]
        else:
            node[last] = value
    return d


def errors_of(d) -> list[tuple[str, str]]:
    with pytest.raises(DocumentInvalid) as exc:
        switch_document(d)
    return exc.value.errors


def test_the_hand_worked_switch():
    out = switch_document(doc())
    assert list(out) == list(OUTPUT)
    assert out["fuel_energy_gj"] == rel(2580.0)
    assert out["useful_heat_gj"] == rel(1935.0)
    assert out["biomass_energy_gj"] == rel(2276.470588235294)
    assert (out["biomass_ncv_gj_per_t"], out["biomass_ncv_source"]) == (11.6, {"kind": "reported", "source": "reported"})
    assert out["biomass_t"] == rel(196.2474645030426)
    assert out["scope1_before_tco2e"] == rel(245.81595)
    assert out["scope1_after_tco2e"] == rel(4.325294117647059)
    assert out["scope1_change_tco2e"] == rel(4.325294117647059 - 245.81595)
    assert out["biogenic_co2_t"] == rel(227.6470588235294)
    assert out["transport_tco2e"] == rel(1.5955703853955376)
    assert out["transport"]["factor_kg_co2e_per_t_km"] == 0.10163
    assert (out["currency"], out["cost_before"]) == ("USD", 12000.0)
    assert out["cost_after"] == rel(7849.898580121704) and out["cost_change"] == rel(-4150.101419878296)
    assert out["gwp"] == "AR5"


def test_every_output_has_its_explanation():
    out = switch_document(doc())
    for name in ("useful_heat_gj", "biomass_ncv_gj_per_t", "biomass_t", "scope1_before_tco2e", "scope1_after_tco2e",
                 "scope1_change_tco2e", "biogenic_co2_t", "transport_tco2e", "cost_change", "particulates"):
        assert name in out["explanation"], name
    first = out["explanation"]["biomass_t"]["inputs"]
    # the explanation starts from what was reported: the energy, the efficiencies, the 100 t as entered
    assert [(i["code"], i["value"]) for i in first][:4] == [("energy", 2580.0), ("boiler_efficiency", 0.75),
                                                           ("boiler_efficiency", 0.85), ("reported_quantity", 100)]


def test_without_prices_or_transport_nothing_is_zero():
    out = switch_document(doc(prices=..., transport=...))
    assert (out["cost_before"], out["cost_after"], out["cost_change"], out["transport_tco2e"]) == (None,) * 4
    codes = {f["code"] for f in out["flags"]}
    assert {"biomass.no_prices", "biomass.no_transport"} <= codes


def test_particulates_are_a_gap_with_a_flag_for_each_fuel_and_control():
    out = switch_document(doc(controls={"before": "none", "after": "bag_filter"}))
    assert out["particulates"] == {"before": {"uncontrolled_kg": None, "control": "none"},
                                   "after": {"uncontrolled_kg": None, "bag_filter_kg": None, "control": "bag_filter"}}
    gaps = [(f["params"]["fuel"], f["params"]["control"]) for f in out["flags"]
            if f["code"] == "biomass.no_particulate_factor"]
    assert gaps == [("coal_bituminous", "none"), ("biomass_rice_husk", "none"), ("biomass_rice_husk", "bag_filter")]


def test_an_ncv_in_kcal_per_kg_is_converted():
    # 3,500 kcal/kg × 4.184 kJ/kcal (calc.units' kcal is the thermochemical calorie, pint's; the International
    # Table calorie of fuel trade is 4.1868) = 14.644 MJ/kg = GJ/t; biomass 2,276.470588 / 14.644 t
    out = switch_document(doc(to__ncv={"value": 3500, "unit": "kcal/kg"}))
    assert out["biomass_ncv_gj_per_t"] == rel(14.644)
    assert out["biomass_t"] == rel(2276.470588235294 / 14.644)


def test_a_dry_basis_ncv_is_corrected_to_the_moisture():
    # wood at 18.5 MJ/kg dry, 45 % moisture: 9.07565 GJ/t as received (ISO 18125; reference §1.5)
    out = switch_document(doc(to__metric="biomass_wood_chips", to__ncv={"value": 18.5, "unit": "MJ/kg", "basis": "dry"},
                              to__moisture={"value": 45, "unit": "%"}))
    assert out["biomass_ncv_gj_per_t"] == pytest.approx(9.07565, abs=1e-12)
    assert out["biomass_ncv_source"]["kind"] == "reported_dry_corrected"
    steps = [s["code"] for s in out["explanation"]["biomass_t"]["steps"]]
    assert steps == ["biomass.useful_heat", "biomass.energy", "biomass.ncv_as_received", "biomass.tonnes"]
    # the moisture may be a fraction too
    same = switch_document(doc(to__metric="biomass_wood_chips",
                               to__ncv={"value": 18.5, "unit": "MJ/kg", "basis": "dry"},
                               to__moisture={"value": 0.45, "unit": "fraction"}))
    assert same["biomass_ncv_gj_per_t"] == out["biomass_ncv_gj_per_t"]


def test_without_an_ncv_or_a_catalogue_value_the_ipcc_default_is_used_and_flagged():
    # the catalogue ships no LHV of wood chips (reference/biomass_types.csv): the IPCC Wood/Wood Waste 15.6 GJ/t
    assert catalogue.for_metric("biomass_wood_chips").lhv_ar_gj_per_t is None
    out = switch_document(doc(to__metric="biomass_wood_chips", to__ncv=..., to__moisture={"value": 10, "unit": "%"}))
    assert out["biomass_ncv_gj_per_t"] == 15.6 and out["biomass_ncv_source"]["kind"] == "ipcc_default"
    assert "Table 1.2" in out["biomass_ncv_source"]["source"]
    codes = [f["code"] for f in out["flags"]]
    assert "biomass.ipcc_ncv" in codes and "biomass.moisture_unused" in codes
    assert next(f["text"] for f in out["flags"] if f["code"] == "biomass.ipcc_ncv").startswith(
        "IPCC default NCV, not the as-received value")


def test_the_shipped_catalogue_corrects_rice_husk_to_the_moisture_given():
    # given rice husk at 10 % moisture and no NCV; then the catalogue's dry-basis LHV × 0.9 − 2.443 × 0.1 (ISO 18125)
    kind = catalogue.for_metric("biomass_rice_husk")
    out = switch_document(doc(to__ncv=..., to__moisture={"value": 10, "unit": "%"}))
    assert out["biomass_ncv_gj_per_t"] == pytest.approx(kind.lhv_db_gj_per_t * 0.9 - 0.2443, abs=1e-12)
    assert out["biomass_ncv_source"]["kind"] == "catalogue_dry_corrected"
    assert out["biomass_ncv_source"]["source"].startswith(kind.source)


class _Type:
    def __init__(self, lhv_db, lhv_ar):
        self.code, self.lhv_db_gj_per_t, self.lhv_ar_gj_per_t = "rice_husk", lhv_db, lhv_ar
        self.source, self.table, self.year = "a catalogue source", "its table", 2020


class _Catalogue:
    def __init__(self, kind):
        self.kind = kind

    def for_metric(self, metric):
        return self.kind


def test_the_catalogues_dry_lhv_is_corrected_to_the_users_moisture(monkeypatch):
    # given a catalogue dry LHV of 15.0 GJ/t and 10 % moisture: 15 × 0.9 − 2.443 × 0.1 = 13.2557 GJ/t
    monkeypatch.setattr(document, "catalogue", _Catalogue(_Type(15.0, 13.0)))
    out = switch_document(doc(to__ncv=..., to__moisture={"value": 10, "unit": "%"}))
    assert out["biomass_ncv_gj_per_t"] == pytest.approx(13.2557, abs=1e-12)
    assert out["biomass_ncv_source"]["kind"] == "catalogue_dry_corrected"


def test_without_moisture_the_catalogues_typical_as_received_lhv_is_used_and_flagged(monkeypatch):
    monkeypatch.setattr(document, "catalogue", _Catalogue(_Type(15.0, 13.0)))
    out = switch_document(doc(to__ncv=...))
    assert (out["biomass_ncv_gj_per_t"], out["biomass_ncv_source"]["kind"]) == (13.0, "catalogue_typical")
    assert "biomass.typical_lhv" in [f["code"] for f in out["flags"]]


def test_the_old_fuel_by_volume_goes_through_the_accounting_engine():
    # 1,000 L of diesel: 1,000 L / 1,149 L/t × 43.0 GJ/t (UNSD density, IPCC NCV: fuel_properties.csv) = 37.42385 GJ
    out = switch_document(doc(from__metric="fuel_diesel", from__quantity=1000, from__unit="L"))
    assert out["fuel_energy_gj"] == rel(1000 / 1149 * 43.0)
    assert out["useful_heat_gj"] == rel(1000 / 1149 * 43.0 * 0.75)


def test_the_users_ncv_of_the_old_fuel_wins():
    # 100 t of coal at 22 MJ/kg: 2,200 GJ; scope 1 before 2,200 × 95,277.5 / 10^6 = 209.6105 t CO2e
    out = switch_document(doc(from__ncv={"value": 22, "unit": "MJ/kg"}))
    assert out["fuel_energy_gj"] == rel(2200.0)
    assert out["scope1_before_tco2e"] == rel(209.6105)


@pytest.mark.parametrize("changes,path", [
    ({"from": ...}, "from"),
    ({"to": ...}, "to"),
    ({"country": ...}, "country"),
    ({"country": "XX"}, "country"),
    ({"colour": "red"}, "colour"),
    ({"from__metric": "coal"}, "from.metric"),
    ({"from__metric": "water_municipal"}, "from.metric"),
    ({"from__quantity": 0}, "from.quantity"),
    ({"from__quantity": "100"}, "from.quantity"),
    ({"from__quantity": True}, "from.quantity"),
    ({"from__unit": "m3"}, "from.unit"),
    ({"from__unit": "bananas"}, "from.unit"),
    ({"from__boiler_efficiency": 75}, "from.boiler_efficiency"),
    ({"from__boiler_efficiency": 0}, "from.boiler_efficiency"),
    ({"from__boiler_efficiency": ...}, "from.boiler_efficiency"),
    ({"from__ncv": {"value": 22}}, "from.ncv.unit"),
    ({"from__ncv": {"value": 22, "unit": "MJ/kg", "x": 1}}, "from.ncv.x"),
    ({"from__extra": 1}, "from.extra"),
    ({"to__metric": "coal_bituminous"}, "to.metric"),
    ({"to__metric": "biogas"}, "to.metric"),
    ({"to__boiler_efficiency": 1.2}, "to.boiler_efficiency"),
    ({"to__moisture": {"value": 100, "unit": "%"}}, "to.moisture.value"),
    ({"to__moisture": {"value": 1.0, "unit": "fraction"}}, "to.moisture.value"),
    ({"to__moisture": {"value": -1, "unit": "%"}}, "to.moisture.value"),
    ({"to__moisture": {"value": 10, "unit": "percent"}}, "to.moisture.unit"),
    ({"to__moisture": 10}, "to.moisture"),
    ({"to__ncv": {"value": 0, "unit": "GJ/t"}}, "to.ncv.value"),
    ({"to__ncv": {"value": 35, "unit": "MJ/m3"}}, "to.ncv.unit"),
    ({"to__ncv": {"value": 14, "unit": "kg"}}, "to.ncv.unit"),
    ({"to__ncv": {"value": 14, "unit": "GJ/t", "basis": "wet"}}, "to.ncv.basis"),
    ({"to__ncv": {"value": 14, "unit": "GJ/t", "basis": "dry"}}, "to.moisture"),
    ({"to__ncv": {"value": 2, "unit": "GJ/t", "basis": "dry"}, "to__moisture": {"value": 50, "unit": "%"}},
     "to.moisture.value"),
    ({"transport__mode": "barge"}, "transport.mode"),
    ({"transport__distance_km": -5}, "transport.distance_km"),
    ({"transport__distance_km": ...}, "transport.distance_km"),
    ({"prices__currency": "usd"}, "prices.currency"),
    ({"prices__currency": ...}, "prices.currency"),
    ({"prices__from": -1}, "prices.from"),
    ({"prices__to": "40"}, "prices.to"),
    ({"controls": {"after": "scrubber"}}, "controls.after"),
    ({"controls": {"during": "none"}}, "controls.during"),
    ({"gwp": "AR3"}, "gwp"),
    ({"year": 1800}, "year"),
])
def test_every_bad_field_is_named_by_its_json_path(changes, path):
    errors = errors_of(doc(**changes))
    assert path in [p for p, _message in errors], errors


def test_all_errors_are_reported_at_once():
    errors = errors_of(doc(country="XX", from__quantity=-1, to__boiler_efficiency=2, transport__mode="barge"))
    assert [p for p, _m in errors] == ["country", "from.quantity", "to.boiler_efficiency", "transport.mode"]
    assert dict(errors)["transport.mode"] == ("no sourced transport factor for “barge”: the modes are truck, rail, "
                                              "ship_bulk, ship_general_cargo")


def test_a_document_that_is_not_an_object_is_refused():
    assert errors_of([1, 2]) == [("(document)", "must be a JSON object, not a list")]


def test_the_business_case_of_the_switch():
    # given the hand-worked switch; when its case document is evaluated by `loomlight case`'s engine; then the
    # avoided emissions are the switch's change of scope 1 (245.81595 − 4.325294 = 241.490656 t CO2e a year), the
    # savings the change of fuel cost (4,150.101420 USD a year), capex 0 for the user to set
    d = doc(year=2025)
    out = switch_document(d)
    case = case_document(d, out)
    assert case["capex"] == 0 and case["year"] == 2025 and case["currency"] == "USD" and case["country"] == "VN"
    assert [(s["metric"], s["unit"]) for s in case["savings"]] == [("coal_bituminous", "GJ"), ("biomass_rice_husk", "GJ")]
    assert case["savings"][1]["quantity"] == rel(-2276.470588235294)
    result = evaluate_document(case)
    assert result["tco2e_per_year"] == rel(245.81595 - 4.325294117647059)
    assert result["savings_per_year"] == rel(4150.101419878296)
    # the biomass's biogenic CO2 is an increase, reported apart (negative: more after the switch)
    assert result["biogenic_co2_t_per_year"] == rel(-227.6470588235294)


def test_a_case_without_prices_still_counts_the_avoided_emissions():
    d = doc(prices=..., year=2025)
    result = evaluate_document(case_document(d, switch_document(d)))
    assert result["savings_per_year"] == 0.0
    assert result["tco2e_per_year"] == rel(245.81595 - 4.325294117647059)
