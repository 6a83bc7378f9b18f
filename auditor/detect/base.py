"""What every detector shares: the finding and proposal types, the comparison context and the
detector interface.

A detector proposes (`Proposal`: the rule that fired, its evidence, the spans it explains); it never
decides a severity, which is the `SeverityPolicy`'s one job (auditor/detect/policy.py), and it never
mutates the context: what it explains is handed on to the detectors after it by the runner.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Sequence

from auditor.domain import SEVERITIES, Category, Severity
from auditor.pipeline.align import Alignment
from auditor.pipeline.diff import GroupDiff
from auditor.pipeline.tokens import Token, tokenize
from auditor.pipeline.segment import Sentence, sentence_at

if TYPE_CHECKING:
    import numpy as np

    from auditor.detect.glossary import GlossaryEntry

FINGERPRINT_CONTEXT = 4  # words of the finding's sentence on each side that go into its fingerprint
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Located:
    """What was seen and where: the words on each side (spans and texts) and the alignment entry."""

    message: str
    candidate_span: Span | None
    candidate_text: str
    reference_span: Span | None
    reference_text: str
    alignment: int | None


@dataclass(frozen=True)
class Finding(Located):
    """One flagged problem, located in the candidate and (where it has one) the reference."""

    category: Category
    severity: Severity
    id: str = ""
    fingerprint: str = ""  # identity that survives edits elsewhere in the documents (see Context.fingerprint)
    rule: str = field(default="", compare=False)  # the detector rule that fired; internal, not in the JSON
    # Every place in the candidate this one error shows (a misspelling repeated); the first is candidate_span.
    occurrences: tuple[Span, ...] = ()

    @property
    def places(self) -> tuple[Span, ...]:
        """Every candidate span of the finding: its occurrences, or just its candidate span."""
        if self.occurrences:
            return self.occurrences
        return (self.candidate_span,) if self.candidate_span is not None else ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "candidate_span": None if self.candidate_span is None else {"start": self.candidate_span.start, "end": self.candidate_span.end},
            "candidate_text": self.candidate_text,
            "reference_span": None if self.reference_span is None else {"start": self.reference_span.start, "end": self.reference_span.end},
            "reference_text": self.reference_text,
            "alignment": self.alignment,
            "fingerprint": self.fingerprint,
            "occurrences": [{"start": s.start, "end": s.end} for s in self.places],
        }


Explained = frozenset[tuple[str, int, int]]  # Token.key (side, start, end) of tokens some finding already accounts for


def unexplained(tokens: Iterable[Token], explained: Explained) -> list[Token]:
    """The tokens no earlier detector's finding accounts for: one error, one finding."""
    return [t for t in tokens if t.key not in explained]


@dataclass(frozen=True)
class Proposal(Located):
    """A finding before its severity: what a detector saw, which rule fired and on what evidence.

    The category is the rule's first part (`name.respelled` is a `name` finding), so the two never
    disagree.
    """

    rule: str
    explains: Explained = frozenset()  # tokens this finding accounts for: later detectors leave them alone
    evidence: Mapping[str, Any] = field(default_factory=dict)  # measurements behind the rule, for a fitted policy
    configured: Severity | None = None  # a severity the project set itself (a glossary entry's)
    occurrences: tuple[Span, ...] = ()  # every candidate place of one error; see Finding.occurrences

    @property
    def category(self) -> Category:
        return Category(self.rule.partition(".")[0])

    def finding(self, severity: Severity) -> Finding:
        where = {f.name: getattr(self, f.name) for f in fields(Located)}
        return Finding(**where, category=self.category, severity=Severity(severity), rule=self.rule, occurrences=self.occurrences)


@dataclass(frozen=True)
class DetectorOutput:
    """One detector's proposals and the tokens they explain, handed explicitly to the next detector."""

    proposals: tuple[Proposal, ...]
    explained: Explained


@dataclass
class Context:
    """Everything detectors may look at; built once per comparison."""

    cand_text: str
    ref_text: str
    cand_sents: Sequence[Sentence]
    ref_sents: Sequence[Sentence]
    alignment: Alignment
    diffs: dict[int, GroupDiff]  # alignment entry index -> word diff, for aligned entries
    vocabulary: dict[str, int]  # the model tokenizer's whole words and their ranks (lower is more frequent)
    encode: Callable[[list[str]], "np.ndarray"]
    glossary: Sequence["GlossaryEntry"] = ()  # the project's required and forbidden renderings of terms

    @cached_property
    def entry_of_candidate(self) -> dict[int, int]:
        """Candidate sentence index -> the alignment entry holding it."""
        return {i: k for k, b in enumerate(self.alignment.beads) for i in b.candidate}

    @cached_property
    def candidate_tokens(self) -> list[list[Token]]:
        """The tokens of each candidate sentence, by sentence index: several detectors walk them all."""
        return [tokenize([s]) for s in self.cand_sents]

    @cached_property
    def sentence_starts(self) -> frozenset[int]:
        """Offsets where a sentence begins on either side: a capital there proves nothing."""
        return frozenset(s.start for s in self.cand_sents) | frozenset(s.start for s in self.ref_sents)

    def propose(
        self,
        rule: str,
        message: str,
        cand: tuple[int, int] | None,
        ref: tuple[int, int] | None,
        bead: int | None,
        explains: Iterable[Token] = (),
        evidence: Mapping[str, Any] | None = None,
        configured: Severity | str | None = None,
        occurrences: Iterable[tuple[int, int]] = (),
    ) -> Proposal:
        """A proposal whose texts are sliced from the documents, so spans and texts always agree."""
        return Proposal(
            rule=rule,
            message=message,
            candidate_span=Span(*cand) if cand else None,
            candidate_text=self.cand_text[cand[0] : cand[1]] if cand else "",
            reference_span=Span(*ref) if ref else None,
            reference_text=self.ref_text[ref[0] : ref[1]] if ref else "",
            alignment=bead,
            explains=frozenset(t.key for t in explains),
            evidence=dict(evidence or {}),
            configured=None if configured is None else Severity(configured),
            occurrences=tuple(Span(*o) for o in places) if len(places := tuple(occurrences)) > 1 else (),
        )

    def anchor(self, finding: Finding) -> int:
        """Candidate position for sorting a finding that has no candidate span: its entry's start."""
        if finding.alignment is None:
            return len(self.cand_text)
        for bead in self.alignment.beads[finding.alignment :]:
            if bead.candidate:
                return self.cand_sents[bead.candidate[0]].start
        return len(self.cand_text)

    def fingerprint(self, finding: Finding) -> str:
        """A hash of the category, both changed texts and the words around the change in its sentence.

        No offsets, line numbers or ids go in, so an edit elsewhere in either document leaves it alone.
        """
        if finding.candidate_span is not None:
            text, sents, span = self.cand_text, self.cand_sents, finding.candidate_span
        else:
            text, sents, span = self.ref_text, self.ref_sents, finding.reference_span
        before = after = ""
        if span is not None and sents:
            first, last = sentence_at(sents, span.start), sentence_at(sents, span.end)
            before = " ".join(_WORD.findall(text[first.start : span.start].casefold())[-FINGERPRINT_CONTEXT:])
            after = " ".join(_WORD.findall(text[span.end : max(last.end, span.end)].casefold())[:FINGERPRINT_CONTEXT])
        parts = (finding.category, _normalise(finding.candidate_text), _normalise(finding.reference_text), before, after)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]



class Detector:
    """One kind of check, built once with its `Params` and reused for every comparison.

    Subclasses set `name` (the registry key), `rules` (every rule they may propose) and a frozen
    `Params` dataclass with each threshold they use, and implement `propose`.
    """

    name: ClassVar[str] = ""
    rules: ClassVar[tuple[str, ...]] = ()

    @dataclass(frozen=True)
    class Params:
        pass

    def __init__(self, params: Any = None) -> None:
        if params is None:
            params = self.Params()
        elif not isinstance(params, self.Params):
            raise TypeError(f"the {self.name} detector takes {self.Params.__qualname__}, not {type(params).__name__}")
        self.params = params

    def detect(self, context: Context, explained: Explained = frozenset()) -> DetectorOutput:
        """Proposals on `context`, leaving alone the tokens in `explained`; plus what they explain."""
        proposals = tuple(self.propose(context, explained))
        return DetectorOutput(proposals, frozenset().union(*(p.explains for p in proposals)))

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        raise NotImplementedError

    def settings(self) -> dict[str, Any]:
        """The parameters as plain JSON values, keys sorted."""
        return {key: _plain(value) for key, value in sorted(asdict(self.params).items())}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [_plain(v) for v in value]
        return items if isinstance(value, (tuple, list)) else sorted(items)
    return value


def _normalise(text: str) -> str:
    """Case, curly quotes and runs of whitespace do not change what a finding is about."""
    return " ".join(text.casefold().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').split())


def quote(text: str) -> str:
    """A short quoted excerpt for messages."""
    text = " ".join(text.split())
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
