"""What the business-case pages show, prepared from a case's stored result and document: the outputs with their
units, the explanation's steps in the reader's language, the tornado and the Monte Carlo (recomputed from the
document, seeded), and the abatement-cost curve as the JSON that site/static/loomlight/cases.js draws.

Numbers go to the charts as numbers; cases.js formats them with the page's CLDR symbols (``number-format``), as
dashboard.js does.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from loomlight.site.calc_messages import case_step_text, case_flag_text
from loomlight.site.numbers import number

#: Monte Carlo on the page: draws and seed (fixed, so that every visit shows the same percentiles).
PAGE_DRAWS = 2000
PAGE_SEED = 18


def category_name(code: str) -> str:
    return {
        "efficiency": pgettext("intervention", "Energy efficiency"), "renewable": pgettext("intervention", "Renewable energy"),
        "fuel_switch": pgettext("intervention", "Fuel switching"), "water": pgettext("intervention", "Water"),
        "chemicals": pgettext("intervention", "Chemicals"), "waste": pgettext("intervention", "Waste"),
        "social": pgettext("intervention", "Social and governance"),
    }.get(code, code)


def baseline_line(metric: str, row) -> dict:
    """A saving line of the builder from the baseline's ``MetricBaseline`` of ``metric`` (None: none reported)."""
    from loomlight.inventories.explain import metric_name
    from loomlight.reference.metrics import metrics

    known = metrics().get(metric)
    line = {"metric": metric, "name": metric_name(metric), "quantity": None,
            "unit": getattr(known, "canonical_unit", "") if known else "", "months": 0, "gap": False, "price": None,
            "price_unit": "", "price_currency": "", "price_source": "", "proxy_year": False, "price_year": None, "price_reason": "",
            "price_converted_from": "", "price_conversion": ""}
    if row is None:
        line["price_reason"] = _("The facility reports no such use in this year: enter the yearly use and the price.")
        return line
    line.update(quantity=row.quantity, unit=row.unit, months=row.months, gap=row.gap)
    if row.price is None and "price_unit_mismatch" in row.price_flags:
        line["price_reason"] = _("The shipped price (%(price)s) is per a unit this use cannot be converted to: enter "
                                 "the price per %(unit)s.") % {"price": row.price_converted_from, "unit": row.unit}
    elif row.price is None:
        line["price_reason"] = _("No price is shipped for this country and year: enter the price you pay.")
    else:
        line.update(price=row.price, price_unit=row.price_unit, price_currency=row.price_currency,
                    price_source=row.price_source, price_year=row.price_year,
                    proxy_year="proxy_year" in row.price_flags,
                    price_converted_from=row.price_converted_from, price_conversion=row.price_conversion)
    return line


def _output(key, label, value, unit, digits=None):
    return {"key": key, "label": label, "value": value, "text": "" if value is None else number(value, decimals=digits),
            "unit": unit}


def outputs(result: dict) -> list[dict]:
    """The outputs in the order a reader asks for them; None is a gap ("not computed"), never 0."""
    currency = result.get("currency", "USD")
    share = lambda v: None if v is None else v * 100   # noqa: E731
    return [
        _output("npv", _("Net present value (the factory's)"), result.get("npv"), currency, 0),
        _output("npv_project", _("Net present value (the project's)"), result.get("npv_project"), currency, 0),
        _output("irr", _("Internal rate of return (project)"), share(result.get("irr")), "%", 1),
        _output("irr_equity", _("Internal rate of return (equity)"), share(result.get("irr_equity")), "%", 1),
        _output("simple_payback_years", _("Simple payback"), result.get("simple_payback_years"), _("years"), 1),
        _output("discounted_payback_years", _("Discounted payback"), result.get("discounted_payback_years"), _("years"), 1),
        _output("benefit_cost_ratio", _("Benefit-cost ratio"), result.get("benefit_cost_ratio"), "", 2),
        _output("levelised_cost", _("Levelised cost"), result.get("levelised_cost"),
                result.get("levelised_cost_unit") or "", None),
        _output("tco2e_per_year", _("Emissions avoided a year"), result.get("tco2e_per_year"), "t CO2e", 1),
        _output("tco2e_lifetime", _("Emissions avoided over the lifetime"), result.get("tco2e_lifetime"), "t CO2e", 0),
        _output("abatement_cost_per_tco2e", _("Abatement cost"), result.get("abatement_cost_per_tco2e"),
                f"{currency}/t CO2e", 1),
    ]


def grid_factor(result: dict) -> dict | None:
    """The grid factor the avoided emissions used, named: value, unit, which factor, its source and year."""
    grid = result.get("grid_factor") or {}
    if not grid or grid.get("value") is None:
        return None
    return {"text": number(grid["value"]), "unit": grid.get("unit", ""), "kind": grid_kind(grid.get("type", "")),
            "source": grid.get("source", ""), "year": grid.get("year")}


def grid_kind(kind: str) -> str:
    from loomlight.inventories.explain import factor_type_name

    return {"inventory": _("the factor of the facility's inventory"), "firm": _("the combined margin for firm generation"),
            "intermittent": _("the combined margin for intermittent generation")}.get(kind) or factor_type_name(kind)


def explanation(result: dict) -> list[dict]:
    """The steps of the result's explanation as sentences and formulas in the reader's language."""
    from loomlight.inventories.explain import formula

    found = result.get("explanation") or {}
    steps = []
    for part in ("avoided_emissions", "finance"):
        steps += ((found.get(part) or {}).get("steps") or []) if isinstance(found, dict) else []
    out = []
    for step in steps:
        terms = step.get("terms") or ()
        out.append({"code": step.get("code", ""), "what": case_step_text(step),
                    "formula": formula(terms, step.get("value"), step.get("unit", "")) if terms else step.get("formula", "")})
    return {"steps": out, "flags": [case_flag_text(f) for f in result.get("flags") or []]}


def _inputs_of(document: dict):
    """calc.finance.CaseInputs and the saving lines of a stored document, through interventions.document."""
    from loomlight.interventions import document as documents
    from loomlight.interventions.services import APP_KEYS

    return documents.parse({k: v for k, v in document.items() if k not in APP_KEYS})


def uncertainty(document: dict) -> dict | None:
    """The tornado and the Monte Carlo of a stored case, recomputed (seeded); None when they cannot be."""
    from loomlight.calc import uncertainty as mc

    try:
        parsed = _inputs_of(document)
        inputs, lines = parsed.inputs, tuple(parsed.lines)
        ranges = dict(parsed.ranges or {}) or _default_ranges(inputs, lines)
        bars = mc.tornado(inputs, lines=lines, ranges=ranges)
        draws = mc.monte_carlo(inputs, lines=lines, ranges=ranges, draws=PAGE_DRAWS, seed=PAGE_SEED)
        from loomlight.calc.finance import evaluate

        base = evaluate(inputs).npv
    except (ValueError, TypeError, KeyError):   # inputs the engines refuse: the page says it could not compute
        return None
    return {
        "ranges_given": bool(parsed.ranges), "base": base, "draws": draws.draws, "seed": draws.seed,
        "p10": draws.npv_p10, "p50": draws.npv_p50, "p90": draws.npv_p90,
        "positive": draws.probability_npv_positive,
        "chart": {
            # each bar from the base NPV: the change with the input at its low and at its high value
            "tornado": {"inputs": [input_name(b.input, document) for b in bars],
                        "low": [b.npv_low - base for b in bars], "high": [b.npv_high - base for b in bars],
                        "low_label": _("input at its low value"), "high_label": _("input at its high value")},
            "histogram": {"labels": [f"{number(lo, decimals=0)}–{number(hi, decimals=0)}" for lo, hi, _n in draws.histogram],
                          "counts": [n for _lo, _hi, n in draws.histogram], "name": _("draws")},
        },
    }


def _default_ranges(inputs, lines) -> dict:
    """±20 % on capex and on each saving (its quantity, or its money), ±2 points on the discount rate: stated on
    the page."""
    from loomlight.calc.uncertainty import Uniform

    ranges = {"capex": Uniform(inputs.capex * 0.8, inputs.capex * 1.2)}
    for i, line in enumerate(lines):
        name, value = ("quantity", line.quantity) if line.quantity is not None else ("money", line.money)
        if value:
            ranges[f"savings.{i}.{name}"] = Uniform(min(value * 0.8, value * 1.2), max(value * 0.8, value * 1.2))
    if not lines:
        ranges["savings_per_year"] = Uniform(inputs.savings_per_year * 0.8, inputs.savings_per_year * 1.2)
    ranges["discount_rate"] = Uniform(max(inputs.discount_rate - 0.02, 0.0), inputs.discount_rate + 0.02)
    return ranges


def input_name(path: str, document: dict | None = None) -> str:
    from loomlight.inventories.explain import metric_name

    if path.startswith("savings."):
        _s, index, what = (path.split(".") + ["", ""])[:3]
        savings = (document or {}).get("savings") or []
        line = savings[int(index)] if index.isdigit() and int(index) < len(savings) else {}
        metric = metric_name(line["metric"]) if line.get("metric") else _("money saved")
        return {"quantity": _("%(metric)s saved") % {"metric": metric}, "price": _("price of %(metric)s") % {"metric": metric},
                "money": _("money saved")}.get(what, path)
    return {"capex": _("investment"), "savings_per_year": _("money saved a year"), "discount_rate": _("discount rate"),
            "opex_change": _("operating costs"), "escalation": _("escalation"), "grant": _("grant"),
            "lifetime_years": _("lifetime"), "tax_rate": _("tax rate"), "loan.rate": _("loan interest")}.get(path, path)


def curve_chart(curve) -> dict:
    """The curve's bars for cases.js: x from/to (cumulative t CO2e a year), the cost per t, no regret or not."""
    bars = [{"from": bar.x_from, "to": bar.x_to, "label": bar.label, "cost": bar.cost_per_tco2e,
             "tco2e": bar.tco2e_per_year, "no_regret": bar.no_regret} for bar in curve.bars]
    return {"bars": bars, "names": {"no_regret": _("no regret (saves money)"), "regret": _("costs money per t avoided")},
            "x_label": _("t CO2e avoided a year"), "y_label": _("cost per t CO2e")}


def left_out_reason(item) -> str:
    if item.tco2e_per_year is None:
        return _("avoided emissions not computed (no emission factor for what it saves)")
    return _("avoids no emissions")
