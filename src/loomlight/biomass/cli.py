"""``loomlight biomass switch``: a fuel-to-biomass switch from a JSON document, without a database.

    loomlight biomass switch INPUT.json [--format text|json]      (``-`` reads standard input)

The document is described in ``biomass.document``. A bad document: every error on standard error, each naming its
JSON path (``to.moisture.value``), nothing on standard output, exit status 1. An unreadable file or a file that is
not JSON: a clear message on standard error, exit status 1. Imports no Django.
"""

from __future__ import annotations


def _fmt(value, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "not computed"
    return f"{value:,.{digits}f} {unit}".rstrip()


NCV_SOURCES = {"reported": "as reported", "reported_dry_corrected": "reported dry basis, corrected to the moisture",
               "catalogue_dry_corrected": "catalogue dry basis, corrected to the moisture",
               "catalogue_typical": "catalogue, typical as received", "ipcc_default": "IPCC default"}


#: The particulate figures as the text summary names them (the other keys: the control's code).
PM_LABELS = {"tier1_kg": "Tier 1 default", "uncontrolled_kg": "uncontrolled"}


def text_summary(out: dict) -> str:
    cur = out["currency"] or ""
    pm = out["particulates"]
    lines = [
        "Fuel switch",
        f"  old fuel energy            {_fmt(out['fuel_energy_gj'], 'GJ')}",
        f"  useful heat                {_fmt(out['useful_heat_gj'], 'GJ')}",
        f"  biomass energy             {_fmt(out['biomass_energy_gj'], 'GJ')}",
        f"  biomass NCV as received    {_fmt(out['biomass_ncv_gj_per_t'], 'GJ/t', 3)} "
        f"({NCV_SOURCES.get(out['biomass_ncv_source']['kind'], out['biomass_ncv_source']['kind'])})",
        f"  biomass needed             {_fmt(out['biomass_t'], 't')}",
        f"  scope 1 before             {_fmt(out['scope1_before_tco2e'], 't CO2e', 3)}",
        f"  scope 1 after              {_fmt(out['scope1_after_tco2e'], 't CO2e', 3)}",
        f"  change of scope 1          {_fmt(out['scope1_change_tco2e'], 't CO2e', 3)}",
        f"  biogenic CO2 (apart)       {_fmt(out['biogenic_co2_t'], 't CO2', 3)}",
        f"  transport                  {_fmt(out['transport_tco2e'], 't CO2e', 3)}"
        + (f" ({out['transport']['mode']}, {out['transport']['distance_km']:g} km)" if out["transport"] else ""),
        f"  fuel cost before           {_fmt(out['cost_before'], cur)}",
        f"  fuel cost after            {_fmt(out['cost_after'], cur)}",
        f"  change of fuel cost        {_fmt(out['cost_change'], cur)}",
    ]
    for side in ("before", "after"):
        values = pm[side]
        shown = [f"{PM_LABELS.get(k, k.removesuffix('_kg'))}: {_fmt(v, 'kg', 1)}" for k, v in values.items()
                 if k.endswith("_kg")]
        what = f"{values['pollutant']}, " if values.get("pollutant") else ""
        lines.append(f"  particulates {side:<13} {'; '.join(shown)} ({what}control: {values['control']})")
    lines.append("How computed")
    seen = set()
    for explanation in out["explanation"].values():
        steps = explanation.get("steps", []) if "steps" in explanation else \
            [s for part in explanation.values() for s in part.get("steps", [])]
        for step in steps:
            line = f"  {step['what']}: {step['formula']} = {step['value']:,.6g} {step['unit']}".rstrip()
            if line not in seen:
                seen.add(line)
                lines.append(line)
    if out["flags"]:
        lines.append("Flags")
        lines += [f"  - {f['text']}" for f in out["flags"]]
    return "\n".join(lines) + "\n"


def main(args) -> int:
    from loomlight.biomass.document import DocumentInvalid, switch_document
    from loomlight.interventions.cli import run_document

    return run_document("biomass switch", args.input, args.format, switch_document, text_summary, DocumentInvalid)


def add_parser(sub) -> None:
    biomass = sub.add_parser("biomass", help="biomass for boilers (no database)")
    biomass_sub = biomass.add_subparsers(dest="biomass_command", required=True)
    switch = biomass_sub.add_parser("switch", help="a switch to biomass for the same useful heat: tonnes, scope 1 "
                                                   "before and after, biogenic CO2, transport, cost (no database)")
    switch.add_argument("input", metavar="INPUT.json", help="the switch document (- for standard input); see the README")
    switch.add_argument("--format", choices=("text", "json"), default="text")
    switch.set_defaults(func=main)
