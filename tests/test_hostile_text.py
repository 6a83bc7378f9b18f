"""Untrusted text in every output channel: document text, file names and manifest ids never reach
a terminal, a CI log or a JSON reader raw (issue 17, problems 3, 5, 6 and 8; and the property
tests over file names, ids and configuration values)."""

from __future__ import annotations

import io
import json
import math
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from auditor.config import ConfigError, load_config
from auditor.render.formats import FORMATS, render
from auditor.render.report import render_markdown
from auditor.render.safe_text import visible
from auditor.run.record import Pair, Record, to_line
from auditor.run.summary import Progress

SEEDS = ROOT / "seeds"
# A raw control, C1, bidi, invisible or tag character, or a lone surrogate: none may leave the tool.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\U000e0000-\U000e007f\ud800-\udfff]")
ESCAPES = "\u202eevil\u202c \U000e0041 \x1b[31mred\x1b[0m \x1b[2J\x1b[H \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x1b]0;owned\x07 \x9b31m"
HOSTILE_NAME = "x\n::error title=owned::y\x1b[2J.txt"


def strict(text: str):
    def refuse(name):
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def hostile(auditor, tmp_path_factory):
    """A seed pair whose candidate file has a hostile name and escape sequences inside sentences."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (SEEDS / "000_88841e910d11a9d7.txt").read_text(encoding="utf-8")
    text = text.replace("Petersburg", f"Petersburg {ESCAPES}", 1).replace("Ukraine", "Ukraine \x1b[1A\x1b[2K", 1)
    candidate = folder / HOSTILE_NAME
    candidate.write_text(text, encoding="utf-8")
    return auditor.compare_files(str(candidate), str(SEEDS / "001_25b45a1f2acf4c89.txt"))


def test_no_output_format_carries_a_raw_control_character_from_the_input(hostile):
    """Problem 6: github messages carried raw ESC, BEL, C1 and bidi characters; the table's first
    line could start a workflow command. Every format, the Markdown report included, is grepped."""
    assert any("\x1b" in f.candidate_text for f in hostile.findings)  # the hostile text is in the findings
    outputs = {name: render(hostile, name) for name in FORMATS}
    outputs["report"] = render_markdown(hostile, "map.png")
    for name, text in outputs.items():
        assert not RAW.search(text), (name, RAW.search(text))
        assert not any(line.startswith("::") for line in text.splitlines() if name != "github"), name
        text.encode("utf-8")
    for name in ("json", "jsonl", "sarif"):
        strict(outputs[name])  # NaN or Infinity would raise
    assert strict(outputs["json"])["candidate"]["path"].endswith(HOSTILE_NAME)  # JSON keeps the value, escaped
    for line in outputs["github"].splitlines():  # one command per line, none started by the document
        assert re.fullmatch(r"::(error|warning|notice) [^:]*::.*", line), line


def test_github_messages_show_escape_sequences_as_text(hostile):
    github = render(hostile, "github")
    assert "\\u001b[31mred\\u001b[0m" in github and "\\u202eevil" in github and "\\U000e0041" in github
    assert "file=" + str(Path(hostile.candidate.path).parent).replace(":", "%3A") + "/x%0A%3A%3Aerror title=owned%3A%3Ay\\u001b[2J.txt" in github


def test_progress_lines_escape_ids_and_messages():
    """Problem 6: manifest ids with ESC reached the progress lines on stderr; a name with a line
    break started a line with `::error`."""
    stream = io.StringIO()
    progress = Progress(1, 0, False, stream)
    progress.update(Record.failed(Pair(HOSTILE_NAME, "a", "b"), f"{HOSTILE_NAME}: no such file").to_dict())
    (line,) = stream.getvalue().splitlines()
    assert line == "audit: [1/1] x ::error title=owned::y\\u001b[2J.txt: error (x ::error title=owned::y\\u001b[2J.txt: no such file)"


def test_unicode_tag_characters_are_made_visible():
    """Problem 8: U+E0000-E007F (invisible, they can smuggle instructions) were shown raw."""
    from auditor.io.escape import dumps

    assert visible("a\U000e0041\U000e007fb") == "a\\U000e0041\\U000e007fb"
    assert dumps("a\U000e0041") == '"a\\udb40\\udc41"' and json.loads(dumps("a\U000e0041")) == "a\U000e0041"


def test_names_that_are_not_utf8_are_shown_byte_by_byte():
    from auditor.io.escape import shown

    assert shown(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt" and shown("lone \ud800") == "lone \\ud800"
    assert shown("plain ü name") == "plain ü name"


# --- properties: any id, any file name, any configuration number ---------------------------------

any_text = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates and controls included


@given(any_text)
def test_any_manifest_id_gives_a_strict_utf8_record_and_one_escaped_progress_line(raw_id):
    from auditor.io.escape import shown

    pair_id = shown(raw_id)  # as read_manifest makes it
    line = to_line(Record.failed(Pair(pair_id, raw_id, None), f"{raw_id}: no such file").to_dict())
    assert not RAW.search(line) and "\n" not in line
    record = strict(line.encode("utf-8").decode("utf-8"))
    assert record["id"] == pair_id  # what --resume matches is what was written
    stream = io.StringIO()
    Progress(1, 0, False, stream).update(record)
    assert stream.getvalue().count("\n") == 1 and not RAW.search(stream.getvalue())


names = st.binary(min_size=1, max_size=30).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")).map(os.fsdecode)


@given(names)
def test_any_file_name_gives_valid_utf8_in_every_format(seed_pair, name):
    result = replace(seed_pair, candidate=replace(seed_pair.candidate, path=f"/docs/{name}"))
    for output_format in FORMATS:
        text = render(result, output_format)
        text.encode("utf-8")
        assert not RAW.search(text), output_format
        if output_format in ("json", "jsonl", "sarif"):
            strict(text)
    render_markdown(result).encode("utf-8")


def _toml(value: float) -> str:
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)


@given(st.sampled_from([("max-penalty", 0.0, math.inf), ("min-coverage", 0.0, 1.0), ("read-timeout", 0.0, math.inf)]),
       st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, 1.0, -0.0, 1e-9]))
def test_any_configuration_number_is_taken_exactly_when_finite_and_in_range(tmp_path_factory, key_range, value):
    key, low, high = key_range
    config = tmp_path_factory.mktemp("config") / "audit.toml"
    config.write_text(f"{key} = {_toml(value)}\n")
    wanted = math.isfinite(value) and low <= value <= high and (key != "read-timeout" or value > 0)
    try:
        taken = getattr(load_config(config), key.replace("-", "_"))
    except ConfigError as exc:
        assert not wanted and str(exc).startswith(f"{config}: {key} must be a finite number"), exc
    else:
        assert wanted and taken == value
