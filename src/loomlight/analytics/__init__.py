"""Portfolio analytics: GHG inventories, resource KPIs and their aggregations over many facilities.

Expressed once, as Ibis table expressions (``portfolio.py``), and run on the engine the
deployment chooses (``engines.py``): DuckDB in-process by default, Spark for a cluster,
PostgreSQL on the application's own database. The per-metric coefficients and the grid
factors come from the shipped reference data (``coefficients.py``), so every number is
the same as the per-facility calculation in ``loomlight.calc.ghg`` (tests/analytics prove
both). No Django here.
"""
