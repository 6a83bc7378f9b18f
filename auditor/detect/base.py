"""What every detector shares: the finding type, the comparison context and the detector interface."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from auditor.domain import SEVERITIES, Category, Severity
from auditor.pipeline.align import Alignment
from auditor.pipeline.diff import GroupDiff, Token, tokenize
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
class Finding:
    """One flagged problem, located in the candidate and (where it has one) the reference."""

    category: Category
    severity: Severity
    message: str
    candidate_span: Span | None
    candidate_text: str
    reference_span: Span | None
    reference_text: str
    alignment: int | None
    id: str = ""
    fingerprint: str = ""  # identity that survives edits elsewhere in the documents (see Context.fingerprint)

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
        }


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
    explained: set[tuple[int, int]] = field(default_factory=set)  # token spans a detector already accounted for
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

    def finding(
        self,
        category: Category | str,
        severity: Severity | str,
        message: str,
        cand: tuple[int, int] | None,
        ref: tuple[int, int] | None,
        bead: int | None,
    ) -> Finding:
        """A finding whose texts are sliced from the documents, so spans and texts always agree."""
        return Finding(
            category=Category(category),
            severity=Severity(severity),
            message=message,
            candidate_span=Span(*cand) if cand else None,
            candidate_text=self.cand_text[cand[0] : cand[1]] if cand else "",
            reference_span=Span(*ref) if ref else None,
            reference_text=self.ref_text[ref[0] : ref[1]] if ref else "",
            alignment=bead,
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

    def explain(self, tokens: Iterable[Token]) -> None:
        self.explained.update((t.start, t.end) for t in tokens)


class Detector:
    """One kind of check; `detect` yields findings and may mark tokens as explained."""

    def detect(self, context: Context) -> Iterable[Finding]:
        raise NotImplementedError


def _normalise(text: str) -> str:
    """Case, curly quotes and runs of whitespace do not change what a finding is about."""
    return " ".join(text.casefold().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').split())


def quote(text: str) -> str:
    """A short quoted excerpt for messages."""
    text = " ".join(text.split())
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
