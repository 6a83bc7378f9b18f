"""The one place a finding's severity is decided.

Detectors only propose: a rule that fired and its evidence. `SeverityPolicy.decide` turns a
proposal into the reported severity (or None: not reported). The default table is the severity
policy the README documents; a calibrated policy (a fitted model over `Proposal.evidence`) replaces
this object, not the detectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Mapping

from auditor.detect.base import Proposal
from auditor.domain import Severity

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR

# Rule -> severity, as the README's severity table states it: a falsified fact (who, how many,
# whether) is critical; changed, lost, added or broken content major; a change that keeps the
# meaning minor.
DEFAULT_SEVERITIES: Mapping[str, Severity | None] = MappingProxyType({
    "name.respelled": CRITICAL,  # a different name falsifies who is meant
    "name.respelled.recurring": CRITICAL,  # the same misspelling again, elsewhere
    "name.variant": MINOR,  # a romanisation variant (Alexei / Alexey) names the same person
    "name.variant.recurring": MINOR,
    "name.two_spellings": MAJOR,  # one of two spellings in the candidate is wrong, but which is unknown
    "number.changed": CRITICAL,
    "number.added": CRITICAL,
    "number.missing": CRITICAL,
    "negation.lost": CRITICAL,
    "negation.added": CRITICAL,
    "meaning.modality": MAJOR,
    "meaning.entity": MAJOR,
    "meaning.modifier": MAJOR,
    "meaning.model": MAJOR,  # the model says putting the reference words back moves the meaning
    "wording.model": MINOR,  # ... and says it does not
    "wording.hedge": MINOR,
    "addition.clause": MAJOR,  # several content words added
    "addition.detail": MINOR,  # one or two
    "addition.sentence": MAJOR,
    "omission.clause": MAJOR,
    "omission.detail": MINOR,
    "omission.sentence": MAJOR,
    "omission.cut_off": MAJOR,
    "garble.fragment": MAJOR,
    "garble.mid_clause": MAJOR,
    "garble.cut_off": MAJOR,
    "garble.stray_stop": MAJOR,
    "garble.broken_possessive": MAJOR,
    "garble.doubled": MINOR,
    "garble.merged": MINOR,
    "terminology.forbidden": MAJOR,  # the glossary entry's own severity wins (see decide)
    "terminology.required": MAJOR,
})


@dataclass(frozen=True)
class SeverityPolicy:
    """Rule -> severity; a rule mapped to None is not reported. A severity the project configured
    (a glossary entry's) is its own decision and wins over the table."""

    table: Mapping[str, Severity | None] = field(default_factory=lambda: DEFAULT_SEVERITIES)

    def __post_init__(self) -> None:
        table = {rule: None if sev is None else Severity(sev) for rule, sev in self.table.items()}
        object.__setattr__(self, "table", MappingProxyType(table))

    def __reduce__(self):
        return SeverityPolicy, (dict(self.table),)  # a mapping proxy does not pickle; batch workers need it

    def decide(self, proposal: Proposal) -> Severity | None:
        if proposal.configured is not None:
            return proposal.configured
        try:
            return self.table[proposal.rule]
        except KeyError:
            raise KeyError(f"the severity policy has no entry for rule {proposal.rule!r}") from None

    def replaced(self, changes: Mapping[str, Severity | str | None]) -> SeverityPolicy:
        """This policy with the severities of some rules changed (None: those rules are not reported)."""
        return SeverityPolicy({**self.table, **changes})

    def settings(self, rules: Iterable[str]) -> dict[str, str | None]:
        """The severities of `rules` as plain strings, keys sorted: part of a run's signature."""
        return {rule: None if self.table.get(rule) is None else self.table[rule].value for rule in sorted(rules)}
