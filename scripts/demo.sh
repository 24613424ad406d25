#!/usr/bin/env bash
# Builds and starts the demo: a virtual environment in .venv, the package, an
# embedded SQLite database under var/demo with the demo programme, served at
# http://127.0.0.1:8000 (pass --port N to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
pip_install -e .
exec .venv/bin/loomlight demo "$@"
