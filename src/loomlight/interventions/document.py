"""The business-case document: the INPUT.json of ``loomlight case``, checked, parsed and evaluated.

A document is a JSON object (issue 18, point 9)::

    {"country": "VN", "year": 2023, "capex": 50000, "lifetime_years": 10, "discount_rate": 0.08,
     "savings": [{"metric": "electricity_grid", "quantity": 120000, "unit": "kWh", "price": 0.08},
                 {"money": 1500}],
     "opex_change": 500, "escalation": 0.02, "grant": 5000,
     "loan": {"share": 0.6, "rate": 0.09, "tenor_years": 5},
     "monte_carlo": {"draws": 10000, "seed": 1, "ranges": {"capex": [45000, 60000],
                     "savings[0].price": {"distribution": "triangular", "low": 0.07, "mode": 0.08, "high": 0.1}}},
     "grid_factor": "inventory", "tax_rate": 0.2, "currency": "USD", "gwp": "AR5",
     "energy": {"quantity": 120000, "unit": "kWh", "kind": "saved"}}

Required: ``country``, ``year``, ``capex``, ``lifetime_years``, ``discount_rate``, ``savings``. A saving line is
either {metric, quantity, unit, price} (a metric code of ``loomlight ghg --list-metrics``, the quantity saved per
year in ``unit``, negative for an increase, and the price per that unit) or {money} (a saving known only in money,
per year). Every other key is optional; an unknown key is refused (a typo must not pass silently). Numbers are
JSON numbers (not strings, not booleans, finite). Every error names its JSON path (``savings[2].unit``,
``loan.rate``) and says what is wrong; all the errors of a document are reported at once.

``evaluate_document(doc)`` returns a plain JSON-able dict (the command's ``--format json``, the app and the API):
the ``calc.finance`` metrics, the avoided emissions (``interventions.avoided``) and, with ``monte_carlo``, the NPV
percentiles of ``calc.uncertainty``. A figure that cannot be computed is None with a flag saying why, never 0.

Monte Carlo inputs are named as ``calc.uncertainty`` names them (``capex``, ``loan.rate``,
``savings.<i>.price``...); a saving line may also be written as in the errors, ``savings[<i>].price``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from loomlight.calc import finance, uncertainty
from loomlight.calc.ghg import Flag
from loomlight.calc.units import UnitError, dimension_of, to_canonical
from loomlight.interventions import avoided as avoided_module
from loomlight.reference import ghg_factors
from loomlight.reference.countries import is_country

REQUIRED = ("country", "year", "capex", "lifetime_years", "discount_rate", "savings")
OPTIONAL = ("opex_change", "escalation", "grant", "loan", "monte_carlo", "grid_factor", "tax_rate", "currency",
            "energy", "gwp")
LINE_KEYS = ("metric", "quantity", "unit", "price")
LOAN_KEYS = ("share", "rate", "tenor_years")
MONTE_CARLO_KEYS = ("draws", "seed", "ranges")
ENERGY_KEYS = ("quantity", "unit", "kind")
DISTRIBUTIONS = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "normal": ("mean", "sd"),
                 "lognormal": ("median", "gsd")}
SCALAR_INPUTS = ("capex", "opex_change", "discount_rate", "escalation", "grant", "lifetime_years", "tax_rate",
                 "loan.rate", "savings_per_year")
MAX_DRAWS = 200_000
DEFAULT_DRAWS = 10_000
MAX_LIFETIME = 50
KWH_PER_GJ = 1000.0 / 3.6


class DocumentInvalid(ValueError):
    """The document's errors: ``errors`` is a list of (path, message), in the order found."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))
        self.errors = errors


@dataclass
class Case:
    """A parsed document: the finance inputs, the year-1 lines (for Monte Carlo), the avoided emissions."""

    inputs: finance.CaseInputs
    lines: tuple[uncertainty.Line, ...]
    avoided: avoided_module.Avoided | None
    grid_factor: dict | None
    ranges: dict = field(default_factory=dict)
    draws: int | None = None
    seed: int | None = None
    flags: list[Flag] = field(default_factory=list)
    range_names: dict = field(default_factory=dict)     # calc.uncertainty's name → the document's spelling


class _Checker:
    def __init__(self):
        self.errors: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def keys(self, obj, path: str, allowed, required=()) -> bool:
        if not isinstance(obj, dict):
            self.fail(path or "(document)", f"must be a JSON object, not {_kind(obj)}")
            return False
        for key in obj:
            if key not in allowed:
                self.fail(_join(path, key), f"unknown key; the keys are {', '.join(allowed)}")
        for key in required:
            if key not in obj:
                self.fail(_join(path, key), "missing")
        return True

    def number(self, value, path: str, *, low=None, high=None, low_open=False, integer=False):
        """The value when it is a finite JSON number within the bounds, else None (and an error)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, f"must be a {'whole ' if integer else ''}number, not {_kind(value)}")
            return None
        if not math.isfinite(value):
            self.fail(path, f"must be a finite number, not {value}")
            return None
        if integer and value != int(value):
            self.fail(path, f"must be a whole number, not {value:g}")
            return None
        if low is not None and (value <= low if low_open else value < low):
            self.fail(path, f"must be {'more than' if low_open else 'at least'} {low:g}, not {value:g}")
            return None
        if high is not None and value > high:
            self.fail(path, f"must be at most {high:g}, not {value:g}")
            return None
        return int(value) if integer else float(value)

    def text(self, value, path: str, choices=None):
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty string, not {_kind(value)}")
            return None
        if choices is not None and value not in choices:
            self.fail(path, f"“{value}” is not one of {', '.join(choices)}")
            return None
        return value


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string (“{value}”)"
    if isinstance(value, (int, float)):
        return f"{value!r}"
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def _join(path: str, key) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))


def parse(doc) -> Case:
    """The document checked and parsed; DocumentInvalid with every error (path, message) otherwise."""
    c = _Checker()
    if not c.keys(doc, "", REQUIRED + OPTIONAL, REQUIRED):
        raise DocumentInvalid(c.errors)
    get = doc.get
    country = c.text(get("country"), "country") if "country" in doc else None
    if country is not None and not is_country(country.upper()):
        c.fail("country", f"“{country}” is not a country of reference/countries.csv (an ISO 3166-1 alpha-2 code "
                          "such as VN)")
        country = None
    year = c.number(get("year"), "year", low=1990, high=2100, integer=True) if "year" in doc else None
    capex = c.number(get("capex"), "capex", low=0) if "capex" in doc else None
    lifetime = (c.number(get("lifetime_years"), "lifetime_years", low=1, high=MAX_LIFETIME, integer=True)
                if "lifetime_years" in doc else None)
    rate = c.number(get("discount_rate"), "discount_rate", low=-1, low_open=True, high=1) if "discount_rate" in doc else None
    opex = c.number(get("opex_change"), "opex_change") if "opex_change" in doc else 0.0
    escalation = c.number(get("escalation"), "escalation", low=-1, low_open=True, high=1) if "escalation" in doc else 0.0
    grant = c.number(get("grant"), "grant", low=0) if "grant" in doc else 0.0
    if grant is not None and capex is not None and grant > capex:
        c.fail("grant", f"must not exceed the capex ({capex:g}), not {grant:g}")
    tax = c.number(get("tax_rate"), "tax_rate", low=0, high=1) if "tax_rate" in doc else 0.0
    currency = c.text(get("currency"), "currency") if "currency" in doc else "USD"
    if currency is not None and not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        c.fail("currency", f"“{currency}” is not an ISO 4217 code such as USD")
        currency = None
    grid_choice = (c.text(get("grid_factor"), "grid_factor", avoided_module.GRID_FACTOR_CHOICES)
                   if "grid_factor" in doc else "inventory")
    gwp = c.text(get("gwp"), "gwp", ghg_factors.GWP_SETS) if "gwp" in doc else ghg_factors.DEFAULT_GWP

    loan = None
    if "loan" in doc and c.keys(get("loan"), "loan", LOAN_KEYS, LOAN_KEYS):
        raw = get("loan")
        share = c.number(raw.get("share"), "loan.share", low=0, high=1) if "share" in raw else None
        loan_rate = c.number(raw.get("rate"), "loan.rate", low=-1, low_open=True, high=1) if "rate" in raw else None
        tenor = (c.number(raw.get("tenor_years"), "loan.tenor_years", low=1, high=MAX_LIFETIME, integer=True)
                 if "tenor_years" in raw else None)
        if tenor is not None and lifetime is not None and tenor > lifetime:
            c.fail("loan.tenor_years", f"must not exceed lifetime_years ({lifetime}), not {tenor}")
        if None not in (share, loan_rate, tenor):
            loan = finance.Loan(share, loan_rate, tenor)

    lines: list[uncertainty.Line] = []
    physical: list[dict] = []
    physical_index: list[int] = []
    raw_lines = get("savings")
    if "savings" in doc:
        if not isinstance(raw_lines, list) or not raw_lines:
            c.fail("savings", f"must be a non-empty list of saving lines, not {_kind(raw_lines)}")
            raw_lines = []
        for i, raw in enumerate(raw_lines):
            path = f"savings[{i}]"
            if isinstance(raw, dict) and "money" in raw:
                if c.keys(raw, path, ("money",), ("money",)):
                    money = c.number(raw["money"], f"{path}.money")
                    lines.append(uncertainty.Line(money=money))
                continue
            if not c.keys(raw, path, LINE_KEYS, LINE_KEYS):
                lines.append(uncertainty.Line())
                continue
            metric = c.text(raw.get("metric"), f"{path}.metric") if "metric" in raw else None
            unit = c.text(raw.get("unit"), f"{path}.unit") if "unit" in raw else None
            quantity = c.number(raw.get("quantity"), f"{path}.quantity") if "quantity" in raw else None
            price = c.number(raw.get("price"), f"{path}.price") if "price" in raw else None
            lines.append(uncertainty.Line(quantity=quantity, price=price))
            if None not in (metric, unit, quantity):
                physical.append({"metric": metric, "quantity": quantity, "unit": unit})
                physical_index.append(i)

    energy_override = None
    if "energy" in doc and c.keys(get("energy"), "energy", ENERGY_KEYS, ("quantity", "unit")):
        raw = get("energy")
        quantity = c.number(raw.get("quantity"), "energy.quantity", low=0, low_open=True) if "quantity" in raw else None
        unit = c.text(raw.get("unit"), "energy.unit") if "unit" in raw else None
        kind = c.text(raw.get("kind"), "energy.kind", ("saved", "generated")) if "kind" in raw else "saved"
        if unit is not None:
            try:
                if dimension_of(unit) != "energy":
                    c.fail("energy.unit", f"“{unit}” is not a unit of energy (kWh, MWh, GJ...)")
                    unit = None
            except UnitError as exc:
                c.fail("energy.unit", str(exc))
                unit = None
        if None not in (quantity, unit, kind):
            energy_override = (quantity, unit, kind)

    avoided = None
    grid = None
    flags: list[Flag] = []
    line_errors = False
    if country is not None and year is not None:
        for i, line in zip(physical_index, physical):
            try:
                avoided_module.check_line(i, line, country=country, year=year)
            except avoided_module.AvoidedError as exc:
                c.fail(exc.field, exc.message)
                line_errors = True
    if country is not None and year is not None and grid_choice is not None and gwp is not None and not line_errors:
        try:
            avoided = avoided_module.avoided_emissions(country=country, year=year, savings=physical,
                                                       grid_factor=grid_choice, gwp_set=gwp)
        except avoided_module.AvoidedError as exc:
            c.fail(_renumber(exc.field, physical_index), exc.message)
        else:
            grid = avoided.grid_factor
            if not physical:
                avoided = None
                flags.append(Flag("no_physical_savings", "every saving is given in money: the avoided emissions are "
                                                         "not computed", {}))
            if grid is None:
                flags.append(Flag("no_grid_factor", f"no grid factor for {country.upper()} ({grid_choice}): no "
                                                    "electricity saving could be counted", {"country": country}))

    ranges, draws, seed, range_names = {}, None, None, {}
    if "monte_carlo" in doc and c.keys(get("monte_carlo"), "monte_carlo", MONTE_CARLO_KEYS, ("ranges",)):
        raw = get("monte_carlo")
        draws = (c.number(raw.get("draws"), "monte_carlo.draws", low=1, high=MAX_DRAWS, integer=True)
                 if "draws" in raw else DEFAULT_DRAWS)
        seed = c.number(raw.get("seed"), "monte_carlo.seed", low=0, integer=True) if "seed" in raw else 0
        ranges, range_names = _ranges(c, raw.get("ranges"), lines, loan is not None or "loan" in doc)

    if c.errors:
        raise DocumentInvalid(c.errors)

    savings_per_year = sum((line.quantity or 0.0) * (line.price or 0.0) + (line.money or 0.0) for line in lines)
    energy_per_year, energy_unit, energy_kind = _energy(avoided, physical, energy_override, flags)
    inputs = finance.CaseInputs(
        capex=capex, lifetime_years=lifetime, discount_rate=rate, savings_per_year=savings_per_year,
        opex_change=opex, escalation=escalation, grant=grant, loan=loan, tax_rate=tax,
        tco2e_per_year=_counted_tco2e(avoided),
        energy_per_year=energy_per_year, energy_unit=energy_unit, energy_kind=energy_kind, currency=currency)
    return Case(inputs, tuple(lines), avoided, grid, ranges, draws, seed, flags, range_names)


def _counted_tco2e(avoided) -> float | None:
    """The t CO2e avoided a year; None (not computed, never 0) when no saving line could be counted at all (water,
    waste or chemicals only: they have no emission factor here)."""
    if avoided is None or not any(line.tco2e is not None for line in avoided.lines):
        return None
    return avoided.tco2e_per_year


def _renumber(field_name: str, physical_index: list[int]) -> str:
    """``savings[i]`` of the physical lines given to ``avoided`` → the index of that line in the document."""
    if field_name.startswith("savings["):
        inner, rest = field_name[len("savings["):].split("]", 1)
        return f"savings[{physical_index[int(inner)]}]{rest}"
    return field_name


def _energy(avoided, physical, override, flags) -> tuple[float | None, str, str]:
    """The energy of the levelised cost: ``energy`` when given; else the kWh of electricity lines when every physical
    line is electricity, the GJ of fuels when every one is a fuel, GJ of both when mixed (flagged); else None."""
    if override is not None:
        quantity, unit, kind = override
        if unit in ("kWh", "GJ"):
            return quantity, unit, kind
        return to_canonical(repr(quantity), unit, "kWh").value, "kWh", kind
    if avoided is None or not avoided.lines:
        return None, "kWh", "saved"
    from loomlight.reference.metrics import metrics

    catalogue = metrics()
    electric = [ln for ln in avoided.lines if ln.metric in avoided_module.GRID_DISPLACED]
    fuels = [ln for ln in avoided.lines if catalogue[ln.metric].category == "fuel"]
    if len(electric) + len(fuels) != len(avoided.lines):
        flags.append(Flag("no_energy", "not every saving is energy: no levelised cost (give `energy` to compute one)", {}))
        return None, "kWh", "saved"
    kind = "generated" if electric and all(ln.metric == "electricity_solar_self_consumed" for ln in electric) and not fuels \
        else "saved"
    if not fuels:
        total = avoided.energy_kwh
        return (total if total > 0 else None), "kWh", kind
    if not electric:
        total = avoided.energy_gj
        return (total if total > 0 else None), "GJ", kind
    flags.append(Flag("energy_summed", "electricity and fuel savings are summed as final energy (3.6 GJ per MWh) for "
                                       "the levelised cost", {}))
    total = avoided.energy_gj + avoided.energy_kwh / KWH_PER_GJ
    return (total if total > 0 else None), "GJ", kind


def _ranges(c: _Checker, raw, lines, has_loan: bool) -> tuple[dict, dict]:
    if not isinstance(raw, dict) or not raw:
        c.fail("monte_carlo.ranges", f"must be an object {{input: [low, high]}}, not {_kind(raw)}")
        return {}, {}
    out, names = {}, {}
    for name, spec in raw.items():
        path = f"monte_carlo.ranges.{name}"
        key = _input_path(c, name, path, lines, has_loan)
        dist = _distribution(c, spec, path)
        if key is not None and dist is not None:
            out[key] = dist
            names[key] = name
    return out, names


def _input_path(c: _Checker, name: str, path: str, lines, has_loan: bool) -> str | None:
    if name in SCALAR_INPUTS:
        if name == "loan.rate" and not has_loan:
            c.fail(path, "no loan is given")
            return None
        return name
    spelled = name.replace("[", ".").replace("]", "")
    parts = spelled.split(".")
    if len(parts) == 3 and parts[0] == "savings" and parts[1].isdigit() and parts[2] in ("quantity", "price", "money"):
        index = int(parts[1])
        if index >= len(lines):
            c.fail(path, f"there is no saving line {index} (savings has {len(lines)})")
            return None
        if getattr(lines[index], parts[2]) is None:
            c.fail(path, f"saving line {index} has no {parts[2]}")
            return None
        return f"savings.{index}.{parts[2]}"
    c.fail(path, f"unknown input; the inputs are {', '.join(SCALAR_INPUTS)}, savings[i].quantity, savings[i].price, "
                 "savings[i].money")
    return None


def _distribution(c: _Checker, spec, path: str):
    if isinstance(spec, list):
        if len(spec) != 2:
            c.fail(path, f"a range is [low, high], not a list of {len(spec)}")
            return None
        low = c.number(spec[0], f"{path}[0]")
        high = c.number(spec[1], f"{path}[1]")
        if low is None or high is None:
            return None
        if low > high:
            c.fail(path, f"low ({low:g}) is above high ({high:g})")
            return None
        return uncertainty.Uniform(low, high)
    if not isinstance(spec, dict):
        c.fail(path, f"must be [low, high] or {{distribution: ...}}, not {_kind(spec)}")
        return None
    name = spec.get("distribution")
    if name not in DISTRIBUTIONS:
        c.fail(f"{path}.distribution", f"“{name}” is not one of {', '.join(DISTRIBUTIONS)}")
        return None
    params = DISTRIBUTIONS[name]
    if not c.keys(spec, path, ("distribution", *params), ("distribution", *params)):
        return None
    values = {p: c.number(spec[p], f"{path}.{p}") for p in params if p in spec}
    if None in values.values() or len(values) != len(params):
        return None
    if name == "uniform" and values["low"] > values["high"]:
        c.fail(path, f"low ({values['low']:g}) is above high ({values['high']:g})")
        return None
    if name == "triangular" and not values["low"] <= values["mode"] <= values["high"]:
        c.fail(path, "must have low ≤ mode ≤ high")
        return None
    if name == "normal" and values["sd"] < 0:
        c.fail(f"{path}.sd", f"must be zero or more, not {values['sd']:g}")
        return None
    if name == "lognormal":
        if values["median"] <= 0:
            c.fail(f"{path}.median", f"must be more than 0, not {values['median']:g}")
            return None
        if values["gsd"] < 1:
            c.fail(f"{path}.gsd", f"must be at least 1 (a geometric standard deviation), not {values['gsd']:g}")
            return None
    cls = {"uniform": uncertainty.Uniform, "triangular": uncertainty.Triangular, "normal": uncertainty.Normal,
           "lognormal": uncertainty.LogNormal}[name]
    return cls(**values)


def _none_if_nan(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _flags(flags) -> list[dict]:
    seen, out = set(), []
    for f in flags:
        if f.text not in seen:
            seen.add(f.text)
            out.append({"code": f.code, "text": f.text, "params": f.params})
    return out


def evaluate_document(doc) -> dict:
    """The output object of a document (module docstring); DocumentInvalid naming every bad path."""
    case = parse(doc)
    try:
        result = finance.evaluate(case.inputs)
    except finance.FinanceError as exc:
        raise DocumentInvalid([(exc.field, str(exc).split(": ", 1)[-1])]) from None
    inputs = case.inputs
    flags = [*case.flags, *result.flags, *result.explanation.flag_codes]
    if case.avoided is not None:
        flags.extend(case.avoided.explanation.flag_codes)
    out = {
        "currency": inputs.currency,
        "savings_per_year": inputs.savings_per_year,
        "simple_payback_years": result.simple_payback_years,
        "discounted_payback_years": result.discounted_payback_years,
        "npv": result.npv,
        "npv_project": result.npv_project,
        "irr": result.irr,
        "irr_equity": result.irr_equity,
        "benefit_cost_ratio": result.benefit_cost_ratio,
        "crf": result.crf,
        "eac": result.eac,
        "levelised_cost": result.levelised_cost,
        "levelised_cost_unit": f"{inputs.currency}/{inputs.energy_unit}" if result.levelised_cost is not None else None,
        "energy_per_year": inputs.energy_per_year,
        "energy_unit": inputs.energy_unit,
        "energy_kind": inputs.energy_kind,
        "tco2e_per_year": result.tco2e_per_year,
        "tco2e_lifetime": result.tco2e_lifetime,
        "abatement_cost_per_tco2e": result.abatement_cost_per_tco2e,
        "biogenic_co2_t_per_year": case.avoided.biogenic_co2_t_per_year if case.avoided is not None else None,
        "grid_factor": case.grid_factor,
        "gwp": case.avoided.gwp_set if case.avoided is not None else None,
        "factors_version": case.avoided.factors_version if case.avoided is not None else None,
        "savings_not_counted": list(case.avoided.not_counted) if case.avoided is not None else [],
        "flows": [asdict(f) for f in result.flows],
        "flags": _flags(flags),
        "explanation": {"finance": result.explanation.as_dict(),
                        "avoided_emissions": case.avoided.explanation.as_dict() if case.avoided is not None else None},
    }
    if case.ranges:
        try:
            mc = uncertainty.monte_carlo(inputs, lines=case.lines, ranges=case.ranges, draws=case.draws, seed=case.seed)
        except ValueError as exc:
            # calc.uncertainty names the input first ("capex: the range gives a negative capex")
            name, _sep, message = str(exc).partition(": ")
            if name in case.range_names and message:
                raise DocumentInvalid([(f"monte_carlo.ranges.{case.range_names[name]}", message)]) from None
            raise DocumentInvalid([("monte_carlo.ranges", str(exc))]) from None
        out.update({"npv_p10": mc.npv_p10, "npv_p50": mc.npv_p50, "npv_p90": mc.npv_p90, "npv_mean": mc.npv_mean,
                    "probability_npv_positive": mc.probability_npv_positive,
                    "monte_carlo": {"draws": mc.draws, "seed": mc.seed, "inputs": list(mc.inputs),
                                    "histogram": [list(b) for b in mc.histogram]}})
    return {k: _none_if_nan(v) for k, v in out.items()}
