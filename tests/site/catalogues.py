"""A translation catalogue made for one test: a language's words for new messages, before the shipped catalogues
have them (the project's translators add them; tests of the mechanism must not wait)."""

from __future__ import annotations

import polib


def install(settings, tmp_path, language: str, entries: dict) -> None:
    """Compile ``entries`` ({msgid: msgstr} or {(context, msgid): msgstr}) for ``language`` and put them first in
    LOCALE_PATHS: Django merges its catalogues, the earlier path winning, so every other message stays as shipped.
    The settings fixture restores LOCALE_PATHS after the test, and Django then drops its cached catalogues."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language, "Plural-Forms": "nplurals=1; plural=0;"}
    for key, msgstr in entries.items():
        context, msgid = key if isinstance(key, tuple) else (None, key)
        po.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr))
    folder = tmp_path / "locale" / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale"), *settings.LOCALE_PATHS]
