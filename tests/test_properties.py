"""Properties that hold for any input, checked with hypothesis over random Unicode text.

The loader and segmenter properties are cheap and also run as the fuzz target (`make fuzz`);
the whole-pipeline properties run the real model on a small fixed sample.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.io.load import Document, decode
from auditor.pipeline.segment import MAX_SENTENCE_CHARS, segment

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
VOCABULARY = sorted(set(re.findall(r"\w+", (SEEDS / "001_25b45a1f2acf4c89.txt").read_text(encoding="utf-8"))))
# What scraped text throws at a parser: line endings of every kind, odd and invisible spaces, markup, quotes.
HOSTILE = ["\r\n", "\r", "\n", "\n\n", "\t", "\u00a0", "\u200b", "\u00ad", "\ufeff", "\u2028", "\x0c", "\x00", "\x1b[0m",
           "<p>", "</p>", "<br>", "&amp;", "“", "”", "’", "—", "...", ". .", "?”", "St.", "U.S.", "no.", "1,000", "n't"]
CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "cp1251", "shift_jis"]

words = st.sampled_from(VOCABULARY)
fragments = st.one_of(words, words.map(str.capitalize), st.sampled_from(HOSTILE), st.text(max_size=6))
sentences = st.lists(st.one_of(words, words, fragments), min_size=1, max_size=14).map(" ".join).flatmap(
    lambda body: st.sampled_from(".?!:,;").map(lambda stop: body + stop) | st.just(body)
)
articles = st.lists(sentences, min_size=1, max_size=12).flatmap(
    lambda parts: st.lists(st.sampled_from([" ", " ", "\n", "\n\n", "  "]), min_size=len(parts), max_size=len(parts)).map(
        lambda gaps: "".join(part + gap for part, gap in zip(parts, gaps))
    )
)


@st.composite
def encoded(draw) -> bytes:
    """Bytes a file might hold: text in some codec, perhaps with a byte-order mark, perhaps damaged."""
    text = draw(st.one_of(articles, st.text(max_size=300)))
    codec = draw(st.sampled_from(CODECS))
    data = text.encode(codec, errors="replace")
    if draw(st.booleans()):
        data = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, b""])) + data
    for at, junk in draw(st.lists(st.tuples(st.integers(0, len(data)), st.binary(max_size=4)), max_size=3)):
        data = data[:at] + junk + data[at:]
    return data


def check_sentences(text: str, sents) -> None:
    """Sentences slice back, run in order without overlap, fit the length limit, and lose no text."""
    end = 0
    for k, s in enumerate(sents):
        assert s.index == k and end <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text and s.end - s.start <= MAX_SENTENCE_CHARS
        assert not text[end : s.start].strip(), "text between sentences was dropped"
        end = s.end
    assert not text[end:].strip()


@given(st.one_of(st.binary(max_size=2000), encoded()), st.sampled_from([None, None, None, "utf-8", "cp1252", "utf-16"]))
def test_loader_decodes_or_refuses_in_one_line(data, encoding):
    try:
        text, used, notes = decode(data, "fuzz.bin", encoding)
    except InputError as exc:
        assert str(exc).startswith("fuzz.bin: ") and "\n" not in str(exc)
        return
    assert "\x00" not in text and used
    document = Document.from_text(text, "fuzz.bin", used, notes)
    assert not re.search("[\r\u200b\u00ad\ufeff\u00a0\u2028]", document.text)
    check_sentences(document.text, segment(document.text))


@given(st.one_of(articles, st.text(max_size=3000)), st.integers(1, 1500))
def test_segmenter_covers_the_text_in_bounded_pieces(text, max_chars):
    text = Document.from_text(text).text
    sents = segment(text, max_chars=max_chars)
    check_sentences(text, sents)
    assert all(s.end - s.start <= max_chars for s in sents)


@st.composite
def document_pairs(draw) -> tuple[str, str]:
    """A reference article and a candidate made from it by a few random cuts and insertions."""
    reference = draw(articles)
    candidate = reference
    for at, cut, insert in draw(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 30), fragments), max_size=6)):
        at = min(at, len(candidate))
        candidate = candidate[:at] + insert + candidate[at + cut :]
    if draw(st.integers(0, 9)) == 0:
        candidate = draw(articles)  # now and then, no counterpart at all
    return candidate, reference


def _audit(auditor, candidate: str, reference: str, seen: Counter):
    try:
        result = auditor.compare_documents(Document.from_text(candidate), Document.from_text(reference))
    except InputError as exc:  # empty text, or two languages: a clear refusal, never a crash
        assert "\n" not in str(exc)
        event(f"refused: {str(exc).split(': ')[1]}")
        seen["refused"] += 1
        return None
    event(f"verdict: {result.summary.verdict}")
    seen[result.summary.verdict] += 1
    return result


def _audited_examples(auditor, max_examples: int, check_result) -> Counter:
    """Run `check_result(pair, result)` on every generated pair the auditor does not refuse; the
    outcomes seen, refusals included, so a test can show it did not pass vacuously."""
    seen = Counter()

    @settings(max_examples=max_examples)
    @given(document_pairs())
    def check(pair):
        result = _audit(auditor, *pair, seen)
        if result is not None:
            check_result(pair, result)

    check()
    return seen


def test_pipeline_properties_hold_for_any_text(auditor):
    def properties(pair, result):
        cand, ref = result.candidate.text, result.reference.text
        check_sentences(cand, result.candidate_sentences)
        check_sentences(ref, result.reference_sentences)
        for side, sents in (("candidate", result.candidate_sentences), ("reference", result.reference_sentences)):
            order = [i for bead in result.alignment.beads for i in getattr(bead, side)]
            assert order == list(range(len(sents))), "alignment is monotonic and covers every sentence exactly once"
        assert all(bead.candidate or bead.reference for bead in result.alignment.beads)
        for f in result.findings:
            assert f.candidate_text == (cand[f.candidate_span.start : f.candidate_span.end] if f.candidate_span else "")
            assert f.reference_text == (ref[f.reference_span.start : f.reference_span.end] if f.reference_span else "")
        assert result.summary.verdict in ("pass", "fail", "incomplete", "not_counterparts")

    seen = _audited_examples(auditor, 60, properties)
    # the properties were checked on audited pairs, not vacuously on refusals, and on more than one kind of outcome
    audited = sum(n for verdict, n in seen.items() if verdict != "refused")
    assert audited >= 2 * seen["refused"] and audited >= 30, seen
    assert len(set(seen) - {"refused"}) >= 2, seen


def test_same_input_gives_byte_identical_json(auditor):
    def identical_again(pair, first):
        again = auditor.compare_documents(Document.from_text(pair[0]), Document.from_text(pair[1]))
        assert first.to_json() == again.to_json()

    seen = _audited_examples(auditor, 20, identical_again)
    audited = sum(n for verdict, n in seen.items() if verdict != "refused")
    assert audited >= 10, seen  # not passed vacuously: most pairs were audited and compared
