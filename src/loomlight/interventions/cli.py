"""``loomlight case``: a business case from a JSON document, without a database.

    loomlight case INPUT.json [--format text|json]      (``-`` reads standard input)

The document is described in ``interventions.document``. A bad document: every error on standard error, each
naming its JSON path (``savings[2].unit``), nothing on standard output, exit status 1. An unreadable file or a
file that is not JSON: a clear message on standard error, exit status 1. Imports no Django.
"""

from __future__ import annotations

import json
import sys


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    with open(source, encoding="utf-8-sig") as fh:
        return fh.read()


def _fmt(value, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "not computed"
    text = f"{value:,.{digits}f}"
    return f"{text} {unit}".rstrip()


def _pct(value) -> str:
    return "not computed" if value is None else f"{value * 100:.2f} %"


def text_summary(out: dict) -> str:
    cur = out["currency"]
    lines = [
        "Business case",
        f"  savings in year 1          {_fmt(out['savings_per_year'], cur + '/year')}",
        f"  NPV (factory)              {_fmt(out['npv'], cur)}",
        f"  NPV (project)              {_fmt(out['npv_project'], cur)}",
        f"  IRR (project)              {_pct(out['irr'])}",
        f"  IRR (equity)               {_pct(out['irr_equity'])}",
        f"  simple payback             {_fmt(out['simple_payback_years'], 'years')}",
        f"  discounted payback         {_fmt(out['discounted_payback_years'], 'years')}",
        f"  benefit-cost ratio         {_fmt(out['benefit_cost_ratio'], '', 3)}",
        f"  capital recovery factor    {_fmt(out['crf'], '', 6)}",
        f"  equivalent annual cost     {_fmt(out['eac'], cur + '/year')}",
        f"  levelised cost             {_fmt(out['levelised_cost'], out['levelised_cost_unit'] or '', 4)}"
        + (f" ({out['energy_kind']} energy, {_fmt(out['energy_per_year'], out['energy_unit'] + '/year', 0)})"
           if out["levelised_cost"] is not None else ""),
        f"  avoided emissions          {_fmt(out['tco2e_per_year'], 't CO2e/year', 3)}",
        f"  over the lifetime          {_fmt(out['tco2e_lifetime'], 't CO2e', 3)}",
        f"  abatement cost             {_fmt(out['abatement_cost_per_tco2e'], cur + '/t CO2e')}",
    ]
    grid = out["grid_factor"]
    if grid is not None:
        flags = f" [{', '.join(grid['flags'])}]" if grid["flags"] else ""
        lines.append(f"  grid factor                {grid['value']:g} {grid['unit']} ({grid['type']}: {grid['factor_type']}, "
                     f"{grid['country']} {grid['year']}){flags}")
        lines.append(f"    source                   {grid['source']}")
    else:
        lines.append("  grid factor                none shipped for this country")
    if "npv_p50" in out:
        mc = out["monte_carlo"]
        lines += [f"Monte Carlo ({mc['draws']:,} draws, seed {mc['seed']}; drawn: {', '.join(mc['inputs'])})",
                  f"  NPV P10 / P50 / P90        {_fmt(out['npv_p10'], cur)} / {_fmt(out['npv_p50'], cur)} / "
                  f"{_fmt(out['npv_p90'], cur)}",
                  f"  probability NPV > 0        {_pct(out['probability_npv_positive'])}"]
    lines.append("How computed")
    for part in ("avoided_emissions", "finance"):
        explanation = out["explanation"][part]
        if explanation is None:
            continue
        for step in explanation["steps"]:
            lines.append(f"  {step['what']}: {step['formula']} = {step['value']:,.6g} {step['unit']}".rstrip())
    if out["flags"]:
        lines.append("Flags")
        lines += [f"  - {f['text']}" for f in out["flags"]]
    return "\n".join(lines) + "\n"


def run_document(command: str, source: str, fmt: str, evaluate, summary, invalid) -> int:
    """One JSON-document command (``loomlight case``, ``loomlight biomass switch``): read ``source`` (``-`` = stdin),
    ``evaluate`` it, print ``summary(out)`` or the JSON; a bad document: every error on stderr naming its JSON path
    (``invalid`` is the document module's DocumentInvalid), nothing on stdout, exit status 1."""
    err = sys.stderr
    try:
        text = _read(source)
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"loomlight {command}: cannot read {source}: {exc}\n")
        return 1
    try:
        doc = json.loads(text)  # NaN and Infinity are read, then refused by name ("capex: must be a finite number")
    except ValueError as exc:
        err.write(f"loomlight {command}: {source} is not valid JSON: {exc}\n")
        return 1
    try:
        out = evaluate(doc)
    except invalid as exc:
        for path, message in exc.errors:
            err.write(f"{path}: {message}\n")
        err.write(f"loomlight {command}: {len(exc.errors)} problem(s) in {source}; nothing was computed\n")
        return 1
    if fmt == "json":
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        sys.stdout.write(summary(out))
    return 0


def main(args) -> int:
    # imported here, so that building the ``loomlight`` parser does not load numpy and scipy for every command
    from loomlight.interventions.document import DocumentInvalid, evaluate_document

    return run_document("case", args.input, args.format, evaluate_document, text_summary, DocumentInvalid)


def add_parser(sub) -> None:
    case = sub.add_parser("case", help="a business case (NPV, IRR, paybacks, avoided tCO2e) from a JSON file (no database)")
    case.add_argument("input", metavar="INPUT.json", help="the case document (- for standard input); see the README")
    case.add_argument("--format", choices=("text", "json"), default="text")
    case.set_defaults(func=main)
