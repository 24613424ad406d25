"""``loomlight biomass switch INPUT.json [--format text|json]`` end to end: no database, no Django.

The README's example (1,200 t of bituminous coal at 75 % → rice husk at 14.2 MJ/kg in a boiler of 80 %):
fuel energy 1,200 × 25.8 = 30,960 GJ; useful heat 23,220 GJ; biomass 23,220 / 0.8 = 29,025 GJ = 2,044.014 t;
scope 1 before 30,960 × 95,277.5 / 10^6 = 2,949.7914 t CO2e; after 29,025 × 1,900 / 10^6 = 55.1475 t CO2e;
biogenic CO2 29,025 × 100,000 / 10^6 = 2,902.5 t; truck 60 km: 2,044.014 × 60 × 0.10163 / 1,000 = 12.4641 t CO2e;
cost 1,200 × 120 = 144,000 → 2,044.014 × 38 = 77,672.54 USD (IPCC 2006 and DESNZ 2025 factors as cited in
tests/calc/test_biomass.py).
"""

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loomlight.biomass.document import OUTPUT
from loomlight.cli import main

SRC = str(Path(__file__).parents[2] / "src")
EXAMPLE = {
    "from": {"metric": "coal_bituminous", "quantity": 1200, "unit": "t", "boiler_efficiency": 0.75},
    "to": {"metric": "biomass_rice_husk", "boiler_efficiency": 0.80, "ncv": {"value": 14.2, "unit": "MJ/kg"}},
    "country": "VN", "year": 2025, "transport": {"distance_km": 60, "mode": "truck"},
    "prices": {"currency": "USD", "from": 120, "to": 38},
}


def run(tmp_path, doc, *args, raw: str | None = None, subprocess_: bool = False):
    path = tmp_path / "switch.json"
    path.write_text(raw if raw is not None else json.dumps(doc), encoding="utf-8")
    command = ["biomass", "switch", str(path), *args]
    if subprocess_:
        return subprocess.run([sys.executable, "-m", "loomlight.cli", *command], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": SRC})
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(command)
    return subprocess.CompletedProcess(command, code, out.getvalue(), err.getvalue())


def test_json_output_has_exactly_the_documented_keys_and_values(tmp_path):
    result = run(tmp_path, EXAMPLE, "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    out = json.loads(result.stdout)
    assert list(out) == list(OUTPUT)
    assert list(out) == ["fuel_energy_gj", "useful_heat_gj", "biomass_energy_gj", "biomass_ncv_gj_per_t",
                         "biomass_ncv_source", "biomass_t", "scope1_before_tco2e", "scope1_after_tco2e",
                         "scope1_change_tco2e", "biogenic_co2_t", "transport_tco2e", "transport", "currency",
                         "cost_before", "cost_after", "cost_change", "particulates", "gwp", "factors_version",
                         "flags", "explanation"]
    assert out["useful_heat_gj"] == pytest.approx(23220.0, rel=1e-12)
    assert out["biomass_t"] == pytest.approx(29025 / 14.2, rel=1e-12)
    assert out["scope1_before_tco2e"] == pytest.approx(2949.7914, rel=1e-12)
    assert out["scope1_after_tco2e"] == pytest.approx(55.1475, rel=1e-12)
    assert out["biogenic_co2_t"] == pytest.approx(2902.5, rel=1e-12)
    assert out["transport_tco2e"] == pytest.approx(29025 / 14.2 * 60 * 0.10163 / 1000, rel=1e-12)
    assert out["cost_change"] == pytest.approx(29025 / 14.2 * 38 - 144000, rel=1e-12)


def test_the_real_command_in_a_subprocess_loads_no_django(tmp_path):
    path = tmp_path / "switch.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    code = ("import sys, runpy; sys.argv = ['loomlight', 'biomass', 'switch', %r, '--format', 'json'];\n"
            "from loomlight.cli import main\nrc = main(sys.argv[1:])\n"
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django loaded'\n"
            "sys.exit(rc)\n") % str(path)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": SRC})
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["biomass_t"] == pytest.approx(29025 / 14.2, rel=1e-12)


def test_standard_input(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(json.dumps(EXAMPLE))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["biomass", "switch", "-", "--format", "json"])
    finally:
        sys.stdin = old
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue())["useful_heat_gj"] == pytest.approx(23220.0)


@pytest.mark.parametrize("changes,first_line", [
    ({"to": {"metric": "biomass_rice_husk", "boiler_efficiency": 0.8, "moisture": {"value": 120, "unit": "%"}}},
     "to.moisture.value: must be below 100 % (wet basis: the water's share of the fuel as received), not 120"),
    ({"transport": {"distance_km": 60, "mode": "barge"}},
     "transport.mode: no sourced transport factor for “barge”: the modes are truck, rail, ship_bulk, ship_general_cargo"),
    ({"colour": 1}, "colour: unknown key; the keys are from, to, country, transport, prices, controls, gwp, year"),
    ({"from": {"metric": "coal_bituminous", "quantity": 1200, "unit": "t", "boiler_efficiency": 75}},
     "from.boiler_efficiency: must be at most 1, not 75"),
])
def test_a_bad_document_names_the_path_on_stderr_and_prints_nothing_on_stdout(tmp_path, changes, first_line):
    result = run(tmp_path, {**EXAMPLE, **changes})
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [first_line, f"loomlight biomass switch: 1 problem(s) in {tmp_path / 'switch.json'}; nothing was "
                                 "computed"]


@pytest.mark.parametrize("raw,message", [
    ("{not json", "is not valid JSON"),
    ('{"from": NaN}', "from"),
])
def test_a_file_that_is_not_a_document_is_refused(tmp_path, raw, message):
    result = run(tmp_path, None, raw=raw)
    assert result.returncode == 1 and result.stdout == "" and message in result.stderr


def test_a_missing_file_is_refused(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["biomass", "switch", str(tmp_path / "nowhere.json")])
    assert (code, out.getvalue()) == (1, "") and "cannot read" in err.getvalue()


def test_the_readme_example_prints_what_the_readme_shows(tmp_path):
    # given the example file of the README; when it is run; then the lines the README shows are printed, as shown
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("An example, `switch.json`"):]
    doc = section[section.index("```json\n") + 8:section.index("  ```\n")]
    shown = section[section.index("  ```\n  Fuel switch"):].split("\n  ```\n")[0].splitlines()[1:]
    result = run(tmp_path, None, raw=doc)
    assert (result.returncode, result.stderr) == (0, "")
    expected = [line[2:] for line in shown if not line.startswith("    ... ")]
    assert result.stdout.splitlines()[:len(expected)] == expected
    assert json.loads(doc) == {**EXAMPLE, "controls": {"before": "none", "after": "cyclone"}}
