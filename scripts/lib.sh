# Shared by scripts/demo.sh and scripts/test.sh: the project's virtual environment.
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
pip_install() {  # quiet unless it fails; then its output, and stop
  local log; log=$(mktemp)
  if ! .venv/bin/python -m pip install -q "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
  rm -f "$log"
}
pip_install --upgrade pip
