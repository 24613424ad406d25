"""Load, normalise and validate a framework file into its immutable tree.

    framework = load(text, file="facility-env.yaml")     # FrameworkInvalid with every error, or a Framework

Pure: the caller reads the file; this module parses text. The steps:
1. **parse** (PyYAML's safe loader, with the line of every mapping, key and list item kept; duplicate keys and
   anchors/aliases refused),
2. **normalise** (a plain string is English text; numbers become floats; process groups stay as written),
3. **validate** (every error collected, each with its code, file and line),
4. **build** the frozen tree (``tree.Framework``).
The schema is written down in ``loomlight.calc.assessment``'s docstring and docs/frameworks.md.
"""

from __future__ import annotations

import math
import re

import yaml

from loomlight.calc.assessment.errors import Code, FrameworkError, FrameworkInvalid
from loomlight.calc.assessment.tree import (
    COLUMN_TYPES, DATA_SOURCES, DEFAULT_LEVEL_GATING, DEFAULT_LEVEL_WEIGHTS, KINDS, LANGUAGES, LEVELS, PROCESS_GROUPS,
    PROCESSES, QUESTION_TYPES, RISKS, SCHEMES, SUBJECTS, Applicability, Band, Choice, Column, Condition, Framework,
    Mapping, Outcome, Question, Section, Text, Threshold,
)
from loomlight.calc.assessment.tree import DIMENSIONLESS
from loomlight.calc.units import UnitError, parse_unit

MAX_BYTES = 2_000_000
MAX_DEPTH = 32   # a framework needs 8 (sections > questions > columns > choices > a choice's label)
ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
MAX_ID = 64
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")

TOP_KEYS = {"id", "version", "kind", "title", "guidance", "scoring", "sections"}
SECTION_KEYS = {"id", "title", "guidance", "weight", "applies_to", "questions"}
QUESTION_KEYS = {"id", "type", "text", "guidance", "level", "points", "choices", "unit", "thresholds", "columns",
                 "allow_na", "evidence", "applies_to", "when", "maps_to", "from_data", "allow_negative",
                 "risk", "bands", "mitigation"}
TYPE_KEYS = {"choices": {"single_choice", "multiple_choice"}, "unit": {"number"}, "thresholds": {"number"},
             "columns": {"table"}, "from_data": {"number"}, "allow_negative": {"number"},
             "risk": {"yes_no"}, "bands": {"number"}}
CHOICE_KEYS = {"code", "label", "points"}
#: The keys of a risk framework (``kind: risk``) and those of a scored one: each is refused in the other kind.
RISK_KEYS = {"question": ("risk", "bands", "mitigation"), "choice": ("risk", "reason", "mitigation", "knockout")}
SCORE_KEYS = {"top": ("scoring",), "section": ("weight",), "question": ("level", "points", "thresholds"),
              "choice": ("points",)}
OUTCOME_KEYS = {"risk", "reason", "mitigation", "knockout"}
CONDITION_OPS = {"equals": {"yes_no", "single_choice"}, "in": {"single_choice"}, "includes": {"multiple_choice"},
                 "at_least": {"number"}, "at_most": {"number"}, "answered": set(QUESTION_TYPES)}


# ---- 1. parse, keeping lines ---------------------------------------------------------------------------------

class LDict(dict):
    line = 0
    key_lines: dict


class LList(list):
    line = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with constructors of its own (registered below), so that the global SafeLoader is left
    as it was."""


def _construct_mapping(loader, node):
    data = LDict()
    data.line, data.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            loader.problems.append((Code.WRONG_TYPE, line, "a key must be a plain word"))
            continue
        if key in data:
            loader.problems.append((Code.DUPLICATE_KEY, line, f"the key “{key}” appears twice in this mapping (first on line {data.key_lines[key]})"))
            continue
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
    return data


def _construct_sequence(loader, node):
    data = LList(loader.construct_object(child, deep=True) for child in node.value)
    data.line, data.item_lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
    return data


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse(text: str, file: str) -> tuple[object, list[FrameworkError]]:
    """The YAML document as LDict/LList/scalars, with the parse errors (then the document is None)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, [FrameworkError(Code.TOO_LARGE, file, 0, f"the file is larger than {MAX_BYTES:,} bytes")]
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return None, [FrameworkError(Code.YAML_SYNTAX, file, event.start_mark.line + 1,
                                                 f"the lists and mappings are nested more than {MAX_DEPTH} deep")]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None, [FrameworkError(Code.ALIAS, file, event.start_mark.line + 1,
                                             "anchors (&) and aliases (*) are not allowed: write each question out")]
        loader = _Loader(text)
        loader.problems = []
        try:
            document = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, [FrameworkError(Code.YAML_SYNTAX, file, mark.line + 1 if mark else 0,
                                     f"not valid YAML: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [FrameworkError(Code.YAML_SYNTAX, file, 0, f"not valid YAML: {exc}")]
    except RecursionError:
        return None, [FrameworkError(Code.YAML_SYNTAX, file, 0, "not valid here: the lists and mappings are nested too deeply")]
    return document, [FrameworkError(code, file, line, message) for code, line, message in loader.problems]


# ---- 2-4. normalise, validate, build ---------------------------------------------------------------------------

class _Checker:
    def __init__(self, file: str):
        self.file = file
        self.errors: list[FrameworkError] = []
        self.kind = "scored"
        self.outcome_lines: dict[int, int] = {}   # id(Outcome) -> its line, for the mitigation check

    def error(self, code: Code, line: int, message: str) -> None:
        self.errors.append(FrameworkError(code, self.file, line, message))

    # -- helpers: each returns a normalised value, or None after recording an error
    def mapping(self, value, line: int, what: str) -> LDict | None:
        if isinstance(value, LDict):
            return value
        self.error(Code.WRONG_TYPE, line, f"{what} must be a mapping of keys to values, not {_kind(value)}")
        return None

    def keys(self, data: LDict, allowed: set, required: set, what: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(Code.UNKNOWN_KEY, data.key_lines[key],
                           f"unknown key “{key}” in {what}; the keys are {', '.join(sorted(allowed))}")
        for key in sorted(required - set(data)):
            self.error(Code.MISSING_KEY, data.line, f"{what} has no “{key}”")

    def line_of(self, data: LDict, key: str) -> int:
        return data.key_lines.get(key, data.line)

    def identifier(self, value, line: int, what: str) -> str | None:
        if not isinstance(value, str) or not ID.match(value) or len(value) > MAX_ID:
            self.error(Code.BAD_ID, line, f"{what} “{value}” must be lower-case letters, digits and _ (parts joined "
                                          f"by dots), starting with a letter, at most {MAX_ID} characters")
            return None
        return value

    def text(self, value, line: int, what: str, required: bool = True) -> Text:
        if value is None:
            if required:
                self.error(Code.MISSING_KEY, line, f"{what} is missing")
            return ()
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict):
            self.error(Code.BAD_TEXT, line, f"{what} must be text, or a mapping of languages ({', '.join(LANGUAGES)}) to text")
            return ()
        out = []
        for language, words in value.items():
            at = value.key_lines.get(language, line) if isinstance(value, LDict) else line
            if language not in LANGUAGES:
                self.error(Code.BAD_TEXT, at, f"unknown language “{language}” in {what}; the languages are {', '.join(LANGUAGES)}")
            elif not isinstance(words, str) or not words.strip():
                self.error(Code.BAD_TEXT, at, f"{what} in “{language}” must be non-empty text")
        if not isinstance(value.get("en"), str) or not value.get("en", "").strip():
            if "en" not in value:
                self.error(Code.BAD_TEXT, line, f"{what} has no English (en) text")
            return ()
        for language in LANGUAGES:
            words = value.get(language)
            if isinstance(words, str) and words.strip():
                out.append((language, " ".join(words.split()) if "\n" not in words.strip() else words.strip()))
        return tuple(out)

    def number(self, value, line: int, what: str, code: Code, positive: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.error(code, line, f"{what} must be a number, not {_kind(value)}")
            return None
        if value < 0 or (positive and value == 0):
            self.error(code, line, f"{what} must be {'more than' if positive else 'at least'} 0, not {value:g}")
            return None
        return float(value)

    def flag(self, value, line: int, what: str) -> bool:
        if not isinstance(value, bool):
            self.error(Code.WRONG_TYPE, line, f"{what} must be true or false, not {_kind(value)}")
            return False
        return value

    def items(self, value, line: int, what: str) -> list[tuple[object, int]]:
        if isinstance(value, LList):
            return list(zip(value, value.item_lines))
        self.error(Code.WRONG_TYPE, line, f"{what} must be a list, not {_kind(value)}")
        return []

    def refuse_other_kind(self, data: LDict, where: str, what: str) -> None:
        """NOT_IN_RISK for a scored framework's keys in a risk framework, NOT_IN_SCORED for the reverse."""
        if self.kind == "risk":
            for key in SCORE_KEYS.get(where, ()):
                if key in data:
                    self.error(Code.NOT_IN_RISK, self.line_of(data, key),
                               f"a risk framework takes no {key} ({what}): its answers rate risks (risk, bands), they earn no points")
        else:
            for key in RISK_KEYS.get(where, ()):
                if key in data:
                    self.error(Code.NOT_IN_SCORED, self.line_of(data, key),
                               f"{key} belongs to a risk framework ({what}): write kind: risk at the top, or give points instead")

    def outcome(self, data: LDict, what: str) -> Outcome | None:
        """The outcome written on a choice, a band or a yes_no answer's mapping (keys risk, reason, mitigation,
        knockout); None after an error or when ``risk`` is absent."""
        if "risk" not in data:
            for key in ("reason", "mitigation", "knockout"):
                if key in data:
                    self.error(Code.BAD_RISK, self.line_of(data, key), f"{what} has a {key} but no risk: write risk: low, medium or high")
            return None
        rating = data["risk"]
        if rating not in RISKS:
            self.error(Code.BAD_RISK, self.line_of(data, "risk"), f"the risk of {what} must be one of {', '.join(RISKS)}, not {_kind(rating)}")
            return None
        reason = self.text(data.get("reason"), self.line_of(data, "reason"), f"the reason of {what}", required=False)
        mitigation = self.text(data.get("mitigation"), self.line_of(data, "mitigation"), f"the mitigation of {what}", required=False)
        knockout = self.flag(data["knockout"], self.line_of(data, "knockout"), f"knockout of {what}") if "knockout" in data else False
        if knockout and rating != "high":
            self.error(Code.BAD_RISK, self.line_of(data, "knockout"), f"a knock-out rates high: {what} is rated {rating}")
        return Outcome(risk=rating, reason=reason, mitigation=mitigation, knockout=knockout)

    def yes_no_outcomes(self, value, line: int, qid: str) -> tuple[tuple[str, Outcome], ...]:
        data = self.mapping(value, line, f"the risk of “{qid}”")
        if data is None:
            return ()
        found, given_for = {}, set()
        for key in data:
            answer = {True: "yes", False: "no"}[key] if isinstance(key, bool) else key   # YAML 1.1 reads yes/no as booleans
            at = data.key_lines[key]
            given_for.add(answer)
            if answer not in ("yes", "no"):
                self.error(Code.BAD_RISK, at, f"the risk of the yes/no question “{qid}” is given for yes and no, not for {_kind(key)}")
                continue
            given = data[key]
            if isinstance(given, LDict):
                self.keys(given, OUTCOME_KEYS, {"risk"}, f"the risk of “{qid}” answered {answer}")
                outcome = self.outcome(given, f"“{qid}” answered {answer}")
            else:
                holder = LDict(risk=given)
                holder.line, holder.key_lines = at, {"risk": at}
                outcome = self.outcome(holder, f"“{qid}” answered {answer}")
            if outcome is not None:
                found[answer] = (outcome, at)
        for answer in ("yes", "no"):
            if answer not in given_for:
                self.error(Code.BAD_RISK, data.line, f"the risk of “{qid}” has no rating for {answer}: write risk: {{yes: ..., no: ...}}")
        self.outcome_lines.update({id(o): at for o, at in found.values()})
        return tuple(sorted((answer, o) for answer, (o, at) in found.items()))

    def bands(self, value, line: int, qid: str) -> tuple[Band, ...]:
        out, entries = [], self.items(value, line, f"the bands of “{qid}”")
        if isinstance(value, LList) and not entries:
            self.error(Code.BAD_RISK, line, f"the bands of “{qid}” are empty")
        for number, (item, at) in enumerate(entries, start=1):
            data = self.mapping(item, at, "a band")
            if data is None:
                continue
            self.keys(data, {"at_most", *OUTCOME_KEYS}, {"risk"}, f"a band of “{qid}”")
            last = number == len(entries)
            bound = None
            if "at_most" in data:
                raw = data["at_most"]
                if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                    self.error(Code.BAD_RISK, self.line_of(data, "at_most"), f"at_most of a band of “{qid}” must be a number, not {_kind(raw)}")
                    continue
                bound = float(raw)
                if last:
                    self.error(Code.BAD_RISK, self.line_of(data, "at_most"), f"the last band of “{qid}” has no at_most: it rates every larger number")
                elif out and out[-1].at_most is not None and bound <= out[-1].at_most:
                    self.error(Code.BAD_RISK, self.line_of(data, "at_most"), f"the bands of “{qid}” rise: at_most {bound:g} follows {out[-1].at_most:g}")
            elif not last:
                self.error(Code.BAD_RISK, at, f"a band of “{qid}” other than the last needs at_most")
                continue
            outcome = self.outcome(data, f"a band of “{qid}”")
            if outcome is not None:
                self.outcome_lines[id(outcome)] = at
                out.append(Band(at_most=bound, outcome=outcome))
        return tuple(out)

    # -- the tree
    def framework(self, doc) -> Framework | None:
        if doc is None:
            self.error(Code.WRONG_TYPE, 1, "the file is empty: a framework starts with id, version, title and sections")
            return None
        top = self.mapping(doc, 1, "the framework")
        if top is None:
            return None
        self.keys(top, TOP_KEYS, {"id", "version", "title", "sections"}, "the framework")
        self.kind = top.get("kind", "scored")
        if self.kind not in KINDS:
            self.error(Code.BAD_KIND, self.line_of(top, "kind"), f"the kind must be one of {', '.join(KINDS)}, not {_kind(self.kind)}")
            self.kind = "scored"
        self.refuse_other_kind(top, "top", "the framework")
        fid = self.identifier(top.get("id"), self.line_of(top, "id"), "the framework id") if "id" in top else None
        version = top.get("version")
        if "version" in top and (not isinstance(version, str) or not VERSION.match(version)):
            self.error(Code.BAD_VERSION, self.line_of(top, "version"),
                       f"the version must be text such as \"2026.1\" (in quotes, so YAML does not read a number), up to 32 letters, digits, . _ -; not {version!r}")
            version = None
        title = self.text(top.get("title"), self.line_of(top, "title"), "the framework's title") if "title" in top else ()
        guidance = self.text(top.get("guidance"), self.line_of(top, "guidance"), "the framework's guidance", required=False)
        level_weights, gating = self.scoring(top.get("scoring") if self.kind == "scored" else None, self.line_of(top, "scoring"))
        self.seen_questions: dict[str, Question] = {}
        sections, section_ids = [], {}
        if "sections" in top:
            entries = self.items(top["sections"], self.line_of(top, "sections"), "sections")
            if not entries and isinstance(top["sections"], LList):
                self.error(Code.MISSING_KEY, self.line_of(top, "sections"), "a framework has at least one section")
            for entry, line in entries:
                section = self.section(entry, line, section_ids)
                if section is not None:
                    sections.append(section)
        if self.errors or fid is None or version is None or not title:
            return None
        return Framework(id=fid, version=version, title=title, guidance=guidance, level_weights=level_weights,
                         level_gating=gating, sections=tuple(sections), kind=self.kind)

    def scoring(self, value, line: int) -> tuple[tuple[tuple[str, float], ...], bool]:
        weights, gating = dict(DEFAULT_LEVEL_WEIGHTS), DEFAULT_LEVEL_GATING
        if value is not None:
            data = self.mapping(value, line, "scoring")
            if data is not None:
                self.keys(data, {"level_weights", "level_gating"}, set(), "scoring")
                if "level_weights" in data:
                    given = self.mapping(data["level_weights"], self.line_of(data, "level_weights"), "scoring.level_weights")
                    if given is not None:
                        for level in given:
                            if level not in LEVELS:
                                self.error(Code.UNKNOWN_LEVEL, given.key_lines[level], f"unknown level “{level}”; the levels are {', '.join(LEVELS)}")
                        missing = [lv for lv in LEVELS if lv not in given]
                        if missing:
                            self.error(Code.BAD_SCORING, given.line, f"scoring.level_weights must give every level; missing {', '.join(missing)}")
                        for level in LEVELS:
                            if level in given:
                                number = self.number(given[level], given.key_lines[level], f"the weight of {level}", Code.BAD_WEIGHT, positive=True)
                                if number is not None:
                                    weights[level] = number
                if "level_gating" in data:
                    gating = self.flag(data["level_gating"], self.line_of(data, "level_gating"), "scoring.level_gating")
        return tuple((level, weights[level]) for level in LEVELS), gating

    def applicability(self, value, line: int, what: str) -> Applicability:
        if value is None:
            return Applicability()
        data = self.mapping(value, line, f"{what}'s applies_to")
        if data is None:
            return Applicability()
        self.keys(data, {"subjects", "processes"}, set(), f"{what}'s applies_to")
        found = {}
        for key, allowed in (("subjects", SUBJECTS), ("processes", PROCESSES + tuple(PROCESS_GROUPS))):
            names = []
            for name, at in self.items(data[key], self.line_of(data, key), f"applies_to.{key}") if key in data else []:
                if name not in allowed:
                    noun = "subject kind" if key == "subjects" else "process"
                    self.error(Code.BAD_APPLICABILITY, at, f"unknown {noun} “{name}” in {what}; write one of {', '.join(allowed)}")
                elif name not in names:
                    names.append(name)
            found[key] = tuple(sorted(names))
        return Applicability(subjects=found.get("subjects", ()), processes=found.get("processes", ()))

    def section(self, entry, line: int, section_ids: dict) -> Section | None:
        data = self.mapping(entry, line, "a section")
        if data is None:
            return None
        self.keys(data, SECTION_KEYS, {"id", "title", "questions"}, "a section")
        sid = self.identifier(data.get("id"), self.line_of(data, "id"), "the section id") if "id" in data else None
        if sid is not None:
            if sid in section_ids:
                self.error(Code.DUPLICATE_ID, self.line_of(data, "id"), f"the section id “{sid}” is used twice (first on line {section_ids[sid]})")
            section_ids[sid] = self.line_of(data, "id")
        what = f"section “{sid or '?'}”"
        title = self.text(data.get("title"), self.line_of(data, "title"), f"the title of {what}") if "title" in data else ()
        guidance = self.text(data.get("guidance"), self.line_of(data, "guidance"), f"the guidance of {what}", required=False)
        weight = 1.0
        self.refuse_other_kind(data, "section", what)
        if "weight" in data and self.kind == "scored":
            weight = self.number(data["weight"], self.line_of(data, "weight"), f"the weight of {what}", Code.BAD_WEIGHT, positive=True) or 1.0
        applies = self.applicability(data.get("applies_to"), self.line_of(data, "applies_to"), what)
        questions = []
        if "questions" in data:
            entries = self.items(data["questions"], self.line_of(data, "questions"), f"the questions of {what}")
            if not entries and isinstance(data["questions"], LList):
                self.error(Code.MISSING_KEY, self.line_of(data, "questions"), f"{what} has no questions")
            for item, at in entries:
                question = self.question(item, at, sid or "?")
                if question is not None:
                    questions.append(question)
        if sid is None:
            return None
        return Section(id=sid, title=title, guidance=guidance, weight=weight, applies_to=applies, questions=tuple(questions))

    def choices(self, value, line: int, what: str, rated: bool = False) -> tuple[Choice, ...]:
        """``rated``: a question's choices (not a column's), where a risk framework's choice may carry an outcome."""
        out, codes = [], {}
        entries = self.items(value, line, f"the choices of {what}")
        for item, at in entries:
            data = self.mapping(item, at, "a choice")
            if data is None:
                continue
            allowed = CHOICE_KEYS | (set(RISK_KEYS["choice"]) if rated else set())
            self.keys(data, allowed, {"code", "label"}, f"a choice of {what}")
            if rated:
                self.refuse_other_kind(data, "choice", f"a choice of {what}")
            code = data.get("code")
            if isinstance(code, (int, float)) and not isinstance(code, bool):
                code = str(code)   # `code: 1` is the code "1"
            if not isinstance(code, str) or not re.match(r"^[A-Za-z0-9_-]{1,32}$", code) or code.lower() == "na":
                if "code" in data:
                    self.error(Code.BAD_CHOICES, self.line_of(data, "code"), f"a choice code of {what} must be 1-32 letters, digits, _ or - (and not “na”), not {code!r}")
                continue
            if code in codes:
                self.error(Code.BAD_CHOICES, self.line_of(data, "code"), f"the choice code “{code}” of {what} is used twice (first on line {codes[code]})")
                continue
            codes[code] = self.line_of(data, "code")
            label = self.text(data.get("label"), self.line_of(data, "label"), f"the label of choice “{code}”") if "label" in data else ()
            points, outcome = 0.0, None
            if "points" in data and (self.kind == "scored" or not rated):
                points = self.number(data["points"], self.line_of(data, "points"), f"the points of choice “{code}”", Code.BAD_POINTS) or 0.0
            if rated and self.kind == "risk":
                outcome = self.outcome(data, f"the choice “{code}” of {what}")
                if outcome is not None:
                    self.outcome_lines[id(outcome)] = self.line_of(data, "risk")
            out.append(Choice(code=code, label=label, points=points, outcome=outcome))
        if isinstance(value, LList) and len(entries) < 2:
            self.error(Code.BAD_CHOICES, line, f"{what} needs at least two choices")
        return tuple(out)

    def thresholds(self, value, line: int, what: str) -> tuple[str | None, tuple[Threshold, ...]]:
        ops, out = set(), []
        for item, at in self.items(value, line, f"the thresholds of {what}"):
            data = self.mapping(item, at, "a threshold")
            if data is None:
                continue
            self.keys(data, {"at_least", "at_most", "points"}, {"points"}, f"a threshold of {what}")
            given = [op for op in ("at_least", "at_most") if op in data]
            if len(given) != 1:
                self.error(Code.BAD_THRESHOLDS, at, f"a threshold of {what} has one of at_least or at_most")
                continue
            bound = data[given[0]]
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                self.error(Code.BAD_THRESHOLDS, self.line_of(data, given[0]), f"{given[0]} of {what} must be a number, not {_kind(bound)}")
                continue
            points = self.number(data.get("points"), self.line_of(data, "points"), f"the points of a threshold of {what}", Code.BAD_POINTS) if "points" in data else None
            if points is None:
                continue
            ops.add(given[0])
            out.append(Threshold(bound=float(bound), points=points))
        if len(ops) > 1:
            self.error(Code.BAD_THRESHOLDS, line, f"the thresholds of {what} mix at_least and at_most: use one direction")
            return None, ()
        direction = ops.pop() if ops else None
        out.sort(key=lambda t: t.bound, reverse=direction == "at_most")
        # a stricter bound must not earn fewer points, or a better number would score less
        for weaker, stricter in zip(out, out[1:]):
            if stricter.points < weaker.points:
                self.error(Code.BAD_THRESHOLDS, line, f"the thresholds of {what} give fewer points ({stricter.points:g}) for {direction.replace('_', ' ')} {stricter.bound:g} than for {weaker.bound:g} ({weaker.points:g})")
                break
        if len({t.bound for t in out}) != len(out):
            self.error(Code.BAD_THRESHOLDS, line, f"the thresholds of {what} repeat a bound")
        return direction, tuple(out)

    def unit(self, value, line: int, what: str) -> str | None:
        if not isinstance(value, str):
            self.error(Code.BAD_UNIT, line, f"the unit of {what} must be text such as m3 or kWh, not {_kind(value)}")
            return None
        if value.strip() in DIMENSIONLESS:
            return DIMENSIONLESS[value.strip()]
        try:
            parse_unit(value)
        except UnitError as exc:
            self.error(Code.BAD_UNIT, line, f"the unit of {what}: {exc}")
            return None
        return value.strip()

    def columns(self, value, line: int, what: str) -> tuple[Column, ...]:
        out, ids = [], set()
        entries = self.items(value, line, f"the columns of {what}")
        if isinstance(value, LList) and not entries:
            self.error(Code.BAD_COLUMNS, line, f"the table {what} has no columns")
        for item, at in entries:
            data = self.mapping(item, at, "a column")
            if data is None:
                continue
            self.keys(data, {"id", "type", "label", "choices", "unit"}, {"id", "type", "label"}, f"a column of {what}")
            cid = self.identifier(data.get("id"), self.line_of(data, "id"), "the column id") if "id" in data else None
            if cid in ids:
                self.error(Code.BAD_COLUMNS, self.line_of(data, "id"), f"the column id “{cid}” of {what} is used twice")
            ids.add(cid)
            ctype = data.get("type")
            if "type" in data and ctype not in COLUMN_TYPES:
                self.error(Code.BAD_COLUMNS, self.line_of(data, "type"), f"a column of {what} has type “{ctype}”; a column's type is one of {', '.join(COLUMN_TYPES)}")
                continue
            label = self.text(data.get("label"), self.line_of(data, "label"), f"the label of column “{cid}”") if "label" in data else ()
            choices, unit = (), None
            if ctype in ("single_choice", "multiple_choice"):
                if "choices" not in data:
                    self.error(Code.BAD_CHOICES, data.line, f"the {ctype} column “{cid}” has no choices")
                else:
                    choices = self.choices(data["choices"], self.line_of(data, "choices"), f"column “{cid}”")
            elif "choices" in data:
                self.error(Code.BAD_CHOICES, self.line_of(data, "choices"), f"the {ctype} column “{cid}” takes no choices")
            if ctype == "number":
                if "unit" not in data:
                    self.error(Code.BAD_UNIT, data.line, f"the number column “{cid}” has no unit (write unit: 1 for a plain count)")
                else:
                    unit = self.unit(data["unit"], self.line_of(data, "unit"), f"column “{cid}”")
            elif "unit" in data:
                self.error(Code.BAD_UNIT, self.line_of(data, "unit"), f"the {ctype} column “{cid}” takes no unit")
            if cid and ctype:
                out.append(Column(id=cid, type=ctype, label=label, choices=choices, unit=unit))
        return tuple(out)

    def condition(self, value, line: int, qid: str) -> Condition | None:
        data = self.mapping(value, line, f"the when of “{qid}”")
        if data is None:
            return None
        ops = [k for k in data if k in CONDITION_OPS]
        self.keys(data, {"question", *CONDITION_OPS}, {"question"}, f"the when of “{qid}”")
        if len(ops) != 1:
            self.error(Code.BAD_WHEN_CONDITION, data.line, f"the when of “{qid}” has exactly one of {', '.join(CONDITION_OPS)}")
            return None
        target_id, op = data.get("question"), ops[0]
        target = self.seen_questions.get(target_id) if isinstance(target_id, str) else None
        at = self.line_of(data, "question")
        if target_id == qid:
            self.error(Code.BAD_WHEN_TARGET, at, f"the when of “{qid}” names the question itself")
            return None
        if target is None:
            self.error(Code.BAD_WHEN_TARGET, at, f"the when of “{qid}” names “{target_id}”, which is not a question before it: a condition looks back at an earlier answer")
            return None
        if target.type not in CONDITION_OPS[op]:
            self.error(Code.BAD_WHEN_CONDITION, self.line_of(data, op), f"the when of “{qid}” uses {op} on “{target_id}”, a {target.type} question; {op} fits {', '.join(sorted(CONDITION_OPS[op]))}")
            return None
        raw, at = data[op], self.line_of(data, op)
        codes = {c.code for c in target.choices}
        if op == "answered":
            if raw is not True:
                self.error(Code.BAD_WHEN_CONDITION, at, f"the when of “{qid}”: write answered: true")
                return None
            return Condition(target_id, op, True)
        if op in ("at_least", "at_most"):
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                self.error(Code.BAD_WHEN_CONDITION, at, f"the when of “{qid}”: {op} must be a number in {target.unit}")
                return None
            return Condition(target_id, op, float(raw))
        if target.type == "yes_no":
            if raw not in (True, False, "yes", "no"):
                self.error(Code.BAD_WHEN_CONDITION, at, f"the when of “{qid}”: “{target_id}” is answered yes or no, not {raw!r}")
                return None
            return Condition(target_id, op, "yes" if raw in (True, "yes") else "no")
        values = [str(v) for v in raw] if op == "in" and isinstance(raw, list) else [str(raw)]
        if op == "in" and not isinstance(raw, list):
            self.error(Code.BAD_WHEN_CONDITION, at, f"the when of “{qid}”: in takes a list of choice codes")
            return None
        unknown = [v for v in values if v not in codes]
        if unknown:
            self.error(Code.BAD_WHEN_CONDITION, at, f"the when of “{qid}” names the choice {', '.join(unknown)}, which “{target_id}” does not have; its codes are {', '.join(sorted(codes))}")
            return None
        return Condition(target_id, op, tuple(sorted(values)) if op == "in" else values[0])

    def mappings(self, value, line: int, qid: str) -> tuple[Mapping, ...]:
        out = []
        for item, at in self.items(value, line, f"the maps_to of “{qid}”"):
            data = self.mapping(item, at, "a mapping")
            if data is None:
                continue
            self.keys(data, {"scheme", "ref"}, {"scheme", "ref"}, f"a mapping of “{qid}”")
            scheme, ref = data.get("scheme"), data.get("ref")
            if "scheme" in data and scheme not in SCHEMES:
                self.error(Code.UNKNOWN_SCHEME, self.line_of(data, "scheme"), f"unknown scheme “{scheme}” in the maps_to of “{qid}”; the schemes are {', '.join(SCHEMES)}")
                continue
            if isinstance(ref, (int, float)) and not isinstance(ref, bool):
                ref = str(ref)
            if "ref" in data and (not isinstance(ref, str) or not ref.strip()):
                self.error(Code.WRONG_TYPE, self.line_of(data, "ref"), f"the ref of a mapping of “{qid}” must be text such as \"WAT-1.2\"")
                continue
            if scheme and ref:
                out.append(Mapping(scheme=scheme, ref=ref.strip()))
        return tuple(sorted(set(out), key=lambda m: (m.scheme, m.ref)))

    def question(self, entry, line: int, section_id: str) -> Question | None:
        data = self.mapping(entry, line, "a question")
        if data is None:
            return None
        self.keys(data, QUESTION_KEYS, {"id", "type", "text", "level"} - ({"level"} if self.kind == "risk" else set()), "a question")
        qid = self.identifier(data.get("id"), self.line_of(data, "id"), "the question id") if "id" in data else None
        name = qid or "?"
        if qid is not None and qid in self.seen_questions:
            self.error(Code.DUPLICATE_ID, self.line_of(data, "id"), f"the question id “{qid}” is used twice (first on line {self.seen_questions[qid].line})")
            qid = None
        qtype = data.get("type")
        if "type" in data and qtype not in QUESTION_TYPES:
            self.error(Code.UNKNOWN_QUESTION_TYPE, self.line_of(data, "type"), f"unknown question type “{qtype}” in “{name}”; the types are {', '.join(QUESTION_TYPES)}")
            qtype = None
        self.refuse_other_kind(data, "question", f"“{name}”")
        for key, types in TYPE_KEYS.items():
            if key in data and qtype is not None and qtype not in types and (key, self.kind) not in (
                    ("risk", "scored"), ("bands", "scored"), ("thresholds", "risk")):
                self.error(Code.UNKNOWN_KEY, self.line_of(data, key), f"a {qtype} question takes no {key} (“{name}”); {key} belongs to {', '.join(sorted(types))}")
        text = self.text(data.get("text"), self.line_of(data, "text"), f"the text of “{name}”") if "text" in data else ()
        guidance = self.text(data.get("guidance"), self.line_of(data, "guidance"), f"the guidance of “{name}”", required=False)
        level = data.get("level") if self.kind == "scored" else ""
        if "level" in data and self.kind == "scored" and level not in LEVELS:
            self.error(Code.UNKNOWN_LEVEL, self.line_of(data, "level"), f"unknown level “{level}” in “{name}”; the levels are {', '.join(LEVELS)}")
        choices, unit, direction, thresholds, columns = (), None, None, (), ()
        if qtype in ("single_choice", "multiple_choice"):
            if "choices" not in data:
                self.error(Code.BAD_CHOICES, data.line, f"the {qtype} question “{name}” has no choices")
            else:
                choices = self.choices(data["choices"], self.line_of(data, "choices"), f"“{name}”", rated=True)
        if qtype == "number":
            if "unit" not in data:
                self.error(Code.BAD_UNIT, data.line, f"the number question “{name}” has no unit (write unit: 1 for a plain count)")
            else:
                unit = self.unit(data["unit"], self.line_of(data, "unit"), f"“{name}”")
            if "thresholds" in data and self.kind == "scored":
                direction, thresholds = self.thresholds(data["thresholds"], self.line_of(data, "thresholds"), f"“{name}”")
        if qtype == "table":
            if "columns" not in data:
                self.error(Code.BAD_COLUMNS, data.line, f"the table question “{name}” has no columns")
            else:
                columns = self.columns(data["columns"], self.line_of(data, "columns"), f"“{name}”")
        # points: the most the question can earn
        points = None
        if "points" in data and self.kind == "scored":
            points = self.number(data["points"], self.line_of(data, "points"), f"the points of “{name}”", Code.BAD_POINTS)
        if qtype in ("single_choice", "multiple_choice", "number") and "points" in data and points is not None:
            self.error(Code.BAD_POINTS, self.line_of(data, "points"), f"a {qtype} question earns the points of its {'thresholds' if qtype == 'number' else 'choices'}: remove points from “{name}”")
        if qtype == "single_choice":
            points = max((c.points for c in choices), default=0.0)
        elif qtype == "multiple_choice":
            points = sum(c.points for c in choices)
        elif qtype == "number":
            points = max((t.points for t in thresholds), default=0.0)
        allow_na = self.flag(data["allow_na"], self.line_of(data, "allow_na"), f"allow_na of “{name}”") if "allow_na" in data else False
        evidence_required, evidence = self.evidence(data.get("evidence"), self.line_of(data, "evidence"), name) if "evidence" in data else (False, ())
        applies = self.applicability(data.get("applies_to"), self.line_of(data, "applies_to"), f"“{name}”")
        when = self.condition(data["when"], self.line_of(data, "when"), name) if "when" in data and qid else None
        maps_to = self.mappings(data["maps_to"], self.line_of(data, "maps_to"), name) if "maps_to" in data else ()
        allow_negative = (self.flag(data["allow_negative"], self.line_of(data, "allow_negative"), f"allow_negative of “{name}”")
                          if "allow_negative" in data and qtype == "number" else False)
        from_data = (self.data_source(data["from_data"], self.line_of(data, "from_data"), name, unit, applies)
                     if "from_data" in data and qtype == "number" else None)
        outcomes, bands, mitigation = (), (), ()
        if self.kind == "risk":
            outcomes, bands, mitigation = self.risk_spec(data, qtype, name, choices)
        if qid is None or qtype is None or (self.kind == "scored" and level not in LEVELS) or not text:
            return None
        question = Question(id=qid, section=section_id, type=qtype, text=text, guidance=guidance, level=level,
                            points=points or 0.0, choices=choices, unit=unit, direction=direction,
                            thresholds=thresholds, columns=columns, allow_na=allow_na,
                            evidence_required=evidence_required, evidence=evidence, applies_to=applies, when=when,
                            maps_to=maps_to, from_data=from_data, allow_negative=allow_negative,
                            outcomes=outcomes, bands=bands, mitigation=mitigation, line=line)
        self.seen_questions[qid] = question
        return question

    def risk_spec(self, data: LDict, qtype: str | None, qid: str, choices: tuple[Choice, ...]):
        """(yes_no outcomes, number bands, the question's mitigation) of a risk framework's question; every choice
        rated or none; a medium or high outcome needs a mitigation, its own or the question's."""
        outcomes = self.yes_no_outcomes(data["risk"], self.line_of(data, "risk"), qid) if "risk" in data and qtype == "yes_no" else ()
        bands = self.bands(data["bands"], self.line_of(data, "bands"), qid) if "bands" in data and qtype == "number" else ()
        mitigation = self.text(data.get("mitigation"), self.line_of(data, "mitigation"), f"the mitigation of “{qid}”", required=False)
        rated_choices = [c for c in choices if c.outcome is not None]
        if rated_choices and len(rated_choices) != len(choices):
            unrated = ", ".join(c.code for c in choices if c.outcome is None)
            self.error(Code.BAD_RISK, self.line_of(data, "choices"), f"every choice of “{qid}” is rated once one is: give {unrated} a risk")
        every = list(o for _, o in outcomes) + [b.outcome for b in bands] + [c.outcome for c in rated_choices]
        if "mitigation" in data and not every:
            self.error(Code.BAD_RISK, self.line_of(data, "mitigation"), f"“{qid}” rates no risk, so it takes no mitigation")
        if not mitigation:
            for outcome in every:
                if outcome.risk in ("medium", "high") and not outcome.mitigation:
                    self.error(Code.NO_MITIGATION, self.outcome_lines.get(id(outcome), data.line),
                               f"a {outcome.risk} risk of “{qid}” has no mitigation: write one on the outcome or on the question")
        return outcomes, bands, mitigation

    def data_source(self, value, line: int, qid: str, unit: str | None, applies: Applicability) -> str | None:
        if not isinstance(value, str) or value not in DATA_SOURCES:
            self.error(Code.BAD_DATA_SOURCE, line, f"unknown data source {_kind(value)} in “{qid}”; the sources are {', '.join(DATA_SOURCES)}")
            return None
        wanted_unit, subjects = DATA_SOURCES[value]
        if unit is not None and unit != wanted_unit:
            self.error(Code.BAD_DATA_SOURCE, line, f"“{qid}” is answered from {value}, which is in {wanted_unit}: write unit: {wanted_unit}")
            return None
        if applies.subjects and not set(applies.subjects) <= set(subjects):
            self.error(Code.BAD_DATA_SOURCE, line, f"{value} is known only for {', '.join(subjects)}, not for every subject “{qid}” applies to")
            return None
        return value

    def evidence(self, value, line: int, qid: str) -> tuple[bool, Text]:
        data = self.mapping(value, line, f"the evidence of “{qid}”")
        if data is None:
            return False, ()
        self.keys(data, {"required", "description"}, {"description"}, f"the evidence of “{qid}”")
        required = self.flag(data["required"], self.line_of(data, "required"), f"evidence.required of “{qid}”") if "required" in data else False
        description = self.text(data.get("description"), self.line_of(data, "description"), f"the evidence description of “{qid}”") if "description" in data else ()
        return required, description


def _kind(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text “{value[:40]}”"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def load(text: str, file: str = "<framework>") -> Framework:
    """The framework in ``text`` (YAML) as an immutable tree; FrameworkInvalid with every error otherwise."""
    document, errors = parse(text, file)
    if errors and document is None:
        raise FrameworkInvalid(errors)
    checker = _Checker(file)
    checker.errors.extend(errors)
    framework = checker.framework(document)
    if checker.errors or framework is None:
        raise FrameworkInvalid(checker.errors or [FrameworkError(Code.MISSING_KEY, file, 1, "the framework is incomplete")])
    object.__setattr__(framework, "source", file)
    return framework


def validate(text: str, file: str = "<framework>") -> list[FrameworkError]:
    """Every error of the framework in ``text``; an empty list when it is valid."""
    try:
        load(text, file)
    except FrameworkInvalid as exc:
        return exc.errors
    return []
