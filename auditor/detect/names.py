"""`name`: a proper noun respelled (Tabalov → Tabarov), everywhere it recurs, and names spelled two ways."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable

from auditor.detect.base import Context, Detector, Explained, Proposal, unexplained
from auditor.detect.evidence import zipf
from auditor.pipeline.diff import GroupDiff
from auditor.pipeline.tokens import STOPWORDS, Token

# Romanisations of one Cyrillic name differ in their endings and a few letter groups
# (Alexei/Alexey, Zelensky/Zelenskyy, Aleksei/Alexei, Yevgeny/Evgeny); those are not errors of fact.
# Arabic and Persian script leaves a word's first short vowel unwritten, so its romanisations differ
# there (Ibrahim/Ebrahim, Osama/Usama); a respelling further in (Tabalov/Tabalav) stays one.
_TRANSLIT = (
    (re.compile(r"(?:ey|ei|iy|yi|ii|yy|y|i)$"), "i"), (re.compile(r"ks"), "x"), (re.compile(r"^ye"), "e"),
    (re.compile(r"kh"), "h"), (re.compile(r"^[aeiou](?=[^aeiou])"), "a"),
)


def fold_accents(text: str) -> str:
    """The letters without their diacritics (Kahramanmaraş → Kahramanmaras): a spelling without them is
    the same name written in a plainer alphabet."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def transliteration_key(name: str) -> str:
    key = fold_accents(name).casefold()
    for pattern, replacement in _TRANSLIT:
        key = pattern.sub(replacement, key)
    return key


def spelling_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def similar_pairs(names: Iterable[str], threshold: float) -> list[tuple[str, str]]:
    """Sorted pairs (a < b) of names with the same initial, lengths within 2, neither a prefix of the
    other, and a spelling similarity of at least `threshold`.

    Trying every pair is quadratic: a hostile document with 20,000 distinct capitalised words would
    take many minutes. Names are grouped by initial and sorted by length, and a pair is screened by
    the letters only one of the two has: each is an unmatched character, so their number bounds
    the similarity from above and most pairs are dropped before difflib runs.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for name in sorted(names):
        groups[name[0]].append(name)
    pairs = []
    for group in groups.values():
        group.sort(key=len)  # stable: names of one length stay sorted
        folded = [name.casefold() for name in group]
        masks = [_letter_mask(name) for name in folded]
        for i, a in enumerate(group):
            for j in range(i + 1, len(group)):
                b = group[j]
                if len(b) - len(a) > 2:
                    break
                if (masks[i] ^ masks[j]).bit_count() > (1 - threshold) * (len(folded[i]) + len(folded[j])):
                    continue
                first, second = sorted((a, b))
                if not second.startswith(first) and spelling_similarity(first, second) >= threshold:
                    pairs.append((first, second))
    return sorted(pairs)


def _letter_mask(name: str) -> int:
    """One bit per letter of `name` (letters may share a bit: the screen stays a safe upper bound)."""
    mask = 0
    for ch in name:
        mask |= 1 << (ord(ch) % 63)
    return mask


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_CONTRACTION = re.compile(r"['’](?:m|ll|d|re|ve|t)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$", re.IGNORECASE)
# Endings that make one English word of another (Studio / Studios, Laugh / Laughter / Laughing), and
# the adjective or demonym of a name (Darwin / Darwinian, Taiwan / Taiwanese, Israel / Israeli).
_INFLECTIONS = ("", "s", "es", "er", "ers", "ter", "ing", "ed", "d", "ly", "an", "ans", "ian", "ians", "ese", "ish", "ic", "i")
_MIN_NAME_LETTERS = 3  # as is_name: "S" (of S$500) or "Mr" are no names to respell


def base_form(text: str) -> str:
    """The word without a possessive ("Putin's" → "Putin")."""
    return _POSSESSIVE.sub("", text)


def is_name(token: Token, vocabulary: dict[str, int], sentence_starts: frozenset[int]) -> bool:
    """A capitalised word (or a capitalised part of a hyphenated one, "pro-Ukrainian") that is not
    merely a capitalised common word at a sentence start, nor a contraction ("I'd", "That's") or a
    function word."""
    if _CONTRACTION.search(token.text):
        return False
    text = base_form(token.text)
    parts = re.split(r"[-'’]", text)
    if len(text) < 3 or not all(p.isalpha() for p in parts) or not any(p[:1].isupper() for p in parts):
        return False
    if text.casefold() in STOPWORDS:
        return False
    return token.start not in sentence_starts or text.casefold() not in vocabulary


def inflections_of_one_word(a: str, b: str) -> bool:
    """Studio / Studios, Laughs / Laughter: one stem with English endings, not a respelling."""
    a, b = base_form(a).casefold(), base_form(b).casefold()
    stem = 0
    while stem < min(len(a), len(b)) and a[stem] == b[stem]:
        stem += 1
    if stem < 4:
        return False
    # the common prefix may have eaten the start of an ending: "laughs" / "laughter" is laugh + s / ter
    return any(a[k:] in _INFLECTIONS and b[k:] in _INFLECTIONS for k in range(max(3, stem - 2), stem + 1))


def is_acronym_of(short: str, words: Iterable[str]) -> bool:
    """'EU' for 'European Union', 'CPC' for 'Communist Party of China': the initials of the other side's capitalised words."""
    initials = "".join(w[0] for w in words if w[:1].isupper())
    return len(short) >= 2 and short.isupper() and short.isalpha() and short in initials


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def name_part(word: str) -> str:
    """The capitalised parts of a hyphenated word ("prices-Chinanews" → "Chinanews"): a lowercase word
    glued to a name by a hyphen is no part of the name."""
    parts = [p for p in base_form(word).split("-") if p[:1].isupper()]
    return "-".join(parts) if parts else base_form(word)


def respelling(a: str, b: str, common_zipf: float) -> bool:
    """Whether two differently spelled words can be one name respelled: both long enough to be names,
    both acronyms or neither (SGD / S, CNA / China), not one name written with and without a hyphen,
    a possessive or a glued-on word (Multi-Dimensional / Multidimensional, Tao's / Tao,
    prices-Chinanews / Chinanews), not two ordinary English words (both at least `common_zipf` in
    wordfreq), not inflections of one word."""
    a, b = name_part(a), name_part(b)
    if min(sum(ch.isalpha() for ch in a), sum(ch.isalpha() for ch in b)) < _MIN_NAME_LETTERS or _is_acronym(a) != _is_acronym(b):
        return False
    if a.replace("-", "").casefold() == b.replace("-", "").casefold():
        return False
    if min(zipf(a.casefold()), zipf(b.casefold())) >= common_zipf:
        return False
    return not inflections_of_one_word(a, b)


@dataclass
class _Misspelling:
    """One misspelling and every place it occurs; it becomes one proposal."""

    rule: str
    correct: Token
    tokens: list[Token]
    bead: int | None
    similarity: float


class NameDetector(Detector):
    """Pairs names that only one side of an aligned group has by spelling, then follows the misspelling:
    one misspelling is one finding listing every place it occurs."""

    name = "name"
    rules = ("name.respelled", "name.variant", "name.two_spellings")

    @dataclass(frozen=True)
    class Params:
        min_similarity: float = 0.7  # chosen with the first detectors: a name only one side has, paired by spelling alone
        # A name replaced word for word (Lyon / Lian, Tver / Twel): position is evidence enough for half
        # the letters; measured on the generator (100 pairs, seed 7: name recall at severity 0.84 -> 0.98).
        min_positional_similarity: float = 0.5
        two_spellings_similarity: float = 0.85  # chosen: Garmazapova / Garmazhapova, not two different names
        two_spellings_length: int = 5  # chosen: shorter capitalised words are too often distinct names
        # Two words both this common in English (wordfreq Zipf; "studio" 4.7, "laughs" 4.1, "Lyon" 3.8,
        # "Tabalov" 0) are ordinary words, not a name and its respelling.
        common_zipf: float = 4.0

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        starts = context.sentence_starts
        misspelled: dict[str, _Misspelling] = {}
        # A spelling the reference itself uses elsewhere is attested, not a respelling (the reference
        # may call the same man by a garbled name in one sentence and rightly in another).
        attested = {base_form(w) for w in _WORD.findall(context.ref_text)}
        for bead, diff in context.diffs.items():
            for token, best in self._pairs(diff, context.vocabulary, starts, explained):
                if base_form(token.text) in attested:
                    continue
                if token.text in misspelled:
                    misspelled[token.text].tokens.append(token)
                    continue
                variant = transliteration_key(token.text) == transliteration_key(best.text)
                misspelled[token.text] = _Misspelling(
                    "name.variant" if variant else "name.respelled", best, [token], bead, spelling_similarity(token.text, best.text)
                )
        self._recurrences(context, misspelled)
        for wrong, m in misspelled.items():
            yield self._proposal(context, wrong, m)
        flagged = {t.start for m in misspelled.values() for t in m.tokens}
        yield from self._two_spellings(context, flagged)

    @staticmethod
    def _proposal(context: Context, wrong: str, m: _Misspelling) -> Proposal:
        first = min(m.tokens, key=lambda t: t.start)
        why = "a romanisation variant of the same name" if m.rule == "name.variant" else "a different name, which falsifies who is meant"
        times = f" ({len(m.tokens)} times)" if len(m.tokens) > 1 else ""
        counterparts = [t for diff in context.diffs.values() for t in diff.ref if t.text == m.correct.text]  # not lost either
        return context.propose(
            m.rule, f"Name '{m.correct.text}' is spelled '{wrong}'{times}: {why}.",
            (first.start, first.end), (m.correct.start, m.correct.end), m.bead, [*m.tokens, m.correct, *counterparts],
            {"name_edit_similarity": m.similarity, "similarity": m.similarity},
            occurrences=[(t.start, t.end) for t in sorted(m.tokens, key=lambda t: t.start)],
        )

    def _pairs(self, diff: GroupDiff, vocabulary: dict[str, int], starts: frozenset[int], explained: Explained) -> Iterable[tuple[Token, Token]]:
        """(candidate, reference) name pairs: word for word inside a replaced stretch of equal length,
        where position is evidence enough for a looser spelling match (Lyon / Lian), then by spelling
        alone among the names only one side of the group has."""
        paired: set[int] = set()
        common = self.params.common_zipf
        for hunk in diff.hunks:
            cand, ref = [t for t in unexplained(hunk.cand, explained) if t.is_word], [t for t in unexplained(hunk.ref, explained) if t.is_word]
            if hunk.op != "replace" or len(cand) != len(ref):
                continue
            for token, rival in zip(cand, ref):
                if (
                    token.text[:1].isupper() == rival.text[:1].isupper()
                    and (is_name(token, vocabulary, starts) or is_name(rival, vocabulary, starts))
                    and spelling_similarity(token.text, rival.text) >= self.params.min_positional_similarity
                    and respelling(token.text, rival.text, common)
                ):
                    paired.update((token.start, rival.start))
                    yield token, rival
        cand = [t for t in unexplained(diff.cand, explained) if t.start not in paired and is_name(t, vocabulary, starts)]
        ref = [t for t in unexplained(diff.ref, explained) if t.start not in paired and is_name(t, vocabulary, starts)]
        ref_norms, cand_norms = {t.norm for t in ref}, {t.norm for t in cand}
        ref_only = [t for t in ref if t.norm not in cand_norms]
        for token in (t for t in cand if t.norm not in ref_norms):
            rivals = [
                r for r in ref_only
                if not token.norm.startswith(r.norm) and not r.norm.startswith(token.norm) and respelling(token.text, r.text, common)
            ]
            best = max(rivals, key=lambda r: spelling_similarity(token.text, r.text), default=None)
            if best is not None and spelling_similarity(token.text, best.text) >= self.params.min_similarity:
                yield token, best

    @staticmethod
    def _recurrences(context: Context, misspelled: dict[str, _Misspelling]) -> None:
        """Every other occurrence of an established misspelling, aligned or not, spelled the same (case too)."""
        seen = {t.start for m in misspelled.values() for t in m.tokens}
        for tokens in context.candidate_tokens:
            for token in tokens:
                if token.text in misspelled and token.start not in seen:
                    misspelled[token.text].tokens.append(token)
                    seen.add(token.start)

    def _two_spellings(self, context: Context, flagged: set[int]) -> Iterable[Proposal]:
        """A rare name spelled two ways in the candidate (Garmazapova / Garmazhapova): the spelling
        the reference does not use is the odd one; without that evidence, the less frequent one."""
        tokens = [
            (t, s.index)
            for s, sentence_tokens in zip(context.cand_sents, context.candidate_tokens)
            for t in sentence_tokens
            if len(t.text) >= self.params.two_spellings_length and t.text[0].isupper() and t.norm not in context.vocabulary
        ]
        counts = Counter(t.text for t, _ in tokens)
        in_reference = {w for w in counts if re.search(rf"\b{re.escape(w)}\b", context.ref_text)}
        first_seen = {t.text: t.start for t, _ in reversed(tokens)}
        odd: dict[str, tuple[str, bool, bool]] = {}
        for a, b in similar_pairs(counts, self.params.two_spellings_similarity):
            if (a in in_reference) != (b in in_reference):
                usual, rare = (a, b) if a in in_reference else (b, a)
            else:  # the minority; on a tie the shorter, since a dropped letter is the commoner slip (Garmazapova)
                usual, rare = sorted((a, b), key=lambda n: (-counts[n], -len(n), first_seen[n]))
            odd[rare] = (usual, usual in in_reference and rare not in in_reference, counts[usual] > counts[rare])
        by_name: dict[str, list[tuple[Token, int]]] = {}
        for token, sentence in tokens:
            if token.text in odd and token.start not in flagged:
                by_name.setdefault(token.text, []).append((token, sentence))
        for name, found in by_name.items():
            usual, referenced, majority = odd[name]
            token, sentence = found[0]
            why = f"the reference spells it '{usual}'" if referenced else f"'{usual}' is the more frequent spelling" if majority else "one of them is wrong"
            times = f" ({len(found)} times)" if len(found) > 1 else ""
            yield context.propose(
                "name.two_spellings",
                f"'{name}'{times} is also spelled '{usual}' in this document: {why}.",
                (token.start, token.end), None, context.entry_of_candidate.get(sentence),
                evidence={"name_edit_similarity": spelling_similarity(name, usual), "reference_agrees": float(referenced)},
                occurrences=[(t.start, t.end) for t, _ in found],
            )
