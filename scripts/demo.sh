#!/usr/bin/env bash
# Builds and starts the demo: a virtual environment in .venv, the package, an
# embedded SQLite database under var/demo with the demo programme, served at
# http://127.0.0.1:8000 (pass --port N to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
exec .venv/bin/loomlight demo "$@"
