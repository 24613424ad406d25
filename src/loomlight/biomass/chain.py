"""What a stream's value chain tells a screening (the roll-up), and the catalogue's typical risks of each step.

The steps are numbered from the origin (1) to the last step before the factory. The chain answers:

* how far back the chain is known: the **known steps from the origin** — steps 1..k all documented (``known``);
  a chain whose origin is undocumented is known 0 steps back, however well its trader is known; with the number
  of steps, "fully known" when every step is documented;
* the **transport distance**: the sum of the steps' distances to the next step [km]; unknown (None) when any step
  has none (a part of the way unknown is not a shorter way);
* the **transport mode**: the worst of the steps' modes (road is the worst per tonne-kilometre, then inland
  waterway, rail, sea: GLEC Framework v3, default intensities by mode); unknown when any step has none;
* the **labour questions of collection and of processing**: unknown where a collecting (producer, collector) or a
  processing step is undocumented; an answer copied from an earlier screening is then dropped, so that a gap
  stays a gap (unknown is never low).

Which framework question each of these answers is ``CHAIN_QUESTIONS`` (question id -> what of the roll-up);
a framework without that question is simply not pre-filled there. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Worst first (GLEC Framework v3 default emission intensities per tonne-km: road > inland waterway > rail > sea).
MODE_ORDER = ("road", "waterway", "rail", "sea")
#: The roles of the steps that collect the biomass, and those that process it.
COLLECTING = ("producer", "collector")
PROCESSING = ("processor",)
#: The value-chain stage (reference.biomass.STAGES) whose typical risks each role's step shows; the factory shows
#: "combustion".
STAGE_OF_ROLE = {"producer": ("origin",), "collector": ("harvest",), "processor": ("processing",),
                 "trader": ("transport",), "other": ()}

#: Framework question id -> the roll-up concept that answers it (calc/assessment/frameworks/biomass_screening-*.yaml).
CHAIN_QUESTIONS = {
    "traceability.known_steps": "known_steps",
    "traceability.origin_known": "origin_known",
    "transport.distance_km": "distance_km",
    "transport.mode": "mode",
}
#: Framework question ids of labour in collection and in processing: unknown where such a step is undocumented.
LABOUR_QUESTIONS = {
    "labour.collection": COLLECTING,
    "labour.processing": PROCESSING,
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

    @property
    def origin_known(self) -> bool | None:
        return None if not self.steps else self.known_steps >= 1


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
    mode = None
    if ordered and all(m in MODE_ORDER for m in modes):
        mode = min(modes, key=MODE_ORDER.index)
    return Rollup(steps=len(ordered), known_steps=known, fully_known=bool(ordered) and known == len(ordered),
                  distance_km=distance, mode=mode,
                  unknown_roles=tuple(s.role for s in ordered if not s.known))


def _value_for(question, concept: str, chain: Rollup):
    """The answer the chain gives ``question`` (a calc.assessment Question), or None when it gives none."""
    value = {"known_steps": chain.known_steps if chain.steps else None,
             "origin_known": chain.origin_known,
             "distance_km": chain.distance_km,
             "mode": chain.mode}[concept]
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
