"""Every step and flag code of the fuel switch has its English template in site.calc_messages (the platform writes
them in the reader's language from these), and the templates' English says what calc's English says."""

from loomlight.biomass.document import switch_document
from loomlight.site import calc_messages

DOC = {
    "from": {"metric": "coal_bituminous", "quantity": 100, "unit": "t", "boiler_efficiency": 0.75},
    "to": {"metric": "biomass_wood_chips", "boiler_efficiency": 0.85,
           "ncv": {"value": 18.5, "unit": "MJ/kg", "basis": "dry"}, "moisture": {"value": 45, "unit": "%"}},
    "country": "VN", "controls": {"after": "esp"},
}


def _codes(out):
    steps = set()
    for part in out["explanation"].values():
        for step in part.get("steps", []):
            steps.add(step["code"])
    return steps


def test_every_biomass_step_code_has_a_template():
    out = switch_document({**DOC, "transport": {"distance_km": 10, "mode": "rail"},
                           "prices": {"currency": "USD", "from": 100, "to": 30}})
    biomass_codes = {c for c in _codes(out) if c.startswith("biomass.")}
    assert biomass_codes == {"biomass.useful_heat", "biomass.energy", "biomass.ncv_as_received", "biomass.tonnes",
                             "biomass.transport", "biomass.scope1_change", "biomass.fuel_cost", "biomass.cost_change"}
    for code in biomass_codes:
        text = calc_messages.biomass_step_text({"code": code, "what": "calc's English"})
        assert text != "calc's English", code


def test_every_biomass_flag_code_has_a_template():
    out = switch_document(DOC)
    codes = {f["code"] for f in out["flags"]}
    assert codes == {"biomass.no_transport", "biomass.no_prices", "biomass.no_particulate_factor"}
    for code in codes | {"biomass.ipcc_ncv", "biomass.typical_lhv", "biomass.moisture_unused"}:
        flag = {"code": code, "params": {"fuel": "f", "control": "none", "type": "t"}, "text": "calc's English"}
        assert calc_messages.biomass_flag_text(flag) != "calc's English", code
    gap = next(f for f in out["flags"] if f["params"].get("control") == "esp")
    assert calc_messages.biomass_flag_text(gap) == ("No sourced particulate factor for biomass_wood_chips (esp): "
                                                    "particulates are not computed.")
    assert calc_messages.biomass_flag_text({"code": "biomass.ipcc_ncv", "params": {}}) == (
        "IPCC default NCV, not the as-received value: give the biomass's NCV as received or its moisture.")
