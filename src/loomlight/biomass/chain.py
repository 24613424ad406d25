"""What a stream's value chain tells a screening (the roll-up), and the catalogue's typical risks of each step.

The steps are numbered from the origin (1) to the last step before the factory. The chain answers:

* how far back the chain is known: the **known steps from the origin** (steps 1..k all documented, ``known``),
  and how far back from the factory the documented steps reach without a gap. The framework's question
  ("how far back can the supplier name where the biomass comes from?") is answered ``primary_producer`` when
  every step is documented and the origin is a producer, ``first_collector`` when the documented steps reach back
  from the factory to a collecting step (a producer or a collector), else ``own_supplier_only``;
* the **intermediaries** between the primary producer and the factory: the steps after the origin, when the
  origin is a producer (otherwise the chain does not say);
* the **transport distance**: the sum of the steps' distances to the next step [km]; unknown (None) when any step
  has none (a part of the way unknown is not a shorter way);
* the **transport mode**: one mode along the chain names it (road = truck, inland waterway = barge, rail), more
  than one is "mixed"; unknown when any step has none; ``mode`` is also the worst of them by emissions per
  tonne-kilometre: road the most, sea the least, inland waterway and rail between (their order varies with the
  vessel and the traction; Loomlight ranks waterway above rail, the cautious choice);
* the **labour questions** (child and forced labour, safety in collection and processing): unknown where a
  collecting or processing step is undocumented; an answer copied from an earlier screening is then dropped, so
  that a gap stays a gap (unknown is never low).

Which framework question each of these answers is ``CHAIN_QUESTIONS`` (question id -> what of the roll-up); a
framework without that question, or whose choices do not include the value, is simply not pre-filled there.
Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Worst first by emissions per tonne-km: road the most, sea the least; waterway before rail is Loomlight's cautious choice.
MODE_ORDER = ("road", "waterway", "rail", "sea")
#: The roles of the steps that collect the biomass, and those that process it.
COLLECTING = ("producer", "collector")
PROCESSING = ("processor",)
#: The value-chain stage (reference.biomass.STAGES) whose typical risks each role's step shows; the factory shows
#: "combustion".
STAGE_OF_ROLE = {"producer": ("origin",), "collector": ("harvest",), "processor": ("processing",),
                 "trader": ("transport",), "other": ()}

#: The framework's transport-mode choice of each single mode (more than one: "mixed").
MODE_CHOICE = {"road": "truck", "waterway": "barge", "rail": "rail"}

#: Framework question id -> the roll-up concept that answers it (calc/assessment/frameworks/biomass_screening-*.yaml).
CHAIN_QUESTIONS = {
    "origin.chain_known": "reach",
    "origin.intermediaries": "intermediaries",
    "feedstock.transport_mode": "mode_choice",
    "transport.distance": "distance_km",
}
#: Framework question ids of labour in collection and processing -> the roles whose undocumented step makes it unknown.
LABOUR_QUESTIONS = {
    "labour.child_forced": COLLECTING + PROCESSING,
    "labour.safety": COLLECTING + PROCESSING,
}


@dataclass(frozen=True)
class Step:
    position: int
    role: str
    known: bool
    distance_km: float | None
    mode: str


@dataclass(frozen=True)
class Rollup:
    steps: int
    known_steps: int                    # documented steps from the origin, without a gap
    fully_known: bool
    distance_km: float | None           # None: some step's distance unknown (or no step)
    mode: str | None                    # worst mode; None: some step's mode unknown (or no step)
    unknown_roles: tuple[str, ...]      # roles of undocumented steps, in chain order
    reach: str | None = None            # primary_producer, first_collector, own_supplier_only; None without steps
    intermediaries: int | None = None   # steps after a producer origin; None when the origin is not a producer
    mode_choice: str | None = None      # truck, barge, rail or mixed; None when some mode is unknown (or sea alone)


def rollup(steps: Iterable[Step]) -> Rollup:
    ordered = sorted(steps, key=lambda s: s.position)
    known = 0
    for step in ordered:
        if not step.known:
            break
        known += 1
    distances = [s.distance_km for s in ordered]
    modes = [s.mode for s in ordered]
    distance = sum(distances) if ordered and all(d is not None for d in distances) else None
    mode = mode_choice = None
    if ordered and all(m in MODE_ORDER for m in modes):
        mode = min(modes, key=MODE_ORDER.index)
        distinct = set(modes)
        mode_choice = "mixed" if len(distinct) > 1 else MODE_CHOICE.get(mode)
    reach = intermediaries = None
    if ordered:
        fully = known == len(ordered)
        back = []                                   # the documented steps from the factory back, without a gap
        for step in reversed(ordered):
            if not step.known:
                break
            back.append(step)
        if fully and ordered[0].role == "producer":
            reach = "primary_producer"
        elif any(s.role in COLLECTING for s in back):
            reach = "first_collector"
        else:
            reach = "own_supplier_only"
        if ordered[0].role == "producer":
            intermediaries = len(ordered) - 1
    return Rollup(steps=len(ordered), known_steps=known, fully_known=bool(ordered) and known == len(ordered),
                  distance_km=distance, mode=mode,
                  unknown_roles=tuple(s.role for s in ordered if not s.known),
                  reach=reach, intermediaries=intermediaries, mode_choice=mode_choice)


def _value_for(question, concept: str, chain: Rollup):
    """The answer the chain gives ``question`` (a calc.assessment Question), or None when it gives none."""
    value = {"reach": chain.reach, "intermediaries": chain.intermediaries, "distance_km": chain.distance_km,
             "mode_choice": chain.mode_choice}[concept]
    if value is None:
        return None
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "number":
        return float(value) if not isinstance(value, bool) else None
    if question.type == "single_choice":
        codes = [c.code for c in question.choices]
        return value if value in codes else None
    return None


def prefill(framework, chain: Rollup) -> tuple[dict, tuple[str, ...], tuple[str, ...]]:
    """(answers the chain gives, their question ids, the labour question ids that must stay unknown) for the
    framework's questions (those of CHAIN_QUESTIONS and LABOUR_QUESTIONS it has)."""
    questions = framework.questions
    answers: dict = {}
    for qid, concept in CHAIN_QUESTIONS.items():
        if qid in questions:
            value = _value_for(questions[qid], concept, chain)
            if value is not None:
                answers[qid] = value
    unknown = tuple(qid for qid, roles in LABOUR_QUESTIONS.items()
                    if qid in questions and any(r in roles for r in chain.unknown_roles))
    return answers, tuple(answers), unknown


def stages_of(role: str) -> tuple[str, ...]:
    return STAGE_OF_ROLE.get(role, ())
