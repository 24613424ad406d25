"""Engines for the portfolio tests: DuckDB always; Spark (local mode) and PostgreSQL when present.

scripts/test.sh installs Java, the 'spark' extra and a PostgreSQL server, and sets
LOOMLIGHT_ENGINES_REQUIRED=1 with LOOMLIGHT_ANALYTICS_PG_URL: there a missing engine fails the run
instead of skipping its tests.
"""

from __future__ import annotations

import os
import shutil

import pytest

from loomlight.analytics import engines

REQUIRED = os.environ.get("LOOMLIGHT_ENGINES_REQUIRED") == "1"


def _unavailable(why: str):
    if REQUIRED:
        pytest.fail(f"{why} (LOOMLIGHT_ENGINES_REQUIRED=1)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def duckdb_engine():
    return engines.connect("duckdb", threads=2)


@pytest.fixture(scope="session")
def spark_engine():
    if shutil.which("java") is None:
        _unavailable("no Java: the Spark engine needs Java 17 (Debian's openjdk-17-jre-headless)")
    import importlib.util
    if importlib.util.find_spec("pyspark") is None:
        _unavailable("pyspark is not installed (the 'spark' extra)")
    session = engines.spark_session(2)
    session.sparkContext.setLogLevel("ERROR")
    yield engines.connect("spark", session=session)
    session.stop()


@pytest.fixture(scope="session")
def postgres_engine():
    url = os.environ.get("LOOMLIGHT_ANALYTICS_PG_URL")
    if not url:
        _unavailable("LOOMLIGHT_ANALYTICS_PG_URL is not set: no PostgreSQL server for the analytics engine")
    return engines.connect("postgres", url=url)
