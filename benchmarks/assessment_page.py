"""The score page of one assessment among many, and re-scoring every submitted assessment from the database.

    .venv/bin/python benchmarks/assessment_page.py [--assessments 10000] [--repeat 7]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL), a programme of N facilities in 20
parks (seeded), each with a verified 2025 cycle of the built-in facility environmental framework whose answers
are drawn at random (about 50 per assessment, bulk inserted as the platform stores them), and times:

1. the score page (``assessments:detail``) of one assessment, as its facility's manager (the answer form) and as
   the programme's assessor (the verified score with the peers' percentile over N - 1 peers): median and worst
   over the repeats, and the queries of each (issue 17 point 12: under 200 ms; the count is pinned in
   tests/assessments/test_pages.py);
2. re-scoring all N assessments from the database: the answers read in one query (``values_list``), grouped by
   assessment, and scored with ``calc.assessment.batch`` against one compiled plan per subject; beside it the
   same answers scored with ``score`` one by one, in the same run; and ``services.assessments_rescore``, which reads
   the one document of scored answers each assessment keeps (``Assessment.scored_answers``) and writes what changed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time

os.environ.setdefault("LOOMLIGHT_ENV", "test")
os.environ.setdefault("LOOMLIGHT_DATA_DIR", tempfile.mkdtemp(prefix="loomlight-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
os.environ.setdefault("LOOMLIGHT_ALLOWED_HOSTS", "testserver")

PROCESS_MIXES = [["dyeing", "finishing"], ["cut_make_trim"], ["knitting", "dyeing"], ["laundry", "cut_make_trim"]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from loomlight.assessments.models import Answer, Assessment
    from loomlight.assessments.services import _stored, builtin_framework
    from loomlight.calc import assessment as calc
    from loomlight.calc.assessment.batch import compile_plan, rescore
    from loomlight.demo.assessments import _answer
    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark, Membership

    call_command("migrate", "--no-input", "--verbosity", "0")
    rng = random.Random(20261201)
    started = time.perf_counter()
    version = builtin_framework("facility_env")
    tree = version.tree()
    parks = IndustrialPark.objects.bulk_create(IndustrialPark(name=f"Park {i:02d}", country="VN") for i in range(20))
    facilities = Facility.objects.bulk_create(
        (Facility(name=f"Facility {i:06d}", country="VN", tier=2, park=parks[i % 20], processes=PROCESS_MIXES[i % 4],
                  headcount_female=300 + i % 900, headcount_male=200) for i in range(args.assessments)), batch_size=2000)
    programme = Programme.objects.create(name="Bench", code="bench")
    programme.parks.add(*parks)
    user_model = get_user_model()
    assessor = user_model.objects.create_user("assessor", password="bench-password-1")
    manager = user_model.objects.create_user("manager", password="bench-password-1")
    Membership.objects.create(user=assessor, role="assessor", programme=programme)
    Membership.objects.create(user=manager, role="facility_manager", facility=facilities[0])
    plans = {}
    assessments, answers = [], []
    for i, facility in enumerate(facilities):
        maturity = rng.uniform(0.3, 0.95)
        raw = {}
        for q in tree.questions.values():
            value = _answer(q, min(0.98, maturity + (0.35 if q.level == "foundational" else 0)), rng, 2025)
            if value is not None:
                raw[q.id] = value
        normal = calc.check_answers(tree, raw)
        subject = calc.Subject("facility", tuple(facility.processes))
        result = calc.score(tree, raw, subject, gains=False)
        assessments.append(Assessment(framework=version, framework_code=version.framework_id, facility=facility, year=2025,
                                      status="verified", percent=result.percent, level_reached=result.level_reached or "",
                                      section_scores={s.section: s.percent for s in result.sections if s.counted},
                                      scored_answers={qid: _stored(v) for qid, v in normal.items()},
                                      verified_by=assessor, submitted_by=manager))
        answers.append({qid: _stored(v) for qid, v in normal.items()})
        plans.setdefault(subject, None)
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    Answer.objects.bulk_create((Answer(assessment=a, question=q, value=v, verification="accepted")
                                for a, values in zip(assessments, answers, strict=True) for q, v in values.items()),
                               batch_size=5000)
    built = time.perf_counter() - started
    count = Answer.objects.count()
    print(f"built {len(assessments):,} verified assessments of {version} with {count:,} answers in {built:.1f} s "
          f"({connection.vendor})")

    # 1. the score page
    target = assessments[0]
    url = reverse("assessments:detail", args=[target.pk])
    print(f"\nthe score page of one assessment ({len(tree.questions)} questions), {args.repeat} requests each")
    print(f"{'reader':<44}{'median ms':>10}{'worst ms':>10}{'queries':>9}{'KB':>7}")
    for label, who in (("the facility's manager (answer form)", manager), ("the programme's assessor (with peers)", assessor)):
        client = Client()
        client.force_login(who)
        client.get(url)   # warm: the framework's tree is loaded once per process
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"{label:<44}{statistics.median(times):>10.1f}{max(times):>10.1f}{len(queries):>9}{len(response.content) / 1024:>7.0f}")

    # 2. re-scoring every assessment from the database: the service (one document of scored answers per assessment)
    from loomlight.assessments.services import assessments_rescore

    t = time.perf_counter()
    changed = assessments_rescore(Assessment.objects.filter(status="verified"))
    service_s = time.perf_counter() - t
    print(f"\nassessments_rescore of {len(assessments):,} assessments (read, batch, write what changed: {changed:,}): {service_s:.3f} s")
    # the same from the answers' rows, for comparison
    def read():
        grouped: dict[int, dict] = {}
        for assessment_id, question, value in Answer.objects.values_list("assessment_id", "question", "value").iterator(chunk_size=20000):
            grouped.setdefault(assessment_id, {})[question] = value
        return grouped

    def stored_to_normal(value):
        if isinstance(value, list):
            if value and isinstance(value[0], list):
                return tuple(tuple(tuple(cell) for cell in row) for row in value)
            return tuple(value)
        return value

    subjects = {a.pk: calc.Subject("facility", tuple(facilities[i].processes)) for i, a in enumerate(assessments)}
    t = time.perf_counter()
    grouped = read()
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    compiled = {s: compile_plan(tree, s) for s in set(subjects.values())}
    by_subject: dict = {}
    for assessment_id, values in grouped.items():
        by_subject.setdefault(subjects[assessment_id], []).append({q: stored_to_normal(v) for q, v in values.items()})
    totals = [r.percent for s, sets in by_subject.items() for r in rescore(compiled[s], sets)]
    batch_s = time.perf_counter() - t
    t = time.perf_counter()
    one_by_one = [calc.score(tree, {q: (dict_rows(v) if isinstance(v, list) and v and isinstance(v[0], list) else v)
                                    for q, v in values.items()}, subjects[aid], gains=False).percent
                  for aid, values in grouped.items()]
    score_s = time.perf_counter() - t
    stored = {a.pk: a.percent for a in Assessment.objects.only("percent")}
    agree = sum(1 for aid, p in zip(grouped, one_by_one, strict=True) if abs((p or 0) - (stored[aid] or 0)) < 1e-9)
    print(f"\nre-scoring {len(grouped):,} assessments from the database ({count:,} answers)")
    print(f"  read the answers (one query, grouped)      {read_s:7.3f} s")
    print(f"  batch (compile per subject, rescore)       {batch_s:7.3f} s   read + batch {read_s + batch_s:.3f} s")
    print(f"  score(..., gains=False) one by one         {score_s:7.3f} s   read + score {read_s + score_s:.3f} s")
    print(f"  totals of batch: {len(totals):,}; score agrees with the stored score in {agree:,} of {len(grouped):,}")
    return 0


def dict_rows(value):
    return [dict(row) for row in value]


if __name__ == "__main__":
    sys.exit(main())
