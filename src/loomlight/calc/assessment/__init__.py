"""Assessment frameworks as data: load → normalise → validate → an immutable tree → score. Pure (no Django, no I/O).

    from loomlight.calc.assessment import load, score, Subject
    framework = load(text, file="facility-env.yaml")   # FrameworkInvalid (every coded error) or a Framework
    framework.content_hash                              # sha256 of the canonical JSON: the frozen version's identity
    result = score(framework, {"ems.policy": "yes", "water.source": "meter;bill"}, Subject("facility", ("dyeing",)))

It lives in ``loomlight.calc`` because scoring is a derived number like a tonne of CO2e: the purity test
(tests/calc/test_purity.py) then covers it, and the platform app (assessments/, a later slice) stores responses
and calls it.

The schema of a framework file (YAML; the full description with an example is docs/frameworks.md):

    id: facility_env_mini            # lower-case letters, digits, _ and dots
    version: "2026.1"                # text, in quotes
    title: {en: ..., vi: ..., km: ..., th: ...}   # a plain string is English; English is required
    guidance: ...                    # optional, same form
    scoring:                         # optional; defaults are Higg FEM 4.0's
      level_weights: {foundational: 25, intermediate: 50, aspirational: 25}
      level_gating: true
    sections:
      - id: water
        title: Water
        weight: 1                    # optional, > 0; normalised over the sections that apply
        applies_to: {subjects: [facility], processes: [wet_processing]}   # optional
        questions:
          - id: water.meter
            type: yes_no             # yes_no single_choice multiple_choice number text date evidence table
            text: Is water use metered?
            guidance: ...
            level: foundational      # foundational intermediate aspirational
            points: 10               # yes_no, text, date, evidence, table: earned when yes / answered
            choices: [{code: a, label: ..., points: 5}, ...]   # single/multiple choice: points per choice
            unit: m3                 # number: checked by loomlight.calc.units
            thresholds: [{at_least: 50, points: 5}, ...]       # number: or at_most (one direction)
            columns: [{id: ..., type: number, label: ..., unit: kg}]   # table: typed columns
            allow_na: false          # may it be answered "na"
            evidence: {required: true, description: ...}
            applies_to: {subjects: [...], processes: [...]}
            when: {question: water.meter, equals: yes}   # or in / includes / at_least / at_most / answered
            maps_to: [{scheme: higg_fem, ref: "WAT-1"}]  # higg_fem higg_fslm eip zdhc iso14001 iso45001 ilo
                                                         # sbp fsc pefc rsb ggl iscc eudr

A risk framework (``kind: risk`` at the top; the biomass first screening) has no points, levels, thresholds or
weights: its answers rate risks (yes_no ``risk: {yes: low, no: high}``, a choice's ``risk``, a number's
``bands``; ``reason``, ``mitigation``, ``knockout``) and ``risk.rate`` gives each criterion (section) and the
whole low, medium, high or unknown (calc/assessment/risk.py; docs/frameworks.md).
"""

from loomlight.calc.assessment.errors import (
    AnswerCode, AnswerError, AnswersInvalid, Code, FrameworkError, FrameworkInvalid, WrongKind,
)
from loomlight.calc.assessment.load import load, validate
from loomlight.calc.assessment.score import NA, Result, Subject, check_answers, score
from loomlight.calc.assessment.tree import Framework, Question, Section, canonical_json, content_hash

__all__ = [
    "NA", "AnswerCode", "AnswerError", "AnswersInvalid", "Code", "Framework", "FrameworkError", "FrameworkInvalid",
    "Question", "Result", "Section", "Subject", "canonical_json", "check_answers", "content_hash", "load",
    "WrongKind", "score", "validate",
]
