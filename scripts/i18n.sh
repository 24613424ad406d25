#!/usr/bin/env bash
# Refresh the translation catalogues from the code and templates, then compile them.
# Needs gettext (Debian package `gettext`). Run after changing user-facing strings;
# tests/site/test_translations.py fails while a catalogue has gaps or a stale .mo.
set -euo pipefail
cd "$(dirname "$0")/../src/loomlight"
PY=${PYTHON:-../../.venv/bin/python}
export DJANGO_SETTINGS_MODULE=loomlight.site.settings LOOMLIGHT_ENV=development LOOMLIGHT_DATA_DIR=${TMPDIR:-/tmp}/loomlight-i18n
"$PY" -m django makemessages --no-location -l en -l vi -l km -l th --ignore 'demo/*' >/dev/null
"$PY" -m django makemessages --no-location -d djangojs -l en -l vi -l km -l th --ignore 'site/static/vendor/*' >/dev/null
"$PY" ../../scripts/add_data_strings.py
"$PY" -m django compilemessages >/dev/null
echo "catalogues refreshed and compiled"
