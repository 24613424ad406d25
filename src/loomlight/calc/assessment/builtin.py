"""The frameworks the project ships, read from this package's ``frameworks/`` folder.

    builtin("facility_env")                 # the newest version
    builtin("facility_env", "2026.1")       # a named version
    builtin_versions() -> {"facility_env": ("2026.1",), ...}

A file is named ``<id>-<version>.yaml`` and its ``id`` and ``version`` keys must say the same (tests hold every
shipped file valid). The only module of ``loomlight.calc.assessment`` that reads files: package data, never the
network. Versions sort as dotted numbers ("2026.10" after "2026.9").
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from loomlight.calc.assessment.load import load
from loomlight.calc.assessment.tree import Framework

PACKAGE = "loomlight.calc.assessment.frameworks"


class UnknownFramework(LookupError):
    """No built-in framework of that id, or not in that version; the message names those there are."""


def _version_key(version: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in version.split("."))


def builtin_versions() -> dict[str, tuple[str, ...]]:
    """Built-in framework id -> its versions, oldest first."""
    found: dict[str, list[str]] = {}
    for entry in resources.files(PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".yaml") and "-" in name:
            framework_id, version = name.removesuffix(".yaml").split("-", 1)
            found.setdefault(framework_id, []).append(version)
    return {fid: tuple(sorted(versions, key=_version_key)) for fid, versions in sorted(found.items())}


def builtin_path(framework_id: str, version: str | None = None) -> str:
    versions = builtin_versions()
    if framework_id not in versions:
        raise UnknownFramework(f"no built-in framework “{framework_id}”; the built-in frameworks are {', '.join(versions) or 'none'}")
    if version is None:
        version = versions[framework_id][-1]
    elif version not in versions[framework_id]:
        raise UnknownFramework(f"{framework_id} has no version “{version}”; its versions are {', '.join(versions[framework_id])}")
    return f"{framework_id}-{version}.yaml"


@lru_cache(maxsize=32)
def _load(name: str) -> Framework:
    text = resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return load(text, name)


def builtin(framework_id: str, version: str | None = None) -> Framework:
    """A shipped framework version (the newest when ``version`` is None), loaded once per process."""
    return _load(builtin_path(framework_id, version))
