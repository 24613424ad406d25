"""Where the portfolio expressions run: DuckDB in-process (the default), Spark, PostgreSQL.

``connect`` gives an Ibis backend; ``compute`` runs the inventory (and, if asked, a rollup) on
tables given as Arrow, on any of them. The expressions in ``portfolio.py`` do not change with
the engine: Ibis compiles them to each engine's SQL.

- DuckDB: no server, columnar and vectorised; what a programme of tens of thousands of
  facilities needs on one machine (docs/performance.md).
- Spark: for portfolios beyond one machine. ``connect("spark")`` starts a local session
  (``local[N]``), as CI does; pass ``session=`` to use a cluster's. Needs Java 17 and the
  ``spark`` extra.
- PostgreSQL: the application's own database server (``url=``), for deployments that keep
  analytics next to the data.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from loomlight.analytics import coefficients, portfolio
from loomlight.reference import ghg_factors

ENGINES = ("duckdb", "spark", "postgres")
DEFAULT = "duckdb"


class EngineError(RuntimeError):
    """The engine cannot be used here (not installed, no Java, bad URL): the message says why."""


def connect(engine: str = DEFAULT, *, database: str = ":memory:", threads: int | None = None, url: str | None = None,
            session=None):
    """An Ibis backend for ``engine``."""
    if engine == "duckdb":
        options = {"threads": threads} if threads else {}
        return ibis.duckdb.connect(database, **options)
    if engine == "spark":
        return ibis.pyspark.connect(session or spark_session(threads or os.cpu_count() or 1))
    if engine == "postgres":
        if not url:
            raise EngineError("the postgres engine needs url=postgresql://user:password@host:port/database")
        return ibis.connect(url.replace("postgresql://", "postgres://", 1))
    raise EngineError(f"unknown engine {engine!r}; one of {ENGINES}")


def spark_session(cores: int = 2):
    """A local Spark session for tests and single-machine runs: no UI, UTC, few shuffle partitions."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError("the spark engine needs the 'spark' extra: pip install 'loomlight[spark]'") from None
    return (SparkSession.builder.master(f"local[{cores}]").appName("loomlight")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", str(max(2, cores)))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate())


def grid_pairs(facilities: pa.Table, years: Iterable[int]) -> list[tuple[str, int]]:
    countries = sorted(set(facilities.column("country").to_pylist()))
    return [(country, year) for country in countries for year in years]


def activity_years(activity: pa.Table) -> range:
    if activity.num_rows == 0:
        return range(0)
    bounds = pc.min_max(activity.column("period"))
    return range(bounds["min"].as_py().year, bounds["max"].as_py().year + 1)


def inputs(activity: pa.Table, facilities: pa.Table, gwp_set: str = ghg_factors.DEFAULT_GWP) -> dict[str, pa.Table]:
    """The four input tables of ``portfolio.inventory`` as Arrow."""
    return {
        "activity": activity, "facilities": facilities,
        "metrics": coefficients.metric_table(gwp_set),
        "grid": coefficients.grid_table(grid_pairs(facilities, activity_years(activity))),
    }


def compute(con, activity: pa.Table, facilities: pa.Table, *, gwp_set: str = ghg_factors.DEFAULT_GWP,
            by: Iterable[str] | None = None, grain: str | None = None, dims: pa.Table | None = None) -> pa.Table:
    """The per-facility-month inventory of ``activity`` on backend ``con``; with ``grain``, its rollup
    by ``by`` (columns of ``dims``, which defaults to ``facilities``)."""
    tables = {name: ibis.memtable(table) for name, table in inputs(activity, facilities, gwp_set).items()}
    expr = portfolio.inventory(tables["activity"], tables["facilities"], tables["metrics"], tables["grid"])
    if grain is not None:
        dimension = ibis.memtable(dims if dims is not None else facilities)
        expr = portfolio.rollup(expr, tuple(by or ()), grain=grain, dims=dimension)
    return con.to_pyarrow(expr)
