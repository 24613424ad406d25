"""What the public biomass guideline pages show (``/biomass/guide/``), prepared from the shipped reference data.

Everything here is reference data, none of it a facility's: the catalogue of biomass types
(``loomlight.reference.biomass``: heating value as received with its moisture and ash, dry heating value, sources,
confidence, the typical risks of each value-chain stage), the accounting engine's emission factors of the fuel
metric each type is reported under (``reference.ghg_factors``, IPCC 2006 Tables 1.4 and 2.3: the same factors the
inventories use), and the certification schemes that could apply (``reference.biomass_schemes``). A value the
catalogue does not ship is None here and "not shipped" on the page, never 0.

The curve of heating value against moisture is ``calc.biomass.lhv_as_received`` (ISO 18125's as-received net
calorific value) evaluated at ``MOISTURE_PERCENT`` from the type's dry heating value; where only the as-received
value and its moisture are shipped, the dry value is ``calc.biomass.lhv_dry`` of them (said on the page).

The sections are named by codes (``SECTIONS``) that the pages use as anchors and the public comment periods
(``loomlight.consultations``) use for the section a comment is about.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

#: The guideline's sections, in reading order: the anchors of the overview page and the sections comments name.
SECTIONS = ("general", "biomass_types", "moisture_and_heating_value", "value_chain_risks", "screening",
            "fuel_switch", "certification")
CATEGORIES = ("residue", "by_product", "primary")
#: Moisture on the curve [% wet basis]: 0 to 60 % in steps of 5 (wet wood chips reach about 55 %).
MOISTURE_PERCENT = tuple(range(0, 61, 5))
#: The gases of a fuel's emission factors, in the order shown (biogenic CO2 last: reported apart from the scopes).
GASES = ("CH4", "N2O", "CO2")
#: The formula of the curve as the page writes it (the symbols are explained beside it).
FORMULA = "LHV_ar = LHV_db × (1 − M) − 2.443 × M"


def section_title(code: str) -> str:
    return {
        "general": pgettext("biomass guideline", "What the guideline is for"),
        "biomass_types": pgettext("biomass guideline", "Biomass types"),
        "moisture_and_heating_value": pgettext("biomass guideline", "Moisture and heating value"),
        "value_chain_risks": pgettext("biomass guideline", "Risks along the value chain"),
        "screening": pgettext("biomass guideline", "First screening of a supplier"),
        "fuel_switch": pgettext("biomass guideline", "Switching a boiler to biomass"),
        "certification": pgettext("biomass guideline", "Certification"),
    }.get(code, code)


def category_name(code: str) -> str:
    return {"residue": pgettext("biomass category", "residue"),
            "by_product": pgettext("biomass category", "by-product"),
            "primary": pgettext("biomass category", "primary product")}.get(code, code)


def category_meaning(code: str) -> str:
    return {
        "residue": _("left in the field or forest by a harvest and collected (corn cobs, cassava rhizomes, "
                     "branches): often it has a use there (soil, fodder, cooking)"),
        "by_product": _("produced at a processing site beside its main product (rice husk at a mill, sawdust at a "
                        "sawmill, bagasse at a sugar mill): it may have a market, and burning it competes with it"),
        "primary": _("harvested for the energy or the wood it gives (logs, chips or pellets of roundwood): the land "
                     "it comes from carries the risk"),
    }.get(code, "")


def stage_name(stage: str) -> str:
    return {"origin": pgettext("value chain", "origin and land use"),
            "harvest": pgettext("value chain", "harvest or collection"),
            "processing": pgettext("value chain", "processing"),
            "transport": pgettext("value chain", "transport"),
            "combustion": pgettext("value chain", "combustion")}.get(stage, stage)


def level_name(level: str) -> str:
    return {"low": pgettext("risk", "low"), "medium": pgettext("risk", "medium"),
            "high": pgettext("risk", "high")}.get(level, level)


def confidence_name(level: str) -> str:
    return {"high": pgettext("confidence", "high"), "medium": pgettext("confidence", "medium"),
            "low": pgettext("confidence", "low")}.get(level, level or "")


def _catalogue():
    from loomlight.reference import biomass

    return biomass


def _language(language: str | None) -> str:
    from loomlight.site.numbers import current_language

    return (language or current_language() or "en").split("-")[0]


def type_name(code: str, language: str | None = None) -> str:
    return _catalogue().name(code, _language(language))


def factors(metric: str) -> dict:
    """{gas: {value [kg/TJ], biogenic, citation}} of the accounting engine's factors of ``metric``; a gas without
    a shipped factor is None."""
    from loomlight.reference.ghg_factors import emission_factors

    found = emission_factors().get(metric) or {}
    return {gas: ({"value": f.value_kg_per_tj, "biogenic": f.biogenic, "citation": f.citation(), "year": f.year,
                   "short": _short_citation(f)}
                  if (f := found.get(gas)) is not None else None) for gas in GASES}


def _short_citation(factor) -> str:
    """"IPCC 2006, Table 2.3" from a factor's source and table (the full citation is listed once below)."""
    table = re.match(r"Table [\d.]+", factor.table or "")
    author = (factor.source or "").split(" (")[0].split(" ")[0]
    return f"{author} {factor.year}, {table.group(0)}" if table else factor.citation()


def dry_lhv(kind) -> tuple[float | None, str]:
    """The type's dry heating value [GJ/t] and how it is known: "shipped", "from_as_received" (``lhv_dry`` of the
    shipped as-received value and its moisture) or "" (None: neither is shipped)."""
    from loomlight.calc.biomass import lhv_dry

    if kind.lhv_db_gj_per_t is not None:
        return kind.lhv_db_gj_per_t, "shipped"
    if kind.lhv_ar_gj_per_t is not None and kind.moisture_ar is not None:
        return lhv_dry(kind.lhv_ar_gj_per_t, kind.moisture_ar), "from_as_received"
    return None, ""


def lhv_curve(lhv_db: float | None) -> list[list[float]]:
    """[[moisture %, LHV as received GJ/t], ...] at ``MOISTURE_PERCENT`` (``calc.biomass.lhv_as_received``); a
    moisture at which the formula gives no positive value is left out; [] without a dry heating value."""
    from loomlight.calc.biomass import lhv_as_received

    if lhv_db is None:
        return []
    points = []
    for percent in MOISTURE_PERCENT:
        try:
            points.append([percent, lhv_as_received(lhv_db, percent / 100)])
        except ValueError:      # a negative heating value: the fuel no longer burns on its own
            continue
    return points


def _row(kind, language: str) -> dict:
    from loomlight.inventories.explain import metric_name

    return {"code": kind.code, "name": type_name(kind.code, language), "metric": kind.metric,
            "metric_name": metric_name(kind.metric),
            "category": kind.category, "category_name": category_name(kind.category), "woody": kind.woody,
            "lhv_ar": kind.lhv_ar_gj_per_t, "moisture_ar": kind.moisture_ar, "ash_db": kind.ash_db,
            "lhv_db": kind.lhv_db_gj_per_t, "source": kind.source, "table": kind.table, "year": kind.year,
            "checked": kind.checked, "confidence": kind.confidence,
            "confidence_name": confidence_name(kind.confidence), "note": kind.note,
            "factors": factors(kind.metric)}


def type_rows(language: str | None = None) -> list[dict]:
    """Every type of the catalogue, in its order, with its values (None = not shipped) and factors."""
    language = _language(language)
    return [_row(kind, language) for kind in _catalogue().types()]


def _risk_text(risk, language: str) -> str:
    text = risk.text or {}
    return text.get(language) or text.get("en") or ""


def type_detail(code: str, language: str | None = None) -> dict:
    """One type's page: its values and factors, its risks by value-chain stage, its curve, the schemes that could
    apply. KeyError (``reference.biomass.UnknownBiomassType``) for a code not in the catalogue."""
    from loomlight.reference import biomass_schemes

    language = _language(language)
    catalogue = _catalogue()
    kind = catalogue.biomass_type(code)
    row = _row(kind, language)
    lhv_db, basis = dry_lhv(kind)
    by_stage = {stage: [] for stage in catalogue.STAGES}
    try:
        found = catalogue.risks(code)
    except catalogue.CatalogueError:   # the risks file is incomplete: the page says "not shipped" at each stage
        found = ()
    for risk in found:
        by_stage.setdefault(risk.stage, []).append({"level": risk.level, "level_name": level_name(risk.level),
                                                    "text": _risk_text(risk, language), "source": risk.source,
                                                    "english": not (risk.text or {}).get(language)})
    return {**row, "lhv_db_used": lhv_db, "lhv_db_basis": basis, "curve": lhv_curve(lhv_db),
            "stages": [{"code": s, "name": stage_name(s), "risks": r} for s, r in by_stage.items()],
            "schemes": list(biomass_schemes.for_type(kind.woody))}


def chart(detail: dict) -> dict:
    """The curve's JSON for site/static/loomlight/biomass.js: points as numbers (the script formats them with the
    page's CLDR symbols), axis names and the as-received point of the catalogue where it is shipped."""
    marker = None
    if detail["lhv_ar"] is not None and detail["moisture_ar"] is not None:
        marker = [detail["moisture_ar"] * 100, detail["lhv_ar"]]
    return {"points": detail["curve"], "marker": marker, "name": _("heating value as received"),
            "marker_name": _("the catalogue's typical value"), "x_label": _("moisture [% wet basis]"),
            "y_label": _("LHV as received [GJ/t]")}


def comment_links(sections) -> dict[str, str]:
    """{section code: the public comment form of the biomass guideline's open comment period, on that section}
    for those of ``sections`` the open period's guideline has (``loomlight.consultations``: the period closing
    soonest). A section without an open period has no link: the pages show a link only where it leads somewhere
    (PRODUCT.md: never link to what the viewer may not open). Comments themselves are never read here."""
    from django.urls import reverse

    from loomlight.consultations.sections import BIOMASS_GUIDELINE_CODE
    from loomlight.consultations.selectors import periods_open

    period = periods_open().filter(guideline__code=BIOMASS_GUIDELINE_CODE).first()
    if period is None:
        return {}
    have = set(period.guideline.sections.filter(code__in=list(sections)).values_list("code", flat=True))
    base = reverse("consultations:period", args=[period.pk])
    return {code: f"{base}?section={code}" for code in sections if code in have}
