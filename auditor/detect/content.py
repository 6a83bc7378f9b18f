"""`meaning`, `wording`, `addition` and `omission`: what the remaining diff hunks change.

Rules decide the clear cases (a proper-noun phrase replaced, a modality changed, a modifier or a
clause inserted, a clause dropped, a sentence cut off). For a word replaced by another, the model
judges: the candidate sentence is embedded again with the reference words put back, and if that moves
its meaning (cosine to the original below `meaning_cosine`), the change is one of meaning, else a
rewording that keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from auditor.detect.base import Context, Detector, Explained, Proposal, quote, unexplained
from auditor.detect.moved import Move, block_proposal, content, find_moves, moved_proposal, reverted
from auditor.detect.names import is_acronym_of
from auditor.pipeline.diff import GroupDiff, Hunk
from auditor.pipeline.tokens import Token, stem

# Words that set a claim's modality or aspect, by the kind of claim they make.
MODALITY = {
    word: kind
    for kind, words in {
        "possibility": "may might could can",
        "obligation": "must should need needs needed",
        "future": "will would going",
        "intention": "plan plans planned planning intend intends intended",
        "attempt": "try tries tried trying",
        "imminence": "about",
        "volition": "want wants wanted wanting",
        "ability": "able unable",
    }.items()
    for word in words.split()
}
# Contracted and clipped modals: "I'll" is "I will", "won't" splits into "wo" + "n't".
_CONTRACTED = (("'ll", "will"), ("'d", "would"))
_CLIPPED = {"wo": "will", "ca": "can", "sha": "shall"}
HEDGES = frozenset("very really just also still even actually basically quite highly indeed too all so only usually".split())
# Words that open a prepositional phrase: a dropped phrase that starts with one is a whole unit.
PREPOSITIONS = frozenset(
    """about above according across after against along amid among around at before behind below beneath beside
    between beyond by despite during except for from in inside into near of off on onto outside over since through
    throughout to toward towards under until upon via with within without""".split()
)
_CLAUSE_BREAK = frozenset(",;:.!?—–()")  # punctuation that closes (or opens) a phrase
_SENTENCE_END = frozenset(".!?…")


def modal_words(tokens: Iterable[Token]) -> set[str]:
    """The words of `tokens` with contracted or clipped modals spelled out."""
    words = set()
    for t in tokens:
        if not t.is_word:
            continue
        norm = _CLIPPED.get(t.norm, t.norm)
        words.add(next((full for end, full in _CONTRACTED if norm.endswith(end)), norm))
    return words


def same_entity(hunk: Hunk) -> bool:
    """An acronym for its expansion ('EU' / 'European Union', 'CPC' / 'Communist Party of China')."""
    for short, long in ((hunk.cand, hunk.ref), (hunk.ref, hunk.cand)):
        words = [t.text for t in short if t.is_word]
        if len(words) == 1 and is_acronym_of(words[0], [t.text for t in long if t.is_word]):
            return True
    return False


def _trimmed(hunk: Hunk, explained: Explained) -> Hunk:
    """The hunk without the words at its edges that an earlier finding explains ('Ukrainenow' of
    'Ukrainenow approaching'), and the punctuation beside them: its span and message are then about
    what is left, which no other finding reports."""
    if not any(t.key in explained for t in hunk.cand + hunk.ref):
        return hunk

    def edge(tokens: Sequence[Token]) -> int:
        """How many tokens to drop at the start: explained words and the function words and punctuation
        between them, if any."""
        k = 0
        while k < len(tokens) and (tokens[k].key in explained or not tokens[k].is_content):
            k += 1
        return k if any(t.key in explained for t in tokens[:k]) else 0

    def strip(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
        head = edge(tokens)
        return tokens[head : len(tokens) - edge(tokens[head:][::-1])]

    cand, ref = strip(hunk.cand), strip(hunk.ref)
    op = "replace" if cand and ref else ("insert" if cand else "delete")
    cand_at = cand[0].start if cand else (hunk.cand[-1].end if hunk.cand else hunk.cand_at)
    ref_at = ref[0].start if ref else (hunk.ref[-1].end if hunk.ref else hunk.ref_at)
    return Hunk(op, cand, ref, cand_at, ref_at)


class ContentDetector(Detector):
    """Classifies each hunk of each aligned group that no earlier detector explained."""

    name = "content"
    rules = (
        "omission.cut_off", "meaning.modality", "meaning.entity", "meaning.modifier", "meaning.model",
        "addition.clause", "addition.detail", "omission.clause", "omission.phrase", "omission.detail", "wording.hedge",
        "wording.model", "wording.moved", "wording.reordered",
    )

    @dataclass(frozen=True)
    class Params:
        # Chosen with the first detectors (README, "Findings and severity policy"): below this cosine
        # between the candidate sentence and itself with the reference words put back, the meaning moved.
        meaning_cosine: float = 0.85
        clause_words: int = 3  # chosen: this many content words added or dropped are content, fewer a detail
        cut_off_words: int = 3  # chosen: content words lost after a last content word that make a cut-off
        # A dropped phrase of this many words or more ("in northern Chile", ", according to locals,") can be a
        # unit of its sentence; two words are a modifier or a noun with its article.
        phrase_words: int = 3
        # ... holding this many content words: a one-noun phrase ("in the future", "with your ears") is as
        # often left implied as lost (MQM dev set, see README: omission.phrase).
        phrase_content_words: int = 2
        # chosen: a move matching this many content words, not its whole runs, is reported; one is only set aside
        moved_words: int = 2

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        pending: list[tuple[int, GroupDiff, Hunk, list[Token], list[Token]]] = []
        proposals, consumed = self._moves(context, explained)
        yield from proposals
        explained = explained | consumed
        for bead, diff in context.diffs.items():
            moved = self._moved_stems(diff, explained)
            for k, hunk in enumerate(diff.hunks):
                if same_entity(hunk) or not any(t.is_word for t in unexplained(hunk.cand + hunk.ref, explained)):
                    continue
                if k == len(diff.hunks) - 1 and self._cut_off(diff, hunk):
                    yield self._truncation(context, bead, diff, hunk)
                    continue
                hunk = _trimmed(hunk, explained)
                cand = [t for t in content(hunk.cand, explained) if stem(t.norm) not in moved]
                ref = [t for t in content(hunk.ref, explained) if stem(t.norm) not in moved]
                proposal = self._by_rule(context, bead, hunk, cand, ref, explained)
                if proposal is None and ref and hunk.op == "delete":
                    proposal = self._lost(context, bead, diff, hunk, len(ref), explained, moved)
                if proposal is not None:
                    yield proposal
                elif (cand or ref) and {stem(t.norm) for t in cand} != {stem(t.norm) for t in ref}:
                    pending.append((bead, diff, hunk, cand, ref))
        yield from self._by_model(context, pending)

    def _moves(self, context: Context, explained: Explained) -> tuple[list[Proposal], Explained]:
        """One finding per phrase moved within its pair, and the tokens it accounts for. The two runs of
        a move are one finding whole when one hunk only drops and the other only adds content and
        either they hold the same content words, or putting the reference words back at both places
        keeps the sentence's meaning (the `meaning_cosine` test of a replacement): a paraphrase moved.
        Otherwise only the matched words moved, and the rest of each hunk is judged on its own."""
        found: list[tuple[int, Move]] = []
        for bead, diff in context.diffs.items():
            last = diff.hunks[-1] if diff.hunks else None
            found += [(bead, m) for m in find_moves(diff, explained) if not (m.source is last and self._cut_off(diff, last))]
        tested = [(b, m) for b, m in found if m.pure(explained) and any(m.rest(explained))]
        vectors = context.encode([text for _, m in tested for text in reverted(context, (m.source, m.target))]) if tested else []
        cosines = {id(m): float(vectors[2 * k] @ vectors[2 * k + 1]) for k, (_, m) in enumerate(tested)}
        proposals, consumed = [block_proposal(context, bead, m) for bead, diff in context.diffs.items() for m in diff.moves], set()
        for bead, move in found:
            cosine = cosines.get(id(move))
            whole = move.pure(explained) and (cosine is None or cosine >= self.params.meaning_cosine)
            if whole or len({stem(t.norm) for t in move.ref}) >= self.params.moved_words:
                proposals.append(moved_proposal(context, bead, move, whole, cosine))
            consumed |= {t.key for t in (move.tokens() if whole else move.ref + move.cand)}
        return proposals, frozenset(consumed)

    @staticmethod
    def _moved_stems(diff: GroupDiff, explained: Explained) -> set[str]:
        """Content words the two sides share but the diff put in different hunks: reordered, not changed."""
        cand = {stem(t.norm) for h in diff.hunks for t in content(h.cand, explained)}
        ref = {stem(t.norm) for h in diff.hunks for t in content(h.ref, explained)}
        return cand & ref

    def _cut_off(self, diff: GroupDiff, hunk: Hunk) -> bool:
        """The candidate stops mid-clause where the reference goes on."""
        if not diff.cand or hunk.cand or hunk.cand_at < diff.cand[-1].end or not diff.cand[-1].is_word:
            return False
        lost = sum(t.is_content for t in hunk.ref)
        return lost >= 1 and (not diff.cand[-1].is_content or lost >= self.params.cut_off_words)

    @staticmethod
    def _truncation(context: Context, bead: int, diff: GroupDiff, hunk: Hunk) -> Proposal:
        last = context.cand_text[: diff.cand[-1].end]
        sentence = max(x.start for x in context.cand_sents if x.start <= diff.cand[-1].start)  # the cut-off sentence
        start = max(sentence, last.rfind(",") + 1, last.rfind(";") + 1, last.rfind("—") + 1, last.rfind("\n") + 1)
        while start < len(last) and last[start].isspace():
            start += 1
        return context.propose(
            "omission.cut_off", f"The sentence is cut off mid-clause; the reference goes on with {quote(context.ref_text[slice(*hunk.ref_span())])}.",
            (start, diff.cand[-1].end), hunk.ref_span(), bead, (*hunk.ref, diff.cand[-1]),
        )

    def _by_rule(self, context: Context, bead: int, hunk: Hunk, cand: list[Token], ref: list[Token], explained: Explained) -> Proposal | None:
        """The rule that decides the hunk; None leaves it to the model (a replacement) or to the phrase check."""
        cand_words, ref_words = modal_words(unexplained(hunk.cand, explained)), modal_words(unexplained(hunk.ref, explained))
        span, ref_span = hunk.cand_span(), hunk.ref_span()
        was = quote(context.ref_text[slice(*ref_span)]) if ref_span else "nothing"
        now = quote(context.cand_text[slice(*span)]) if hunk.cand else "nothing"
        words = {"content_words": max(len(cand), len(ref))}
        # A clause added or dropped whole is an addition or omission, whatever modal it holds.
        if cand and not ref and len(cand) >= self.params.clause_words:
            return context.propose("addition.clause", f"{now} has no counterpart in the reference: content was added.", span, None, bead, evidence=words)
        if ref and not cand and len(ref) >= self.params.clause_words:
            return context.propose("omission.clause", f"{was} of the reference is missing: content is lost.", span, ref_span, bead, evidence=words)
        cand_kinds = {MODALITY[w] for w in cand_words if w in MODALITY}
        ref_kinds = {MODALITY[w] for w in ref_words if w in MODALITY}
        if cand_kinds != ref_kinds and (hunk.op == "replace" or "imminence" not in cand_kinds | ref_kinds):
            return context.propose("meaning.modality", f"{was} became {now}: a change of modality or aspect changes what is claimed.", span, ref_span, bead)
        proper = [t for t in cand + ref if t.text[:1].isupper() and t.start not in context.sentence_starts]
        if cand and ref and proper:
            return context.propose("meaning.entity", f"{was} became {now}: a proper-noun phrase was replaced.", span, ref_span, bead)
        if cand and not ref:
            if all(t.norm in HEDGES for t in cand):
                why = f"{was} became {now}: one intensifier for another" if hunk.ref else f"{now} was added: an intensifier"
                return context.propose("wording.hedge", f"{why} that keeps the meaning.", span, ref_span if hunk.ref else None, bead)
            if hunk.op == "insert" and self._modifies_matched_word(context, bead, hunk):
                return context.propose("meaning.modifier", f"{now} was inserted: a modifier the reference does not have changes the facts.", span, None, bead)
        if hunk.op == "replace":
            return None  # function words replaced by content words or back ('said' / 'stated'): the model judges
        if cand:
            return context.propose("addition.detail", f"{now} has no counterpart in the reference: a detail was added.", span, None, bead, evidence=words)
        return None  # words dropped: the phrase check, else a lost detail (_phrase_lost)

    def _lost(self, context: Context, bead: int, diff: GroupDiff, hunk: Hunk, content: int, explained: Explained, moved: set[str]) -> Proposal:
        """Words dropped from the reference: a whole phrase of a pair that otherwise agrees is lost
        content (major); anything less, a lost detail (minor)."""
        span, ref_span = hunk.cand_span(), hunk.ref_span()
        was = quote(context.ref_text[slice(*ref_span)])
        if content >= self.params.phrase_content_words and self._whole_phrase(diff, hunk, explained, moved):
            why = f"{was} of the reference is missing: a whole phrase is lost from a sentence that otherwise matches the reference word for word."
            return context.propose("omission.phrase", why, span, ref_span, bead, evidence={"content_words": content})
        return context.propose("omission.detail", f"{was} of the reference is missing: a detail is lost.", span, ref_span, bead, evidence={"content_words": content})

    def _whole_phrase(self, diff: GroupDiff, hunk: Hunk, explained: Explained, moved: set[str]) -> bool:
        """A dropped unit of its sentence (it opens with a preposition or at a clause break, and ends at
        one) in a pair whose other hunks change no content word that no finding explains. Only there
        is a missing phrase evidence of a loss: in a looser translation it is often said another way
        elsewhere (measured on the MQM dev set: see README, omission.phrase)."""
        words = [t for t in hunk.ref if t.is_word]
        if len(words) < self.params.phrase_words or any(t.text in _SENTENCE_END for t in hunk.ref):
            return False  # too short, or a sentence of its own rather than a phrase of one
        first, last = diff.ref.index(hunk.ref[0]), diff.ref.index(hunk.ref[-1])
        before = diff.ref[first - 1].text if first > 0 else "."
        after = diff.ref[last + 1].text if last + 1 < len(diff.ref) else "."
        opens = hunk.ref[0].text in _CLAUSE_BREAK or before in _CLAUSE_BREAK or words[0].norm in PREPOSITIONS
        closes = hunk.ref[-1].text in _CLAUSE_BREAK or after in _CLAUSE_BREAK
        rest = [t for h in diff.hunks if h is not hunk for t in content(h.cand + h.ref, explained) if stem(t.norm) not in moved]
        return opens and closes and not rest

    @staticmethod
    def _modifies_matched_word(context: Context, bead: int, hunk: Hunk) -> bool:
        """'the civil war' for 'the war': the inserted words stand right before a content word both sides have."""
        tokens = context.diffs[bead].cand
        k = tokens.index(hunk.cand[-1]) + 1
        changed = {(t.start, t.end) for h in context.diffs[bead].hunks for t in h.cand}
        return k < len(tokens) and tokens[k].is_content and (tokens[k].start, tokens[k].end) not in changed

    def _by_model(self, context: Context, pending: list) -> Iterable[Proposal]:
        """Embed each touched sentence with one hunk reverted; a large move means the hunk changed the meaning."""
        if not pending:
            return
        vectors = context.encode([text for _, _, hunk, _, _ in pending for text in reverted(context, (hunk,))])
        for k, (bead, _, hunk, cand, ref) in enumerate(pending):
            cosine = float(vectors[2 * k] @ vectors[2 * k + 1])
            span, ref_span = hunk.cand_span(), hunk.ref_span()
            was, now = quote(context.ref_text[slice(*ref_span)]), quote(context.cand_text[slice(*span)])
            evidence = {"cosine": cosine}
            if cosine < self.params.meaning_cosine and not (cand and ref):
                # Content words for function words only ('said' / 'stated' is a rewording): one that moves the meaning adds or loses a detail.
                rule, why = ("addition.detail", "a detail was added") if cand else ("omission.detail", "a detail is lost")
                yield context.propose(rule, f"{was} became {now}: {why} (cosine {cosine:.2f} with the reference words put back).", span, ref_span, bead, evidence=evidence)
            elif cosine < self.params.meaning_cosine:
                yield context.propose("meaning.model", f"{was} became {now}: putting the reference words back moves the sentence's meaning (cosine {cosine:.2f}).", span, ref_span, bead, evidence=evidence)
            else:
                yield context.propose("wording.model", f"{was} became {now}: a rewording that keeps the meaning (cosine {cosine:.2f} with the reference words put back).", span, ref_span, bead, evidence=evidence)


class UnalignedDetector(Detector):
    """A whole sentence inserted or dropped inside a passage both documents cover; no thresholds."""

    name = "unaligned"
    rules = ("addition.sentence", "omission.sentence")

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        beads = context.alignment.beads
        aligned = [k for k, b in enumerate(beads) if b.aligned]
        if not aligned:
            return
        for k in range(aligned[0] + 1, aligned[-1]):
            bead = beads[k]
            if bead.aligned:
                continue
            if bead.candidate:
                s = context.cand_sents[bead.candidate[0]]
                yield context.propose("addition.sentence", "This sentence has no counterpart in the reference passage around it: it was added.", (s.start, s.end), None, k)
            else:
                s = context.ref_sents[bead.reference[0]]
                yield context.propose("omission.sentence", "This reference sentence is missing from the candidate passage that covers it.", None, (s.start, s.end), k)
