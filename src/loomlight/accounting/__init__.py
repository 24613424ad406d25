"""GHG inventories from activity data: the rules that join metrics, conversions and sourced
factors (``inventory.py``), and the analysts' command ``loomlight ghg`` (``cli.py``).
No Django: the command runs without a database."""
