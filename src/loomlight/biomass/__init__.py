"""Sustainable biomass (issue 19): the fuel-switch analysis, the guideline catalogue, the first screening.

The pure part (no Django, usable by the analysts' command): ``document.py`` (the INPUT.json of
``loomlight biomass switch``, checked by JSON path, evaluated with ``calc.biomass`` and ``calc.ghg``) and ``cli.py``
(the command). The Django app (suppliers, chains, streams, screenings) lives beside them.
"""
