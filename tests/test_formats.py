"""Machine formats through the real CLI: JSON Lines, GitHub Actions annotations and SARIF 2.1.0."""

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest

from auditor.detect import SeverityPolicy
from auditor.render.formats import escape_data, escape_property

MIN_SCORE = SeverityPolicy.default().min_score  # the shipped policy's fitted minimum (tests/test_policy.py pins it)

# The OASIS SARIF 2.1.0 schema (errata 01), vendored: see tests/data/README.md.
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ANNOTATION = re.compile(r"::(error|warning|notice) ((?:\w+=[^,:]*)(?:,\w+=[^,:]*)*)::(.*)")


def validate_sarif(log: dict) -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)


def offset(text: str, line: int, column: int) -> int:
    """Back from a 1-based (line, column) to a string index."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line - 1] + column - 1


def unescape(value: str) -> str:
    """What the Actions runner reads back (ActionCommand unescaping: %25 last)."""
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def test_sarif_validates_against_the_2_1_0_schema_and_locates_every_finding(cli, seed_pair, tmp_path):
    out_file = tmp_path / "audit.sarif"
    out = cli("compare", "000", "001", "--format", "sarif", "--output", str(out_file), "--exit-zero", "--fail-on", "major")
    assert out.returncode == 0, out.stderr  # the gate failed, --exit-zero reports it without failing
    assert (out.stdout, out.stderr) == ("", "")
    log = json.loads(out_file.read_text(encoding="utf-8"))
    validate_sarif(log)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate_sarif(broken)

    (run,) = log["runs"]
    assert run["properties"]["summary"]["verdict"] == "fail"
    results = run["results"]
    assert [r["partialFingerprints"]["auditorFinding/v1"] for r in results] == [f.fingerprint for f in seed_pair.findings]
    assert [r["level"] for r in results] == ["warning" if f.severity == "minor" else "error" for f in seed_pair.findings]
    texts = {0: seed_pair.candidate.text, 1: seed_pair.reference.text}
    for result in results:
        for location in [*result["locations"], *result.get("relatedLocations", [])]:
            physical = location["physicalLocation"]
            where, text = physical["region"], texts[physical["artifactLocation"]["index"]]
            start, end = offset(text, where["startLine"], where["startColumn"]), offset(text, where["endLine"], where["endColumn"])
            assert text[start:end] == where["snippet"]["text"]
    (tabarov,) = [r for r in results if r["ruleId"] == "name" and "'Tabarov'" in r["message"]["text"]]
    # one misspelling, one result, a location for each of its six places
    assert [loc["physicalLocation"]["region"]["snippet"]["text"] for loc in tabarov["locations"]] == ["Tabarov"] * 6
    assert tabarov["relatedLocations"][0]["physicalLocation"]["region"]["snippet"]["text"] == "Tabalov"


def test_not_counterparts_keep_exit_3_under_exit_zero_and_report_no_results(cli):
    out = cli("compare", "000", "003", "--format", "sarif", "--exit-zero")
    assert out.returncode == 3, out.stderr
    log = json.loads(out.stdout)
    validate_sarif(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["properties"]["summary"]["verdict"] == "not_counterparts"


def test_jsonl_is_the_json_document_on_one_line(cli, seed_pair):
    out = cli("compare", "000", "001", "--format", "jsonl", "--fail-on", "never", "--min-coverage", "0", "--min-score", "0")
    assert out.returncode == 0, out.stderr  # fail-on never, no coverage or score gate: report only
    assert out.stdout.count("\n") == 1 and out.stdout.endswith("}\n")
    record = json.loads(out.stdout)
    expected = seed_pair.to_dict()
    assert record["alignment"] == expected["alignment"]
    assert [f["fingerprint"] for f in record["findings"]] == [f["fingerprint"] for f in expected["findings"]]
    assert (record["summary"]["verdict"], record["summary"]["gate"]["fail_on"]) == ("incomplete", "never")


def test_github_annotations_cannot_be_hijacked_by_file_names_or_text(cli, tmp_path):
    reference = tmp_path / "ref.txt"
    reference.write_text("The ministry confirmed the report on Monday.\n\nAbout 150 men had completed their contracts.\n")
    candidate = tmp_path / "x\r\n::warning::y,%0A.txt"
    candidate.write_text("The ministry confirmed the x%0A::error::pwned,x=1 report on Monday.\n\nAbout 160 men had completed their contracts.\n")
    out = cli("compare", str(candidate), str(reference), "--format", "github")
    assert out.returncode == 1, out.stderr
    assert out.stderr == ""
    lines = out.stdout.splitlines()
    parsed = [ANNOTATION.fullmatch(line) for line in lines]
    assert all(parsed), lines  # every line is one well-formed command: no raw CR, LF, ',' or ':' got into a property
    *findings, verdict = parsed
    assert verdict.group(1, 2) == ("error", "title=audit verdict")
    files = {unescape(dict(p.split("=", 1) for p in m.group(2).split(","))["file"]) for m in findings}
    assert files == {str(candidate)}
    messages = [unescape(m.group(3)) for m in findings]
    assert "'x%0A::error::pwned,x' has no counterpart in the reference: content was added." in messages  # the figure 1 is a finding of its own
    assert "Number '150' became '160': a wrong figure falsifies the fact." in messages
    assert "%250A::error::pwned" in out.stdout  # the literal %0A stays text, never a line break


def test_escaping_follows_the_actions_toolkit():
    assert escape_data("100% done\r\n::x") == "100%25 done%0D%0A::x"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_every_format_carries_the_signature(seed_pair):
    from auditor.render.formats import render

    signature = seed_pair.signature
    line = str(signature)
    assert line == f"auditor:{signature.version}|model:all-MiniLM-L6-v2|seg:punkt-2.2.1|align:default|gate:fail_on=never,min_score={MIN_SCORE}|det:{signature.detectors_hash}|policy:mqm-zhen-1"
    tool = json.loads(render(seed_pair, "json"))["tool"]
    assert (tool["name"], tool["model"], tool["segmenter"]) == ("auditor", "all-MiniLM-L6-v2", "punkt-2.2.1")
    assert tool["signature"] == signature.to_dict() and tool["signature"]["line"] == line
    assert tool["signature"]["gate"]["fail_on"] == "never" and tool["signature"]["gate"]["min_score"] == MIN_SCORE and tool["signature"]["align"]["null_z"] == 3.0
    assert json.loads(render(seed_pair, "jsonl"))["tool"] == tool
    driver = json.loads(render(seed_pair, "sarif"))["runs"][0]["tool"]["driver"]
    assert driver["version"] == signature.version and driver["properties"]["signature"] == signature.to_dict()
    verdict = render(seed_pair, "github").splitlines()[-1]
    assert ANNOTATION.fullmatch(verdict) and verdict.endswith(f" [{line}]")
    assert " ".join(render(seed_pair, "table").splitlines()[-4:-2]) == f"signature: {line}"  # on its own line when long; then why, then the verdict
    for output_format in ("json", "jsonl", "github", "sarif", "table"):
        assert render(seed_pair, output_format) == render(seed_pair, output_format)  # byte-identical on rerun


def test_the_signature_changes_with_every_option(auditor):
    from dataclasses import replace

    from auditor.io.load import Document
    from auditor.pipeline.align import AlignOptions
    from auditor.signature import Signature
    from auditor.verdict.score import ScoreOptions

    candidate = Document.from_text("The ministry confirmed the report on Monday.\n\nAbout 160 men had completed their contracts.\n")
    reference = Document.from_text("The ministry confirmed the report on Monday.\n\nAbout 150 men had completed their contracts.\n")
    default = auditor.compare_documents(candidate, reference).signature
    major = replace(auditor, score_options=ScoreOptions(fail_on="major", min_score=MIN_SCORE)).compare_documents(candidate, reference).signature
    assert default != major and major.gate["fail_on"] == "major"
    assert str(major) == str(default).replace(f"gate:fail_on=never,min_score={MIN_SCORE}", f"gate:fail_on=major,min_score={MIN_SCORE}")
    base = dict(model="m", segmenter="s", align_options=AlignOptions(), score_options=ScoreOptions(), detectors={})
    assert Signature.create(**base) == Signature.create(**base) and str(Signature.create(**base)).endswith("|align:default|gate:fail_on=never|det:44136fa3|policy:none")
    variants = [
        {"align_options": AlignOptions(null_z=2.5)},
        {"score_options": ScoreOptions(max_penalty=5.0)},
        {"detectors": {"numbers": {"tolerance": 0.01}}},
        {"model": "other"},
        {"segmenter": "other"},
        {"policy": {"name": "newsroom", "version": 1, "hash": "abc"}},
    ]
    lines = {str(Signature.create(**{**base, **change})) for change in variants}
    assert len(lines) == len(variants) and str(Signature.create(**base)) not in lines
    assert "|align:null_z=2.5|" in str(Signature.create(**{**base, "align_options": AlignOptions(null_z=2.5)}))
    assert "|gate:fail_on=never,max_penalty=5.0|" in str(Signature.create(**{**base, "score_options": ScoreOptions(max_penalty=5.0)}))
    hashes = {Signature.create(**{**base, "detectors": d}).detectors_hash for d in ({}, {"a": {"x": 1}}, {"a": {"x": 2}})}
    assert len(hashes) == 3
    assert Signature.create(**{**base, "detectors": {"b": {"y": 1}, "a": {"x": (1, 2)}}}).to_dict()["detectors"] == {"a": {"x": [1, 2]}, "b": {"y": 1}}
