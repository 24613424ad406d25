"""The immutable tree of a framework version, its vocabulary, and its content hash.

Every node is a frozen dataclass; every collection is a tuple, so a loaded framework cannot change under a
response that answered it. ``content_hash`` is the sha256 of a canonical JSON of the normalised tree: two
files that differ only in key order, quoting, comments or ``10`` against ``10.0`` have the same hash; a
changed point, text or condition changes it. A published version is frozen by that hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

LANGUAGES = ("en", "vi", "km", "th")
LEVELS = ("foundational", "intermediate", "aspirational")
SUBJECTS = ("facility", "park", "shared_facility")
#: The platform's production processes (registry.models.Process; tests/calc/test_assessment_load.py keeps them
#: equal) and the group ``wet_processing`` (registry.models.WET_PROCESSES).
PROCESSES = ("spinning", "weaving", "knitting", "dyeing", "printing", "finishing", "cut_make_trim", "laundry",
             "footwear_assembly", "tannery")
PROCESS_GROUPS = {"wet_processing": frozenset({"dyeing", "printing", "finishing", "laundry", "tannery"})}
#: External frameworks a question may map to.
SCHEMES = {
    "higg_fem": "Higg Facility Environmental Module",
    "higg_fslm": "Higg Facility Social & Labor Module",
    "eip": "International Framework for Eco-Industrial Parks (v2.0, 2021)",
    "zdhc": "ZDHC (Wastewater Guidelines, MRSL)",
    "iso14001": "ISO 14001:2015",
    "iso45001": "ISO 45001:2018",
    "ilo": "ILO conventions and Better Work compliance points",
    "sbp": "Sustainable Biomass Program (SBP) standards",
    "fsc": "Forest Stewardship Council (FSC) forest management and chain of custody",
    "pefc": "Programme for the Endorsement of Forest Certification (PEFC)",
    "rsb": "Roundtable on Sustainable Biomaterials (RSB) Principles & Criteria",
    "ggl": "Green Gold Label (GGL)",
    "iscc": "International Sustainability and Carbon Certification (ISCC)",
    "eudr": "EU Deforestation Regulation (Regulation (EU) 2023/1115)",
}
#: The kinds of framework: ``scored`` (points, levels, a percent; the default) and ``risk`` (each answer rates a
#: risk; a criterion and the whole are rated low, medium, high or unknown: calc/assessment/risk.py).
KINDS = ("scored", "risk")
#: The risk ratings, best first; ``unknown`` (information missing) is never taken for low.
RISKS = ("low", "medium", "high")
QUESTION_TYPES = ("yes_no", "single_choice", "multiple_choice", "number", "text", "date", "evidence", "table")
COLUMN_TYPES = ("yes_no", "single_choice", "multiple_choice", "number", "text", "date")
#: What the platform can answer a number question from (``from_data:``): source -> (unit, subject kinds). The
#: platform's assessments app computes each for the subject and year (assessments/from_data.py) and shows it as
#: "from data" with its source, still open to the assessor; the pure core only checks the name, the unit and the
#: subject kind. Rates are per 200,000 or 1,000,000 hours worked (OSHA 29 CFR 1904.7 and ILO practice); an
#: intensity change is the reduction in percent against the year before (negative: it rose).
DATA_SOURCES = {
    "ltifr_200k": ("1", ("facility",)),
    "ltifr_1m": ("1", ("facility",)),
    "trir_200k": ("1", ("facility",)),
    "trir_1m": ("1", ("facility",)),
    "women_share": ("percent", ("facility",)),
    "energy_intensity": ("MJ/kg", ("facility",)),
    "water_intensity": ("L/kg", ("facility",)),
    "energy_intensity_reduction": ("percent", ("facility",)),
    "water_intensity_reduction": ("percent", ("facility",)),
    "zdhc_wastewater_compliance": ("percent", ("facility", "shared_facility")),
    "mrsl_conformance": ("percent", ("facility",)),
    "park_tenants_foundational": ("percent", ("park",)),
    "park_tenants_intermediate": ("percent", ("park",)),
    "cetp_compliance": ("percent", ("park", "shared_facility")),
}

#: Higg FEM 4.0's level weights within a section (100 points: L1 25, L2 50, L3 25) and its gating (a facility
#: that does not answer all scored Level 1 questions positively cannot score in Levels 2 and 3).
#: Source: Cascale, "Higg FEM 4.0 scoring methodology" (howtohigg.cascale.org); ../shared/reference/frameworks.md §1.3-1.4.
DEFAULT_LEVEL_WEIGHTS = {"foundational": 25.0, "intermediate": 50.0, "aspirational": 25.0}
DEFAULT_LEVEL_GATING = True

#: Units without a dimension that a number question may take (the units registry's catalogue has none):
#: "1" for a plain count or ratio, "percent" (also written %). An answer to them is a bare number.
DIMENSIONLESS = {"1": "1", "%": "percent", "percent": "percent"}

Text = tuple[tuple[str, str], ...]   # ((language, text), ...) in LANGUAGES order; English always present


def text_in(text: Text, language: str) -> str:
    """The text in ``language``, else in English."""
    found = dict(text)
    return found.get(language) or found["en"]


def _omit(default):
    """A field added after frameworks were published: left out of the canonical JSON while it holds its default,
    so that the content hash of every framework written before it stays the same."""
    return dataclasses.field(default=default, metadata={"omit_default": True})


@dataclass(frozen=True)
class Outcome:
    """The risk an answer rates in a risk framework: ``risk`` one of RISKS, why (``reason``), what to do about it
    (``mitigation``, required for medium and high, here or on the question), and ``knockout``: that answer makes
    the overall rating high whatever else is answered."""

    risk: str
    reason: Text = ()
    mitigation: Text = ()
    knockout: bool = False


@dataclass(frozen=True)
class Band:
    """A number rates ``outcome`` when value <= at_most (in the question's unit) and no lower band holds it;
    ``at_most`` None: every larger number (the last band)."""

    at_most: float | None
    outcome: Outcome


@dataclass(frozen=True)
class Choice:
    code: str
    label: Text
    points: float
    outcome: Outcome | None = _omit(None)   # risk frameworks: the risk this choice rates


@dataclass(frozen=True)
class Threshold:
    """A number meets it when value >= bound (``at_least``) or value <= bound (``at_most``), in the question's unit."""

    bound: float
    points: float


@dataclass(frozen=True)
class Column:
    id: str
    type: str
    label: Text
    choices: tuple[Choice, ...] = ()
    unit: str | None = None


@dataclass(frozen=True)
class Condition:
    """``when:``: the question applies only if the earlier ``question``'s answer meets this.

    op is one of ``equals`` (yes_no, single_choice), ``in`` (single_choice), ``includes`` (multiple_choice),
    ``at_least`` / ``at_most`` (number, in that question's unit), ``answered`` (any type)."""

    question: str
    op: str
    value: object   # str, tuple[str, ...], float or True


@dataclass(frozen=True)
class Applicability:
    subjects: tuple[str, ...] = ()    # empty: every subject kind
    processes: tuple[str, ...] = ()   # empty: every facility; otherwise any one of them (groups expanded)


@dataclass(frozen=True)
class Mapping:
    scheme: str
    ref: str


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    type: str
    text: Text
    guidance: Text
    level: str
    points: float                 # the most this question can earn
    choices: tuple[Choice, ...] = ()
    unit: str | None = None
    direction: str | None = None  # number: "at_least" (higher is better) or "at_most"
    thresholds: tuple[Threshold, ...] = ()
    columns: tuple[Column, ...] = ()
    allow_na: bool = False
    evidence_required: bool = False
    evidence: Text = ()
    applies_to: Applicability = Applicability()
    when: Condition | None = None
    maps_to: tuple[Mapping, ...] = ()
    from_data: str | None = None  # a DATA_SOURCES name: the platform offers its value as the answer
    allow_negative: bool = False  # number: may the answer be below zero (a change, a balance)
    # risk frameworks (calc/assessment/risk.py): yes_no outcomes by answer, number bands, the question's mitigation
    outcomes: tuple[tuple[str, Outcome], ...] = _omit(())   # yes_no: (("no", ...), ("yes", ...))
    bands: tuple[Band, ...] = _omit(())
    mitigation: Text = _omit(())
    line: int = dataclasses.field(default=0, compare=False, hash=False)   # for messages; not in the hash

    @property
    def scored(self) -> bool:
        return self.points > 0

    @property
    def rated(self) -> bool:
        """Does an answer to it rate a risk (a risk framework's question with a risk spec)? Otherwise informational."""
        return bool(self.outcomes or self.bands or any(c.outcome is not None for c in self.choices))


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    guidance: Text
    weight: float
    applies_to: Applicability
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    version: str
    title: Text
    guidance: Text
    level_weights: tuple[tuple[str, float], ...]
    level_gating: bool
    sections: tuple[Section, ...]
    kind: str = _omit("scored")   # KINDS
    source: str = dataclasses.field(default="", compare=False, hash=False)

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    @cached_property
    def content_hash(self) -> str:
        return content_hash(self)


def _plain(node):
    if dataclasses.is_dataclass(node):
        return {f.name: _plain(getattr(node, f.name)) for f in dataclasses.fields(node)
                if f.compare and not (f.metadata.get("omit_default") and getattr(node, f.name) == f.default)}
    if isinstance(node, (tuple, list)):
        return [_plain(item) for item in node]
    if isinstance(node, float):
        return node if not node.is_integer() else float(node)
    return node


def canonical_json(framework: Framework) -> str:
    """The normalised tree as JSON with sorted keys and no spaces (line numbers and the file name left out)."""
    return json.dumps(_plain(framework), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(framework: Framework) -> str:
    """sha256 of ``canonical_json``, in hex: the identity of a frozen framework version."""
    return hashlib.sha256(canonical_json(framework).encode("utf-8")).hexdigest()
