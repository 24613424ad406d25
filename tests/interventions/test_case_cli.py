"""``loomlight case INPUT.json [--format json]`` end to end, in a subprocess: no database, no Django.

The hand-worked case (EXAMPLE): capex 10,000 USD, 5 years, discount rate 10 %, savings 25,000 kWh of grid
electricity at 0.10 USD/kWh (2,500) + 500 USD given in money = S = 3,000 USD/year; no opex change, escalation,
grant, loan or tax. In Viet Nam 2023 (inventory grid factor 0.6592 t CO2/MWh):

- annuity factor (1 − 1.1^−5)/0.1 = 3.790786769; NPV = −10,000 + 3,000 × 3.790786769 = 1,372.360308 USD;
- IRR: the r with 3,000 × (1 − (1+r)^−5)/r = 10,000: 15.2382 % (bisection by hand to 4 decimals; the test also
  checks that the NPV at the IRR is 0 to a cent);
- simple payback 10,000 / 3,000 = 3.3333 years;
- discounted flows 2,727.27, 2,479.34, 2,253.94, 2,049.04, 1,862.76; cumulative after 4 years 9,509.60, so the
  discounted payback is 4 + (10,000 − 9,509.60)/1,862.76 = 4.2633 years (linear within year 5);
- CRF(10 %, 5) = 0.1 × 1.1^5 / (1.1^5 − 1) = 0.263797481; EAC = 10,000 × CRF − 3,000 = −362.02519 USD/year;
- benefit-cost ratio 11,372.360308 / 10,000 = 1.1372360;
- avoided 25 MWh × 0.6592 = 16.48 t CO2e/year, 82.4 t over 5 years; abatement cost −362.02519 / 16.48 =
  −21.96755 USD/t CO2e (negative: a no-regret measure);
- levelised cost of saved energy 10,000 × CRF / 25,000 kWh = 0.10551899 USD/kWh.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loomlight.cli import main

SRC = str(Path(__file__).parents[2] / "src")

EXAMPLE = {
    "country": "VN", "year": 2023, "capex": 10000, "lifetime_years": 5, "discount_rate": 0.10,
    "savings": [{"metric": "electricity_grid", "quantity": 25000, "unit": "kWh", "price": 0.10}, {"money": 500}],
}

OUTPUT_KEYS = {
    "simple_payback_years", "discounted_payback_years", "npv", "irr", "tco2e_per_year", "tco2e_lifetime",
    "abatement_cost_per_tco2e", "grid_factor", "npv_project", "irr_equity", "benefit_cost_ratio", "crf", "eac",
    "levelised_cost", "savings_per_year", "currency", "flows", "explanation",
}
MONTE_CARLO_KEYS = {"npv_p10", "npv_p50", "npv_p90", "probability_npv_positive", "monte_carlo"}


def run(tmp_path, doc, *args, raw: str | None = None, subprocess_: bool = False):
    """``loomlight case FILE ARGS`` in a subprocess (the real command), or through the same ``loomlight.cli.main``
    in this process (fast: each subprocess pays for importing numpy and scipy)."""
    path = tmp_path / "case.json"
    path.write_text(raw if raw is not None else json.dumps(doc), encoding="utf-8")
    if subprocess_:
        return subprocess.run([sys.executable, "-m", "loomlight.cli", "case", str(path), *args], capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": SRC})
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["case", str(path), *args])
    return subprocess.CompletedProcess(["loomlight", "case", str(path), *args], code, out.getvalue(), err.getvalue())


def run_json(tmp_path, doc, *, subprocess_: bool = False):
    result = run(tmp_path, doc, "--format", "json", subprocess_=subprocess_)
    assert (result.returncode, result.stderr) == (0, "")
    return json.loads(result.stdout)


def test_the_hand_worked_case_in_json(tmp_path):
    out = run_json(tmp_path, EXAMPLE, subprocess_=True)
    assert OUTPUT_KEYS <= set(out)
    assert "npv_p50" not in out
    assert out["currency"] == "USD"
    assert out["savings_per_year"] == pytest.approx(3000.0)
    assert out["npv"] == pytest.approx(1372.360308, abs=1e-5)
    assert out["npv_project"] == pytest.approx(1372.360308, abs=1e-5)
    assert out["irr"] == pytest.approx(0.152382, abs=1e-5)
    assert -3000 * (1 - (1 + out["irr"]) ** -5) / out["irr"] + 10000 == pytest.approx(0, abs=0.01)
    assert out["irr_equity"] == pytest.approx(out["irr"])
    assert out["simple_payback_years"] == pytest.approx(10000 / 3000)
    assert out["discounted_payback_years"] == pytest.approx(4.26327, abs=1e-4)
    assert out["crf"] == pytest.approx(0.263797481, abs=1e-9)
    assert out["eac"] == pytest.approx(-362.02519, abs=1e-4)
    assert out["benefit_cost_ratio"] == pytest.approx(1.1372360, abs=1e-6)
    assert out["tco2e_per_year"] == pytest.approx(16.48)
    assert out["tco2e_lifetime"] == pytest.approx(82.4)
    assert out["abatement_cost_per_tco2e"] == pytest.approx(-21.96755, abs=1e-4)
    assert out["levelised_cost"] == pytest.approx(0.10551899, abs=1e-8)
    assert out["levelised_cost_unit"] == "USD/kWh"
    assert {k: out["grid_factor"][k] for k in ("value", "unit", "type", "year", "flags")} == {
        "value": 0.6592, "unit": "t CO2/MWh", "type": "inventory", "year": 2023, "flags": ["margin factor"]}
    assert out["grid_factor"]["source"].startswith("DCC annual grid emission factor announcements")
    assert [f["year"] for f in out["flows"]] == [0, 1, 2, 3, 4, 5]
    assert out["flows"][0]["project_flow"] == pytest.approx(-10000)
    assert out["flows"][5]["cumulative_discounted_project_flow"] == pytest.approx(1372.360308, abs=1e-5)
    assert out["explanation"]["avoided_emissions"]["steps"][0]["value"] == pytest.approx(16.48)


def test_the_default_text_names_units_the_grid_factor_and_how_it_was_computed(tmp_path):
    result = run(tmp_path, EXAMPLE, subprocess_=True)
    assert (result.returncode, result.stderr) == (0, "")
    text = result.stdout
    assert "  NPV (factory)              1,372.36 USD\n" in text
    assert "  IRR (project)              15.24 %\n" in text
    assert "  simple payback             3.33 years\n" in text
    assert "  avoided emissions          16.480 t CO2e/year\n" in text
    assert "  abatement cost             -21.97 USD/t CO2e\n" in text
    assert "  grid factor                0.6592 t CO2/MWh (inventory: combined_margin, VN 2023) [margin factor]\n" in text
    assert "    source                   DCC annual grid emission factor announcements, tabulated in" in text
    assert "How computed\n" in text
    assert "avoided by saving 0 (grid electricity saved): 25000 kWh / 1,000 kWh/MWh x 0.6592 t CO2/MWh = 16.48 t CO2/year" in text


def test_standard_input_is_read_with_a_dash(tmp_path):
    result = subprocess.run([sys.executable, "-m", "loomlight.cli", "case", "-", "--format", "json"], input=json.dumps(EXAMPLE),
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": SRC})
    assert result.returncode == 0
    assert json.loads(result.stdout)["npv"] == pytest.approx(1372.360308, abs=1e-5)


def test_a_margin_changes_the_tonnes_and_the_abatement_cost(tmp_path):
    # firm combined margin (IFI 2021) 0.381 t CO2/MWh: 25 MWh x 0.381 = 9.525 t; −362.02519 / 9.525 = −38.00790
    out = run_json(tmp_path, {**EXAMPLE, "grid_factor": "firm"})
    assert out["tco2e_per_year"] == pytest.approx(9.525)
    assert out["abatement_cost_per_tco2e"] == pytest.approx(-38.00790, abs=1e-4)
    assert out["grid_factor"]["type"] == "firm"
    assert out["grid_factor"]["flags"] == ["not official"]


def test_savings_only_in_money_leave_the_tonnes_a_gap_not_zero(tmp_path):
    out = run_json(tmp_path, {**EXAMPLE, "savings": [{"money": 3000}]})
    assert out["npv"] == pytest.approx(1372.360308, abs=1e-5)
    assert out["tco2e_per_year"] is None
    assert out["tco2e_lifetime"] is None
    assert out["abatement_cost_per_tco2e"] is None
    assert out["levelised_cost"] is None
    assert "no_physical_savings" in {f["code"] for f in out["flags"]}


MC = {"draws": 10000, "seed": 7, "ranges": {"capex": [9000, 11000],
                                            "savings[0].price": {"distribution": "triangular", "low": 0.08,
                                                                 "mode": 0.10, "high": 0.12}}}


def test_monte_carlo_keys_and_reproducibility_with_the_seed(tmp_path):
    first = run_json(tmp_path, {**EXAMPLE, "monte_carlo": MC})
    again = run_json(tmp_path, {**EXAMPLE, "monte_carlo": MC})
    other = run_json(tmp_path, {**EXAMPLE, "monte_carlo": {**MC, "seed": 8}})
    assert MONTE_CARLO_KEYS <= set(first)
    assert {k: first[k] for k in MONTE_CARLO_KEYS} == {k: again[k] for k in MONTE_CARLO_KEYS}
    assert first["npv_p50"] != other["npv_p50"]
    assert (first["monte_carlo"]["draws"], first["monte_carlo"]["seed"]) == (10000, 7)
    assert first["npv_p10"] < first["npv_p50"] < first["npv_p90"]
    # both ranges are symmetric about the base values and the NPV is linear in each: P50 near the NPV of 1,372.36
    assert first["npv_p50"] == pytest.approx(1372.36, abs=60)
    assert 0.5 < first["probability_npv_positive"] < 1
    # the deterministic figures are those of the case without monte_carlo
    assert first["npv"] == pytest.approx(1372.360308, abs=1e-5)


def refused(tmp_path, doc=None, raw=None, subprocess_=False):
    result = run(tmp_path, doc, raw=raw, subprocess_=subprocess_)
    assert result.returncode == 1
    assert result.stdout == ""
    return result.stderr


@pytest.mark.parametrize("change, first_line", [
    ({"capexx": 1}, "capexx: unknown key; the keys are country, year, capex, lifetime_years, discount_rate, savings, "
                    "opex_change, escalation, grant, loan, monte_carlo, grid_factor, tax_rate, currency, energy, gwp"),
    ({"savings": [{"metric": "electricity_grid", "quantity": 25000, "unit": "kg", "price": 0.1}]},
     "savings[0].unit: “kg” measures mass, but this value is energy (in kWh)."),
    ({"savings": [{"money": 1}, {"metric": "electricity", "quantity": 1, "unit": "kWh", "price": 0.1}]},
     "savings[1].metric: unknown metric “electricity”: `loomlight ghg --list-metrics` lists them"),
    ({"country": "ZZ"}, "country: “ZZ” is not a country of reference/countries.csv (an ISO 3166-1 alpha-2 code such as VN)"),
    ({"country": "AT"}, "country: AT has no shipped inventory grid factor: electricity savings cannot be counted "
                        "(reference/grid_factors.csv lists the countries)"),
    ({"lifetime_years": -5}, "lifetime_years: must be at least 1, not -5"),
    ({"capex": "10000"}, "capex: must be a number, not a string (“10000”)"),
    ({"discount_rate": True}, "discount_rate: must be a number, not a boolean (true)"),
    ({"loan": {"share": 0.5, "rate": 0.08}}, "loan.tenor_years: missing"),
    ({"loan": {"share": 0.5, "rate": 0.08, "tenor_years": 9}}, "loan.tenor_years: must not exceed lifetime_years (5), not 9"),
    ({"grant": 20000}, "grant: must not exceed the capex (10000), not 20000"),
    ({"savings": [{"metric": "electricity_grid", "quantity": 1, "unit": "kWh"}]}, "savings[0].price: missing"),
    ({"monte_carlo": {"draws": 100, "ranges": {"capx": [1, 2]}}},
     "monte_carlo.ranges.capx: unknown input; the inputs are capex, opex_change, discount_rate, escalation, grant, "
     "lifetime_years, tax_rate, loan.rate, savings_per_year, savings[i].quantity, savings[i].price, savings[i].money"),
    ({"monte_carlo": {"ranges": {"capex": {"distribution": "beta", "low": 1, "high": 2}}}},
     "monte_carlo.ranges.capex.distribution: “beta” is not one of uniform, triangular, normal, lognormal"),
    ({"monte_carlo": {"ranges": {"capex": {"distribution": "normal", "mean": 10000, "sd": 8000}}}},
     "monte_carlo.ranges.capex: the range gives a negative capex"),
    ({"monte_carlo": {"ranges": {"savings[0].price": {"distribution": "lognormal", "median": 0.1, "gsd": 0.5}}}},
     "monte_carlo.ranges.savings[0].price.gsd: must be at least 1 (a geometric standard deviation), not 0.5"),
    ({"grid_factor": "average"}, "grid_factor: “average” is not one of inventory, firm, intermittent, operating_margin"),
])
def test_every_refusal_names_its_path_on_stderr_with_nothing_on_stdout(tmp_path, change, first_line):
    err = refused(tmp_path, {**EXAMPLE, **change}).splitlines()
    assert err[0] == first_line
    assert err[-1] == f"loomlight case: {len(err) - 1} problem(s) in {tmp_path / 'case.json'}; nothing was computed"


def test_nan_and_infinity_are_refused_by_name(tmp_path):
    # in a subprocess: the real command's exit status and empty standard output
    raw = json.dumps(EXAMPLE).replace('"capex": 10000', '"capex": NaN').replace('"discount_rate": 0.1', '"discount_rate": Infinity')
    err = refused(tmp_path, raw=raw, subprocess_=True).splitlines()
    assert err[:2] == ["capex: must be a finite number, not nan", "discount_rate: must be a finite number, not inf"]


def test_several_errors_are_reported_together(tmp_path):
    err = refused(tmp_path, {**EXAMPLE, "year": 2023.5, "capex": -1, "typo": 1}).splitlines()
    assert err == ["typo: unknown key; the keys are country, year, capex, lifetime_years, discount_rate, savings, "
                   "opex_change, escalation, grant, loan, monte_carlo, grid_factor, tax_rate, currency, energy, gwp",
                   "year: must be a whole number, not 2023.5", "capex: must be at least 0, not -1",
                   f"loomlight case: 3 problem(s) in {tmp_path / 'case.json'}; nothing was computed"]


def test_a_missing_key_and_a_document_that_is_not_an_object(tmp_path):
    doc = dict(EXAMPLE)
    del doc["savings"]
    assert refused(tmp_path, doc).splitlines()[0] == "savings: missing"
    assert refused(tmp_path, [1, 2]).splitlines()[0] == "(document): must be a JSON object, not a list"


def test_unreadable_or_not_json(tmp_path):
    err = refused(tmp_path, raw='{"country": "VN",')
    assert err.startswith(f"loomlight case: {tmp_path / 'case.json'} is not valid JSON: Expecting property name")
    result = subprocess.run([sys.executable, "-m", "loomlight.cli", "case", str(tmp_path / "none.json")],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": SRC})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"loomlight case: cannot read {tmp_path / 'none.json'}: [Errno 2] No such file or directory: '{tmp_path / 'none.json'}'\n"


def test_the_command_imports_no_django(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**EXAMPLE, "monte_carlo": {**MC, "draws": 100}}), encoding="utf-8")
    code = ("import sys, io, contextlib; from loomlight.cli import main; buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf): rc = main(['case', %r, '--format', 'json'])\n"
            "print(rc, sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))" % str(path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr


def test_a_loan_changes_the_factorys_npv_not_the_projects(tmp_path):
    # loan 50 % of 10,000 = 5,000 at 8 % over 5 years: CRF(8 %, 5) = 0.08 × 1.08^5 / (1.08^5 − 1) = 0.25045645,
    # debt service 1,252.2823 a year; equity flows −5,000 then 3,000 − 1,252.2823 = 1,747.7177 (no tax: no shield)
    # NPV = −5,000 + 1,747.7177 × 3.790786769 = 1,625.2252 USD; the project's NPV stays 1,372.360308
    out = run_json(tmp_path, {**EXAMPLE, "loan": {"share": 0.5, "rate": 0.08, "tenor_years": 5}})
    assert out["npv"] == pytest.approx(1625.2252, abs=1e-3)
    assert out["npv_project"] == pytest.approx(1372.360308, abs=1e-5)
    assert out["irr"] == pytest.approx(0.152382, abs=1e-5)
    # equity IRR: the r with 1,747.7177 × (1 − (1+r)^−5)/r = 5,000: 22.2 %; the test checks the NPV at it is 0
    r = out["irr_equity"]
    assert -5000 + 1747.7177 * (1 - (1 + r) ** -5) / r == pytest.approx(0, abs=0.01)
    assert out["flows"][1]["interest"] == pytest.approx(400.0)          # 5,000 × 8 % in year 1
    assert out["flows"][1]["principal"] == pytest.approx(852.2823, abs=1e-3)


def test_a_grant_lowers_the_outlay_but_not_the_cost_of_the_measure(tmp_path):
    # grant 2,000: NPV 1,372.36 + 2,000 = 3,372.36; simple payback 8,000 / 3,000 = 2.6667 years;
    # the EAC (and so the abatement cost) does not deduct the grant: −362.02519, −21.96755
    out = run_json(tmp_path, {**EXAMPLE, "grant": 2000})
    assert out["npv"] == pytest.approx(3372.360308, abs=1e-5)
    assert out["simple_payback_years"] == pytest.approx(8000 / 3000)
    assert out["eac"] == pytest.approx(-362.02519, abs=1e-4)
    assert out["abatement_cost_per_tco2e"] == pytest.approx(-21.96755, abs=1e-4)


def test_the_readme_example_prints_what_the_readme_shows(tmp_path):
    # given the example file of the README; when it is run; then the lines the README shows are printed, as shown
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("An example, `case.json`"):]
    doc = section[section.index("```json\n") + 8:section.index("  ```\n")]
    shown = section[section.index("  ```\n  Business case"):].split("\n  ```\n")[0].splitlines()[1:]
    result = run(tmp_path, None, raw=doc)
    assert (result.returncode, result.stderr) == (0, "")
    printed = result.stdout.splitlines()
    expected = [line[2:] for line in shown if not line.startswith("    ... ")]
    assert printed[:len(expected)] == expected


def test_a_case_saving_only_water_has_its_tonnes_not_computed_not_zero():
    # given a case whose only saving is municipal water (no emission factor is shipped for it); when it is
    # evaluated; then the t CO2e are None with the line listed as not counted, and no abatement cost is given
    from loomlight.interventions.document import evaluate_document

    out = evaluate_document({"country": "VN", "year": 2024, "capex": 5000, "lifetime_years": 10, "discount_rate": 0.1,
                             "savings": [{"metric": "water_municipal", "quantity": 3000, "unit": "m3", "price": 0.5}]})
    assert (out["tco2e_per_year"], out["tco2e_lifetime"], out["abatement_cost_per_tco2e"]) == (None, None, None)
    assert [s["metric"] for s in out["savings_not_counted"]] == ["water_municipal"]
