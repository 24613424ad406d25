"""Interventions (issue 18): business cases of ESG measures at a facility.

``avoided`` (avoided emissions through the accounting engine's own factors), ``document`` (the INPUT.json of
``loomlight case``, parsed and evaluated with ``calc.finance`` and ``calc.uncertainty``) and ``cli`` (the command)
are pure: they import no Django, so the analysts' command runs without a database. The Django app of this package
(its models, views and services) is written beside them and uses ``document.evaluate_document`` for its figures.
"""
