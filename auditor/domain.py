"""The words every stage shares: severities, categories, verdicts and gate levels.

String-valued enums, so the JSON contract is the plain strings it always was, and one place
defines each value and each default.
"""

from __future__ import annotations

from enum import Enum


class TextEnum(str, Enum):
    """An enum whose members are their string values wherever they are printed or serialised."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @classmethod
    def parse(cls, value: str | TextEnum, what: str) -> TextEnum:
        """`value` as a member, or a ValueError that names `what` and every valid choice."""
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise ValueError(f"{what} must be one of {choices}, not {value!r}") from None


class Severity(TextEnum):
    """How bad a finding is, most severe first (the order of the members is the order of reports)."""

    CRITICAL = "critical"  # a fact is falsified: a respelled name, a flipped polarity, a changed numeral
    MAJOR = "major"  # the meaning changed, or content was lost, added or broken
    MINOR = "minor"  # a rewording that keeps the meaning

    @property
    def rank(self) -> int:
        """0 for critical, larger for milder: sort keys and gate comparisons use it."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, threshold: Severity) -> bool:
        """Whether this severity is `threshold` or worse."""
        return self.rank <= threshold.rank


_SEVERITY_ORDER = tuple(Severity)
SEVERITIES: tuple[Severity, ...] = _SEVERITY_ORDER


class FailOn(TextEnum):
    """The lowest severity that fails the gate (--fail-on); `never` reports only."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    NEVER = "never"

    def fails(self, severity: Severity | str) -> bool:
        """Whether a finding of `severity` fails a gate set to this level (at or above it)."""
        return self is not FailOn.NEVER and Severity(severity).at_least(Severity(self.value))


# The default gate does not fail on one finding: on real translations a single major (or critical)
# finding is in nearly every document, the best-rated included. It fails on the document score
# (below the policy's fitted minimum: verdict/score.py) and on coverage instead (README, "Default gate").
DEFAULT_FAIL_ON = FailOn.NEVER


class Category(TextEnum):
    """What kind of problem a finding is."""

    NAME = "name"
    NUMBER = "number"
    NEGATION = "negation"
    MEANING = "meaning"
    ADDITION = "addition"
    OMISSION = "omission"
    GARBLE = "garble"
    WORDING = "wording"
    TERMINOLOGY = "terminology"

    @property
    def description(self) -> str:
        """What the category means, for outputs that describe their rules (SARIF)."""
        return _CATEGORY_DESCRIPTIONS[self]


_CATEGORY_DESCRIPTIONS = {
    Category.NAME: "A proper noun is spelled differently from the reference, or two ways in the candidate.",
    Category.NUMBER: "A number, amount or number word changed, added or dropped.",
    Category.NEGATION: "A negation was lost or added: the candidate says the opposite.",
    Category.MEANING: "A phrase was replaced or inserted in a way that changes what is claimed.",
    Category.ADDITION: "Content with no counterpart in the reference.",
    Category.OMISSION: "Content of the reference missing from the candidate.",
    Category.GARBLE: "Broken text: a dangling fragment, a cut-off sentence, merged or doubled words.",
    Category.WORDING: "A rewording that keeps the meaning.",
    Category.TERMINOLOGY: "A glossary term is not rendered as the project's glossary requires.",
}


class Verdict(TextEnum):
    """The document-level outcome of one comparison."""

    PASS = "pass"  # every sentence of both sides aligned and the gate passed
    INCOMPLETE = "incomplete"  # the gate passed on what was checked, but some text has no counterpart
    FAIL = "fail"  # the gate failed
    NOT_COUNTERPARTS = "not_counterparts"  # the documents are not translations of one another


__all__ = ["DEFAULT_FAIL_ON", "SEVERITIES", "Category", "FailOn", "Severity", "TextEnum", "Verdict"]
