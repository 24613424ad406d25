#!/usr/bin/env bash
# Builds and starts the demo: a virtual environment in .venv, the package, an
# embedded SQLite database under var/demo with the demo programme, served at
# http://127.0.0.1:8000 (pass --port N to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
pip_install() {  # quiet unless it fails; then its output, and stop
  local log; log=$(mktemp)
  if ! .venv/bin/python -m pip install -q "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
  rm -f "$log"
}
pip_install --upgrade pip
pip_install -e .
exec .venv/bin/loomlight demo "$@"
