"""A small seeded portfolio that touches every metric of the catalogue and every rule of the inventory."""

from __future__ import annotations

import datetime
import random

import pyarrow as pa

from loomlight.reference.metrics import metrics

COUNTRIES = ("VN", "KH", "TH", "ET", "KE", "BD", "IN", "FR")   # FR: no grid factor shipped


def portfolio(seed: int = 7, facilities: int = 24, months: int = 30):
    rng = random.Random(seed)
    codes = list(metrics())
    rows = []
    for f in range(1, facilities + 1):
        chosen = rng.sample(codes, 10) + ["electricity_grid"]
        for i in range(months):
            period = datetime.date(2022 + i // 12, i % 12 + 1, 1)
            for code in chosen:
                if rng.random() < 0.1:
                    continue                                   # a gap
                amount = 0.0 if rng.random() < 0.05 else round(rng.lognormvariate(5, 1.5), 3)
                if code in ("rec_irec", "rec_ppa") and f % 4 == 0:
                    amount *= 1000                              # more instruments than electricity purchased
                rows.append((f, period, code, amount))
    activity = pa.table({
        "facility_id": pa.array([r[0] for r in rows], pa.int64()),
        "period": pa.array([r[1] for r in rows], pa.date32()),
        "metric": pa.array([r[2] for r in rows], pa.string()),
        "amount": pa.array([r[3] for r in rows], pa.float64()),
    })
    facility_table = pa.table({
        "facility_id": pa.array(range(1, facilities + 1), pa.int64()),
        "country": [COUNTRIES[f % len(COUNTRIES)] for f in range(1, facilities + 1)],
        "park": [f"park {f % 3}" for f in range(1, facilities + 1)],
        "process": ["wet" if f % 2 else "dry" for f in range(1, facilities + 1)],
    })
    # programme membership: a bridge table (a facility may be in two programmes)
    programmes = pa.table({
        "facility_id": pa.array([f for f in range(1, facilities + 1)] + [f for f in range(1, facilities + 1, 5)], pa.int64()),
        "programme": ["MSMA" if f % 2 else "TEST" for f in range(1, facilities + 1)] + ["INSTEP"] * len(range(1, facilities + 1, 5)),
    })
    return activity, facility_table, programmes
