"""Long texts are encoded whole: windows of at most the model's piece limit cover every piece, and their
vectors are pooled by piece count (a stub tokenizer and encoder, no model)."""

import numpy as np

from auditor.pipeline.windows import cache_tag, encode_windowed, windows


def word_offsets(text):
    """A stub tokenizer: one piece per whitespace-separated word."""
    out, start = [], None
    for k, ch in enumerate(text + " "):
        if ch.isspace() and start is not None:
            out.append((start, k))
            start = None
        elif not ch.isspace() and start is None:
            start = k
    return out


def test_windows_cover_every_piece_in_order_and_none_is_over_the_limit():
    text = " ".join(f"w{k}" for k in range(25))
    parts = windows(text, word_offsets, limit=10)
    assert [pieces for _, pieces in parts] == [10, 10, 5]
    assert " ".join(window for window, _ in parts).split() == text.split()
    assert parts[-1][0] == "w20 w21 w22 w23 w24"


def test_a_text_that_fits_is_one_window_unchanged():
    assert windows("short text", word_offsets, limit=10) == [("short text", 10)]
    text = "a b c d e f g h i j k l"  # 23 characters, 12 pieces, limit 20
    assert windows(text, word_offsets, limit=20) == [(text, 12)]


def test_pooled_vector_weighs_windows_by_pieces_and_sees_the_end():
    text = " ".join(["x"] * 10 + ["y"] * 5)  # windows: 10 x's, then 5 y's
    basis = {"x": np.array([1.0, 0.0]), "y": np.array([0.0, 1.0])}
    encode = lambda parts: np.array([basis[p.split()[0]] for p in parts])
    (vector,) = encode_windowed([text], word_offsets, 10, encode)
    assert np.allclose(vector, np.array([10.0, 5.0]) / np.hypot(10, 5))
    assert vector[1] > 0  # the words past the limit count: truncation would give [1, 0]


def test_long_texts_have_their_own_cache_key():
    assert cache_tag("short", 126) == ""
    assert cache_tag("x" * 127, 126) == "windows-v1"
