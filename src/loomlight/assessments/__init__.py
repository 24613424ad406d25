"""Assessments of facilities, shared facilities and industrial parks against frameworks as data (issue 17).

The frameworks and their scoring are pure (``loomlight.calc.assessment``); this app stores the framework
versions answered, the yearly cycles, the answers with their history, verification, actions and joint park
action plans, and reads what the platform already holds to answer questions from data.
"""
