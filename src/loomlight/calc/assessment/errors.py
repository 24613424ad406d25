"""Coded errors of a framework file and of a set of answers.

A framework error names the file, the line and the problem; every error of a file is collected, so that an
author fixes them in one pass (pyxform's habit). The codes are stable: tests and the platform's messages in
the reader's language key on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    """Framework file errors. The value is the code printed; the name says what it means."""

    UNKNOWN_QUESTION_TYPE = "F001"
    MISSING_KEY = "F002"
    UNKNOWN_KEY = "F003"
    WRONG_TYPE = "F004"
    DUPLICATE_ID = "F005"
    BAD_ID = "F006"
    BAD_TEXT = "F007"            # a translated text: unknown language, or no English
    UNKNOWN_LEVEL = "F008"
    BAD_UNIT = "F009"
    BAD_CHOICES = "F010"
    BAD_POINTS = "F011"
    BAD_WHEN_TARGET = "F012"     # `when:` names an unknown question, a later one, or itself
    BAD_WHEN_CONDITION = "F013"  # `when:` does not fit the type of the question it names
    BAD_APPLICABILITY = "F014"
    UNKNOWN_SCHEME = "F015"      # a mapping to an external framework not in SCHEMES
    YAML_SYNTAX = "F016"
    BAD_WEIGHT = "F017"
    BAD_COLUMNS = "F018"
    BAD_THRESHOLDS = "F019"
    BAD_SCORING = "F020"
    BAD_VERSION = "F021"
    DUPLICATE_KEY = "F022"
    ALIAS = "F023"               # YAML anchors and aliases are refused: a framework is read as written
    TOO_LARGE = "F024"
    UNREADABLE = "F025"          # the file cannot be opened or is not UTF-8 (the CLI)
    BAD_DATA_SOURCE = "F026"     # `from_data:` unknown, on a question that is not a number, another unit or subject
    BAD_KIND = "F027"            # `kind:` is not scored or risk
    NOT_IN_RISK = "F028"         # points, levels, thresholds, weights or scoring in a risk framework
    NOT_IN_SCORED = "F029"       # risk, bands, reason, mitigation or knockout in a scored framework
    BAD_RISK = "F030"            # a risk spec: an unknown rating, an outcome missing, bad bands, on a type that takes none
    NO_MITIGATION = "F031"       # a medium or high outcome with no mitigation (on the outcome or the question)


@dataclass(frozen=True)
class FrameworkError:
    code: Code
    file: str
    line: int          # 1-based; 0 when the problem is the file as a whole
    message: str       # in English, naming the key and what to write instead

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.code.value} {self.message}"


class FrameworkInvalid(ValueError):
    """A framework file with one error or more; ``errors`` holds all of them in line order."""

    def __init__(self, errors: list[FrameworkError]):
        self.errors = sorted(errors, key=lambda e: (e.line, e.code.value))
        super().__init__("\n".join(str(e) for e in self.errors))


class WrongKind(ValueError):
    """A scored framework given where a risk framework is needed, or the other way round."""


class AnswerCode(StrEnum):
    UNKNOWN_QUESTION = "A001"
    BAD_VALUE = "A002"         # a value the question's type does not take
    UNKNOWN_CHOICE = "A003"
    NA_NOT_ALLOWED = "A004"
    BAD_NUMBER = "A005"        # not a number, negative, or a unit of the wrong dimension
    BAD_ROW = "A006"           # a table row with an unknown or bad column


@dataclass(frozen=True)
class AnswerError:
    code: AnswerCode
    question: str
    message: str

    def __str__(self) -> str:
        return f"{self.question}: {self.code.value} {self.message}"


class AnswersInvalid(ValueError):
    """Answers that cannot be scored; ``errors`` names every bad answer by its question id."""

    def __init__(self, errors: list[AnswerError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
