"""Bad, huge and hostile input through the real `audit` CLI: a clear answer, never a traceback.

Every case calls the console entry point (`auditor.cli.main`) in this process (the `cli` fixture),
so that the session's one loaded model serves them all. Only the unreadable file runs in a fresh
process, when the tests run as root: a process of its own is what can be stripped of root's right
to read anything.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AUDIT, subprocess_env

from auditor.errors import AuditError
from auditor.io.files import write_atomic

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CLEAN = (SEEDS / "001_25b45a1f2acf4c89.txt").read_text(encoding="utf-8")
GERMAN = (
    "Die Gefangenen in der Strafkolonie in St. Petersburg erwarteten einen Besuch von Beamten und dachten, "
    "es würde eine Art Inspektion sein. Stattdessen kamen Männer in Uniform und boten ihnen eine Amnestie an, "
    "wenn sie sich bereit erklärten, an der Seite der russischen Armee in der Ukraine zu kämpfen.\n"
    "In den folgenden Tagen verließ etwa ein Dutzend das Gefängnis, so eine Frau, deren Freund dort eine Strafe "
    "verbüßt. Sie sagte, ihr Freund sei nicht unter den Freiwilligen gewesen.\n"
)


def error_line(run) -> str:
    """The one line an input error prints; anything more (a traceback) fails the test."""
    assert run.returncode == 2, run
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("audit: error: ")
    return lines[0].removeprefix("audit: error: ")


# Each case: file name, its bytes (None: create nothing; "dir": a folder), extra options, the error after the path.
REFUSALS = [
    ("missing.txt", None, [], "no such file"),
    ("folder", "dir", [], "is a directory, not a text file"),
    ("empty.txt", b"", [], "empty document (no text to audit)"),
    ("blank.txt", " \n\t\r\n\u00a0\u200b\u3000\n".encode(), [], "empty document (no text to audit)"),
    ("markup.html", b"<html><head><title>T</title></head><body><div><br></div></body></html>", [], "empty document (no text to audit)"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)), [], "not text (contains NUL bytes"),
    ("noise.bin", bytes(b or 1 for b in random.Random(1).randbytes(5000)), [], "not text (no text encoding fits these bytes"),
    ("utf16.txt", CLEAN.encode("utf-16-le"), [], "not text (contains NUL bytes: binary data, or UTF-16/UTF-32 without a byte-order mark"),
    ("damaged.txt", CLEAN.encode().replace(b"Tabalov", b"Tab\x93alov"), [], "not valid UTF-8 (byte 0x93 at offset 1302), though the rest reads as UTF-8"),
    ("clean.txt", CLEAN.encode(), ["--encoding", "ascii"], "not valid ascii (byte 0xe2 at offset 246)"),
    ("clean.txt", CLEAN.encode(), ["--encoding", "no-such-codec"], "unknown text encoding 'no-such-codec'"),
    ("clean.txt", CLEAN.encode(), ["--max-chars", "1000"], "too long: 2,000 characters, over the limit of 1,000 (raise it with --max-chars)"),
    ("clean.txt", CLEAN.encode(), ["--max-sentences", "10"], "too many sentences: 17, over the limit of 10 (raise it with --max-sentences)"),
]


@pytest.mark.parametrize("name, content, options, message", REFUSALS, ids=[f"{r[0]}{' '.join(r[2])}" for r in REFUSALS])
def test_bad_input_is_one_line_naming_the_file_and_exit_2(cli, tmp_path, name, content, options, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    run = cli("compare", str(path), str(SEEDS / "001_25b45a1f2acf4c89.txt"), *options)
    assert error_line(run).startswith(f"{path}: {message}")


def test_a_20_mb_file_is_refused_unread_with_the_limit_named(cli, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.write(("The prisoners were waiting for officials. " * 100 + "\n").encode() * 5000)
    size = big.stat().st_size
    assert size > 20_000_000
    line = error_line(cli("compare", str(big), "001"))
    assert line == f"{big}: too large: {size:,} bytes, more than the limit of 1,000,000 characters (raise it with --max-chars)"


def test_an_unreadable_file_is_refused(cli, tmp_path):
    doc = tmp_path / "secret.txt"
    doc.write_text("The prisoners waited.")
    doc.chmod(0)
    if os.geteuid() != 0:
        run = cli("compare", str(doc), "001")
    else:  # root reads anything: a fresh process without the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
        run = subprocess.run([*prefix, *AUDIT, "compare", str(doc), "001"], cwd=ROOT, capture_output=True, text=True, env=subprocess_env())
    assert error_line(run) == f"{doc}: cannot read (Permission denied)"


def test_documents_in_different_languages_are_refused_with_both_named(cli, tmp_path):
    german, english = tmp_path / "de.txt", tmp_path / "en.txt"
    german.write_text(GERMAN, encoding="utf-8")
    english.write_text(CLEAN, encoding="utf-8")
    assert error_line(cli("compare", str(german), str(english))) == (
        f"{german} is in language 'de' but {english} is in 'en': audit compares two texts in the same language"
    )


def test_one_sentence_documents_get_a_verdict(cli, tmp_path):
    doc = tmp_path / "one.txt"
    doc.write_text("The prisoners at the penal colony were expecting a visit by officials.")
    run = cli("compare", str(doc), str(doc))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "candidate: one.txt (1 sentences) · reference: one.txt (1 sentences)"
    assert run.stdout.splitlines()[-1] == "verdict: PASS · checked candidate 100%, reference 100%"


def expect_clean_text(side: dict, text: str) -> None:
    """Offsets index the decoded, normalised text: each sentence is that text's slice."""
    assert side["sentences"]
    for sentence in side["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]


def test_utf16_crlf_and_cp1252_lone_cr_decode_to_the_same_text(cli, tmp_path):
    cand, ref = tmp_path / "cand.txt", tmp_path / "ref.txt"
    cand.write_bytes(CLEAN.replace("\n", "\r\n").encode("utf-16"))  # with its byte-order mark
    ref.write_bytes(CLEAN.replace("\n", "\r").encode("cp1252"))  # curly quotes are bytes 0x93/0x94 here
    assert b"\x93" in ref.read_bytes()
    run = cli("compare", str(cand), str(ref), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert run.stderr == "audit: note: ref.txt: not UTF-8: decoded as cp1252 (detected; force another with --encoding)\n"
    data = json.loads(run.stdout)
    assert (data["candidate"]["encoding"], data["reference"]["encoding"]) == ("utf-16", "cp1252")
    assert data["candidate"]["sentences"] == data["reference"]["sentences"]
    expect_clean_text(data["candidate"], CLEAN)
    assert data["findings"] == [] and data["summary"]["verdict"] == "pass"


def test_encoding_option_reads_utf16_without_a_byte_order_mark(cli, tmp_path):
    doc = tmp_path / "le.txt"
    doc.write_bytes(CLEAN.encode("utf-16-le"))
    run = cli("compare", str(doc), str(doc), "--encoding", "utf-16-le", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["candidate"]["encoding"] == "utf-16-le"
    expect_clean_text(data["candidate"], CLEAN)


def test_invisible_characters_odd_spaces_and_html_cause_no_findings(cli, tmp_path):
    words = CLEAN.split(" ")
    # a zero-width space inside every third long word, a soft hyphen in every fifth, NBSP and tab as spaces
    disguised = " ".join(
        w[:2] + "\u200b" + w[2:] if len(w) > 5 and k % 3 == 0 else (w[:3] + "\u00ad" + w[3:] if len(w) > 6 and k % 5 == 0 else w)
        for k, w in enumerate(words)
    ).replace(" the ", "\u00a0the\u00a0").replace(" of ", "\tof ")
    page = "<!DOCTYPE html>\n<html><head><title>News</title><script>track()</script></head>\n<body>\n" + "".join(
        f"  <p>\n    {line.replace('&', '&amp;')}\n  </p>\n" for line in CLEAN.splitlines()
    ) + "</body></html>\n"
    cand, ref = tmp_path / "cand.txt", tmp_path / "page.html"
    cand.write_text(disguised, encoding="utf-8")
    ref.write_text(page, encoding="utf-8")
    run = cli("compare", str(cand), str(ref), "--format", "json")
    assert run.returncode == 0, run.stderr
    notes = run.stderr.splitlines()
    assert notes[0].startswith("audit: note: cand.txt: ") and notes[0].endswith(" invisible characters (zero-width spaces, joiners, soft hyphens) removed")
    assert notes[1].startswith("audit: note: page.html: looks like HTML (") and len(notes) == 2
    data = json.loads(run.stdout)
    visible = [[" ".join(s["text"].split()) for s in data[side]["sentences"]] for side in ("candidate", "reference")]
    assert visible[0] == visible[1] and len(visible[0]) == 17
    assert data["findings"] == [] and data["summary"]["verdict"] == "pass"


def test_a_document_against_itself_passes_with_no_findings(cli):
    run = cli("compare", "001", "001", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["findings"] == []
    assert [(b["candidate"], b["reference"]) for b in data["alignment"]] == [([i], [i]) for i in range(17)]
    assert data["summary"]["verdict"] == "pass"


def test_a_garbled_document_against_itself_keeps_only_its_reference_free_finding(cli):
    run = cli("compare", "000", "000", "--format", "json")
    assert run.returncode == 0, run.stderr  # a document against itself scores high: the one finding does not fail the default gate
    findings = json.loads(run.stdout)["findings"]
    # one spelling each, both in the "reference": the shorter one, a letter dropped, is the suspect
    assert [(f["category"], f["candidate_text"]) for f in findings] == [("name", "Garmazapova")]
    assert "is also spelled 'Garmazhapova' in this document: one of them is wrong" in findings[0]["message"]


def test_swapped_documents_align_the_same_sentences(cli, seed_pair):
    run = cli("compare", "001", "000", "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    swapped = {(tuple(b["reference"]), tuple(b["candidate"])) for b in data["alignment"] if b["candidate"] and b["reference"]}
    forward = {(b.candidate, b.reference) for b in seed_pair.alignment.beads if b.aligned}
    assert len(swapped & forward) >= len(forward) - 2  # the same pairs, give or take a fragment's attachment
    assert data["summary"]["counterparts"] and data["summary"]["verdict"] == "fail"


def test_a_200000_character_line_without_punctuation_is_split_and_audited(cli, tmp_path):
    rng = random.Random(7)
    vocabulary = sorted(set(CLEAN.replace(".", " ").replace(",", " ").split()))
    words = []
    while sum(map(len, words)) + len(words) < 200_000:
        words.append(rng.choice(vocabulary))
    line = tmp_path / "line.txt"
    line.write_text(" ".join(words))
    run = cli("compare", str(line), "001", "--format", "json")
    assert run.returncode == 3, run.stderr  # a word salad is no counterpart of the article
    assert run.stderr.startswith("audit: note: line.txt: 1 sentence over 1,000 characters split at word boundaries into ")
    sentences = json.loads(run.stdout)["candidate"]["sentences"]
    assert len(sentences) >= 200 and all(len(s["text"]) <= 1000 for s in sentences)
    assert " ".join(s["text"] for s in sentences).split() == words


def test_an_interrupted_write_leaves_the_target_untouched_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "result.json"
    target.write_text("previous result\n")

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(AuditError, match=r"result.json: cannot write \(No space left on device\)"):
        write_atomic(target, "x" * 100_000)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "x" * 100_000)
    assert target.read_text() == "previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_a_run_killed_mid_write_leaves_the_old_output_whole(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("previous result\n")
    code = (
        "import os, signal, auditor.io.files as f\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # die after writing, before the rename\n"
        f"f.write_atomic({str(target)!r}, 'x' * 1_000_000)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
    assert out.returncode == -signal.SIGKILL
    assert target.read_text() == "previous result\n"


def test_an_unwritable_output_is_one_line_and_exit_2(cli, tmp_path):
    out = tmp_path / "no" / "such" / "folder" / "result.json"
    run = cli("compare", "001", "001", "--output", str(out))
    assert error_line(run) == f"{out}: cannot write (No such file or directory)"
