#!/usr/bin/env bash
# Builds and starts the demo: a virtual environment in .venv, the package, an
# embedded SQLite database under var/demo with the demo programme, served at
# http://127.0.0.1:8000 (pass --port N to change it). Installs, when missing,
# the Debian packages PDF scorecards need: Pango and HarfBuzz for WeasyPrint,
# fonts for Vietnamese (DejaVu), Khmer and Thai.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
libs=$(/sbin/ldconfig -p)
grep -q 'libpango-1.0.so.0 ' <<<"$libs" || need+=(libpango-1.0-0)
grep -q 'libpangoft2-1.0.so.0 ' <<<"$libs" || need+=(libpangoft2-1.0-0)
grep -q 'libharfbuzz-subset.so.0 ' <<<"$libs" || need+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/khmeros ] || need+=(fonts-khmeros)
[ -d /usr/share/fonts/truetype/tlwg ] || need+=(fonts-thai-tlwg)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

source scripts/lib.sh
pip_install -e .
exec .venv/bin/loomlight demo "$@"
