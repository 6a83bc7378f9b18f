"""Pipeline gating through the real CLI (its entry point, in this process): exit codes, thresholds, configuration, glossary and baselines."""

import json
import shutil
from pathlib import Path

import pytest

from auditor import Auditor
from auditor.detect import SeverityPolicy
from auditor.detect.glossary import GlossaryEntry
from auditor.io.load import Document
from auditor.verdict.score import ScoreOptions, _verdict, exit_code, summarise

MIN_SCORE = SeverityPolicy.default().min_score  # the shipped policy's fitted minimum (tests/test_policy.py pins it)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CANDIDATE, REFERENCE = sorted(SEEDS.glob("000_*"))[0], sorted(SEEDS.glob("001_*"))[0]


def rescore(result, **options):
    """The seed pair's summary under other gate options (no model call); the coverage gate off unless asked."""
    options = {"min_coverage": None, **options}
    return summarise(result.alignment, result.candidate_sentences, result.reference_sentences, result.findings, ScoreOptions(**options))


# --- exit codes and thresholds -------------------------------------------------------------------


def test_identical_documents_pass_with_exit_0(cli, tmp_path):
    text = "Early in the war, President Volodymyr Zelenskyy promised amnesty to 300 prisoners.\n\nIt was not enough.\n"
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text)
    out = cli("compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    summary = json.loads(out.stdout)["summary"]
    assert summary["verdict"] == "pass"
    assert summary["gate"] == {"passed": True, "reasons": [], "fail_on": "never", "max_penalty": None, "min_coverage": 0.5, "min_score": MIN_SCORE}


def test_penalty_and_coverage_thresholds_fail_the_gate(cli):
    out = cli("compare", "000", "001", "--format", "json", "--fail-on", "never", "--max-penalty", "30", "--min-coverage", "0.5", "--min-score", "0")
    assert out.returncode == 1, out.stderr
    assert out.stderr == ""  # machine format: stdout is the JSON alone, and nothing else was said
    summary = json.loads(out.stdout)["summary"]
    assert summary["penalty"] > 30 and summary["coverage"]["candidate"] < 0.5 <= summary["coverage"]["reference"]
    assert summary["verdict"] == "fail"
    assert summary["gate"]["reasons"] == [
        f"penalty {summary['penalty']:.1f} above the maximum 30",
        f"candidate coverage {summary['coverage']['candidate']:.0%} below the minimum 50%",
    ]


def test_a_mostly_unchecked_document_fails_the_gate_by_default(cli):
    """Fail closed: 21% of seed 000 aligns, so even with no finding gating the default coverage gate fails."""
    out = cli("compare", "000", "001", "--format", "json", "--fail-on", "never", "--min-score", "0")
    assert out.returncode == 1, out.stderr
    summary = json.loads(out.stdout)["summary"]
    assert summary["gate"]["reasons"] == [f"candidate coverage {summary['coverage']['candidate']:.0%} below the minimum 50%"]
    unchecked = cli("compare", "000", "001", "--format", "json", "--fail-on", "never", "--min-coverage", "0", "--min-score", "0")
    assert unchecked.returncode == 0, unchecked.stderr
    assert json.loads(unchecked.stdout)["summary"]["verdict"] == "incomplete"


def test_gate_thresholds_at_their_boundaries(seed_pair):
    s = seed_pair.summary
    assert rescore(seed_pair, fail_on="never", max_penalty=s.penalty).verdict == "incomplete"  # at the maximum: passes
    assert rescore(seed_pair, fail_on="never", max_penalty=s.penalty - 0.01).verdict == "fail"
    cand = s.coverage["candidate"]
    assert rescore(seed_pair, fail_on="never", min_coverage=cand).passed
    assert not rescore(seed_pair, fail_on="never", min_coverage=cand + 0.01).passed
    critical = rescore(seed_pair, fail_on="critical")
    assert critical.reasons == (f"{s.counts_by_severity['critical']} critical findings (fail-on critical)",)
    minor = rescore(seed_pair, fail_on="minor")
    assert minor.reasons == (", ".join(f"{n} {sev}" for sev, n in s.counts_by_severity.items()) + " findings (fail-on minor)",)
    assert (exit_code(critical), exit_code(critical, exit_zero=True), exit_code(rescore(seed_pair, fail_on="never"))) == (1, 0, 0)


def test_fail_on_never_says_the_gate_is_off_and_what_was_found(seed_pair):
    """--fail-on never judges no finding, so the verdict never claims "no finding at or above the threshold"."""
    counts = seed_pair.summary.counts_by_severity
    assert counts["critical"] > 0
    listed = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n)
    never = rescore(seed_pair, fail_on="never")
    assert never.verdict == "incomplete"
    assert never.reason.startswith(f"the gate is off (fail-on never): {listed} findings reported, but ")
    everything_aligned = {"candidate": 0, "reference": 0}
    verdict, reason = _verdict(True, 1.0, 1.0, everything_aligned, [], ScoreOptions(fail_on="never"), {"critical": 1, "major": 0, "minor": 0})
    assert (verdict, reason) == ("pass", "every sentence of both documents aligned; the gate is off (fail-on never): 1 critical finding reported")
    assert _verdict(True, 1.0, 1.0, everything_aligned, [], ScoreOptions(fail_on="never"), {})[1].endswith("no findings reported")
    assert "no finding at or above" in _verdict(True, 1.0, 1.0, everything_aligned, [], ScoreOptions(fail_on="major"), {"minor": 2})[1]


@pytest.mark.parametrize("option", [["--fail-on", "huge"], ["--min-coverage", "1.5"], ["--max-penalty", "-1"]])
def test_bad_option_values_exit_2(cli, option):
    out = cli("compare", "000", "001", *option)
    assert out.returncode == 2
    assert option[0] in out.stderr and "Traceback" not in out.stderr


# --- configuration -------------------------------------------------------------------------------

PROJECT = """\
[project]
name = "articles"

[tool.audit]
fail-on = "never"
max-penalty = 200
min-coverage = 0
min-score = 0
corpus = "corpus"
accepted-wording = [["amnesty", "pardon"]]

[[tool.audit.glossary]]
term = "Conscript's School"
required = ["Conscript's School"]
forbidden = ["conscription school"]
"""


@pytest.fixture
def project(tmp_path):
    """A folder with a pyproject.toml holding [tool.audit], its own corpus, and a folder two levels down."""
    (tmp_path / "corpus").mkdir()
    for seed in (CANDIDATE, REFERENCE):
        shutil.copy(seed, tmp_path / "corpus" / seed.name)
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    return tmp_path


def test_config_is_found_upward_and_sets_thresholds_corpus_wording_and_glossary(cli, project):
    out = cli("compare", "000", "001", "--format", "json", cwd=project / "docs" / "deep")
    assert out.returncode == 0, out.stderr  # fail-on never, penalty under 200
    data = json.loads(out.stdout)
    assert data["candidate"]["path"] == str(project / "corpus" / CANDIDATE.name)
    summary = data["summary"]
    assert summary["verdict"] == "incomplete"
    assert summary["gate"] == {"passed": True, "reasons": [], "fail_on": "never", "max_penalty": 200.0, "min_coverage": 0.0, "min_score": 0.0}
    assert summary["suppressed"] == {"accepted_wording": 1, "baseline": 0}
    assert not [f for f in data["findings"] if "pardon" in f["candidate_text"]]
    (term,) = [f for f in data["findings"] if f["category"] == "terminology"]
    assert (term["candidate_text"], term["reference_text"], term["severity"]) == ("conscription school", "Conscript’s School", "major")


def test_command_line_beats_config_file_beats_defaults(cli, project):
    (project / "strict.toml").write_text('fail-on = "never"\nmax-penalty = 30\ncorpus = "corpus"\n')
    out = cli("compare", "000", "001", "-f", "json", "--config", str(project / "strict.toml"), "--fail-on", "critical", cwd=project / "docs")
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    summary = data["summary"]
    assert summary["gate"]["fail_on"] == "critical"  # the command line over the file
    assert summary["gate"]["max_penalty"] == 30.0  # the file over the default
    assert summary["gate"]["min_coverage"] == 0.5  # the default: neither sets it
    assert summary["gate"]["reasons"] == [
        f"{summary['counts_by_severity']['critical']} critical findings (fail-on critical)",
        f"penalty {summary['penalty']:.1f} above the maximum 30",
        f"score {summary['score']:.1f} below the minimum {MIN_SCORE:g}",
        f"candidate coverage {summary['coverage']['candidate']:.0%} below the minimum 50%",
    ]
    # --config names the one file: the pyproject.toml above is not read.
    assert summary["suppressed"]["accepted_wording"] == 0
    assert [f["candidate_text"] for f in data["findings"] if f["category"] == "wording" and f["reference_text"] == "amnesty"] == ["a pardon"]
    assert not [f for f in data["findings"] if f["category"] == "terminology"]


@pytest.mark.parametrize(
    "content, message",
    [
        ('fail-on = "huge"\n', "fail-on must be one of critical, major, minor, never (got 'huge')"),
        ('fail_on = "major"\n', "unknown key 'fail_on' in the top level (known: fail-on, max-penalty, min-coverage, min-score, policy, read-timeout, model, encoder, corpus, accepted-wording, glossary)"),
        ("min-coverage = 2\n", "min-coverage must be a finite number between 0 and 1 (got 2)"),
        ('accepted-wording = ["amnesty"]\n', 'accepted-wording must be a list of pairs of words, e.g. [["amnesty", "pardon"]]'),
        ('[[glossary]]\nrequired = ["x"]\n', "glossary entry 1 needs a term (the reference's wording)"),
        ('[[glossary]]\nterm = "x"\nseverity = "fatal"\nforbidden = ["y"]\n', "severity of glossary entry 1 must be one of critical, major, minor (got 'fatal')"),
        ("fail-on = \n", "invalid TOML (Invalid value (at line 1, column 11))"),
    ],
)
def test_bad_config_is_one_line_naming_the_file_and_exit_2(cli, tmp_path, content, message):
    (tmp_path / "audit.toml").write_text(content)
    out = cli("compare", "000", "001", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [f"audit: error: {tmp_path / 'audit.toml'}: {message}"]


def test_missing_config_file_exits_2(cli):
    out = cli("compare", "000", "001", "--config", "nope.toml")
    assert (out.returncode, out.stderr) == (2, "audit: error: nope.toml: no such configuration file\n")


def test_model_in_config_is_a_folder_relative_to_the_file(cli, tmp_path):
    (tmp_path / "audit.toml").write_text('model = "models/mini"\n')
    out = cli("compare", str(CANDIDATE), str(REFERENCE), cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith(f"audit: error: {tmp_path / 'models' / 'mini'}: model not found")


# --- glossary --------------------------------------------------------------------------------------


def test_a_term_not_rendered_as_required_is_one_terminology_finding(auditor):
    glossary = (GlossaryEntry("amnesty", required=("amnesty",), severity="critical"),)
    ref = "Early in the war, Ukrainian President Volodymyr Zelenskyy promised amnesty to prisoners who volunteered to fight."
    cand = "Early in the war, Ukrainian President Volodymyr Zelenskyy promised a pardon to prisoners who volunteered to fight."
    result = Auditor(glossary=glossary, score_options=ScoreOptions(fail_on="critical")).compare_documents(Document(cand), Document(ref))
    (finding,) = result.findings  # the glossary explains the change: no second `wording` finding
    assert (finding.category, finding.severity, finding.candidate_text, finding.reference_text) == ("terminology", "critical", "a pardon", "amnesty")
    assert result.summary.verdict == "fail"


def test_a_forbidden_rendering_is_found_in_unaligned_text_too(auditor):
    glossary = (GlossaryEntry("Conscript's School", forbidden=("conscription school",)),)
    ref = "Alexei Tabalov runs the Conscript’s School legal aid group."
    cand = "Alexei Tabalov runs the Conscript’s School legal aid group.\n\nHe once taught at a Conscription  School in Moscow."
    result = Auditor(glossary=glossary).compare_documents(Document(cand), Document(ref))
    (finding,) = [f for f in result.findings if f.category == "terminology"]
    assert (finding.candidate_text, finding.reference_span, finding.severity) == ("Conscription  School", None, "major")


# --- baselines -------------------------------------------------------------------------------------


def test_baseline_survives_unrelated_edits_and_still_reports_a_new_error(cli, tmp_path):
    baseline = tmp_path / "baseline.json"
    first = cli("compare", "000", "001", "--write-baseline", str(baseline), "-f", "json", "--min-coverage", "0", "--min-score", "0")
    assert first.returncode == 0, first.stderr  # everything found is now known (and the coverage and score gates are off)
    written = json.loads(baseline.read_text())["findings"]
    report = json.loads(first.stdout)
    assert report["findings"] == [] and report["summary"]["suppressed"]["baseline"] == len(written) > 50
    assert first.stderr == f"audit: wrote {len(written)} findings to baseline {baseline}\n"

    text = CANDIDATE.read_text(encoding="utf-8")
    unrelated = "This is not the first time authorities have used such tactics."
    assert text.count(unrelated) == 1
    text = text.replace(unrelated, "Nor is this the first time that the authorities have resorted to tactics of this kind.")
    text = text.replace("Russian soldiers have refused to fight", "Russian soldiers have not refused to fight")  # a new error
    edited = tmp_path / "edited.txt"
    edited.write_text(text, encoding="utf-8")

    out = cli("compare", str(edited), "001", "--baseline", str(baseline), "-f", "json", "--fail-on", "critical", "--min-coverage", "0", "--min-score", "0")
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["summary"]["suppressed"] == {"accepted_wording": 0, "baseline": len(written)}
    assert out.stderr == f"audit: baseline {baseline}: {len(written)} findings suppressed\n"
    (new,) = data["findings"]
    assert (new["category"], new["severity"]) == ("negation", "critical")
    assert "not refused" in new["candidate_text"]


def test_a_file_that_is_not_a_baseline_exits_2(cli, tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": []}')
    out = cli("compare", "000", "001", "--baseline", str(bad))
    assert out.returncode == 2
    assert out.stderr == f"audit: error: {bad}: not a baseline file (baseline_version 1 expected)\n"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"fail_on": "high"}, "fail_on must be one of critical, major, minor, never, not 'high'"),
        ({"max_penalty": float("nan")}, "max_penalty must be a finite number of at least 0, not nan"),
        ({"min_coverage": 1.5}, "min_coverage must be a share between 0 and 1, not 1.5"),
    ],
)
def test_the_api_refuses_a_gate_it_cannot_mean(options, message):
    """`auditor.compare(fail_on="high")` used to fail deep inside with SEVERITIES.index; now the
    options say what is wrong before any work."""
    from auditor.verdict.score import ScoreOptions

    with pytest.raises(ValueError) as caught:
        ScoreOptions(**options)
    assert str(caught.value) == message


def test_compare_refuses_an_unknown_fail_on_before_loading_the_model(monkeypatch):
    import auditor
    from auditor.api import Auditor

    monkeypatch.setattr(Auditor, "embedder", lambda self: pytest.fail("the model was loaded"))
    with pytest.raises(ValueError, match="fail_on must be one of"):
        auditor.compare("A text.", "A text.", fail_on="high")
