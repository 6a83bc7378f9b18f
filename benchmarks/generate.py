"""Deterministic generator of corrupted article pairs with ground-truth labels.

The auditor can only be tuned against errors whose place and kind are known. Real machine
translations (seeds/000, seeds/002) show the error kinds but carry no labels, so this module
rebuilds them on clean text: it draws clean English sentences, corrupts about a third of them the
way a bad translation would, and records for every corruption its category, the severity a
finding should carry and the exact character spans on both sides.

Usage:
    python benchmarks/generate.py --pairs 200 --seed 1 --out pairs.jsonl
    python benchmarks/generate.py --pairs 50 --seed 1 --size article --out articles.jsonl
    python benchmarks/generate.py --pairs 50 --seed 1 --files pairs/   # text files + pairs/manifest.csv for audit batch

The same arguments always give byte-identical output: each pair has its own `random.Random`
seeded from (seed, pair index), so pair k does not depend on how many pairs are asked for.

Each JSONL record: {"id", "candidate", "reference", "labels", "untouched"}, plus "candidate_tail"
([start, end] of the unreferenced continuation) with --size article. A label is
{"kind", "category", "severity", "candidate_span", "reference_span", "candidate_text",
"reference_text"}, spans being [start, end) character offsets or null; "untouched" lists
[cand_start, cand_end, ref_start, ref_end] of sentences copied verbatim and involved in no label.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

Span = tuple[int, int]

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

# --------------------------------------------------------------------------------------------
# Source sentences
# --------------------------------------------------------------------------------------------

# Seed lines that are boilerplate, not article text.
_SEED_004_BOILERPLATE = ("JOIN US ON TELEGRAM", "Follow our coverage", "You can also highlight")

# A sentence ends at . ! or ? (optionally followed by a closing quote) before a capital or quote.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"]))\s+(?=[“\"A-Z])")
# Abbreviations after which the break above is not a sentence end ("St. Petersburg").
_ABBREVIATION_END = re.compile(r"\b(?:St|Mr|Mrs|Ms|Dr|Gen|Lt|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.$")
# A usable sentence ends with terminal punctuation; this drops headlines.
_SENTENCE_END = re.compile(r"[.!?][”\"’']?$")

# Clean sentences written for this generator, so that pairs are not all drawn from the same
# few seed articles and insertions can come from a different story.
EXTRA_SENTENCES: tuple[str, ...] = (
    "The city council of Tallinn voted 31 to 12 on Tuesday to approve a budget of 1.2 billion euros.",
    "Maria Lindqvist, the council's finance director, said the plan would not raise property taxes before 2026.",
    "Heavy rain forced officials in the southern province of Valencia to close 14 schools on March 3.",
    "The company did not disclose how much it paid for the start-up, which employs about 250 people.",
    "Police in Lyon arrested two men on Friday after a search of a warehouse near the river port.",
    "According to the statistics office, inflation fell to 3.4 percent in October, its lowest level in two years.",
    "Helen Okafor, who led the study at the University of Leeds, said the results were encouraging but not conclusive.",
    "The airline said it would cancel 120 flights this weekend because of a strike by ground staff.",
    "Negotiators from both sides met for six hours in Geneva but failed to reach an agreement.",
    "The museum reopened in June after a renovation that cost $45 million and took almost three years.",
    "Farmers in the region have never seen a drought this long, said Jonas Becker, who grows wheat near Hanover.",
    "The minister declined to comment on reports that the government had considered a second lockdown.",
    "More than 8,000 runners took part in the marathon, which was held in freezing temperatures on Sunday.",
    "The court ruled that the contract was valid and ordered the firm to pay 2.5 million dollars in damages.",
    "Tomas Varga, a spokesman for the fire service, said nobody had been injured in the blaze.",
    "The bridge, which was built in 1932, will be closed to traffic for at least four months.",
    "Sales of electric cars rose by 40 percent in the first half of the year, the industry association said.",
    "Officials in Nairobi said the new railway line would carry 22 million passengers a year by 2030.",
    "The festival, which attracts about 60,000 visitors each summer, was cancelled for the first time since 1987.",
    "Investigators have not yet determined what caused the train to leave the tracks near Bologna.",
    "The central bank kept its main interest rate at 4.5 percent, as most analysts had expected.",
    "Anna Kowalski won the regional election with 54 percent of the vote, defeating the incumbent mayor.",
    "The hospital said it could not treat all the patients and asked for help from neighbouring towns.",
    "Rescue teams worked through the night to reach 17 miners trapped underground in northern Chile.",
    "The union said its members would begin a three-day strike on May 12 if talks with management broke down.",
    "Scientists at the observatory detected a huge burst of radio waves from a galaxy three billion light-years away.",
    "The government plans to buy 24 new helicopters from a French manufacturer over the next decade.",
    "Residents were told to boil their water after tests found bacteria in the supply on Wednesday.",
    "The film, directed by Paolo Ricci, won the top prize at the festival in Venice last September.",
    "Prosecutors said Karim Haddad had transferred 300,000 euros to an account in Cyprus in 2019.",
    "The factory, which opened in 2011, will not reopen after the fire, the owners confirmed on Thursday.",
    "Only 12 of the 40 candidates passed the final examination, the academy said in a statement.",
    "Local authorities began an inspection of all bridges in the district after the collapse in August.",
    "The president granted an amnesty to 1,200 prisoners to mark the national holiday.",
    "Ticket prices will rise by 15 percent from January, the transport authority announced on Monday.",
    "Elena Petrova, who has coached the national team since 2018, did not say whether she would stay.",
    "The storm knocked out power to about 90,000 homes in the coastal region of Brittany.",
    "The charity said it had raised $3 million in a week, far more than it had expected.",
    "Shares in the mining group fell 7 percent after it cut its profit forecast for the year.",
    "Lawmakers in Oslo passed the bill by a vote of 88 to 81 after a debate that lasted two days.",
    "A spokesman for the ministry said the agreement would not affect existing contracts with foreign suppliers.",
    "Organisers expect more than 5,000 volunteers to help clean the beaches of Lisbon this weekend.",
    "The two leaders spoke by phone on Saturday, but they did not agree on a date for the next summit.",
    "The mine near Kiruna employs 1,300 workers, and the company plans to hire 200 more by next spring.",
    "Train services between Milan and Zurich were suspended for six hours, and some passengers waited overnight.",
    "The school was not damaged in the earthquake, so classes will resume on Monday as planned.",
    "Omar Saleh has run the bakery since 1998, and he says business has never been better.",
)


def _seed_lines(prefix: str) -> list[str]:
    """Non-empty, stripped lines of the one seed file whose name starts with `prefix`_."""
    matches = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one seed file {prefix}_*.txt in {SEEDS_DIR}")
    lines = matches[0].read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def seed_paragraphs() -> list[str]:
    """The clean article paragraphs of seeds 001, 003 and 004, without comments and appeals."""
    article_001 = _seed_lines("001")
    article_001 = article_001[: article_001.index("...")]  # a blog comment follows "..."
    article_003 = _seed_lines("003")
    article_003 = article_003[: article_003.index("A Message from The Moscow Times:")]
    article_004 = [line for line in _seed_lines("004") if not line.startswith(_SEED_004_BOILERPLATE)]
    return article_001 + article_003 + article_004


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; pieces without terminal punctuation (headlines) go."""
    pieces: list[str] = []
    for piece in _SENTENCE_BREAK.split(paragraph):
        if pieces and _ABBREVIATION_END.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [piece for piece in pieces if _SENTENCE_END.search(piece)]


@lru_cache(maxsize=1)
def source_pool() -> tuple[str, ...]:
    """Every clean sentence pairs are drawn from, seed sentences first, without duplicates."""
    seed_sentences = [s for p in seed_paragraphs() for s in split_sentences(p)]
    return tuple(dict.fromkeys(seed_sentences + list(EXTRA_SENTENCES)))


# --------------------------------------------------------------------------------------------
# Corruptions of one sentence
# --------------------------------------------------------------------------------------------


class Edit(NamedTuple):
    """A corrupted sentence and where the change sits in it and in the clean sentence."""

    candidate: str
    candidate_span: Span | None
    reference_span: Span | None


_WORD = re.compile(r"[\w’'-]+")
_CAPITAL_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")

_MONTHS = "January February March April May June July August September October November December"
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
_COMMON_CAPITALS = "The This That These Those There Their They His Her Its And But For With From About According"
# Countries and regions: misspelt only when a sentence names no person or organisation.
_PLACES = frozenset("Russia Ukraine Russian Ukrainian Russians Ukrainians Chile Cyprus French Arctic Far East".split())
# Capitalised words that are not names a translation would misspell.
_NOT_NAMES = frozenset(f"{_MONTHS} {_DAYS} {_COMMON_CAPITALS}".split())

# Letter substitutions of the kind machine translation makes in transliterated names.
_LETTER_SWAPS = (
    ("l", "r"), ("r", "l"), ("i", "y"), ("y", "i"), ("ei", "ey"), ("ey", "ei"), ("v", "w"),
    ("w", "v"), ("k", "c"), ("c", "k"), ("e", "a"), ("o", "a"), ("ks", "x"), ("x", "ks"),
)
_VOWELS = frozenset("aeiouy")


def _first_word_start(sentence: str) -> int:
    """Offset of the sentence's first word, past any opening quote."""
    match = re.search(r"\w", sentence)
    return match.start() if match else 0


def _replace(sentence: str, start: int, end: int, new: str) -> Edit:
    """Replace sentence[start:end] by `new`; the spans cover the new and the old text."""
    candidate = sentence[:start] + new + sentence[end:]
    return Edit(candidate, (start, start + len(new)), (start, end))


_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|A|An) $")


def _replace_after_article(sentence: str, start: int, end: int, new: str) -> Edit:
    """Like _replace, but an "a"/"an" just before follows the new word ("an amnesty" -> "a pardon")."""
    article = _ARTICLE_BEFORE.search(sentence[:start])
    if article is None:
        return _replace(sentence, start, end, new)
    fitting = "an" if new[0].lower() in "aeiou" else "a"
    return _replace(sentence, article.start(), end, f"{_keep_case(article.group(), fitting)} {new}")


def _keep_case(old: str, new: str) -> str:
    """`new` with the first letter capitalised when `old` starts with a capital."""
    return new[0].upper() + new[1:] if old[:1].isupper() else new


def _misspellings(word: str) -> list[str]:
    """One-edit misspellings of a name that keep its first letter: swapped, doubled or undoubled letters."""
    variants: set[str] = set()
    for old, new in _LETTER_SWAPS:
        for match in re.finditer(re.escape(old), word[1:]):
            at = match.start() + 1
            variants.add(word[:at] + new + word[at + len(old) :])
    for at in range(1, len(word) - 1):
        letter = word[at]
        if letter in _VOWELS:
            continue
        if word[at + 1] == letter:
            variants.add(word[:at] + word[at + 1 :])
        elif word[at - 1] in _VOWELS and word[at + 1] in _VOWELS:
            variants.add(word[:at] + letter + word[at:])
    variants.discard(word)
    return sorted(variants)


def corrupt_name(sentence: str, rng: random.Random) -> Edit | None:
    """Misspell a proper noun by one or two letters (Tabalov -> Tabarov), preferring people and groups."""
    first = _first_word_start(sentence)
    names = [
        m
        for m in _CAPITAL_WORD.finditer(sentence)
        if m.start() > first and m.group() not in _NOT_NAMES and _misspellings(m.group())
    ]
    preferred = [m for m in names if m.group() not in _PLACES] or names
    if not preferred:
        return None
    match = rng.choice(preferred)
    new = rng.choice(_misspellings(match.group()))
    if rng.random() < 0.25:  # sometimes a second letter changes too
        second = [v for v in _misspellings(new) if v != match.group()]
        new = rng.choice(second) if second else new
    return _replace(sentence, match.start(), match.end(), new)


_DIGITS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]|\.\d)|(?<![\w.,])\d+(?:\.\d+)?(?![\w,]|\.\d)")
_NUMBER_WORD_SERIES = (
    ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"),
    ("million", "billion"),
)
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(w for series in _NUMBER_WORD_SERIES for w in series) + r")\b", re.I)


def _other_integer(value: int, is_year: bool, rng: random.Random) -> int:
    """A plausible wrong value: a nearby year, or one digit place changed, or ten times more or less."""
    if is_year:
        return value + rng.choice((-3, -2, -1, 1, 2, 3))
    digits = len(str(value))
    steps = {1} if digits == 1 else {10 ** (digits - 1), 10 ** max(1, digits - 2)}
    options = {value * 10} | {value + step for step in steps} | {value - step for step in steps if value > step}
    if value >= 10 and value % 10 == 0:
        options.add(value // 10)
    options.discard(value)
    return rng.choice(sorted(options))


def _other_digits(token: str, rng: random.Random) -> str:
    """`token` ("150", "1,500", "4.5", "2014") with its integer part changed, in the same format."""
    whole, dot, fraction = token.partition(".")
    value = int(whole.replace(",", ""))
    is_year = len(whole) == 4 and "," not in whole and not dot and 1900 <= value <= 2099
    new = _other_integer(value, is_year, rng)
    return (f"{new:,}" if "," in whole else str(new)) + dot + fraction


def _other_number_word(word: str, rng: random.Random) -> str:
    """A neighbouring number word of the same series (two -> three, twenty -> thirty, million -> billion)."""
    series = next(s for s in _NUMBER_WORD_SERIES if word.lower() in s)
    at = series.index(word.lower())
    neighbours = [series[i] for i in (at - 1, at + 1) if 0 <= i < len(series)]
    return _keep_case(word, rng.choice(neighbours))


def corrupt_number(sentence: str, rng: random.Random) -> Edit | None:
    """Change a figure, year, day of a date or number word (150 -> 160, 1,500 -> 15,000, two -> three)."""
    matches = list(_DIGITS.finditer(sentence)) + list(_NUMBER_WORD.finditer(sentence))
    if not matches:
        return None
    match = rng.choice(sorted(matches, key=lambda m: m.start()))
    token = match.group()
    new = _other_digits(token, rng) if token[0].isdigit() else _other_number_word(token, rng)
    return _replace(sentence, match.start(), match.end(), new)


_NEGATION_WORD = re.compile(r"(?<=\s)(?:not|never|no)(?= )(?! one\b| matter\b| longer\b)")
_CONTRACTION = re.compile(r"\b(?:[A-Za-z]+n[’']t|cannot)\b")
_CONTRACTION_BASE = {
    "cannot": "can", "can't": "can", "won't": "will", "don't": "do", "doesn't": "does", "didn't": "did",
    "isn't": "is", "aren't": "are", "wasn't": "was", "weren't": "were", "hasn't": "has",
    "haven't": "have", "hadn't": "had", "couldn't": "could", "wouldn't": "would",
    "shouldn't": "should", "mustn't": "must",
}
_AUXILIARY = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|could|can|did|does|do)\b(?= (?!not\b)[a-z])")


def _contraction_key(token: str) -> str:
    """A negated contraction as a key of _CONTRACTION_BASE: lower case, straight apostrophe."""
    return token.lower().replace("’", "'")


def _drop_word(sentence: str, start: int, end: int) -> Edit | None:
    """Delete the word at [start, end) and its following space; spans cover the words on either side."""
    before = re.search(r"\S+\s+$", sentence[:start])
    after = re.match(r"\S+", sentence[end + 1 :])
    if before is None or after is None:
        return None
    removed = end + 1 - start
    reference_end = end + 1 + after.end()
    candidate = sentence[:start] + sentence[end + 1 :]
    return Edit(candidate, (before.start(), reference_end - removed), (before.start(), reference_end))


def corrupt_negation(sentence: str, rng: random.Random) -> Edit | None:
    """Flip polarity: remove not / never / no / n't, or insert "not" after an auxiliary when there is none."""
    words = list(_NEGATION_WORD.finditer(sentence))
    contractions = [m for m in _CONTRACTION.finditer(sentence) if _contraction_key(m.group()) in _CONTRACTION_BASE]
    if words or contractions:
        match = rng.choice(sorted(words + contractions, key=lambda m: m.start()))
        token = match.group()
        if _CONTRACTION.fullmatch(token):
            base = _CONTRACTION_BASE[_contraction_key(token)]
            return _replace(sentence, match.start(), match.end(), _keep_case(token, base))
        return _drop_word(sentence, match.start(), match.end())
    if re.search(r"\b(?:not|never|no|nobody|nothing|none|cannot)\b|n[’']t\b", sentence, re.I):
        return None
    auxiliaries = list(_AUXILIARY.finditer(sentence))
    if not auxiliaries:
        return None
    match = rng.choice(auxiliaries)
    return _replace(sentence, match.start(), match.end(), match.group() + " not")


# Dangling remnants like "he said. aid group." in seeds/000.
_FRAGMENTS = (
    "rice field.", "aid group.", "Told.", "said.", "requested anonymity.", "he said.", "sent to Ukraine.",
    "the group.", "in the region.", "last week.", "of the war.", "the ministry.", "its forces.",
    "Reported.", "the contract.", "military service.", "to the front.", "as well.", "the statement.",
    "on Sunday.",
)


def corrupt_fragment(sentence: str, rng: random.Random) -> Edit | None:
    """Append a 1-3 word dangling fragment, sometimes an echo of the sentence's own last two words."""
    words = _WORD.findall(sentence)
    if rng.random() < 0.3 and len(words) >= 4:
        fragment = f"{words[-2]} {words[-1]}."
    else:
        fragment = rng.choice(_FRAGMENTS)
    start = len(sentence) + 1
    return Edit(f"{sentence} {fragment}", (start, start + len(fragment)), None)


def corrupt_merged(sentence: str, rng: random.Random) -> Edit | None:
    """Glue two adjacent words together by removing the space between them ("Ukraine now" -> "Ukrainenow")."""
    gaps = [m.start() for m in re.finditer(r"(?<=[A-Za-z]) (?=[A-Za-z])", sentence)]
    if not gaps:
        return None
    gap = rng.choice(gaps)
    first = re.search(r"[\w’'-]+$", sentence[:gap])
    second = _WORD.match(sentence, gap + 1)
    assert first is not None and second is not None
    candidate = sentence[:gap] + sentence[gap + 1 :]
    return Edit(candidate, (first.start(), second.end() - 1), (first.start(), second.end()))


def corrupt_truncation(sentence: str, rng: random.Random) -> Edit | None:
    """Cut the sentence off mid-clause: drop its last 30-60% of words and the final period."""
    words = sentence.split(" ")
    if len(words) < 8:
        return None
    keep = max(3, round(len(words) * (1 - rng.uniform(0.3, 0.6))))
    cut = len(" ".join(words[:keep]))
    candidate = sentence[:cut].rstrip(" ,;:.!?—–-“”\"'’")
    if len(candidate.split()) < 3:
        return None
    return Edit(candidate, (0, len(candidate)), (cut + 1, len(sentence)))


_MID_CLAUSE = re.compile(r", ([^,“”\"]+?),(?= )")
_END_CLAUSE = re.compile(r", ([^,“”\"]+?)(?=[.!?]$)")
_PREPOSITIONAL_PHRASE = re.compile(
    r" ((?:in|on|at|with|from|for|by|during|after|since|under|into|across|near) [^,.;:!?“”\"]+?)(?=[,;]|[.!?]$)"
)


def corrupt_dropped_clause(sentence: str, rng: random.Random) -> Edit | None:
    """Remove a comma-delimited clause or a prepositional phrase of 3+ words."""
    options = [
        m
        for pattern in (_MID_CLAUSE, _END_CLAUSE, _PREPOSITIONAL_PHRASE)
        for m in pattern.finditer(sentence)
        if 3 <= len(m.group(1).split()) <= 12 and m.start() > 0
    ]
    if not options:
        return None
    match = rng.choice(sorted(options, key=lambda m: (m.start(), m.end())))
    candidate = sentence[: match.start()] + sentence[match.end() :]
    before = re.search(r"\S+$", candidate[: match.start()])
    after = re.match(r"\W*\w+|\S+", candidate[match.start() :])
    if before is None or after is None:
        return None
    return Edit(candidate, (before.start(), match.start() + after.end()), match.span(1))


# Modifiers that change the fact a noun states ("war" -> "civil war").
_MODIFIERS: dict[str, tuple[str, ...]] = {
    "war": ("civil", "nuclear"), "ministry": ("former",), "soldiers": ("foreign", "retired"),
    "prisoners": ("political", "foreign"), "army": ("private",), "lawyer": ("former",),
    "group": ("armed",), "officials": ("foreign", "former"), "campaign": ("secret",),
    "forces": ("special", "foreign"), "contracts": ("new",), "video": ("fake",),
    "report": ("secret", "leaked"), "police": ("secret",), "men": ("elderly",),
    "president": ("former",), "citizens": ("foreign",), "territory": ("neutral",),
    "government": ("former",), "minister": ("former",), "company": ("foreign",),
    "election": ("rigged",), "troops": ("foreign",), "volunteers": ("paid",), "students": ("foreign",),
    "mayor": ("former",), "court": ("military",), "bank": ("foreign",), "factory": ("military",),
    "spokesman": ("former",), "hospital": ("military",), "union": ("banned",),
}
# Only after a determiner, preposition or number, so the modifier never lands after an adjective.
_MODIFIED_NOUN = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|of|in|on|to|and|by|from|with|for|two|three|four|five)|\d) ("
    + "|".join(_MODIFIERS)
    + r")\b"
)


def corrupt_inserted_modifier(sentence: str, rng: random.Random) -> Edit | None:
    """Put a fact-changing modifier before a noun ("soldiers" -> "foreign soldiers")."""
    matches = list(_MODIFIED_NOUN.finditer(sentence))
    if not matches:
        return None
    match = rng.choice(matches)
    noun = match.group(1)
    modifier = rng.choice(_MODIFIERS[noun])
    return _replace_after_article(sentence, match.start(1), match.end(1), f"{modifier} {noun}")


_SYNONYM_PAIRS = (  # (word, its synonym in every sense the word has in the pool)
    ("inspection", "examination"), ("amnesty", "pardon"), ("huge", "enormous"), ("said", "stated"),
    ("begin", "start"), ("began", "started"), ("buy", "purchase"), ("shortage", "lack"),
    ("convicts", "inmates"), ("recently", "lately"), ("intense", "fierce"), ("ruthless", "merciless"),
    ("depleted", "exhausted"), ("attempt", "effort"), ("dissatisfaction", "discontent"),
    ("choice", "option"), ("steady", "stable"), ("ridiculous", "absurd"), ("sure", "certain"),
    ("evade", "avoid"), ("unwilling", "reluctant"), ("often", "frequently"), ("persuade", "convince"),
    ("terminate", "end"), ("announce", "declare"), ("announced", "declared"), ("nearing", "approaching"),
    ("published", "released"), ("talks", "negotiations"), ("appears", "seems"), ("quit", "leave"),
    ("everyone", "everybody"), ("feared", "dreaded"), ("happening", "occurring"), ("quickest", "fastest"),
    ("easiest", "simplest"), ("declined", "refused"), ("almost", "nearly"), ("injured", "hurt"),
    ("residents", "inhabitants"), ("agreement", "deal"), ("expected", "anticipated"),
    ("encouraging", "promising"), ("detected", "spotted"), ("closed", "shut"), ("cancelled", "scrapped"),
)
# One way only: the second word of a pair is often ambiguous ("end", "deal", "start-up").
_SYNONYMS = dict(_SYNONYM_PAIRS)
_SYNONYM_WORD = re.compile(r"(?<![\w-])(?:" + "|".join(_SYNONYMS) + r")(?![\w-])", re.I)


def corrupt_synonym(sentence: str, rng: random.Random) -> Edit | None:
    """Swap one word for a true synonym: a wording change, never a meaning change."""
    matches = list(_SYNONYM_WORD.finditer(sentence))
    if not matches:
        return None
    # "said" is in a third of the pool; other words first keep the kind from being all "stated".
    match = rng.choice([m for m in matches if m.group().lower() != "said"] or matches)
    new = _keep_case(match.group(), _SYNONYMS[match.group().lower()])
    return _replace_after_article(sentence, match.start(), match.end(), new)


def _outside_quotes(text: str) -> bool:
    """True when every quotation opened in `text` is closed again."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


# A comma before a main clause: a coordinating conjunction (not "and in ...") or a subject pronoun.
_CLAUSE_OPENERS = re.compile(
    r", (?=(?:and|but|so) (?!(?:in|on|at|to|with|from|for|by|of|as|then)\b|[a-z]+ing\b)|(?:it|he|she|they|we|I)\b)"
)


def corrupt_split(sentence: str, rng: random.Random) -> Edit | None:
    """Split a long sentence in two at a comma: same meaning, so no finding is expected.

    Only a comma before a word that can open a main clause qualifies, so the split never strands
    a subject from its verb ("Kim, head of ... Said that") or leaves a subordinate clause alone.
    """
    if len(sentence.split()) < 14:
        return None
    commas = [
        m.start()
        for m in _CLAUSE_OPENERS.finditer(sentence)
        if len(sentence[: m.start()].split()) >= 5
        and len(sentence[m.end() :].split()) >= 5
        and _outside_quotes(sentence[: m.start()])
    ]
    if not commas:
        return None
    comma = rng.choice(commas)
    rest = sentence[comma + 2 :]
    candidate = f"{sentence[:comma]}. {rest[0].upper()}{rest[1:]}"
    return Edit(candidate, (0, len(candidate)), (0, len(sentence)))


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    """Words written capitalised somewhere other than sentence start: they keep their capital."""
    found: set[str] = set()
    for sentence in source_pool():
        found.update(m.group() for m in _CAPITAL_WORD.finditer(sentence) if m.start() > _first_word_start(sentence))
    return frozenset(found)


# Names that open a pool sentence and appear nowhere else, so proper_nouns() cannot see them.
_SENTENCE_INITIAL_NAMES = frozenset("Helen Kirill Maria Oleksy Olesky Tomas Vitaly Vladislav Omar I".split())


def merge_sentences(first: str, second: str) -> str | None:
    """Join two sentences with ", and " (meaning unchanged); None when they cannot be joined cleanly."""
    if not re.search(r"[\w)]\.$", first) or _ABBREVIATION_END.search(first) or not second[:1].isupper():
        return None
    if not (_outside_quotes(first) and _outside_quotes(second)):
        return None
    opening = _WORD.match(second)
    assert opening is not None
    word = opening.group()
    keeps_capital = word in proper_nouns() or word in _SENTENCE_INITIAL_NAMES or word.isupper()
    joined = second if keeps_capital else second[0].lower() + second[1:]
    return f"{first[:-1]}, and {joined}"


# --------------------------------------------------------------------------------------------
# Planning a pair
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A labelled corruption inside one slot; spans are offsets into the slot's own texts."""

    kind: str
    candidate_span: Span | None
    reference_span: Span | None


@dataclass(frozen=True)
class Slot:
    """A stretch of one paragraph: the reference text it stands for and the candidate text written for it.

    An inserted sentence has no reference text and a dropped sentence no candidate text, so both
    sides can be assembled slot by slot while their offsets stay known.
    """

    reference: str
    candidate: str
    change: Change | None = None


@dataclass
class Draft:
    """The reference sentences of one pair being corrupted, and the slots written so far."""

    sentences: list[str]
    paragraph_of: list[int]
    hosts: set[int]  # indices chosen for corruption
    spare: list[str]  # unrelated sentences, taken from the end for insertions
    rng: random.Random
    slots: dict[int, list[Slot]]  # reference index -> its slots; [] when merged into the previous one

    def is_paragraph_end(self, index: int) -> bool:
        """Whether sentence `index` is the last of its paragraph."""
        return index + 1 == len(self.sentences) or self.paragraph_of[index + 1] != self.paragraph_of[index]


Corruption = Callable[[Draft, int], list[Slot] | None]


def _sentence_kind(kind: str, edit: Callable[[str, random.Random], Edit | None]) -> Corruption:
    """Lift a one-sentence edit into a corruption that replaces the sentence's slot."""

    def apply(draft: Draft, index: int) -> list[Slot] | None:
        sentence = draft.sentences[index]
        result = edit(sentence, draft.rng)
        if result is None or result.candidate == sentence:
            return None
        return [Slot(sentence, result.candidate, Change(kind, result.candidate_span, result.reference_span))]

    return apply


_truncate_sentence = _sentence_kind("truncation", corrupt_truncation)


def _truncation(draft: Draft, index: int) -> list[Slot] | None:
    """Truncate only a paragraph's last sentence, so the cut does not run into the next sentence."""
    if not draft.is_paragraph_end(index):
        return None
    return _truncate_sentence(draft, index)


def _merge(draft: Draft, index: int) -> list[Slot] | None:
    """Join a sentence with the next one of its paragraph, if that one is free."""
    following = index + 1
    if draft.is_paragraph_end(index) or following in draft.hosts or following in draft.slots:
        return None
    first, second = draft.sentences[index], draft.sentences[following]
    merged = merge_sentences(first, second)
    if merged is None:
        return None
    draft.slots[following] = []
    reference = f"{first} {second}"
    return [Slot(reference, merged, Change("merge", (0, len(merged)), (0, len(reference))))]


def _inserted_sentence(draft: Draft, index: int) -> list[Slot] | None:
    """Keep the sentence and insert an unrelated one from another story after it."""
    if not draft.spare:
        return None
    sentence, extra = draft.sentences[index], draft.spare.pop()
    return [Slot(sentence, sentence), Slot("", extra, Change("inserted_sentence", (0, len(extra)), None))]


def _dropped_sentence(draft: Draft, index: int) -> list[Slot] | None:
    """Leave a sentence out of the candidate; never the first or last, which look like a cut text."""
    if index in (0, len(draft.sentences) - 1):
        return None
    sentence = draft.sentences[index]
    return [Slot(sentence, "", Change("dropped_sentence", None, (0, len(sentence))))]


class Kind(NamedTuple):
    """A corruption kind: the finding category and least severity expected for it, and how to apply it."""

    category: str
    severity: str
    apply: Corruption


KINDS: dict[str, Kind] = {
    "name": Kind("name", "critical", _sentence_kind("name", corrupt_name)),
    "number": Kind("number", "critical", _sentence_kind("number", corrupt_number)),
    "negation": Kind("negation", "critical", _sentence_kind("negation", corrupt_negation)),
    "fragment": Kind("garble", "major", _sentence_kind("fragment", corrupt_fragment)),
    # Glued words may be reported as major or minor garble: "minor" is the least accepted.
    "merged": Kind("garble", "minor", _sentence_kind("merged", corrupt_merged)),
    "truncation": Kind("omission", "major", _truncation),
    "dropped_clause": Kind("omission", "major", _sentence_kind("dropped_clause", corrupt_dropped_clause)),
    "inserted_modifier": Kind("meaning", "major", _sentence_kind("inserted_modifier", corrupt_inserted_modifier)),
    "synonym": Kind("wording", "minor", _sentence_kind("synonym", corrupt_synonym)),
    "split": Kind("split", "none", _sentence_kind("split", corrupt_split)),
    "merge": Kind("merge", "none", _merge),
    "inserted_sentence": Kind("addition", "major", _inserted_sentence),
    "dropped_sentence": Kind("omission", "major", _dropped_sentence),
}


def _paragraph_of(count: int, rng: random.Random) -> list[int]:
    """Paragraph number of each of `count` sentences, paragraphs holding 1-3 sentences."""
    numbers: list[int] = []
    paragraph = 0
    while len(numbers) < count:
        numbers.extend([paragraph] * rng.randint(1, 3))
        paragraph += 1
    return numbers[:count]


def _corrupt(draft: Draft) -> None:
    """Give each host the least-used kind that applies to it, so one pair mixes many kinds."""
    used: Counter[str] = Counter()
    for index in sorted(draft.hosts):
        if index in draft.slots:
            continue
        for kind in sorted(KINDS, key=lambda k: (used[k], draft.rng.random())):
            slots = KINDS[kind].apply(draft, index)
            if slots is not None:
                draft.slots[index] = slots
                used[kind] += 1
                break
    for index, sentence in enumerate(draft.sentences):
        draft.slots.setdefault(index, [Slot(sentence, sentence)])


# --------------------------------------------------------------------------------------------
# Assembling the texts
# --------------------------------------------------------------------------------------------


class _Writer:
    """Builds a text of paragraphs ("\\n\\n") of pieces (" ") and reports where each piece starts."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._paragraph_started = False

    def new_paragraph(self) -> None:
        self._paragraph_started = False

    def add(self, piece: str) -> int:
        """Append a non-empty piece and return its start offset."""
        separator = " " if self._paragraph_started else ("\n\n" if self._length else "")
        self._parts.append(separator + piece)
        self._length += len(separator)
        start = self._length
        self._length += len(piece)
        self._paragraph_started = True
        return start

    def text(self) -> str:
        return "".join(self._parts)


def _shift(span: Span | None, base: int | None) -> Span | None:
    """A slot-local span moved to document offsets."""
    if span is None or base is None:
        return None
    return (span[0] + base, span[1] + base)


def _slice(text: str, span: Span | None) -> str | None:
    return text[span[0] : span[1]] if span else None


def _label(slot: Slot, change: Change, cand_base: int | None, ref_base: int | None) -> dict:
    """The JSON label of a slot's change: texts cut from the slot, spans moved to document offsets.

    _check then proves the document spans cut out the same texts.
    """
    kind = KINDS[change.kind]
    cand_span = _shift(change.candidate_span, cand_base)
    ref_span = _shift(change.reference_span, ref_base)
    return {
        "kind": change.kind,
        "category": kind.category,
        "severity": kind.severity,
        "candidate_span": list(cand_span) if cand_span else None,
        "reference_span": list(ref_span) if ref_span else None,
        "candidate_text": _slice(slot.candidate, change.candidate_span),
        "reference_text": _slice(slot.reference, change.reference_span),
    }


@dataclass(frozen=True)
class Texts:
    """Both finished texts with their labels, untouched sentences and unmatched candidate tail."""

    candidate: str
    reference: str
    labels: list[dict]
    untouched: list[list[int]]
    candidate_tail: list[int] | None
    # [cand_start, cand_end, ref_start, ref_end] of every slot with text on both sides, corrupted or not:
    # the candidate text written for that reference text, so the alignment's gold bead.
    slots: list[list[int]]


def assemble(paragraphs: list[list[Slot]], tail: list[list[str]]) -> Texts:
    """Write both texts slot by slot, then place labels and untouched sentences at document offsets."""
    cand, ref = _Writer(), _Writer()
    placed: list[tuple[Slot, int | None, int | None]] = []
    for slots in paragraphs:
        cand.new_paragraph()
        ref.new_paragraph()
        for slot in slots:
            cand_base = cand.add(slot.candidate) if slot.candidate else None
            ref_base = ref.add(slot.reference) if slot.reference else None
            placed.append((slot, cand_base, ref_base))
    tail_starts: list[int] = []
    for sentences in tail:
        cand.new_paragraph()
        tail_starts.extend(cand.add(sentence) for sentence in sentences)
    candidate, reference = cand.text(), ref.text()
    labels = [_label(s, s.change, c, r) for s, c, r in placed if s.change]
    both = [(s, [c, c + len(s.candidate), r, r + len(s.reference)]) for s, c, r in placed if c is not None and r is not None]
    slots = [span for _, span in both]
    untouched = [span for s, span in both if s.change is None]
    candidate_tail = [tail_starts[0], len(candidate)] if tail_starts else None
    return Texts(candidate, reference, labels, untouched, candidate_tail, slots)


def _check(texts: Texts) -> None:
    """Every span must slice to its recorded text, every untouched sentence be identical on both sides."""
    for label in texts.labels:
        for side, text in (("candidate", texts.candidate), ("reference", texts.reference)):
            span = label[f"{side}_span"]
            assert _slice(text, span) == label[f"{side}_text"], label
            assert span is None or span[0] < span[1], label
    for c0, c1, r0, r1 in texts.untouched:
        assert texts.candidate[c0:c1] == texts.reference[r0:r1], (c0, c1, r0, r1)


# --------------------------------------------------------------------------------------------
# Pairs
# --------------------------------------------------------------------------------------------

SIZES = ("default", "article")
TAIL_FACTOR = 2  # "article": the candidate runs on for twice the reference's sentence count


def _paragraphs(draft: Draft) -> list[list[Slot]]:
    """The corrupted draft's slots grouped by reference paragraph."""
    paragraphs: list[list[Slot]] = [[] for _ in range(draft.paragraph_of[-1] + 1)]
    for index, paragraph in enumerate(draft.paragraph_of):
        paragraphs[paragraph].extend(draft.slots[index])
    return paragraphs


def _tail(draft: Draft, count: int) -> list[list[str]]:
    """Paragraphs of `count` unused sentences that run the candidate on past the reference's end."""
    if len(draft.spare) < count:
        raise ValueError(f"not enough unused sentences for an article tail of {count}")
    sentences = [draft.spare.pop() for _ in range(count)]
    numbers = _paragraph_of(count, draft.rng)
    return [[s for s, n in zip(sentences, numbers) if n == paragraph] for paragraph in range(numbers[-1] + 1)]


def make_pair(index: int, seed: int, sentences: int = 20, size: str = "default") -> dict:
    """Pair number `index` (1-based) of the run seeded `seed`, as a JSON-ready record."""
    rng = random.Random(f"{seed}:{index}")
    pool = source_pool()
    chosen = rng.sample(range(len(pool)), sentences)
    spare = [pool[i] for i in sorted(set(range(len(pool))) - set(chosen))]
    rng.shuffle(spare)
    draft = Draft(
        sentences=[pool[i] for i in chosen],
        paragraph_of=_paragraph_of(sentences, rng),
        hosts=set(rng.sample(range(sentences), round(sentences * rng.uniform(0.30, 0.40)))),
        spare=spare,
        rng=rng,
        slots={},
    )
    _corrupt(draft)
    tail = _tail(draft, TAIL_FACTOR * sentences) if size == "article" else []
    texts = assemble(_paragraphs(draft), tail)
    _check(texts)
    record = {
        "id": f"gen-{index:05d}",
        "candidate": texts.candidate,
        "reference": texts.reference,
        "labels": texts.labels,
        "untouched": texts.untouched,
        "slots": texts.slots,
    }
    if texts.candidate_tail is not None:
        record["candidate_tail"] = texts.candidate_tail
    return record


def options_problem(sentences: int, size: str) -> str | None:
    """Why the pool cannot supply pairs of this shape, or None when it can."""
    if size not in SIZES:
        return f"size must be one of {SIZES}"
    # An article also needs its tail and up to 40% of `sentences` inserted unrelated sentences.
    per_sentence = 1 + TAIL_FACTOR + 0.4 if size == "article" else 1
    most = int(len(source_pool()) / per_sentence)
    if not 3 <= sentences <= most:
        return f"--sentences must be between 3 and {most} for size {size!r}"
    return None


def generate(pairs: int, seed: int, sentences: int = 20, size: str = "default") -> Iterator[dict]:
    """Pairs gen-00001 .. gen-{pairs}; pair k is the same whatever `pairs` is."""
    problem = options_problem(sentences, size)
    if problem:
        raise ValueError(problem)
    for index in range(1, pairs + 1):
        yield make_pair(index, seed, sentences, size)


def write_files(records: Iterable[dict], folder: Path) -> Path:
    """Write each pair as two text files plus a CSV manifest for `audit batch`; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["id,candidate,reference"]
    for record in records:
        for side in ("candidate", "reference"):
            (folder / f"{record['id']}.{side}.txt").write_text(record[side], encoding="utf-8")
        rows.append(f"{record['id']},{record['id']}.candidate.txt,{record['id']}.reference.txt")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100, help="number of pairs (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--sentences", type=int, default=20, help="reference sentences per pair (default 20)")
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="default",
        help="'article': the candidate runs on for twice as many unrelated sentences after the reference's end",
    )
    parser.add_argument("--out", default="-", help="output JSONL file (default: standard output)")
    parser.add_argument("--files", type=Path, help="instead: write each pair as text files and a manifest.csv into this folder")
    args = parser.parse_args(argv)
    problem = options_problem(args.sentences, args.size)
    if problem:
        parser.error(problem)
    records = generate(args.pairs, args.seed, args.sentences, args.size)
    if args.files:
        write_files(records, args.files)
        return 0
    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if args.out == "-":
        sys.stdout.writelines(lines)
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
