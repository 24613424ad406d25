"""Re-scoring submitted assessments (issue 17 point 12: 10,000 of the facility environmental framework under 2 s).

    .venv/bin/python benchmarks/assessment_rescore.py [--n 10000] [--seed 20261201] [--repeat 3]

No database: the figures of ``--n`` synthetic submitted assessments (answers already normalised, as the
platform stores them) of ``builtin("facility_env")`` when the project ships it, else of a generated framework
of its shape (seven sections, three levels, 45 questions: yes/no, single and multiple choice, number with
thresholds, text; some asked only ``when:`` an earlier answer says so, some ``allow_na``, one section for wet
processing only), for facilities of four process mixes (seeded, so the run is reproducible). Scored three
ways in the same run, each the best of ``--repeat``:

(a) the reference the issue names: a straightforward per-answer Python loop (below: for each assessment, for
    each question, look up its answer and add its points to its section's level sums, then combine);
(b) ``score(framework, answers, subject, gains=False)`` per assessment (it also checks every answer and
    builds the explanation of every answer);
(c) ``batch.rescore`` with one ``compile_plan`` per subject (the compile is inside the time).

It checks that (c) equals (a) and (b) to 1e-9 percentage points for every assessment and every section, and
that the levels reached agree, and prints the times and ratios.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from loomlight.calc.assessment import Subject, check_answers, load, score
from loomlight.calc.assessment.batch import compile_plan, rescore
from loomlight.calc.assessment.tree import LEVELS, PROCESS_GROUPS

SUBJECTS = [Subject("facility", ("dyeing", "finishing")), Subject("facility", ("cut_make_trim",)),
            Subject("facility", ("knitting", "dyeing")), Subject("facility", ("laundry", "cut_make_trim"))]
SECTIONS = [("ems", 7), ("energy", 7), ("water", 6), ("wastewater", 6), ("air", 6), ("waste", 6), ("chemicals", 7)]


def generated_framework(seed: int):
    """A valid framework of facility_env's shape: 7 sections, 45 questions, 3 levels (seeded)."""
    rng = random.Random(seed)
    lines = ["id: generated_env", 'version: "1"', "title: Generated facility environmental framework", "sections:"]
    for name, count in SECTIONS:
        lines += [f"  - id: {name}", f"    title: {name.title()}", f"    weight: {rng.choice([1, 1, 2])}"]
        if name == "wastewater":
            lines.append("    applies_to: {processes: [wet_processing]}")
        lines.append("    questions:")
        earlier = []
        for k in range(count):
            qid = f"{name}.q{k}"
            qtype = ["yes_no", "yes_no", "single_choice", "number", "multiple_choice", "yes_no", "text"][k % 7]
            level = LEVELS[0] if k < 2 else LEVELS[1] if k < 5 else LEVELS[2]
            lines += [f"      - id: {qid}", f"        type: {qtype}", f"        text: Question {qid}", f"        level: {level}"]
            if qtype in ("yes_no", "text"):
                lines.append(f"        points: {rng.choice([5, 10])}")
            if qtype in ("single_choice", "multiple_choice"):
                lines.append("        choices:")
                lines += [f"          - {{code: {c}, label: {c.upper()}, points: {p}}}" for c, p in (("a", 0), ("b", 5), ("c", 10))]
            if qtype == "number":
                lines += ["        unit: percent", "        thresholds:", "          - {at_least: 10, points: 4}",
                          "          - {at_least: 30, points: 10}"]
            if k == 6:
                lines.append("        allow_na: true")
            if k in (3, 5) and earlier:
                target, ttype = earlier[k - 3]
                condition = {"yes_no": "equals: yes", "single_choice": "in: [b, c]", "number": "at_least: 20",
                             "multiple_choice": "includes: c", "text": "answered: true"}[ttype]
                lines.append(f"        when: {{question: {target}, {condition}}}")
            earlier.append((qid, qtype))
    return load("\n".join(lines) + "\n", "generated_env.yaml")


def the_framework(seed: int):
    try:
        from loomlight.calc.assessment.builtin import UnknownFramework, builtin

        return builtin("facility_env"), "facility_env (built-in)"
    except UnknownFramework:
        return generated_framework(seed), "a generated framework of facility_env's shape"


def synthetic_answers(framework, rng: random.Random) -> dict:
    """Answers as a facility gives them: most questions answered, some left open, some na."""
    out = {}
    for q in framework.questions.values():
        if rng.random() < 0.1:
            continue
        if q.allow_na and rng.random() < 0.2:
            out[q.id] = "na"
        elif q.type == "yes_no":
            out[q.id] = "yes" if rng.random() < 0.7 else "no"
        elif q.type == "single_choice":
            out[q.id] = rng.choice([c.code for c in q.choices])
        elif q.type == "multiple_choice":
            out[q.id] = ";".join(rng.sample([c.code for c in q.choices], rng.randint(1, len(q.choices))))
        elif q.type == "number":
            out[q.id] = f"{rng.uniform(0, 60):.1f}"
        elif q.type in ("text", "evidence"):
            out[q.id] = "see the file"
        elif q.type == "date":
            out[q.id] = "2026-06-30"
        elif q.type == "table":
            out[q.id] = []
    return out


# ---- (a) the straightforward per-answer loop (the reference) -----------------------------------------------------

def _applies(applies, subject) -> bool:
    if applies.subjects and subject.kind not in applies.subjects:
        return False
    if applies.processes:
        wanted = set()
        for name in applies.processes:
            wanted |= PROCESS_GROUPS.get(name, {name})
        return bool(wanted & set(subject.processes))
    return True


def straightforward(framework, answers: dict, subject) -> tuple:
    """(total, [(section percent, level reached)], level reached): the rules of score.py in one plain loop."""
    level_weights = dict(framework.level_weights)
    open_questions, section_rows, total_rows = {}, [], []
    for section in framework.sections:
        sums = {lv: [0.0, 0.0] for lv in LEVELS}
        rows = []
        for q in section.questions:
            value = answers.get(q.id)
            if not _applies(section.applies_to, subject) or not _applies(q.applies_to, subject):
                open_questions[q.id] = False
                continue
            if q.when is not None:
                seen = answers.get(q.when.question)
                op, expected = q.when.op, q.when.value
                met = open_questions[q.when.question] and seen is not None and seen != "na" and (
                    op == "answered" or (op == "equals" and seen == expected) or (op == "in" and seen in expected)
                    or (op == "includes" and expected in seen) or (op == "at_least" and seen >= expected)
                    or (op == "at_most" and seen <= expected))
                if not met:
                    open_questions[q.id] = False
                    continue
            open_questions[q.id] = True
            if value == "na" or q.points <= 0:
                continue
            if value is None:
                earned = 0.0
            elif q.type == "yes_no":
                earned = q.points if value == "yes" else 0.0
            elif q.type == "single_choice":
                earned = next(c.points for c in q.choices if c.code == value)
            elif q.type == "multiple_choice":
                earned = sum(c.points for c in q.choices if c.code in value)
            elif q.type == "number":
                earned = max((t.points for t in q.thresholds
                              if (value >= t.bound if q.direction == "at_least" else value <= t.bound)), default=0.0)
            elif q.type == "table":
                earned = q.points if value else 0.0
            else:
                earned = q.points
            sums[q.level][0] += earned
            sums[q.level][1] += q.points
            rows.append((q.level, earned, q.points))
        if framework.level_gating and any(e < p for lv, e, p in rows if lv == "foundational"):
            for lv in LEVELS[1:]:
                sums[lv][0] = 0.0
        present = [lv for lv in LEVELS if sums[lv][1] > 0]
        weight_sum = sum(level_weights[lv] for lv in present)
        percent = sum(sums[lv][0] * (level_weights[lv] / weight_sum / sums[lv][1] * 100.0) for lv in present) if present else None
        section_rows.append((section.weight, percent, _reached(rows)))
        total_rows.extend(rows)
    counted = [(w, p) for w, p, _ in section_rows if p is not None]
    weight = sum(w for w, _ in counted)
    total = sum(w * p for w, p in counted) / weight if weight else None
    return total, [(p, r) for _, p, r in section_rows], _reached(total_rows)


def _reached(rows):
    reached = None
    for level in LEVELS:
        mine = [(e, p) for lv, e, p in rows if lv == level]
        if not mine:
            continue
        if any(e < p for e, p in mine):
            break
        reached = level
    return reached


def _same(x, y) -> bool:
    return (x is None and y is None) or (x is not None and y is not None and abs(x - y) <= 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    framework, name = the_framework(args.seed)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    work = [(rng.choice(SUBJECTS), check_answers(framework, synthetic_answers(framework, rng))) for _ in range(args.n)]
    made = time.perf_counter() - t0
    print(f"{args.n:,} submitted assessments of {name}: {len(framework.sections)} sections, "
          f"{len(framework.questions)} questions, {sum(q.when is not None for q in framework.questions.values())} "
          f"with when:; {len(SUBJECTS)} process mixes; answers normalised in {made:.2f} s (not timed below)")

    def run_a():
        return [straightforward(framework, answers, subject) for subject, answers in work]

    def run_b():
        return [score(framework, answers, subject, gains=False) for subject, answers in work]

    def run_c():
        plans, out = {}, []
        for subject, answers in work:   # one plan per subject, the answer sets scored in the order given
            plan = plans.get(subject)
            if plan is None:
                plan = plans[subject] = compile_plan(framework, subject)
            out.extend(rescore(plan, [answers]))
        return out

    def run_c_grouped():
        groups: dict = {}
        for i, (subject, answers) in enumerate(work):
            groups.setdefault(subject, []).append((i, answers))
        out = [None] * len(work)
        for subject, items in groups.items():
            for (i, _), figures in zip(items, rescore(compile_plan(framework, subject), [a for _, a in items])):
                out[i] = figures
        return out

    times, results = {}, {}
    for label, fn in (("a", run_a), ("b", run_b), ("c", run_c), ("c2", run_c_grouped)):
        best = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            results[label] = fn()
            took = time.perf_counter() - started
            best = took if best is None else min(best, took)
        times[label] = best

    mismatches = 0
    for a, b, c, c2 in zip(results["a"], results["b"], results["c"], results["c2"]):
        total, sections, level = a
        ok = (_same(c.percent, total) and _same(c.percent, b.percent) and c == c2
              and c.level_reached == level == b.level_reached
              and all(_same(cs.percent, ap) and _same(cs.percent, bs.percent) and cs.level_reached == ar == bs.level_reached
                      for cs, (ap, ar), bs in zip(c.sections, sections, b.sections)))
        mismatches += not ok
    scored = [c.percent for c in results["c"] if c.percent is not None]
    print(f"mean total {sum(scored) / len(scored):.2f} %; (c) equals (a) and (b) to 1e-9 in "
          f"{args.n - mismatches:,} of {args.n:,} assessments")
    print(f"\n{'way (best of ' + str(args.repeat) + ')':<58} {'seconds':>8} {'µs each':>8} {'vs (a)':>7}")
    for label, words in (("a", "(a) straightforward per-answer loop (the reference)"),
                         ("b", "(b) score(..., gains=False) per assessment"),
                         ("c", "(c) batch: compile per subject, rescore one by one"),
                         ("c2", "(c) batch: grouped by subject, one rescore per group")):
        print(f"{words:<58} {times[label]:8.3f} {times[label] / args.n * 1e6:8.1f} {times['a'] / times[label]:6.2f}×")
    target = 2.0 * args.n / 10_000
    print(f"\ntarget: {args.n:,} under {target:.1f} s: {'met' if times['c'] < target else 'NOT met'} ({times['c']:.3f} s)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
