"""loomlight.calc must stay pure: importing it loads no Django (STYLE.md)."""

import pkgutil
import subprocess
import sys

import loomlight.calc


def test_importing_every_calc_module_loads_no_django():
    modules = [m.name for m in pkgutil.walk_packages(loomlight.calc.__path__, "loomlight.calc.")]
    assert modules, "calc has modules to check"
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
