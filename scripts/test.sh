#!/usr/bin/env bash
# Runs every test: installs what the tests need (Debian's PostgreSQL, Chromium,
# Java for Spark, gettext, fonts, Pango and HarfBuzz for WeasyPrint; the Python
# package with its test and spark extras in .venv), then the whole suite on SQLite and again on PostgreSQL. The
# portfolio-engine tests (tests/analytics: DuckDB, Spark, PostgreSQL) use no
# Django database and run once, in the first pass. Ends with pytest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
[ -d /usr/share/fonts/truetype/khmeros ] || need+=(fonts-khmeros)
[ -d /usr/share/fonts/truetype/tlwg ] || need+=(fonts-thai-tlwg)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
libs=$(/sbin/ldconfig -p)   # WeasyPrint (PDF scorecards) loads Pango and HarfBuzz's subsetter
grep -q 'libpango-1.0.so.0 ' <<<"$libs" || need+=(libpango-1.0-0)
grep -q 'libpangoft2-1.0.so.0 ' <<<"$libs" || need+=(libpangoft2-1.0-0)
grep -q 'libharfbuzz-subset.so.0 ' <<<"$libs" || need+=(libharfbuzz-subset0)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

source scripts/lib.sh
pip_install -e '.[test,spark]'

export CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium)}
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -q)

PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
PGDATA=$(mktemp -d /tmp/loomlight-pg.XXXXXX)
PGPORT=${LOOMLIGHT_TEST_PGPORT:-54329}
PGRUN=(env)
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGDATA"
  PGRUN=(runuser -u postgres --)
fi
"${PGRUN[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${PGRUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -w -l "$PGDATA/server.log" start >/dev/null
stop_pg() { "${PGRUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap stop_pg EXIT

echo "== pass 1: SQLite (and the portfolio engines: DuckDB, Spark, PostgreSQL)"
set +e
env -u DATABASE_URL LOOMLIGHT_ENGINES_REQUIRED=1 \
  LOOMLIGHT_ANALYTICS_PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres" "${PYTEST[@]}" "$@"
sqlite_rc=$?
set -e

echo "== pass 2: PostgreSQL"
set +e
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/loomlight" "${PYTEST[@]}" --ignore=tests/analytics "$@"
pg_rc=$?
set -e

if [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED: SQLite pass exit $sqlite_rc, PostgreSQL pass exit $pg_rc" >&2
  exit 1
fi
