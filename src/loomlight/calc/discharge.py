"""Which discharge limits apply to a sample, and why (pure: no Django, no database).

A lab result is judged against every set of limits that applies to the site on the day it was sampled:

- **national**: the regulation of the site's country in force on that day, and within it the column that
  matches the site's discharge route and the class of its receiving water. A regulation that a newer one
  supersedes stays in force, until its ``existing_until``, for a site that began operating before its
  ``existing_before`` (Viet Nam's QCVN 13-MT:2015 until 2031 for dye houses operating before 1 September
  2025). When the site's start of operation is not recorded, both regulations are given, each saying on
  which condition it applies: nothing is guessed.
- **permit**: the discharge permit valid on that day and the limits it sets (often stricter).
- **intake**: for a site discharging to a park's central plant, the plant operator's intake limits in
  force on that day.

ZDHC's levels are added by the caller (reference.wastewater). Each set carries its reason (``Why``) so a
page can say "QCVN 40:2025, column B: discharge to a class B river; in force since 2025-09-01".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from loomlight.calc.wastewater import Limit


class Route(StrEnum):
    SURFACE = "surface"
    SEWER = "sewer"
    CETP = "cetp"


@dataclass(frozen=True)
class Regulation:
    code: str
    country: str
    name: str
    instrument: str
    issued_on: datetime.date
    in_force_from: datetime.date
    in_force_until: datetime.date | None      # the day its successor takes over (exclusive)
    existing_before: datetime.date | None     # a site operating before this day keeps it ...
    existing_until: datetime.date | None      # ... until this day (inclusive)
    source: str
    verified: str

    @property
    def short(self) -> str:
        """"QCVN 40:2025/BTNMT": the name up to its first space after the number."""
        return self.name.split(" National")[0] if " National" in self.name else self.name


@dataclass(frozen=True)
class Column:
    regulation: str
    column: str
    route: str
    receiving_class: str   # "*": whatever the class
    label: str


@dataclass(frozen=True)
class Site:
    """The facts of a site's discharge on a day (from its discharge record in force on that day)."""
    country: str
    route: str | None            # None: not recorded
    receiving_class: str = ""
    receiving_water: str = ""
    operating_since: datetime.date | None = None


class Basis(StrEnum):
    """Why a regulation is the one used on a day."""
    IN_FORCE = "in_force"              # in force on that day
    TRANSITION = "transition"          # superseded, kept for a site operating before the cut-off
    IF_EXISTING = "if_existing"        # start of operation unknown: applies if it began before the cut-off
    IF_NEW = "if_new"                  # start of operation unknown: applies if it began on or after it


class Gap(StrEnum):
    """Why a regulation in force gives no limits for this site."""
    NO_ROUTE = "no_route"              # the site's discharge route is not recorded
    ROUTE_NOT_COVERED = "route_not_covered"   # the regulation sets no limits for this route (a CETP's rules apply)
    CLASS_NEEDED = "class_needed"      # the regulation's columns depend on a receiving-water class not recorded
    CLASS_UNKNOWN = "class_unknown"    # the recorded class is none the regulation defines
    NOT_SHIPPED = "not_shipped"        # Loomlight ships no checked values of this regulation (column)


@dataclass(frozen=True)
class Why:
    kind: str                                   # national | permit | intake | zdhc
    regulation: Regulation | None = None
    column: Column | None = None
    basis: Basis | None = None
    route: str | None = None
    receiving_class: str = ""
    receiving_water: str = ""
    since: datetime.date | None = None          # in force (or valid) since
    until: datetime.date | None = None          # and until (inclusive), when known
    gap: Gap | None = None
    reference: str = ""                         # permit number, plant name, ZDHC level


@dataclass(frozen=True)
class LimitSet:
    key: str                  # stable: "national:vn_qcvn_40_2025:B", "permit:12", "intake:4", "zdhc:foundational"
    family: str               # the column of a trend: "national", "permit", "intake", "zdhc:<level>"
    kind: str                 # national | permit | intake | zdhc
    limits: Mapping[str, Limit] = field(default_factory=dict)
    why: Why | None = None

    @property
    def legal(self) -> bool:
        """A set the law, a permit or a plant's contract makes binding (ZDHC is voluntary)."""
        return self.kind != "zdhc"


def regulations_on(regulations: Iterable[Regulation], country: str, on: datetime.date,
                   operating_since: datetime.date | None) -> list[tuple[Regulation, Basis]]:
    """The regulations of ``country`` that govern a site's discharge on ``on``, each with its basis.

    A site operating before a superseded regulation's cut-off keeps it within its transition, and the
    successor does not apply to it yet; one operating since the cut-off meets the successor. When the
    start of operation is unknown, both come back, marked IF_EXISTING and IF_NEW."""
    own = [r for r in regulations if r.country == country]
    current = [r for r in own if r.in_force_from <= on and (r.in_force_until is None or on < r.in_force_until)]
    kept = [r for r in own if r.in_force_until is not None and on >= r.in_force_until and r.existing_before is not None
            and r.existing_until is not None and on <= r.existing_until]
    out: list[tuple[Regulation, Basis]] = []
    successors_of_kept = set()
    for old in kept:
        successors = [r for r in current if r.in_force_from == old.in_force_until]
        if operating_since is None:
            out.append((old, Basis.IF_EXISTING))
            out.extend((r, Basis.IF_NEW) for r in successors)
            successors_of_kept.update(r.code for r in successors)
        elif operating_since < old.existing_before:
            out.append((old, Basis.TRANSITION))
            successors_of_kept.update(r.code for r in successors)
    out.extend((r, Basis.IN_FORCE) for r in current if r.code not in successors_of_kept)
    return out


def column_for(columns: Iterable[Column], regulation: str, route: str | None,
               receiving_class: str) -> tuple[Column | None, Gap | None]:
    """The column of ``regulation`` for a discharge by ``route`` into a water of ``receiving_class``, or the
    reason there is none."""
    if route is None:
        return None, Gap.NO_ROUTE
    own = [c for c in columns if c.regulation == regulation and c.route == route]
    if not own:
        covered = any(c.regulation == regulation for c in columns)
        return None, Gap.ROUTE_NOT_COVERED if covered or route == Route.CETP else Gap.NOT_SHIPPED
    wanted = receiving_class.strip().casefold()
    for c in own:
        if c.receiving_class == "*" or c.receiving_class.casefold() == wanted:
            return c, None
    return None, Gap.CLASS_NEEDED if not wanted else Gap.CLASS_UNKNOWN


def national_sets(regulations: Iterable[Regulation], columns: Iterable[Column],
                  limits: Mapping[tuple[str, str], Mapping[str, Limit]], site: Site, on: datetime.date) -> list[LimitSet]:
    """The national sets for ``site`` on ``on``: one per regulation that governs it, each with its column's
    limits ({(regulation, column): {parameter: Limit}}), or empty with the gap that explains why."""
    columns = tuple(columns)
    out = []
    for regulation, basis in regulations_on(regulations, site.country, on, site.operating_since):
        column, gap = column_for(columns, regulation.code, site.route, site.receiving_class)
        table = limits.get((regulation.code, column.column), {}) if column else {}
        if column is not None and not table:
            gap = Gap.NOT_SHIPPED
        until = regulation.existing_until if basis in (Basis.TRANSITION, Basis.IF_EXISTING) else None
        since = regulation.in_force_from
        why = Why("national", regulation=regulation, column=column, basis=basis, route=site.route,
                  receiving_class=site.receiving_class, receiving_water=site.receiving_water, since=since, until=until, gap=gap)
        key = f"national:{regulation.code}:{column.column if column else '-'}"
        out.append(LimitSet(key=key, family="national", kind="national", limits=dict(table), why=why))
    return out


@dataclass(frozen=True)
class Permit:
    key: str
    number: str
    issuing_body: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    limits: Mapping[str, Limit]


def permit_set(permits: Iterable[Permit], on: datetime.date) -> LimitSet | None:
    """The permit valid on ``on`` (the latest issued when several are), as a set; None when none is."""
    valid = [p for p in permits if p.issued_on <= on and (p.valid_until is None or on <= p.valid_until)]
    if not valid:
        return None
    p = max(valid, key=lambda p: (p.issued_on, p.key))
    why = Why("permit", since=p.issued_on, until=p.valid_until, reference=p.number, receiving_water=p.issuing_body)
    return LimitSet(key=f"permit:{p.key}", family="permit", kind="permit", limits=dict(p.limits), why=why)


@dataclass(frozen=True)
class IntakeLimit:
    parameter: str
    valid_from: datetime.date
    limit: Limit


def intake_set(key: str, plant: str, rows: Iterable[IntakeLimit], on: datetime.date) -> LimitSet | None:
    """A central plant's intake limits in force on ``on``: per parameter, the row valid from the latest day on
    or before it. None when the plant has set none by then."""
    chosen: dict[str, IntakeLimit] = {}
    for row in rows:
        if row.valid_from <= on and (row.parameter not in chosen or row.valid_from > chosen[row.parameter].valid_from):
            chosen[row.parameter] = row
    if not chosen:
        return None
    since = max(r.valid_from for r in chosen.values())
    why = Why("intake", since=since, reference=plant)
    return LimitSet(key=f"intake:{key}", family="intake", kind="intake",
                    limits={p: r.limit for p, r in chosen.items()}, why=why)


def stricter(limit: Limit | None, than: Limit | None) -> bool:
    """``limit`` is stricter than ``than``: a lower maximum or a higher minimum (same unit)."""
    if limit is None or than is None or limit.unit != than.unit:
        return False
    lower_max = limit.limit_max is not None and (than.limit_max is None or limit.limit_max < than.limit_max)
    higher_min = limit.limit_min is not None and (than.limit_min is None or limit.limit_min > than.limit_min)
    return lower_max or higher_min
