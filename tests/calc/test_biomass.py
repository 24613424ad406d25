"""The fuel-switch arithmetic (calc.biomass) against hand-worked values.

Cited values (../shared/reference/ghg-roi-biomass.md):
- §1.5 (ISO 18125 moisture correction): wood at LHV_db 18.5 MJ/kg and M = 0.45 gives
  18.5 × 0.55 − 2.443 × 0.45 = 10.175 − 1.09935 = 9.07565 MJ/kg (the reference rounds it to "≈ 9.1").
- §1.1 IPCC 2006 Table 1.2 NCVs: other bituminous coal 25.8 GJ/t; other primary solid biomass (rice husk) 11.6 GJ/t.
- §1.2/§1.3 IPCC 2006 Tables 1.4 and 2.3 (manufacturing): bituminous coal CO2 94,600, CH4 10, N2O 1.5 kg/TJ;
  other primary solid biomass CO2 100,000 (biogenic), CH4 30, N2O 4 kg/TJ. AR5 GWPs CH4 28, N2O 265.
- §1.4: a tonne of bituminous coal gives 2,441 + 7.2 + 10.3 ≈ 2,458 kg CO2e (exactly 2,458.1595 kg below).

The hand-worked switch: 100 t of bituminous coal in a boiler of 75 % efficiency, replaced by rice husk in a
boiler of 85 %:
- fuel energy 100 t × 25.8 GJ/t = 2,580 GJ; useful heat 2,580 × 0.75 = 1,935 GJ;
- biomass energy 1,935 / 0.85 = 2,276.470588 GJ; at 11.6 GJ/t: 196.2474645 t;
- scope 1 before: 2,580 GJ × (94,600 + 10 × 28 + 1.5 × 265) kg/TJ = 2,580 × 95,277.5 / 10^6 = 245.81595 t CO2e
  (= 2,458.1595 kg CO2e/t × 100 t);
- scope 1 after: 2,276.470588 GJ × (30 × 28 + 4 × 265 = 1,900) kg CO2e/TJ / 10^6 = 4.325294 t CO2e;
- biogenic CO2: 2,276.470588 GJ × 100,000 kg/TJ / 10^6 = 227.6470588 t;
- transport 80 km by truck (DESNZ 2025, HGV all diesel, average laden, 0.10163 kg CO2e/t.km):
  196.2474645 t × 80 km × 0.10163 / 1,000 = 1.595570 t CO2e.
Tolerance: 1e-9 relative (floating point only; every value is exact arithmetic on the cited factors).
"""

import math

import pytest

from loomlight.calc import biomass
from loomlight.calc.ghg import EmissionFactor, Factor, combustion

AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}
COAL = {"CO2": EmissionFactor(94600, "IPCC 2006 T1.4"), "CH4": EmissionFactor(10, "IPCC 2006 T2.3"),
        "N2O": EmissionFactor(1.5, "IPCC 2006 T2.3")}
HUSK = {"CO2": EmissionFactor(100000, "IPCC 2006 T1.4", biogenic=True), "CH4": EmissionFactor(30, "IPCC 2006 T2.3"),
        "N2O": EmissionFactor(4, "IPCC 2006 T2.3")}
TRUCK = Factor("truck", 0.10163, "kg CO2e/t.km", "DESNZ 2025", "transport_factor", {"mode": "truck"})


def rel(value):
    return pytest.approx(value, rel=1e-9)


def test_wood_at_45_percent_moisture_has_the_references_as_received_lhv():
    # given wood at 18.5 MJ/kg dry and 45 % moisture (wet basis); when corrected; then 9.07565 MJ/kg (§1.5)
    assert biomass.lhv_as_received(18.5, 0.45) == pytest.approx(9.07565, abs=1e-12)


def test_dry_basis_is_the_inverse_of_as_received():
    # given 9.07565 GJ/t as received at 45 %; when taken back to dry basis; then 18.5 GJ/t
    assert biomass.lhv_dry(9.07565, 0.45) == pytest.approx(18.5, abs=1e-12)
    # and dry fuel (M = 0) is the same value on both bases
    assert biomass.lhv_as_received(18.5, 0.0) == 18.5 == biomass.lhv_dry(18.5, 0.0)


@pytest.mark.parametrize("moisture", [1.0, 1.2, -0.01, float("nan"), None, True])
def test_a_moisture_outside_zero_to_one_is_refused(moisture):
    with pytest.raises(biomass.BiomassError) as exc:
        biomass.lhv_as_received(18.5, moisture)
    assert exc.value.field == "moisture"


def test_a_fuel_too_wet_to_give_net_heat_is_refused():
    # given 2 GJ/t dry at 50 %: 2 × 0.5 − 2.443 × 0.5 = −0.2215 GJ/t; then refused, naming the moisture
    with pytest.raises(biomass.BiomassError) as exc:
        biomass.lhv_as_received(2.0, 0.5)
    assert exc.value.field == "moisture" and "no net heat" in exc.value.message


def test_the_moisture_step_carries_its_terms():
    step = biomass.ncv_as_received_step(Factor("dry", 18.5, "GJ/t", "lab"), 0.45)
    assert (step.code, step.value, step.unit) == ("biomass.ncv_as_received", pytest.approx(9.07565, abs=1e-12), "GJ/t")
    assert step.terms[0] == {"value": 18.5, "unit": "GJ/t"} and step.terms[4] == {"value": 2.443, "unit": "GJ/t"}


def _switch(**kw):
    before = combustion(2580.0, COAL, gwp=AR5, gwp_set="AR5", fuel="coal_bituminous")
    energy_after = 1935.0 / 0.85
    after = combustion(energy_after, HUSK, gwp=AR5, gwp_set="AR5", fuel="biomass_rice_husk")
    ncv = Factor("IPCC NCV", 11.6, "GJ/t", "IPCC 2006 T1.2", "ncv")
    return biomass.switch(fuel="coal_bituminous", fuel_energy_gj=2580.0, efficiency_old=0.75,
                          biomass="biomass_rice_husk", efficiency_new=0.85, ncv=ncv, before=before, after=after, **kw)


def test_coal_to_rice_husk_for_the_same_useful_heat():
    # given 100 t of bituminous coal (2,580 GJ) at 75 %, rice husk at 85 % and 11.6 GJ/t; when switched; then
    # the hand-worked values of the module docstring
    result = _switch(transport_factor=TRUCK, distance_km=80.0)
    assert result.useful_heat_gj == rel(1935.0)
    assert result.biomass_energy_gj == rel(2276.470588235294)
    assert result.biomass_t == rel(196.2474645030426)
    assert result.scope1_before_tco2e == rel(245.81595)
    assert result.scope1_before_tco2e / 100 * 1000 == rel(2458.1595)      # §1.4's ≈ 2,458 kg CO2e per tonne
    assert result.scope1_after_tco2e == rel(2276.470588235294 * 1900 / 1e6)
    assert result.scope1_after_tco2e == rel(4.325294117647059)
    assert result.biogenic_co2_t == rel(227.6470588235294)
    assert result.transport_tco2e == rel(196.2474645030426 * 80 * 0.10163 / 1000)
    assert result.transport_tco2e == rel(1.5955703853955376)


def test_every_output_is_explained_from_the_reported_energy():
    result = _switch(transport_factor=TRUCK, distance_km=80.0)
    assert set(result.explanations) == {"useful_heat_gj", "biomass_ncv_gj_per_t", "biomass_t", "scope1_before_tco2e",
                                        "scope1_after_tco2e", "biogenic_co2_t", "transport_tco2e"}
    tonnes = result.explanations["biomass_t"]
    assert [s.code for s in tonnes.steps] == ["biomass.useful_heat", "biomass.energy", "biomass.tonnes"]
    assert tonnes.inputs[0].value == 2580.0 and tonnes.inputs[0].unit == "GJ (NCV basis)"
    # the biomass's scope 1 counts CH4 and N2O, and its CO2 step says biogenic
    after_codes = [(s.code, s.params.get("gas"), s.params.get("biogenic")) for s in
                   result.explanations["scope1_after_tco2e"].steps]
    assert ("gas", "CO2", True) in after_codes and ("gas_co2e", "CH4", None) in after_codes


def test_without_transport_the_transport_is_not_computed_not_zero():
    result = _switch()
    assert result.transport_tco2e is None and "transport_tco2e" not in result.explanations


@pytest.mark.parametrize("field,kwargs", [
    ("from.boiler_efficiency", {"efficiency_old": 0.0}),
    ("from.boiler_efficiency", {"efficiency_old": 1.01}),
    ("to.boiler_efficiency", {"efficiency_new": -0.5}),
    ("to.boiler_efficiency", {"efficiency_new": math.inf}),
])
def test_an_efficiency_outside_zero_to_one_is_refused(field, kwargs):
    args = {"efficiency_old": 0.75, "efficiency_new": 0.85, **kwargs}
    with pytest.raises(biomass.BiomassError) as exc:
        biomass.biomass_energy(biomass.useful_heat(2580.0, args["efficiency_old"]).value, args["efficiency_new"])
    assert exc.value.field == field


def test_transport_needs_a_factor_per_tonne_kilometre():
    with pytest.raises(biomass.BiomassError) as exc:
        biomass.transport_emissions(10.0, 5.0, Factor("x", 0.1, "kg CO2e/km", "s"))
    assert exc.value.field == "transport.mode"


def test_particulates_are_energy_times_a_factor_per_gj():
    # given 1,000 GJ and a factor of 50 g/GJ; then 50 kg
    factor = Factor("pm", 50.0, "g/GJ", "a test factor", "particulate_factor", {"pollutant": "PM10", "control": "none"})
    step = biomass.particulate_emissions(1000.0, factor, side="after")
    assert (step.value, step.unit, step.params["side"], step.params["pollutant"]) == (50.0, "kg", "after", "PM10")


def test_a_cost_and_its_change():
    before = biomass.fuel_cost(100.0, "t", 120.0, "USD", side="before", fuel="coal")
    after = biomass.fuel_cost(196.2474645030426, "t", 40.0, "USD", side="after", fuel="husk")
    change = biomass.difference(after, before, code="biomass.cost_change", what="change")
    assert (before.value, after.value) == (12000.0, rel(7849.898580121704))
    assert change.value == rel(7849.898580121704 - 12000.0) and change.unit == "USD"


def test_supply_within_a_radius():
    # given a need of 1,000 t/yr and sources at 20 km (400 t), 50 km (300 t) and 120 km (900 t); when the radius is
    # 50 km; then 700 t/yr are available, 70 % of the need, not enough; at 150 km: 1,600 t/yr, enough, share 1
    sources = [{"name": "mill A", "distance_km": 20, "tonnes_per_year": 400},
               biomass.Source("mill B", 50, 300), {"name": "mill C", "distance_km": 120, "tonnes_per_year": 900}]
    near = biomass.supply_within_radius(1000, sources, 50)
    assert (near.available_t_per_year, near.share_covered, near.enough) == (700.0, 0.7, False)
    assert [s.name for s in near.sources] == ["mill A", "mill B"]
    assert near.step.code == "biomass.supply" and near.step.params["sources"] == 2
    far = biomass.supply_within_radius(1000, sources, 150)
    assert (far.available_t_per_year, far.share_covered, far.enough) == (1600.0, 1.0, True)
    # nothing needed: covered
    assert biomass.supply_within_radius(0, [], 10).share_covered == 1.0


def test_a_source_with_a_negative_tonnage_is_refused_by_its_index():
    with pytest.raises(biomass.BiomassError) as exc:
        biomass.supply_within_radius(10, [{"name": "x", "distance_km": 5, "tonnes_per_year": 1},
                                          {"name": "y", "distance_km": 5, "tonnes_per_year": -1}], 50)
    assert exc.value.field == "sources[1].tonnes_per_year"
