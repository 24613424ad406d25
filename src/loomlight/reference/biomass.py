"""The biomass guideline catalogue shipped in biomass_types.csv and biomass_risks.csv (no Django).

biomass_types.csv has one row per biomass type a factory boiler burns: the fuel metric of reference/metrics.csv it is
reported under, its category (``residue``: left in the field or forest by a harvest and collected, e.g. corn cobs,
cassava rhizomes; ``by_product``: produced at a processing site as a side stream of its main product, e.g. rice husk
at a mill, sawdust at a sawmill, bagasse at a sugar mill; ``primary``: harvested for the energy or wood it gives, e.g.
logs, chips or pellets of roundwood), whether it is woody, and typical fuel properties where a readable source gives
them: net calorific value as received and dry, moisture as received (wet-basis fraction) and ash (dry-basis
fraction). A property no source gave is empty (None, not shipped): the fuel switch then falls back to the IPCC
default NCV of the metric (reference/fuel_properties.csv) with a flag. Every row says its source, table, year, how
the values were checked and how far they can be trusted.

biomass_risks.csv has one row per type and value-chain stage (STAGES): the typical environmental, social and
governance risk of that stage, its typical level, one or two plain sentences in English (translations in text_vi,
text_km, text_th when the lead's translators have filled them; English otherwise) and the publication that supports
the sentence.

A programme edits the catalogue by editing the CSV files; the loader validates every row when it is read, so a bad
edit fails loudly, naming the file, the line and the column (docs/data-sources.md).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

TYPES_FILE = "biomass_types.csv"
RISKS_FILE = "biomass_risks.csv"

CATEGORIES = ("residue", "by_product", "primary")
CONFIDENCES = ("high", "medium", "low", "none")     # "none": no value shipped
STAGES = ("origin", "harvest", "processing", "transport", "combustion")
LEVELS = ("low", "medium", "high")
LANGUAGES = ("en", "vi", "km", "th")
#: enthalpy of vaporisation of water at 25 °C [MJ kg-1], charged per kilogram of the fuel's water in the as-received
#: formula of ISO 18125:2017 / ISO 16993:2016 (the standards not read here: docs/data-sources.md says how the constant
#: was checked)
LATENT_HEAT_WATER_MJ_PER_KG = 2.443
#: the largest difference [GJ t-1] accepted between a shipped as-received LHV and the one the ISO 18125 formula gives
#: from the shipped dry LHV and moisture: the sources round LHVs to 0.1 GJ/t and moistures to 1 %, and an error of
#: 1 % moisture moves LHV_ar by about 0.2 GJ/t, so 0.3 GJ/t admits rounding and catches a slip (a dry value typed as
#: as-received, a moisture in % for a fraction)
CONSISTENCY_TOLERANCE_GJ_PER_T = 0.3
#: physical ranges the loader accepts (a value outside is a slip, e.g. kcal/kg or % typed for GJ/t or a fraction):
#: dry LHVs of solid biomass lie around 14-21 GJ/t, as-received ones down to about 5 GJ/t for wet bagasse, ash up to
#: about 25 % of dry matter for rice husk
RANGES = {
    "lhv_db_gj_per_t": (12.0, 24.0),
    "lhv_ar_gj_per_t": (4.0, 22.0),
    "moisture_ar": (0.0, 0.70),
    "ash_db": (0.0, 0.30),
}


class UnknownBiomassType(KeyError):
    """No biomass type of that code in biomass_types.csv."""


class CatalogueError(ValueError):
    """A row of biomass_types.csv or biomass_risks.csv is not valid; the message names the file, line and column."""


@dataclass(frozen=True)
class BiomassType:
    code: str
    metric: str                       # the fuel metric of reference/metrics.csv the type is reported under
    category: str                     # one of CATEGORIES
    woody: bool
    lhv_ar_gj_per_t: float | None     # net calorific value as received [GJ t-1]; None = not shipped
    moisture_ar: float | None         # moisture as received, wet-basis fraction [0-1]; None = not shipped
    ash_db: float | None              # ash, fraction of dry matter [0-1]; None = not shipped
    lhv_db_gj_per_t: float | None     # net calorific value of the dry matter [GJ t-1]; None = not shipped
    source: str
    table: str
    year: int
    checked: str                      # how the values were checked
    confidence: str                   # one of CONFIDENCES
    note: str
    # added to the fixed interface:
    names: dict[str, str] = field(default_factory=dict, hash=False)   # language -> name, every LANGUAGES key
    metric_default: bool = False      # the type for_metric() gives for its metric

    @property
    def has_values(self) -> bool:
        return any(v is not None for v in (self.lhv_ar_gj_per_t, self.moisture_ar, self.ash_db, self.lhv_db_gj_per_t))

    def citation(self) -> str:
        return f"{self.source}, {self.table}" if self.table else self.source


@dataclass(frozen=True)
class Risk:
    type_code: str
    stage: str                        # one of STAGES
    level: str                        # one of LEVELS: the typical level, before a supplier's screening
    text: dict[str, str] = field(hash=False)   # language -> text, every LANGUAGES key (English where not translated)
    source: str
    # added to the fixed interface:
    confidence: str = "medium"        # one of CONFIDENCES except "none"
    translated: tuple[str, ...] = ()  # the languages whose text is a translation, not the English fallback


def as_received(lhv_db: float, moisture: float) -> float:
    """Net calorific value as received [GJ t-1] from the dry one [GJ t-1] and the wet-basis moisture [0-1].

    LHV_ar = LHV_db·(1 − M) − 2.443·M (MJ kg-1 = GJ t-1). The loader's consistency check; calc.biomass holds the
    calculation used by the fuel switch.

    References: ISO 18125:2017 Solid biofuels — Determination of calorific value, the net calorific value at
    constant pressure as received (docs/data-sources.md).
    """
    return lhv_db * (1 - moisture) - LATENT_HEAT_WATER_MJ_PER_KG * moisture


def _text(name: str) -> str:
    return resources.files("loomlight.reference").joinpath(name).read_text(encoding="utf-8")


def _number(row: dict, column: str, fail) -> float | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        fail(column, f"{raw!r} is not a number")
    low, high = RANGES[column]
    if not low <= value <= high:
        fail(column, f"{value} is outside {low}-{high}")
    return value


def _parse_type(row: dict, line: int, metric_codes: frozenset[str]) -> BiomassType:
    def fail(column: str, message: str):
        raise CatalogueError(f"{TYPES_FILE} line {line} ({row.get('code') or '?'}), column {column}: {message}")

    for column in ("code", "metric", "category", "woody", "name_en", "name_vi", "name_km", "name_th", "source", "year",
                   "confidence", "metric_default"):
        if not (row.get(column) or "").strip():
            fail(column, "is empty")
    if row["metric"] not in metric_codes:
        fail("metric", f"unknown metric code {row['metric']!r}")
    if row["category"] not in CATEGORIES:
        fail("category", f"{row['category']!r} is not one of {', '.join(CATEGORIES)}")
    if row["confidence"] not in CONFIDENCES:
        fail("confidence", f"{row['confidence']!r} is not one of {', '.join(CONFIDENCES)}")
    for column in ("woody", "metric_default"):
        if row[column] not in ("true", "false"):
            fail(column, f"{row[column]!r} is not true or false")
    if not row["year"].strip().isdigit():
        fail("year", f"{row['year']!r} is not a year")
    values = {c: _number(row, c, fail) for c in RANGES}
    has_values = any(v is not None for v in values.values())
    if has_values and row["confidence"] == "none":
        fail("confidence", "a row with values needs a confidence")
    if not has_values and row["confidence"] != "none":
        fail("confidence", "a row without values has confidence none")
    if has_values and not (row.get("checked") or "").strip():
        fail("checked", "a row with values must say how they were checked")
    lhv_ar, moisture, lhv_db = values["lhv_ar_gj_per_t"], values["moisture_ar"], values["lhv_db_gj_per_t"]
    if None not in (lhv_ar, moisture, lhv_db):
        expected = as_received(lhv_db, moisture)
        if abs(lhv_ar - expected) > CONSISTENCY_TOLERANCE_GJ_PER_T:
            fail("lhv_ar_gj_per_t", f"{lhv_ar} is not consistent with lhv_db_gj_per_t and moisture_ar "
                                    f"(ISO 18125 gives {expected:.2f} GJ/t)")
    if lhv_ar is not None and lhv_db is not None and lhv_ar > lhv_db:
        fail("lhv_ar_gj_per_t", "the as-received LHV cannot exceed the dry one")
    return BiomassType(
        code=row["code"], metric=row["metric"], category=row["category"], woody=row["woody"] == "true",
        lhv_ar_gj_per_t=lhv_ar, moisture_ar=moisture, ash_db=values["ash_db"], lhv_db_gj_per_t=lhv_db,
        source=row["source"], table=row.get("table") or "", year=int(row["year"]), checked=row.get("checked") or "",
        confidence=row["confidence"], note=row.get("note") or "",
        names={lang: row[f"name_{lang}"].strip() for lang in LANGUAGES}, metric_default=row["metric_default"] == "true",
    )


def parse_types(text: str, metric_codes: frozenset[str] | None = None) -> dict[str, BiomassType]:
    """Validate and read a catalogue in the CSV format of biomass_types.csv (file order kept).

    Raises CatalogueError naming the line and column of the first bad row, of a repeated code, or of a metric with
    no default type or with two.
    """
    if metric_codes is None:
        from loomlight.reference.metrics import metrics
        metric_codes = frozenset(metrics())
    table: dict[str, BiomassType] = {}
    default_line: dict[str, int] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        item = _parse_type(row, line, metric_codes)
        if item.code in table:
            raise CatalogueError(f"{TYPES_FILE} line {line}, column code: {item.code!r} is repeated")
        if item.metric_default:
            if item.metric in default_line:
                raise CatalogueError(f"{TYPES_FILE} line {line} ({item.code}), column metric_default: "
                                     f"{item.metric} already has its default type on line {default_line[item.metric]}")
            default_line[item.metric] = line
        table[item.code] = item
    for item in table.values():
        if item.metric not in default_line:
            raise CatalogueError(f"{TYPES_FILE}, column metric_default: metric {item.metric} has no default type")
    return table


def parse_risks(text: str, type_codes: frozenset[str]) -> dict[str, tuple[Risk, ...]]:
    """Validate and read risks in the CSV format of biomass_risks.csv: {type code: risks in STAGES order}.

    Raises CatalogueError naming the line and column of the first bad row or repeated type × stage, or naming the
    type and stage of a row missing (every type has one row per stage).
    """
    found: dict[tuple[str, str], Risk] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        def fail(column: str, message: str, row=row, line=line):
            raise CatalogueError(f"{RISKS_FILE} line {line} ({row.get('type_code') or '?'}/{row.get('stage') or '?'}), "
                                 f"column {column}: {message}")

        for column in ("type_code", "stage", "level", "text_en", "source", "confidence"):
            if not (row.get(column) or "").strip():
                fail(column, "is empty")
        if row["type_code"] not in type_codes:
            fail("type_code", f"unknown biomass type {row['type_code']!r}")
        if row["stage"] not in STAGES:
            fail("stage", f"{row['stage']!r} is not one of {', '.join(STAGES)}")
        if row["level"] not in LEVELS:
            fail("level", f"{row['level']!r} is not one of {', '.join(LEVELS)}")
        if row["confidence"] not in CONFIDENCES[:-1]:
            fail("confidence", f"{row['confidence']!r} is not one of {', '.join(CONFIDENCES[:-1])}")
        key = (row["type_code"], row["stage"])
        if key in found:
            fail("stage", f"{key[0]} already has a row for stage {key[1]}")
        translated = tuple(lang for lang in LANGUAGES[1:] if (row.get(f"text_{lang}") or "").strip())
        text = {lang: (row.get(f"text_{lang}") or "").strip() or row["text_en"].strip() for lang in LANGUAGES}
        found[key] = Risk(type_code=key[0], stage=key[1], level=row["level"], text=text, source=row["source"],
                          confidence=row["confidence"], translated=translated)
    missing = [f"{code}/{stage}" for code in sorted(type_codes) for stage in STAGES if (code, stage) not in found]
    if missing:
        raise CatalogueError(f"{RISKS_FILE}: no row for {', '.join(missing)} (every type has one row per stage)")
    return {code: tuple(found[(code, stage)] for stage in STAGES) for code in type_codes}


@cache
def _types() -> dict[str, BiomassType]:
    return parse_types(_text(TYPES_FILE))


@cache
def _risks() -> dict[str, tuple[Risk, ...]]:
    return parse_risks(_text(RISKS_FILE), frozenset(_types()))


def types() -> tuple[BiomassType, ...]:
    """Every shipped biomass type, in file order."""
    return tuple(_types().values())


def biomass_type(code: str) -> BiomassType:
    """The biomass type of ``code``; UnknownBiomassType (a KeyError) for an unknown code."""
    try:
        return _types()[code]
    except KeyError:
        raise UnknownBiomassType(code) from None


def for_metric(metric: str) -> BiomassType | None:
    """The default type reported under the fuel metric ``metric``, or None when no type is reported under it."""
    return next((t for t in _types().values() if t.metric == metric and t.metric_default), None)


def risks(code: str) -> tuple[Risk, ...]:
    """The typical risks of the type ``code``, one per stage in STAGES order; UnknownBiomassType for an unknown code."""
    biomass_type(code)
    return _risks()[code]


def name(code: str, language: str) -> str:
    """The name of the type ``code`` in ``language`` ("vi", "vi-VN", "km"...); English for another language."""
    names = biomass_type(code).names
    return names.get((language or "en").split("-")[0].split("_")[0].lower(), names["en"])


def data_version() -> str:
    """The file names and the start of their content hash, recorded with every result that used the catalogue."""
    digest = hashlib.sha256((_text(TYPES_FILE) + "\0" + _text(RISKS_FILE)).encode("utf-8")).hexdigest()[:12]
    return f"{TYPES_FILE}+{RISKS_FILE}@{digest}"
