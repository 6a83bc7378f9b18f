"""The terminal view as a person sees it: a real pseudo-terminal at 80 and 200 columns, and a pipe."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import termios

import pytest
from conftest import AUDIT, ROOT, run_audit, subprocess_env

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SEVERITY_LINE = re.compile(r"^ +(CRITICAL|MAJOR|MINOR) +\S+ · F\d+$")
ORDER = ["critical", "major", "minor"]


def run_in_terminal(columns: int, *args: str, no_color: bool = False) -> str:
    """`audit ARGS` with stdout on a pseudo-terminal `columns` wide (no COLUMNS: the width is the terminal's)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in subprocess_env().items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen([*AUDIT, *args], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=120)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory):
    out = run_audit("compare", "000", "001", "-f", "json", "--cache", str(tmp_path_factory.getbasetemp() / "cache"))
    return json.loads(out.stdout)


@pytest.fixture(scope="module", params=[80, 200])
def screen(request, tmp_path_factory):
    raw = run_in_terminal(request.param, "compare", "000", "001", "--cache", str(tmp_path_factory.getbasetemp() / "cache"))
    return request.param, raw


def test_no_line_is_wider_than_the_terminal(screen):
    columns, raw = screen
    lines = ANSI.sub("", raw).splitlines()
    assert max(len(line) for line in lines) <= columns
    assert max(len(line) for line in lines) > min(columns - 20, 150)  # the width was used, not a fixed one (120 piped)


def test_findings_come_most_severe_first(screen, seed_json):
    _, raw = screen
    severities = [m.group(1).lower() for line in ANSI.sub("", raw).splitlines() if (m := SEVERITY_LINE.match(line))]
    assert len(severities) == len(seed_json["findings"]) > 10
    worst = min(ORDER.index(f["severity"]) for f in seed_json["findings"])
    assert severities[0] == ORDER[worst] == "critical"
    assert severities == sorted(severities, key=ORDER.index)


def test_every_message_is_whole(screen, seed_json):
    """Each finding's "why" (wrapped over several lines) joins back into its whole message, never cut with "…"."""
    _, raw = screen
    lines = ANSI.sub("", raw).splitlines()
    shown = []
    for k, line in enumerate(lines):
        if line.strip().startswith("why "):
            block = [line.strip()[4:].strip()]
            for more in lines[k + 1:]:
                if more.strip().startswith(("cand ", "ref ")):
                    break
                block.append(more.strip())
            shown.append(" ".join(block))
    messages = {" ".join(f["message"].split()) for f in seed_json["findings"]}
    assert len(shown) == len(seed_json["findings"]) and set(shown) <= messages
    assert not any(text.endswith("…") for text in shown)


def test_the_verdict_is_last_and_states_the_checked_share(screen, seed_json):
    _, raw = screen
    last = ANSI.sub("", raw).rstrip("\n").splitlines()[-1]
    coverage = seed_json["summary"]["coverage"]
    assert last == f"verdict: FAIL · checked candidate {coverage['candidate']:.0%}, reference {coverage['reference']:.0%}"


def test_colour_on_a_terminal_none_when_piped_or_no_color(screen, tmp_path_factory):
    columns, raw = screen
    assert "\x1b[" in raw  # severities and the verdict in colour
    cache = str(tmp_path_factory.getbasetemp() / "cache")
    assert "\x1b" not in run_in_terminal(columns, "compare", "000", "001", "--cache", cache, no_color=True)
    piped = run_audit("compare", "000", "001", "--cache", cache)
    assert "\x1b" not in piped.stdout and piped.stdout.splitlines()[-1].startswith("verdict: FAIL · checked")


def test_unverified_text_is_summarised_and_verbose_lists_it(tmp_path_factory, seed_json):
    cache = str(tmp_path_factory.getbasetemp() / "cache")
    short = run_audit("compare", "000", "001", "--cache", cache).stdout
    unaligned = seed_json["summary"]["unaligned"]
    assert f"Unverified candidate text: {unaligned['candidate']} of 62 sentences have no counterpart (lines " in short
    assert "(--verbose lists them)" in short and "  line " not in short
    verbose = run_audit("compare", "000", "001", "--cache", cache, "--verbose").stdout
    listed = [line for line in verbose.splitlines() if line.startswith("  line ")]
    boilerplate = seed_json["summary"]["boilerplate"]["reference"]
    assert "Page boilerplate in the reference, not counted in coverage: 6 sentences (lines " in short
    assert len(listed) == unaligned["candidate"] + unaligned["reference"] + boilerplate > 0
    quiet = run_audit("compare", "000", "001", "--cache", cache, "-q").stdout
    assert "Unverified" not in quiet and quiet.splitlines()[-1].startswith("verdict: FAIL")
