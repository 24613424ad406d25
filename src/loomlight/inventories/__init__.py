"""Stored GHG inventories and resource KPIs per facility and month, recomputed in the
background when a facility's data or the shipped factors change; the emissions pages,
downloads and API built on them."""
