"""The demo programme: a deterministic, fictional programme for trying Loomlight.

``plan(seed)`` decides every record (pure, no database); ``load_demo(seed=...)``
writes that plan through the registry services, so the audit trail records it.
Nothing here names a real park, company or person.
"""
